"""A month of data, evaluated day by day: the exact sequence of alerts raised, escalated and
resolved, each rule's tasks and the circuit breaker's diagnosis; reruns change nothing;
a series resolved by hand stays resolved while its condition continues; two evaluators at
once create each alert once."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import func, select

from domain.alerts.models import Alert, AlertEvent, AlertTask, HealthDiagnosis
from domain.notifications.models import OutboxEvent
from domain.org.models import Rep
from domain.pipeline.models import Account
from tests.support.alerts import EXPECTED, days, history, run_day


async def count(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_month_day_by_day(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 27)):
        await run_day(sessions, day)
    assert await history(sessions, world, month) == EXPECTED
    async with sessions() as session:
        tasks = sorted(
            (t.kind, t.due_on.isoformat()) for t in await session.scalars(select(AlertTask))
        )
        diagnoses = list(await session.scalars(select(HealthDiagnosis)))
        resolved = await session.scalar(
            select(Alert.resolution_reason).where(Alert.rule == "kpi_miss").order_by(Alert.id)
        )
        manager_of_sh = await session.scalar(
            select(Alert.assignee_user_id).where(Alert.rule == "pace")
        )
    # 1:1s for the orange KPI series and the stale key opportunity, due two working days on;
    # a review for the red week; a root-cause meeting per circuit breaker.
    assert tasks == [
        ("one_on_one", "2026-11-10"),
        ("one_on_one", "2026-11-12"),
        ("one_on_one", "2026-11-25"),
        ("review_meeting", "2026-11-20"),
        ("root_cause_meeting", "2026-11-18"),
        ("root_cause_meeting", "2026-11-18"),
    ]
    assert "met on 2026-11-09" in resolved
    assert manager_of_sh == world.users["manager"]
    assert {d.week_start for d in diagnoses} == {date(2026, 11, 9)}
    cd = next(d for d in diagnoses if d.unit_id == world.units["west.cd"])
    assert cd.findings["weeks"] == ["2026-11-02", "2026-11-09"]
    assert set(cd.findings) >= {"gap_reasons", "kpi_misses", "funnel", "stale_key_opportunities"}


async def test_running_a_day_again_changes_nothing(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 6)):
        await run_day(sessions, day)
    before = [await count(sessions, m) for m in (Alert, AlertEvent, AlertTask, OutboxEvent)]
    summary = await run_day(sessions, date(2026, 11, 6))
    assert summary.as_dict() == {
        "raised": 0,
        "escalated": 0,
        "resolved": 0,
        "tasks": 0,
        "diagnoses": 0,
    }
    assert [await count(sessions, m) for m in (Alert, AlertEvent, AlertTask, OutboxEvent)] == before


async def test_a_series_resolved_by_hand_stays_resolved_while_its_condition_continues(
    sessions, world, month
):
    from domain.alerts import service
    from domain.org.access import actor_for
    from domain.org.models import User

    for day in days(date(2026, 11, 2), date(2026, 11, 5)):
        await run_day(sessions, day)
    async with sessions() as session:
        alert = await session.scalar(select(Alert).where(Alert.rule == "kpi_miss"))
        manager = await actor_for(session, await session.get(User, world.users["manager"]))
        await service.resolve_alert(
            session, manager, alert_id=alert.id, reason="on leave", today=date(2026, 11, 5)
        )
        await session.commit()
    await run_day(sessions, date(2026, 11, 6))  # still missing: not raised again
    assert await count(sessions, Alert) == 1
    await run_day(sessions, date(2026, 11, 9))  # hit: the condition breaks
    for day in days(date(2026, 11, 10), date(2026, 11, 20)):
        await run_day(sessions, day)
    async with sessions() as session:
        kpi = list(await session.scalars(select(Alert).where(Alert.rule == "kpi_miss")))
    assert [(a.raised_on.isoformat(), a.status) for a in kpi] == [
        ("2026-11-05", "resolved"),
        ("2026-11-20", "open"),
    ]


async def test_two_evaluators_at_once_create_each_alert_once(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 5)):
        await run_day(sessions, day)
    await asyncio.gather(*(run_day(sessions, date(2026, 11, 6)) for _ in range(3)))
    assert await history(sessions, world, month) == EXPECTED[:2]
    async with sessions() as session:
        rep = await session.get(Rep, world.reps["r1"])
        assert rep is not None


async def test_alerts_and_tasks_write_outbox_rows(sessions, world, month):
    for day in days(date(2026, 11, 2), date(2026, 11, 6)):
        await run_day(sessions, day)
    async with sessions() as session:
        kinds = [
            e.kind for e in await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        ]
        payload = await session.scalar(
            select(OutboxEvent.payload).where(OutboxEvent.kind == "task.created")
        )
    assert kinds == ["alert.raised", "alert.escalated", "task.created"]
    assert payload["task"]["kind"] == "one_on_one"
    assert payload["alert"]["title"]["en"].startswith("Rep r1 missed KPIs 3 working days")


async def test_without_follow_ups_every_rep_misses_kpis(sessions, world):
    summary = await run_day(sessions, date(2026, 11, 20))
    assert summary.counts["raised"] == len(world.reps)
    async with sessions() as session:
        rules = set(await session.scalars(select(Alert.rule)))
    assert rules == {"kpi_miss"}


async def test_key_account_marked_later_is_watched(sessions, world, month):
    async with sessions() as session:
        await session.execute(Account.__table__.update().values(high_value=False))
        await session.commit()
    for day in days(date(2026, 11, 9), date(2026, 11, 11)):
        await run_day(sessions, day)
    async with sessions() as session:
        rules = set(await session.scalars(select(Alert.rule)))
    assert "stale_key" not in rules
