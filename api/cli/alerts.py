"""`pacer alerts run`: evaluate every alert rule for a day (or each day of a range)."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING

from api.cli.support import CliError, business_day, today_in, with_engine
from domain import db
from domain.settings import Settings

if TYPE_CHECKING:
    from domain.alerts.runs import RunSummary


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `alerts` command to the CLI."""
    alerts = commands.add_parser(
        "alerts",
        help="evaluate the alert rules for a day (run daily, e.g. from cron)",
        description="Evaluate every alert rule with the data up to the end of the day: raise, "
        "escalate and resolve alert series, create their tasks and queue their notifications. "
        "Running twice for the same day changes nothing (the line then adds what all the "
        "day's runs did together). Days go forward: a day before the latest evaluated one "
        "is refused, so a range must start at that day or later.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer alerts run\n  pacer alerts run --as-of 2026-11-20\n"
        "  pacer alerts run --from 2026-11-01 --as-of 2026-11-20   (each day in order)",
    )
    alerts.add_argument("action", choices=["run"])
    alerts.add_argument("--as-of", type=business_day, help="the day (YYYY-MM-DD; default today)")
    alerts.add_argument(
        "--from", dest="start", type=business_day, help="first day of a range to replay"
    )
    alerts.set_defaults(run=cmd_alerts)


def cmd_alerts(args: argparse.Namespace, settings: Settings) -> None:
    from domain.alerts.evaluate import check_day, run_for_day
    from domain.health.actions import DASHBOARD_LOOPS

    today = today_in(settings)
    last = check_day(args.as_of, today)
    first = args.start or last
    if first > last:
        raise CliError("--from must not be after --as-of")

    async def work(engine):
        sessions = db.session_factory(engine)
        day = first
        while day <= last:
            async with sessions() as session:
                summary = await run_for_day(session, settings, day, DASHBOARD_LOOPS)
                await session.commit()
            print(f"{day}: {_line(summary)}", flush=True)
            day += timedelta(days=1)

    asyncio.run(with_engine(settings, work))


def _line(summary: RunSummary) -> str:
    """`1 raised, 0 escalated, …`, then what the loops did (if anything: `loop_tasks` opened,
    `loop_closed` second touches answered, `pairings`); a rerun adds what all the day's runs
    did together."""
    line = _counts(summary.as_dict())
    loops = {what: n for what, n in summary.loop_dict().items() if n}
    if loops:
        line += f"; loops: {_counts(loops)}"
    if summary.run > 1:
        line += f" (run {summary.run} of the day; all runs: {_counts(summary.day_total)})"
    return line


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())


async def seed_demo_loops(sessions, settings: Settings, today) -> str:
    """The demo's loops once the company is complete (capability scores included): today's
    loops run again, without re-evaluating the alerts — the dashboard's actions open, and
    the orange reps whom nobody could help before are paired. Returns the step's summary."""

    from sqlalchemy import func, select

    from domain.alerts.loops.run import loop_config, run_loops
    from domain.alerts.models import AlertTask, MentorPairing, TaskKind
    from domain.alerts.runs import RunSummary
    from domain.health.actions import DASHBOARD_LOOPS
    from domain.targets.progress import working_calendar

    config = loop_config(settings, DASHBOARD_LOOPS)
    if config is None:
        return "loops are off (PACER_ALERT_LOOPS=false)"
    async with sessions() as session:
        calendar = await working_calendar(session, settings.holiday_country)
        await run_loops(
            session,
            day=today,
            calendar=calendar,
            timezone=settings.timezone,
            config=config,
            summary=RunSummary(today),
        )
        await session.commit()
        tasks = dict(
            (
                await session.execute(
                    select(AlertTask.kind, func.count())
                    .where(AlertTask.alert_id.is_(None))
                    .group_by(AlertTask.kind)
                )
            ).all()
        )
        paired = await session.scalar(
            select(func.count()).where(MentorPairing.mentor_rep_id.is_not(None))
        )
        touches = await session.scalar(
            select(func.count()).where(
                AlertTask.kind == TaskKind.SECOND_TOUCH.value, AlertTask.completed_at.is_(None)
            )
        )
    actions = sum(
        tasks.get(k.value, 0)
        for k in (
            TaskKind.FOLLOW_UP_REVIEW,
            TaskKind.JOINT_DIAGNOSIS,
            TaskKind.MENTORING_AUDIT,
            TaskKind.SERVICE_UPGRADE,
        )
    )
    return (
        f"{actions} dashboard action(s), {touches} open second touch(es) "
        f"({tasks.get(TaskKind.SECOND_TOUCH.value, 0)} raised), {paired} senior pairing(s), "
        f"{tasks.get(TaskKind.CALIBRATION_DUE.value, 0)} calibration(s) due"
    )
