"""A quote sent is material like a proposal: left unanswered for 24 working hours it opens a
second touch with the quote's own hint (tests/support/loops.py, the proposal as a quote)."""

from __future__ import annotations

from sqlalchemy import select, update

from domain.alerts.loops.rules import SECOND_TOUCH_HINTS
from domain.alerts.models import AlertTask, TaskKind
from domain.pipeline.models import FollowUp
from tests.support.alerts import run_day
from tests.support.loops import DAY, LOOPS, build_loops


async def test_an_unanswered_quote_opens_a_second_touch_with_the_quote_hint(sessions, world):
    loops = await build_loops(sessions, world)
    async with sessions() as session:
        await session.execute(
            update(FollowUp).where(FollowUp.id == loops.ids["proposal"]).values(type="quote_sent")
        )
        await session.commit()
    await run_day(sessions, DAY, LOOPS)
    async with sessions() as session:
        task = await session.scalar(
            select(AlertTask).where(
                AlertTask.kind == TaskKind.SECOND_TOUCH.value,
                AlertTask.subject_key == f"second_touch:{loops.ids['proposal']}",
            )
        )
    assert task is not None and task.details["sent"]["type"] == "quote_sent"
    assert SECOND_TOUCH_HINTS["quote_sent"][1] in str(task.details)
