"""Everything routing reads about the reps, gathered in a fixed number of statements whatever
the number of reps: status, territories, capacity and open leads, specialties, capability
scores and milestone flags, conversion history per segment and source (with the unit's
rates as the prior), and recent assignments for fairness."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.routing.inputs import DIMENSIONS, Candidate, LeadFacts
from coaching.routing.policy import Policy
from domain.capability.service import current_scores, flags_of
from domain.leads.models import Lead, RoutingDecision
from domain.org.models import Rep
from domain.pipeline.models import Account, Opportunity
from domain.pipeline.stages import Stage

OPEN_LEAD_STAGES = (Stage.LEAD.value, Stage.CONTACTED.value)
"""A rep's capacity counts the leads not yet qualified: those are what routing adds to."""
UNKNOWN_SCORE = 50.0
"""A dimension nobody has measured yet counts as 'developing': neither a reason to exclude a
rep from a lead that needs it nor a claim of strength."""


def facts_of(lead: Lead) -> LeadFacts:
    return LeadFacts(
        segment=lead.segment,
        territory=lead.region,
        source=lead.source,
        product_interests=frozenset(lead.product_interests),
        signals=frozenset(lead.signals),
        estimated_value=lead.estimated_value,
        attributes=lead.attributes,
        lead_id=lead.id,
    )


async def gather_candidates(
    session: AsyncSession, policy: Policy, now: datetime
) -> list[Candidate]:
    """Every rep as a routing candidate (the filters, not this query, decide who may win)."""
    reps = list(await session.scalars(select(Rep).order_by(Rep.id)))
    ids = [rep.id for rep in reps]
    load = await _open_leads(session)
    scores = await current_scores(session, ids)
    flags = await flags_of(session, ids)
    conversion, unit_rates = await _conversion(session, reps, now, policy)
    recent = await _recent_assignments(session, now - timedelta(days=policy.fairness_window_days))
    return [
        Candidate(
            rep_id=rep.id,
            unit_id=rep.unit_id,
            level=rep.level,
            status=rep.status,
            territories=frozenset(t.territory for t in rep.territories),
            capacity=rep.capacity,
            open_load=load.get(rep.id, 0),
            specialties={s.segment: s.proficiency for s in rep.specialties},
            capability={**dict.fromkeys(DIMENSIONS, UNKNOWN_SCORE), **scores.get(rep.id, {})},
            flags=flags.get(rep.id, frozenset()),
            conversion=conversion.get(rep.id, {}),
            unit_conversion=unit_rates.get(rep.unit_id, {}),
            recent_assignments=recent.get(rep.id, 0),
            external_id=rep.external_id,
        )
        for rep in reps
    ]


async def _open_leads(session: AsyncSession) -> dict[int, int]:
    rows = await session.execute(
        select(Opportunity.owner_rep_id, func.count())
        .where(Opportunity.stage.in_(OPEN_LEAD_STAGES))
        .group_by(Opportunity.owner_rep_id)
    )
    return dict(rows.all())


async def _conversion(session: AsyncSession, reps: list[Rep], now: datetime, policy: Policy):
    """(won, closed) per rep and (segment, source) over the policy's window, and each unit's
    win rate per (segment, source) — the prior a rep's thin history is shrunk toward."""
    since = now - timedelta(days=policy.conversion_window_days)
    won = case((Opportunity.stage == Stage.WON.value, 1), else_=0)
    rows = await session.execute(
        select(
            Opportunity.owner_rep_id,
            Account.segment,
            func.coalesce(Opportunity.source_lead, "unknown"),
            func.sum(won),
            func.count(),
        )
        .join(Account, Account.id == Opportunity.account_id)
        .where(
            Opportunity.stage.in_((Stage.WON.value, Stage.LOST.value)),
            Opportunity.stage_entered_at >= since,
        )
        .group_by(Opportunity.owner_rep_id, Account.segment, Opportunity.source_lead)
    )
    unit_of = {rep.id: rep.unit_id for rep in reps}
    per_rep: dict[int, dict[tuple[str, str], tuple[int, int]]] = defaultdict(dict)
    per_unit: dict[int, dict[tuple[str, str], list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for rep_id, segment, source, wins, total in rows:
        per_rep[rep_id][(segment, source)] = (int(wins), int(total))
        if rep_id in unit_of:
            tally = per_unit[unit_of[rep_id]][(segment, source)]
            tally[0] += int(wins)
            tally[1] += int(total)
    rates = {
        unit: {key: wins / total for key, (wins, total) in tallies.items() if total}
        for unit, tallies in per_unit.items()
    }
    return per_rep, rates


async def _recent_assignments(session: AsyncSession, since: datetime) -> dict[int, int]:
    rows = await session.execute(
        select(RoutingDecision.rep_id, func.count())
        .where(RoutingDecision.decided_at >= since, RoutingDecision.rep_id.is_not(None))
        .group_by(RoutingDecision.rep_id)
    )
    return {rep_id: count for rep_id, count in rows if rep_id is not None}


__all__ = ["OPEN_LEAD_STAGES", "facts_of", "gather_candidates"]
