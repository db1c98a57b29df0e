"""`pacer`: serve, migrate, load the demo, import deals, manage tokens, print the schema.

Every error is one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from api import (
    cli_alerts,
    cli_capability,
    cli_notify,
    cli_practice,
    cli_routing,
    cli_scenarios,
    imports,
)
from api.cli_support import CliError, business_day, today_in, with_engine
from domain import db
from domain.errors import DomainError
from domain.settings import Settings, SettingsError, load_settings

# --- commands ---------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from api.app import MigrationsBehind, create_app, prepare_database
    from api.connections import server_options
    from coaching.scenario import ScenarioError, load_scenarios, scenarios_directory

    try:  # the app loads them strictly too; failing here names every problem before serving
        load_scenarios(scenarios_directory(settings), strict=True)
    except ScenarioError as exc:
        raise CliError(f"{exc}\nfix them (see `pacer scenarios check`) and start again") from None
    cli_routing.router_or_error(settings)  # the routing policy and intake schema, likewise

    async def prepare(engine):
        try:
            await prepare_database(settings, engine)
        except MigrationsBehind as exc:
            raise CliError(str(exc)) from None
        if args.demo:
            await _demo(engine, settings, args.seed, args.tokens_file)

    asyncio.run(with_engine(settings, prepare))
    print(f"Pacer on http://{args.host}:{args.port}/graphql", flush=True)
    connections = server_options(settings)
    if args.workers > 1:
        uvicorn.run(
            "api.app:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="info",
            **connections,
        )
    else:
        app = create_app(settings, prepare=False)
        uvicorn.run(app, host=args.host, port=args.port, **connections)


async def _demo(engine, settings: Settings, seed: int, tokens_file: Path | None) -> None:
    from api.demo import load_demo, write_tokens

    org, tokens = await load_demo(
        db.session_factory(engine), seed, today_in(settings), settings.timezone, settings
    )
    print("Demo company " + ("created." if org.created else "already there; tokens renewed."))
    print("Tokens (send as 'Authorization: Bearer <token>'):")
    for role, secret in tokens.items():
        print(f"  {role:<9} {org.logins[role]:<18} {secret}")
    if tokens_file:
        write_tokens(tokens_file, tokens)
        print(f"Tokens written to {tokens_file}")


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    async def work(engine):
        if settings.is_sqlite:
            await db.upgrade(engine)
        await _demo(engine, settings, args.seed, args.tokens_file)

    asyncio.run(with_engine(settings, work))


def cmd_db(args: argparse.Namespace, settings: Settings) -> None:
    async def work(engine):
        if args.action == "upgrade":
            await db.upgrade(engine)
            print(f"Database at migration {await db.current_revision(engine)} (head).")
        elif args.action == "current":
            current, head = await db.current_revision(engine), db.head_revision()
            state = "up to date" if current == head else f"behind (head is {head})"
            print(f"{current or 'empty'}: {state}")
        else:
            if not args.message:
                raise CliError("give the revision a message: pacer db revision -m 'add targets'")
            await db.upgrade(engine)
            await db.new_revision(engine, args.message)

    asyncio.run(with_engine(settings, work))


def cmd_token(args: argparse.Namespace, settings: Settings) -> None:
    from domain.kernel.actor import Actor, Role
    from domain.org import access
    from domain.org.models import ApiToken, User

    system = Actor(user_id=0, roles=frozenset({Role.ADMIN.value}))

    async def work(engine):
        async with db.session_factory(engine)() as session:
            if args.action == "create":
                user = await session.scalar(select(User).where(User.login == args.user))
                if user is None:
                    raise CliError(f"no user with login {args.user!r}")
                expires = None
                if args.expires_in_days is not None:
                    expires = datetime.now(UTC) + timedelta(days=args.expires_in_days)
                token, secret = await access.issue_token(
                    session, system, user_id=user.id, name=args.name, expires_at=expires
                )
                await session.commit()
                until = f", expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if expires else ""
                print(f"Token {token.id} for {user.login}{until} (shown once):")
                print(secret)
            else:
                if await session.get(ApiToken, args.id) is None:
                    raise CliError(f"no token with id {args.id}")
                await access.revoke_token(session, system, token_id=args.id)
                await session.commit()
                print(f"Token {args.id} revoked.")

    asyncio.run(with_engine(settings, work))


def cmd_targets(args: argparse.Namespace, settings: Settings) -> None:
    """The daily target jobs: lock approved targets whose period started, and record each
    running target's projection (the material of forecast accuracy)."""
    from domain.kernel.actor import Actor, Role
    from domain.targets import progress, service

    day = args.as_of or today_in(settings)
    system = Actor(user_id=0, roles=frozenset({Role.ADMIN.value}))

    async def work(engine):
        async with db.session_factory(engine)() as session:
            if args.action == "lock-due":
                count = await service.lock_started_periods(session, system, day)
                message = f"{count} target(s) locked as of {day}"
            else:
                calendar = await progress.working_calendar(session, settings.holiday_country)
                count = await progress.record_projections(session, day, calendar)
                message = f"{count} projection(s) recorded for {day}"
            await session.commit()
        print(message)

    asyncio.run(with_engine(settings, work))


def cmd_schema(args: argparse.Namespace, settings: Settings) -> None:
    from api.schema import sdl

    text = sdl()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


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
    serve.set_defaults(run=cmd_serve)

    demo = commands.add_parser(
        "demo",
        help="load the demo company and print a token per role",
        formatter_class=raw,
        epilog="example: pacer demo --seed 7 --tokens-file tokens.json",
    )
    _demo_options(demo)
    demo.set_defaults(run=cmd_demo)

    database = commands.add_parser(
        "db",
        help="database migrations",
        formatter_class=raw,
        epilog="example: PACER_DATABASE_URL=postgresql+asyncpg://pacer@db/pacer pacer db upgrade",
    )
    database.add_argument("action", choices=["upgrade", "current", "revision"])
    database.add_argument("-m", "--message", help="message of a new revision (developers)")
    database.set_defaults(run=cmd_db)

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
    token.set_defaults(run=cmd_token)

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
    targets.set_defaults(run=cmd_targets)
    cli_alerts.register(commands, raw)
    cli_notify.register(commands, raw)
    cli_scenarios.register(commands, raw)
    cli_practice.register(commands, raw)
    cli_capability.register(commands, raw)
    cli_routing.register(commands, raw)

    schema = commands.add_parser(
        "schema",
        help="print the GraphQL SDL",
        formatter_class=raw,
        epilog="example: pacer schema --output schema.graphql",
    )
    schema.add_argument("--output", help="write to this file instead of stdout")
    schema.set_defaults(run=cmd_schema)
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
