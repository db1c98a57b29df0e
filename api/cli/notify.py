"""`pacer notify run`: send the notifications in the outbox (webhooks, DingTalk and WeCom
robots, e-mail), once or until stopped."""

from __future__ import annotations

import argparse
import asyncio
import signal

from api.cli.support import CliError, with_engine
from domain import db
from domain.notifications import dispatcher
from domain.settings import Settings


def _positive(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 10_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 10000, not {value!r}")
    return int(value)


def _worker(value: str) -> str:
    value = value.strip()
    if not value or len(value) > 80:
        raise argparse.ArgumentTypeError("give a name of 1 to 80 characters")
    return value


def cmd_notify(args: argparse.Namespace, settings: Settings) -> None:
    worker = args.worker or dispatcher.default_worker()

    async def work(engine):
        sessions = db.session_factory(engine)
        if args.once:
            counts = await dispatcher.run_once(sessions, settings, worker=worker, batch=args.batch)
            print(counts.summary(), flush=True)
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(
            f"Sending notifications as {worker} every {settings.notify_interval_seconds:g} s; "
            "Ctrl-C stops.",
            flush=True,
        )
        counts = await dispatcher.run_forever(
            sessions, settings, stop, worker=worker, batch=args.batch
        )
        print(f"Stopped. {counts.summary()}", flush=True)

    if args.action != "run":  # argparse's choices keep this out; a guard for callers
        raise CliError(f"unknown notify action {args.action!r}")
    asyncio.run(with_engine(settings, work))


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `notify` command to the CLI."""
    notify = commands.add_parser(
        "notify",
        help="send alert notifications (webhooks, DingTalk, WeCom, e-mail)",
        description="Send the deliveries that are due: claim a batch for a lease, send each, "
        "record the outcome; failures are retried with exponential backoff "
        "(PACER_NOTIFY_BACKOFF_SECONDS, doubling) and become dead letters after "
        "PACER_NOTIFY_MAX_ATTEMPTS. Several dispatchers may run at once. `pacer serve` runs "
        "one itself unless PACER_NOTIFY_LOOP=false.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer notify run --once\n"
        "  PACER_NOTIFY_LOOP=false pacer serve &  pacer notify run --worker notify-1",
    )
    notify.add_argument("action", choices=["run"], help="run the dispatcher")
    notify.add_argument(
        "--once", action="store_true", help="send what is due now, print a summary and exit"
    )
    notify.add_argument(
        "--batch",
        type=_positive,
        default=dispatcher.DEFAULT_BATCH,
        metavar="N",
        help=f"deliveries claimed at a time (default {dispatcher.DEFAULT_BATCH})",
    )
    notify.add_argument(
        "--worker",
        type=_worker,
        metavar="NAME",
        help="name recorded on claimed rows (default host:pid)",
    )
    notify.set_defaults(run=cmd_notify)
