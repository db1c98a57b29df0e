"""Reading practice sessions: scope, lists, the turns and rulings of many sessions at once
(for DataLoaders), a finished session's scores as they stand, and replay.

What goes out to readers (lists, loaders) are views with exam secrecy applied (see views)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.engines.base import verdict_from_json
from coaching.engines.judge import TurnVerdict
from coaching.engines.scoring import SessionScore
from coaching.practice import results
from coaching.practice.errors import PracticeError
from coaching.practice.models import (
    PracticeMode,
    PracticeSession,
    PracticeStatus,
    PracticeTurn,
    VerdictOverride,
)
from coaching.practice.views import (
    SessionView,
    TurnView,
    feedback_withheld,
    session_view,
    turn_view,
)
from coaching.scenario import ScenarioSet
from coaching.scenario_model import Scenario
from domain.errors import Conflict, not_found
from domain.kernel.actor import Actor, per_actor
from domain.kernel.long_waits import before_long_wait
from domain.kernel.sql import by_ids, rows_by_ids
from domain.org.service import in_scope
from domain.paging import Page, fetch_page


@per_actor
def practice_visible(actor: Actor) -> ColumnElement[bool]:
    return in_scope(actor, PracticeSession.unit_id, PracticeSession.rep_id)


def scenario_of_session(scenarios: ScenarioSet, row: PracticeSession) -> Scenario:
    """The scenario a session was judged by, or SCENARIO_CHANGED when its rubric is gone."""
    scenario = scenarios.get(row.scenario_id)
    if scenario is None or scenario.rubric_hash != row.rubric_hash:
        raise Conflict(
            PracticeError.SCENARIO_CHANGED,
            "练习开始后场景已更新，请结束本场并重新开始",
            f"Scenario {row.scenario_id} changed since this session started "
            f"(v{row.scenario_version}); finish it and start again",
            "session",
        )
    return scenario


def verdicts_of(turns: dict[int, list[PracticeTurn]], session_id: int) -> list[TurnVerdict]:
    return [
        verdict_from_json(turn.verdict)
        for turn in turns.get(session_id, [])
        if turn.verdict is not None
    ]


async def visible_session(
    session: AsyncSession, actor: Actor, session_id: int, *, lock: bool = False
) -> PracticeSession:
    stmt = select(PracticeSession).where(PracticeSession.id == session_id, practice_visible(actor))
    if lock:
        # The row may be held by a reply waiting on the model: wait without a running turn.
        before_long_wait()
        stmt = stmt.with_for_update()
    row = await session.scalar(stmt)
    if row is None:
        raise not_found(PracticeError.PRACTICE_NOT_FOUND, "session", "练习", "practice session")
    return row


@dataclass(frozen=True)
class PracticeFilter:
    rep_id: int | None = None
    scenario_id: str | None = None
    mode: PracticeMode | None = None
    status: PracticeStatus | None = None


async def list_practice(
    session: AsyncSession, actor: Actor, where: PracticeFilter, *, first: int, after: int | None
) -> Page[SessionView]:
    stmt = select(PracticeSession).where(practice_visible(actor))
    if where.rep_id is not None:
        stmt = stmt.where(PracticeSession.rep_id == where.rep_id)
    if where.scenario_id is not None:
        stmt = stmt.where(PracticeSession.scenario_id == where.scenario_id)
    if where.mode is not None:
        stmt = stmt.where(PracticeSession.mode == where.mode.value)
    if where.status is not None:
        stmt = stmt.where(PracticeSession.status == where.status.value)
    page = await fetch_page(session, stmt, PracticeSession.id, after, first)
    return replace(page, items=[session_view(row) for row in page.items])


_SESSIONS_BY_IDS = by_ids(PracticeSession, practice_visible)


async def sessions_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, SessionView]:
    rows = await rows_by_ids(session, _SESSIONS_BY_IDS(actor), ids)
    return {row_id: session_view(row) for row_id, row in rows.items()}


async def turns_of(
    session: AsyncSession, session_ids: Iterable[int]
) -> dict[int, list[PracticeTurn]]:
    rows = await session.scalars(
        select(PracticeTurn)
        .where(PracticeTurn.session_id.in_(list(session_ids)))
        .order_by(PracticeTurn.session_id, PracticeTurn.number)
    )
    grouped: dict[int, list[PracticeTurn]] = {}
    for row in rows:
        grouped.setdefault(row.session_id, []).append(row)
    return grouped


async def transcripts_of(
    session: AsyncSession, session_ids: Iterable[int]
) -> dict[int, list[TurnView]]:
    """The turns of many sessions, oldest first, as their readers see them: a running exam's
    verdicts and judge traces withheld. One statement."""
    rows = await session.execute(
        select(PracticeTurn, PracticeSession.mode, PracticeSession.status)
        .join(PracticeSession, PracticeSession.id == PracticeTurn.session_id)
        .where(PracticeTurn.session_id.in_(list(session_ids)))
        .order_by(PracticeTurn.session_id, PracticeTurn.number)
    )
    grouped: dict[int, list[TurnView]] = {}
    for row in rows:  # (turn, mode, status): whether its session is a running exam
        turn = row.PracticeTurn
        grouped.setdefault(turn.session_id, []).append(turn_view(turn, feedback_withheld(row)))
    return grouped


async def overrides_of(
    session: AsyncSession, session_ids: Iterable[int]
) -> dict[int, list[VerdictOverride]]:
    rows = await session.scalars(
        select(VerdictOverride)
        .where(VerdictOverride.session_id.in_(list(session_ids)))
        .order_by(VerdictOverride.session_id, VerdictOverride.id)
    )
    grouped: dict[int, list[VerdictOverride]] = {}
    for row in rows:
        grouped.setdefault(row.session_id, []).append(row)
    return grouped


def result_of(
    scenarios: ScenarioSet,
    row: PracticeSession | SessionView,
    turns: Sequence[PracticeTurn | TurnView],
    overrides: Sequence[VerdictOverride],
) -> SessionScore | None:
    """A finished session's scores as they stand (None while an exam runs, or when the
    scenario's rubric is no longer the one it was judged by)."""
    scenario = scenarios.get(row.scenario_id)
    if feedback_withheld(row) or scenario is None or scenario.rubric_hash != row.rubric_hash:
        return None
    verdicts = [verdict_from_json(turn.verdict) for turn in turns if turn.verdict is not None]
    return results.score(scenario, verdicts, results.rulings(overrides), row)


async def replay_practice(
    session: AsyncSession, actor: Actor, scenarios: ScenarioSet, *, session_id: int
) -> results.Replay:
    """Play a stored session again and say whether every turn comes out the same."""
    row = await visible_session(session, actor, session_id)
    if feedback_withheld(row) and row.rep_id == actor.rep_id:
        raise Conflict(
            PracticeError.SESSION_ACTIVE,
            "考试结束后才能回放",
            "An exam can be replayed once it has finished",
            "session",
        )
    scenario = scenario_of_session(scenarios, row)
    turns = (await turns_of(session, [row.id])).get(row.id, [])
    return results.replay(scenario, row, turns)
