"""The server's commands: `pacer serve`, `demo`, `db`, `token`, `targets` (the daily jobs) and
`schema`.

`pacer serve --workers N` (N > 1) on Linux starts N worker processes, each listening on its
own socket bound to the same port with SO_REUSEPORT, so the kernel spreads connections over
them: with one shared socket, the first worker awake accepted a whole burst (31 of 32
connections, tests/perf/bench_load.py). The parent supervises: SIGINT or SIGTERM stops every
worker (SIGTERM, `GRACE_SECONDS` to finish what they serve, then SIGKILL); a worker that
ends on its own is replaced, unless `RESTARTS_ALLOWED` have ended within `RESTART_WINDOW`
seconds (a worker that cannot start), when `pacer serve` stops them all and exits 1. Workers
end with the parent if it is killed. Where SO_REUSEPORT is missing (not Linux), uvicorn's own
multiprocess mode serves: one socket shared by all workers. With metrics on, the workers
write them to one directory (prometheus-client's multiprocess mode, api/core/metrics.py)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any

from sqlalchemy import select

from api.cli import routing as cli_routing
from api.cli.support import CliError, today_in, with_engine
from domain import db
from domain.settings import Settings

log = logging.getLogger("pacer.serve")
APP_FACTORY = "api.core.app:app_from_env"
GRACE_SECONDS = 30.0  # a stopping worker's time to finish its requests before SIGKILL
RESTARTS_ALLOWED = 5  # worker ends within RESTART_WINDOW before `pacer serve` gives up
RESTART_WINDOW = 60.0
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from api.core import logs
    from api.core.app import MigrationsBehind, create_app, prepare_database
    from api.core.connections import REUSE_PORT, server_options
    from coaching.scenario import ScenarioError, load_scenarios, scenarios_directory

    logs.configure(settings)

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
        with metrics_directory(settings.metrics):
            if REUSE_PORT:
                Supervisor(args.host, args.port, args.workers, connections).run()
            else:
                log.info("no SO_REUSEPORT here: the %d workers share one socket", args.workers)
                uvicorn.run(
                    APP_FACTORY,
                    factory=True,
                    host=args.host,
                    port=args.port,
                    workers=args.workers,
                    **connections,
                )
    else:
        app = create_app(settings, prepare=False)
        uvicorn.run(app, host=args.host, port=args.port, **connections)


@contextlib.contextmanager
def metrics_directory(enabled: bool) -> Iterator[str | None]:
    """prometheus-client's multiprocess directory for the workers' metrics: yours when
    PROMETHEUS_MULTIPROC_DIR is set (left as it is), else a new temporary one, removed at
    the end. Set before any worker starts, since the library reads it on import."""
    if not enabled or os.environ.get(MULTIPROCESS_VARIABLE):
        yield os.environ.get(MULTIPROCESS_VARIABLE)
        return
    directory = tempfile.mkdtemp(prefix="pacer-metrics-")
    os.environ[MULTIPROCESS_VARIABLE] = directory
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROCESS_VARIABLE, None)
        shutil.rmtree(directory, ignore_errors=True)


class Supervisor:
    """N uvicorn workers on one port, each with its own SO_REUSEPORT socket (see the
    module's docstring for what happens when one ends, or on SIGINT/SIGTERM)."""

    def __init__(self, host: str, port: int, count: int, options: dict[str, Any]) -> None:
        self.host, self.port, self.count, self.options = host, port, count, options
        self.workers: dict[int, SpawnProcess] = {}  # by slot, 0 … count-1
        self.ended: deque[float] = deque()  # when workers ended on their own, recently
        self.stopping = False
        self.spawn = multiprocessing.get_context("spawn")

    def run(self) -> None:
        from api.core.connections import check_port_free

        try:
            check_port_free(self.host, self.port)
        except OSError as exc:
            raise CliError(f"cannot listen on {self.host}:{self.port}: {exc.strerror}") from None
        handlers = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        failure = None
        try:
            for slot in range(self.count):
                self._start(slot)
            log.info(
                "%d workers, each with its own socket on port %d (SO_REUSEPORT)",
                self.count,
                self.port,
            )
            failure = self._watch()
        finally:
            self._stop_all()
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        if failure:
            raise CliError(failure)

    def _stop(self, signum: int, frame: object) -> None:
        self.stopping = True

    def _start(self, slot: int) -> None:
        process = self.spawn.Process(
            target=run_worker,
            args=(self.host, self.port, self.options, os.getpid()),
            name=f"pacer-worker-{slot}",
        )
        process.start()
        self.workers[slot] = process

    def _watch(self) -> str | None:
        """Until asked to stop: replaces each worker that ends, or gives up (the reason)."""
        while not self.stopping:
            by_sentinel = {process.sentinel: slot for slot, process in self.workers.items()}
            for sentinel in multiprocessing.connection.wait(list(by_sentinel), timeout=0.5):
                if self.stopping:
                    break
                slot = by_sentinel[sentinel]  # type: ignore[index]
                process = self.workers[slot]
                process.join()
                _forget(process.pid)
                now = time.monotonic()
                self.ended.append(now)
                while self.ended and self.ended[0] < now - RESTART_WINDOW:
                    self.ended.popleft()
                if len(self.ended) > RESTARTS_ALLOWED:
                    return (
                        f"{len(self.ended)} workers ended within {RESTART_WINDOW:.0f} s "
                        "(see the log above); stopping"
                    )
                log.warning(
                    "worker %d (pid %s) ended with exit code %s; starting another",
                    slot,
                    process.pid,
                    process.exitcode,
                )
                self._start(slot)
        return None

    def _stop_all(self) -> None:
        """SIGTERM to every worker, `GRACE_SECONDS` to finish, then SIGKILL."""
        processes = list(self.workers.values())
        for process in processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():
                log.warning("worker pid %s did not stop in time; killed", process.pid)
                process.kill()
                process.join()
            _forget(process.pid)


def _forget(pid: int | None) -> None:
    """Drops an ended worker's live gauges (its pid's series) from the metrics directory."""
    directory = os.environ.get(MULTIPROCESS_VARIABLE)
    if directory and pid is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, directory)


def run_worker(host: str, port: int, options: dict[str, Any], parent: int) -> None:
    """One worker process: its own SO_REUSEPORT socket, uvicorn serving the app on it."""
    import uvicorn

    from api.core.connections import bound_socket

    _end_with_parent(parent)
    sock = bound_socket(host, port, reuse_port=True)
    server = uvicorn.Server(uvicorn.Config(APP_FACTORY, factory=True, **options))
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches the terminal's whole group
        server.run(sockets=[sock])


def _end_with_parent(parent: int) -> None:
    """SIGTERM to this worker when `pacer serve` dies (Linux's PR_SET_PDEATHSIG), so a
    killed supervisor leaves no worker behind."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before that took effect
        sys.exit(0)


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
