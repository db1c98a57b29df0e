"""A review pack: for a rep and the dimensions where they are weak, the checks they miss most
often across their recent finished practice, each with its question, tip and model answer.

Scores come from the stored verdicts and the trainers' rulings in force (as everywhere else),
so the pack agrees with what the sessions show. Sessions whose scenario is gone or whose
rubric changed since are left out: their checks may no longer exist. Three statements,
whatever the number of sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.engines.base import verdict_from_json
from coaching.practice import results
from coaching.practice.models import PracticeSession, PracticeStatus
from coaching.practice.service import overrides_of, turns_of
from coaching.scenario import ScenarioSet
from coaching.scenario_model import Text
from domain.kernel.actor import Actor, Role

RECENT_SESSIONS = 20
"""How many of the rep's newest finished sessions the pack looks at."""


@dataclass(frozen=True)
class ReviewItem:
    scenario_id: str
    scenario_title: Text
    check_id: str
    criterion_id: str
    dimension: str
    question: Text
    tip: Text | None
    model_answer: Text
    missed: int
    """Sessions of this scenario in which the check was missed."""
    seen: int
    """Sessions of this scenario looked at."""
    last_missed_at: datetime


@dataclass
class _Tally:
    position: int
    """The check's place in its scenario file: ties keep the file's order."""
    missed: int = 0
    seen: int = 0
    last_missed_at: datetime | None = None

    def order(self) -> tuple:
        """Missed most often, then most often in share, then most recently."""
        missed_at = self.last_missed_at.timestamp() if self.last_missed_at is not None else 0.0
        return (-self.missed, -self.missed / self.seen, -missed_at)


@dataclass(frozen=True)
class ReviewPack:
    rep_id: int
    dimensions: tuple[str, ...]
    sessions: int
    """Finished sessions looked at."""
    items: tuple[ReviewItem, ...]


async def review_pack(
    session: AsyncSession,
    scenarios: ScenarioSet,
    rep_id: int,
    dimensions: Sequence[str],
    limit: int = 5,
) -> ReviewPack:
    """The rep's weakest checks in `dimensions`: missed most often first, then by the share
    of sessions missed, then most recently missed."""
    dimensions = tuple(dict.fromkeys(dimensions))
    if not dimensions or limit <= 0:
        return ReviewPack(rep_id, dimensions, 0, ())
    rows = list(
        await session.scalars(
            select(PracticeSession)
            .where(
                PracticeSession.rep_id == rep_id,
                PracticeSession.status == PracticeStatus.FINISHED.value,
                PracticeSession.score.is_not(None),
            )
            .order_by(PracticeSession.finished_at.desc(), PracticeSession.id.desc())
            .limit(RECENT_SESSIONS)
        )
    )
    scorable = [
        row
        for row in rows
        if row.scenario_id in scenarios
        and scenarios[row.scenario_id].rubric_hash == row.rubric_hash
    ]
    ids = [row.id for row in scorable]
    turns = await turns_of(session, ids) if ids else {}
    overrides = await overrides_of(session, ids) if ids else {}
    tally: dict[tuple[str, str], _Tally] = {}  # per (scenario, check)
    for row in scorable:
        scenario = scenarios[row.scenario_id]
        verdicts = [verdict_from_json(t.verdict) for t in turns.get(row.id, []) if t.verdict]
        in_force = results.rulings(overrides.get(row.id, []))
        scored = results.score(scenario, verdicts, in_force, row)
        capability_of = {c.criterion_id: c.capability for c in scored.criteria}
        for position, check in enumerate(scored.checks):
            if capability_of[check.criterion_id] not in dimensions:
                continue
            counts = tally.setdefault((scenario.id, check.check_id), _Tally(position))
            counts.seen += 1
            if not check.passed:
                counts.missed += 1
                finished_at = row.finished_at  # set on every finished session
                if finished_at is not None and (
                    counts.last_missed_at is None or finished_at > counts.last_missed_at
                ):
                    counts.last_missed_at = finished_at
    weakest = sorted(
        ((key, counts) for key, counts in tally.items() if counts.missed),
        key=lambda item: (*item[1].order(), item[0][0], item[1].position),  # then file order
    )
    items = tuple(_item(scenarios, key, counts) for key, counts in weakest[:limit])
    return ReviewPack(rep_id, dimensions, len(scorable), items)


def shown_to(actor: Actor, rep_id: int) -> bool:
    """A rep's review pack is for the rep and their trainers (admins, directors, managers)."""
    return actor.rep_id == rep_id or actor.has(Role.ADMIN, Role.DIRECTOR, Role.MANAGER)


async def co_owner_review_pack(
    session: AsyncSession,
    actor: Actor,
    scenarios: ScenarioSet,
    rep_id: int,
    dimension: str | None,
    limit: int = 5,
) -> ReviewPack | None:
    """The owner's review pack in the weak dimension that brought a co-owner onto a lead;
    None when no co-owner was added, or for a reader who is neither the owner nor a trainer."""
    if dimension is None or not shown_to(actor, rep_id):
        return None
    return await review_pack(session, scenarios, rep_id, [dimension], limit)


def _item(scenarios: ScenarioSet, key: tuple[str, str], counts: _Tally) -> ReviewItem:
    scenario = scenarios[key[0]]
    check, criterion = scenario.check(key[1]), scenario.criterion_of(key[1])
    if check is None or criterion is None or counts.last_missed_at is None:
        raise ValueError(f"check {key[1]!r} of scenario {scenario.id} was never missed")
    return ReviewItem(
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        check_id=check.id,
        criterion_id=criterion.id,
        dimension=criterion.capability,
        question=check.question,
        tip=check.tip,
        model_answer=criterion.model_answer,
        missed=counts.missed,
        seen=counts.seen,
        last_missed_at=counts.last_missed_at,
    )
