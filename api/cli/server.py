"""The server's commands: `pacer serve`, `demo`, `db`, `token`, `targets` (the daily jobs) and
`schema`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from api.cli import routing as cli_routing
from api.cli.support import CliError, today_in, with_engine
from domain import db
from domain.settings import Settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from api.core.app import MigrationsBehind, create_app, prepare_database
    from api.core.connections import server_options
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
            "api.core.app:app_from_env",
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
    from api.cli.demo import load_demo, write_tokens

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
    from api.core.schema import sdl

    text = sdl()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
