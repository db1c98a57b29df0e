"""`pacer`: serve, migrate, load the demo, import deals, manage tokens, print the schema.

Every error is one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from api.cli import alerts as cli_alerts
from api.cli import capability as cli_capability
from api.cli import forecast as cli_forecast
from api.cli import imports, server
from api.cli import notify as cli_notify
from api.cli import practice as cli_practice
from api.cli import reviews as cli_reviews
from api.cli import routing as cli_routing
from api.cli import scenarios as cli_scenarios
from api.cli.support import CliError, business_day
from domain.errors import DomainError
from domain.settings import SettingsError, load_settings

# --- parser -----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="pacer",
        description="Pacer, the sales-management backend. Settings come from PACER_* "
        "environment variables (see README).",
        epilog="example: pacer serve --demo",
        formatter_class=raw,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the GraphQL server",
        formatter_class=raw,
        epilog="example: pacer serve --demo --tokens-file tokens.json",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    _demo_options(serve, "load the demo company first")
    serve.set_defaults(run=server.cmd_serve)

    demo = commands.add_parser(
        "demo",
        help="load the demo company and print a token per role",
        formatter_class=raw,
        epilog="example: pacer demo --seed 7 --tokens-file tokens.json",
    )
    _demo_options(demo)
    demo.set_defaults(run=server.cmd_demo)

    database = commands.add_parser(
        "db",
        help="database migrations",
        formatter_class=raw,
        epilog="example: PACER_DATABASE_URL=postgresql+asyncpg://pacer@db/pacer pacer db upgrade",
    )
    database.add_argument("action", choices=["upgrade", "current", "revision"])
    database.add_argument("-m", "--message", help="message of a new revision (developers)")
    database.set_defaults(run=server.cmd_db)

    token = commands.add_parser(
        "token",
        help="create or revoke API tokens",
        formatter_class=raw,
        epilog="examples:\n  pacer token create --user admin --expires-in-days 30\n"
        "  pacer token revoke --id 12",
    )
    token.add_argument("action", choices=["create", "revoke"])
    token.add_argument("--user", help="login of the token's user (create)")
    token.add_argument("--name", default="cli", help="what the token is for (create)")
    token.add_argument("--expires-in-days", type=int, help="expiry (create; default never)")
    token.add_argument("--id", type=int, help="token id (revoke)")
    token.set_defaults(run=server.cmd_token)

    importing = commands.add_parser(
        "import",
        help="import closed deals, or market potentials, from a CSV file",
        description="Import closed deals from a CSV file (UTF-8 or GBK, header row). Columns: "
        "external_id, close_date (YYYY-MM-DD), amount (12345.67), rep (rep external id), "
        "customer, segment, product_line, high_margin, and optionally one_off. "
        "By default nothing is written when any row is bad. Potentials: owner_type (unit or "
        "rep), owner (unit code or rep external id), value (non-negative); all or nothing.",
        formatter_class=raw,
        epilog="examples:\n  pacer import deals deals-2024.csv\n"
        "  pacer import deals deals-2024.csv --skip-bad\n"
        "  pacer import potentials potentials-2027.csv",
    )
    importing.add_argument("kind", choices=["deals", "potentials"], help="what the file holds")
    importing.add_argument("file", type=Path, metavar="FILE", help="the CSV file")
    importing.add_argument(
        "--skip-bad", action="store_true", help="write the good rows and report the bad ones"
    )
    importing.set_defaults(run=imports.cmd_import)

    targets = commands.add_parser(
        "targets",
        help="daily target jobs: lock due targets, record projections",
        formatter_class=raw,
        epilog="examples (run both once a day, e.g. from cron):\n"
        "  pacer targets lock-due\n  pacer targets snapshot --as-of 2026-03-31",
    )
    targets.add_argument("action", choices=["lock-due", "snapshot"])
    targets.add_argument("--as-of", type=business_day, help="the day (YYYY-MM-DD; default today)")
    targets.set_defaults(run=server.cmd_targets)
    cli_alerts.register(commands, raw)
    cli_notify.register(commands, raw)
    cli_scenarios.register(commands, raw)
    cli_practice.register(commands, raw)
    cli_capability.register(commands, raw)
    cli_routing.register(commands, raw)
    cli_reviews.register(commands, raw)
    cli_forecast.register(commands, raw)

    schema = commands.add_parser(
        "schema",
        help="print the GraphQL SDL",
        formatter_class=raw,
        epilog="example: pacer schema --output schema.graphql",
    )
    schema.add_argument("--output", help="write to this file instead of stdout")
    schema.set_defaults(run=server.cmd_schema)
    return parser


def _demo_options(parser: argparse.ArgumentParser, flag_help: str | None = None) -> None:
    if flag_help:
        parser.add_argument("--demo", action="store_true", help=flag_help)
    parser.add_argument("--seed", type=int, default=7, help="demo random seed (default 7)")
    parser.add_argument("--tokens-file", type=Path, help="also write the demo tokens as JSON")


def _check(args: argparse.Namespace) -> None:
    if args.command == "token" and args.action == "create" and not args.user:
        raise CliError("token create needs --user LOGIN")
    if args.command == "token" and args.action == "revoke" and args.id is None:
        raise CliError("token revoke needs --id N")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        _check(args)
        args.run(args, load_settings())
    except (SettingsError, CliError) as exc:
        print(f"pacer: error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, SettingsError) else 1
    except DomainError as exc:
        print(f"pacer: error: {exc.message_en} / {exc.message_zh} ({exc.code})", file=sys.stderr)
        return 1
    except DBAPIError as exc:
        print(f"pacer: error: database: {str(exc.orig).splitlines()[0]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
