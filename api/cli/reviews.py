"""`pacer reviews snapshot`: freeze every unit's weekly review (cron, Monday morning)."""

from __future__ import annotations

import argparse
import asyncio

from api.cli.support import CliError, business_day, today_in, with_engine
from domain import db
from domain.settings import Settings


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `reviews` command to the CLI."""
    reviews = commands.add_parser(
        "reviews",
        help="freeze every unit's weekly review (run on Monday mornings, e.g. from cron)",
        description="Start the weekly review of every org unit for the week just ended (the "
        "last complete ISO week, in the company time zone), which freezes its snapshot: "
        "targets and pace, KPI misses, alerts, funnel, suggested key customers, and with them "
        "the 15-minute agenda. Units already reviewed for that week are left as they are, so "
        "running it again changes nothing.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer reviews snapshot\n"
        "  pacer reviews snapshot --week-start 2026-11-23 --user director\n"
        "cron (Monday 07:30 in the company time zone, e.g. Asia/Shanghai):\n"
        "  CRON_TZ=Asia/Shanghai\n  30 7 * * 1  pacer reviews snapshot",
    )
    reviews.add_argument("action", choices=["snapshot"])
    reviews.add_argument(
        "--week-start",
        type=business_day,
        help="the Monday of the week to freeze (YYYY-MM-DD; default the week just ended)",
    )
    reviews.add_argument(
        "--user", help="login the reviews are started as (default: the first active admin)"
    )
    reviews.set_defaults(run=cmd_reviews)


def cmd_reviews(args: argparse.Namespace, settings: Settings) -> None:
    from domain.org.access import actor_for
    from domain.reviews.scheduled import scheduler_user, snapshot_every_unit
    from domain.reviews.snapshot import ReviewSettings

    today = today_in(settings)

    async def work(engine):
        async with db.session_factory(engine)() as session:
            user = await scheduler_user(session, args.user)
            if user is None:
                raise CliError(
                    f"no active user {args.user!r}" if args.user else "no active admin user"
                )
            run = await snapshot_every_unit(
                session,
                await actor_for(session, user),
                today=today,
                settings=ReviewSettings.of(settings),
                week_start=args.week_start,
            )
            await session.commit()
        print(
            f"week of {run.week_start}: {len(run.frozen)} frozen"
            + (f" ({', '.join(run.frozen)})" if run.frozen else "")
            + f", {len(run.already)} already frozen",
            flush=True,
        )

    asyncio.run(with_engine(settings, work))
