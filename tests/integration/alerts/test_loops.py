"""The daily run's loops over tests/support/loops.py: each opens its task once with the
numbers behind it, reruns and later days of the same episode add nothing, the customer's
answer closes a second touch, and an orange KPI alert pairs the rep with a free senior."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from domain.alerts.models import AlertTask, MentorPairing, TaskKind
from domain.capability.models import CapabilityScore
from tests.support.alerts import CONFIG, run_day
from tests.support.loops import DAY, LOOPS, at, build_loops

HEALTH = {
    TaskKind.FOLLOW_UP_REVIEW.value,
    TaskKind.JOINT_DIAGNOSIS.value,
    TaskKind.SERVICE_UPGRADE.value,
    TaskKind.CALIBRATION_DUE.value,
}


@pytest.fixture
async def loops(sessions, world):
    return await build_loops(sessions, world)


async def loop_tasks(sessions) -> dict[tuple[str, int], AlertTask]:
    async with sessions() as session:
        rows = await session.scalars(select(AlertTask).where(AlertTask.alert_id.is_(None)))
        return {(t.kind, t.unit_id): t for t in rows}


async def all_loop_tasks(sessions) -> list[AlertTask]:
    async with sessions() as session:
        return list(await session.scalars(select(AlertTask).where(AlertTask.alert_id.is_(None))))


async def pairings(sessions) -> dict[int, MentorPairing]:
    async with sessions() as session:
        return {p.rep_id: p for p in await session.scalars(select(MentorPairing))}


async def test_each_loop_opens_its_task_once_with_its_numbers(sessions, world, loops):
    first = await run_day(sessions, DAY, LOOPS)
    tasks = await loop_tasks(sessions)
    sh, hz = world.units["east.sh"], world.units["east.hz"]
    assert {kind for kind, unit in tasks if unit == sh} == {*HEALTH, TaskKind.SECOND_TOUCH.value}
    # Hangzhou was calibrated on the 16th; its new reps' first deals took 10 and 70 days.
    assert {kind for kind, unit in tasks if unit == hz} == {TaskKind.MENTORING_AUDIT.value}
    assert first.loop_dict()["loop_tasks"] == len(tasks) == 6
    review = tasks[(TaskKind.FOLLOW_UP_REVIEW.value, sh)].details
    assert (review["follow_ups"], review["delivered_value"]) == (14, 3)
    assert review["effective_follow_up_rate"] == round(3 / 14, 4)
    assert [c["account"] for c in review["top_customers"]] == ["Big Co", "Small Co"]
    assert review["top_customers"][0]["follow_ups"][0]["id"] == loops.ids["proposal"]
    diagnosis = tasks[(TaskKind.JOINT_DIAGNOSIS.value, sh)].details
    assert diagnosis["lead_to_qualified_median_days"] == 8.0
    audit = tasks[(TaskKind.MENTORING_AUDIT.value, hz)].details
    assert (audit["first_deal_days"], audit["first_deal_stddev_days"]) == ([10, 70], 30.0)
    upgrade = tasks[(TaskKind.SERVICE_UPGRADE.value, sh)].details
    assert upgrade["inquiries_per_month"] == {"2026-09-01": 1.0, "2026-10-01": 1.0}
    [target] = tasks[(TaskKind.CALIBRATION_DUE.value, sh)].details["targets"]
    assert (target["target_id"], target["amount"]) == (loops.ids["sh_target"], 2_100_000)
    manager = world.users["manager"]
    assert all(
        t.assignee_user_id == manager
        for (kind, unit), t in tasks.items()
        if unit == sh and kind != TaskKind.SECOND_TOUCH.value
    )

    again = await run_day(sessions, DAY, LOOPS)
    assert not again.changed and again.loop_dict() == dict.fromkeys(again.loop_dict(), 0)
    # Monday: the same month and fortnight, the same proposal: only Friday's whitepaper,
    # 38 working hours old by then, opens its own suggestion.
    before = {t.subject_key for t in tasks.values()}
    await run_day(sessions, date(2026, 11, 23), LOOPS)
    after = {t.subject_key for t in await all_loop_tasks(sessions)}
    assert after - before == {f"second_touch:{loops.ids['paper']}"} and before <= after


async def test_second_touch_goes_to_the_owner_with_what_was_sent(sessions, world, loops):
    await run_day(sessions, DAY, LOOPS)
    task = (await loop_tasks(sessions))[(TaskKind.SECOND_TOUCH.value, world.units["east.sh"])]
    assert (task.rep_id, task.assignee_user_id) == (world.reps["r1"], world.users["rep"])
    assert task.subject_key == f"second_touch:{loops.ids['proposal']}"
    details = task.details
    assert details["sent"]["type"] == "proposal_sent" and details["account"]["name"] == "Big Co"
    assert details["waited_working_hours"] == 62.0  # Wed 10:00 → Sat 00:00, all working
    assert [f["id"] for f in details["recent_follow_ups"]][0] == loops.ids["proposal"]
    # The whitepaper sent on Friday at 10:00 has waited 14 working hours only.
    assert loops.ids["paper"] not in {
        t.details["sent"]["id"]
        for (kind, _), t in (await loop_tasks(sessions)).items()
        if kind == TaskKind.SECOND_TOUCH.value
    }


async def test_the_customer_answering_closes_the_suggestion(sessions, world, loops):
    await run_day(sessions, DAY, LOOPS)
    async with sessions() as session:
        session.add(
            loops._follow_up(loops.ids["big_deal"], "r1", at(date(2026, 11, 23), 9), "call", True)
        )
        await session.commit()
    monday = await run_day(sessions, date(2026, 11, 23), LOOPS)
    async with sessions() as session:
        touches = {
            t.subject_key: t
            for t in await session.scalars(
                select(AlertTask).where(AlertTask.kind == TaskKind.SECOND_TOUCH.value)
            )
        }
    answered = touches.pop(f"second_touch:{loops.ids['proposal']}")
    assert monday.loop_dict()["loop_closed"] == 1
    assert answered.completed_at is not None and not answered.dismissed
    assert "customer responded" in answered.outcome
    # By Monday evening Friday's whitepaper has waited 38 working hours: its own suggestion.
    [paper] = touches.values()
    assert paper.details["sent"]["id"] == loops.ids["paper"] and paper.completed_at is None
    assert paper.details["waited_working_hours"] == 38.0


async def test_an_orange_rep_gets_the_strongest_free_senior_of_the_team(sessions, world, loops):
    summary = await run_day(sessions, DAY, LOOPS)
    found = await pairings(sessions)
    r1, r2, r5 = world.reps["r1"], world.reps["r2"], loops.ids["r5"]
    assert summary.loop_dict()["pairings"] == len(found) == 7  # every rep is orange
    paired = found[r1]
    assert (paired.outcome, paired.mentor_rep_id) == ("paired", r2)
    assert (paired.kpi, paired.dimension) == ("touches", "objection_handling")
    assert paired.week_start == date(2026, 11, 23)
    assert paired.details["mentor_score"] == 80.0 and paired.details["rep_score"] == 40.0
    # r2 already helps r1 that week; r2 has no senior beside them; Hangzhou has none.
    assert found[r5].outcome == "no_senior"
    assert found[r5].details["candidates"] == [
        {"rep_id": r2, "name": "Rep r2", "score": 80.0, "busy": True}
    ]
    assert {found[r].outcome for r in (r2, world.reps["r3"], loops.ids["n1"])} == {"no_senior"}
    await run_day(sessions, DAY, LOOPS)
    assert len(await pairings(sessions)) == 7


async def test_without_loops_the_run_opens_none(sessions, world, loops):
    summary = await run_day(sessions, DAY, CONFIG)
    assert await loop_tasks(sessions) == {} and await pairings(sessions) == {}
    assert not any(summary.loop_dict().values())


async def test_nobody_then_somebody_turns_the_record_into_a_pairing(sessions, world, loops):
    await run_day(sessions, DAY, LOOPS)
    async with sessions() as session:
        r6 = loops._rep(session, "r6", world.units["east.sh"], "senior", date(2020, 1, 1))
        await session.flush()
        session.add(
            CapabilityScore(rep_id=r6.id, dimension="objection_handling", computed_score=70.0)
        )
        await session.commit()
    rerun = await run_day(sessions, DAY, LOOPS)
    found = await pairings(sessions)
    # 70 is below r2's own 80: only r5 (without a score) is helped by r6; r6, quiet too,
    # is orange now and finds r2 busy.
    assert rerun.loop_dict()["pairings"] == 2 and found[r6.id].outcome == "no_senior"
    assert (found[loops.ids["r5"]].outcome, found[loops.ids["r5"]].mentor_rep_id) == (
        "paired",
        r6.id,
    )
    assert found[world.reps["r2"]].outcome == "no_senior"
    assert (await run_day(sessions, DAY, LOOPS)).loop_dict()["pairings"] == 0


async def test_the_demo_step_runs_todays_loops_without_the_alerts(sessions, world, loops, db_url):
    from api.cli.alerts import seed_demo_loops
    from domain.settings import load_settings

    summary = await seed_demo_loops(sessions, load_settings(database_url=db_url), DAY)
    kinds = {kind for kind, _ in await loop_tasks(sessions)}
    assert kinds == {*HEALTH, TaskKind.SECOND_TOUCH.value, TaskKind.MENTORING_AUDIT.value}
    assert summary.startswith("4 dashboard action(s), 1 open second touch(es) (1 raised)")
    assert summary.endswith("1 calibration(s) due")
    # Only loops ran: no alert was raised, so nobody is orange and nobody is paired.
    assert await pairings(sessions) == {}
