"""Evaluating milestones (`pacer capability milestones`, an admin mutation): every rep's
facts — effective scores, won deals, passed exams — against the rules of the milestones
file; a rep who meets a milestone and does not hold it is awarded it, one who holds it and no
longer meets it loses it. Each award and revocation is an event with the numbers that
decided it. Running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capability.milestones import (
    Milestones,
    RepFacts,
    evaluate,
    load_milestones,
    milestones_file,
)
from domain.capability.models import (
    AwardEventKind,
    CapabilityEvidence,
    CapabilitySource,
    MilestoneAward,
    MilestoneEvent,
)
from domain.capability.service import dimensions, score_rows
from domain.db import utcnow
from domain.org.models import Rep
from domain.pipeline.models import Opportunity
from domain.pipeline.stages import Stage
from domain.settings import Settings


@dataclass(frozen=True)
class MilestoneSummary:
    as_of: date
    reps: int
    awarded: int
    revoked: int
    held: int
    """Awards in force after the run."""


async def evaluate_milestones(
    session: AsyncSession,
    settings: Settings,
    as_of: date,
    *,
    user_id: int | None = None,
    milestones: Milestones | None = None,
) -> MilestoneSummary:
    dims = dimensions(settings)
    milestones = milestones or load_milestones(milestones_file(settings.milestones_file), dims)
    rep_ids = list(await session.scalars(select(Rep.id).order_by(Rep.id)))
    facts = await _facts(session, rep_ids)
    current = {
        (award.rep_id, award.milestone): award
        for award in await session.scalars(
            select(MilestoneAward).where(MilestoneAward.revoked_at.is_(None)).with_for_update()
        )
    }
    awarded = revoked = held = 0
    for rep_id in rep_ids:
        for verdict in evaluate(milestones, facts[rep_id], dims, as_of):
            award = current.pop((rep_id, verdict.milestone.id), None)
            flags = list(verdict.milestone.unlocks)
            if verdict.met and award is None:
                award = MilestoneAward(
                    rep_id=rep_id,
                    milestone=verdict.milestone.id,
                    flags=flags,
                    numbers=verdict.numbers,
                    awarded_on=as_of,
                )
                session.add(award)
                await session.flush()
                _event(session, award, AwardEventKind.AWARDED, as_of, verdict.numbers, user_id)
                awarded += 1
            elif not verdict.met and award is not None:
                _revoke(session, award, as_of, verdict.numbers, user_id)
                revoked += 1
            elif award is not None and award.flags != flags:
                award.flags = flags  # the file changed what it unlocks
            held += verdict.met
    for award in current.values():  # milestones no longer in the file
        _revoke(session, award, as_of, {"reason": "no longer defined"}, user_id)
        revoked += 1
    await session.flush()
    return MilestoneSummary(as_of, len(rep_ids), awarded, revoked, held)


def _revoke(session, award: MilestoneAward, as_of: date, numbers: dict, user_id) -> None:
    award.revoked_on = as_of
    award.revoked_at = utcnow()
    _event(session, award, AwardEventKind.REVOKED, as_of, numbers, user_id)


def _event(session, award: MilestoneAward, kind: AwardEventKind, as_of, numbers, user_id):
    session.add(
        MilestoneEvent(
            award_id=award.id,
            rep_id=award.rep_id,
            milestone=award.milestone,
            kind=kind.value,
            as_of=as_of,
            numbers=numbers,
            user_id=user_id,
        )
    )


async def _facts(session: AsyncSession, rep_ids: list[int]) -> dict[int, RepFacts]:
    """Every rep's facts as recorded now, in three statements."""
    scores = await score_rows(session, rep_ids)
    won: dict[int, list[tuple[date, int]]] = {}
    for rep_id, won_on, amount in await session.execute(
        select(Opportunity.owner_rep_id, Opportunity.won_on, Opportunity.won_amount).where(
            Opportunity.stage == Stage.WON.value
        )
    ):
        if won_on is not None and amount is not None:  # always set on a won deal (constraint)
            won.setdefault(rep_id, []).append((won_on, amount))
    exams: dict[int, dict[str, date]] = {}
    for rep_id, ref, observed_on, detail in await session.execute(
        select(
            CapabilityEvidence.rep_id,
            CapabilityEvidence.ref,
            CapabilityEvidence.observed_on,
            CapabilityEvidence.detail,
        ).where(CapabilityEvidence.source == CapabilitySource.PRACTICE.value)
    ):
        if detail.get("mode") == "exam" and detail.get("passed") is True:
            exams.setdefault(rep_id, {})[ref] = observed_on  # one per session
    return {
        rep_id: RepFacts(
            scores={
                dim: (row.effective_score, row.confidence)
                for dim, row in scores.get(rep_id, {}).items()
                if row.effective_score is not None
            },
            won_deals=won.get(rep_id, ()),
            passed_exams=tuple(exams.get(rep_id, {}).values()),
        )
        for rep_id in rep_ids
    }


async def award_events_of(session: AsyncSession, award_ids) -> dict[int, list[MilestoneEvent]]:
    """Per award, its events, oldest first."""
    found: dict[int, list[MilestoneEvent]] = {}
    rows = await session.scalars(
        select(MilestoneEvent)
        .where(MilestoneEvent.award_id.in_(set(award_ids)))
        .order_by(MilestoneEvent.id)
    )
    for row in rows:
        found.setdefault(row.award_id, []).append(row)
    return found
