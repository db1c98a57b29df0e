"""Routing use-cases: take leads in from marketing, put each with the rep most likely to win
it (or in a named queue — never nowhere), co-own it with a senior where the rep is weak in
what it needs, assign queued leads in batches, preview a decision, and re-route what nobody
contacted in time. Every decision is stored with the policy's own explanation; a re-run of
the queue that leaves a lead waiting for the same reason stores none.

Routing acts for Pacer, not for the caller: the intake login may create leads but sees no
rep, so the opportunity is written with a system actor and the caller's user id on record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from jsonschema import Draft202012Validator
from sqlalchemy import Exists, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.routing.apply import Routing, apply_all
from coaching.routing.batch import assign_batch
from coaching.routing.candidates import facts_of
from coaching.routing.decision import decide
from coaching.routing.errors import RoutingError
from coaching.routing.explanation import Decision
from coaching.routing.lead_rules import relaxation_level_for
from coaching.routing.outcomes import same_queue_outcome, stored
from coaching.routing.policy import DEFAULT_POLICY_PATH, Policy, load_policy
from coaching.routing.pool import CandidatePool
from coaching.routing.table import CandidateTable
from domain.db import utcnow
from domain.errors import BrokenRules, Conflict, DomainError, InvalidInput
from domain.kernel.actor import Actor
from domain.kernel.time import as_utc
from domain.leads import service as leads
from domain.leads.errors import LeadError
from domain.leads.models import Lead, LeadStatus, RoutingDecision, RoutingReason
from domain.leads.rules import (
    DEFAULT_INTAKE_SCHEMA,
    CleanLead,
    IntakeItem,
    clean_lead,
    intake_validator,
)
from domain.pipeline.models import FollowUp, Opportunity
from domain.pipeline.rules import DEFAULT_GATES, Gates, load_gates
from domain.pipeline.stages import CLOSED_STAGES
from domain.settings import Settings

BATCH_MAX = 1000


@dataclass(frozen=True)
class Router:
    """What routing needs from the process: the policy, the intake schema, the stage gates,
    the settings (SLA hours, co-owner cover) and the candidates it keeps."""

    policy: Policy
    intake: Draft202012Validator
    gates: Gates
    settings: Settings
    pool: CandidatePool = field(default_factory=CandidatePool, compare=False, repr=False)
    """The candidates this process keeps between decisions."""

    @classmethod
    def of(cls, settings: Settings) -> Router:
        return cls(
            policy=load_policy(settings.routing_policy_file or DEFAULT_POLICY_PATH),
            intake=intake_validator(Path(settings.intake_schema_file or DEFAULT_INTAKE_SCHEMA)),
            gates=load_gates(settings.stage_gates_file or DEFAULT_GATES),
            settings=settings,
        )


@dataclass(frozen=True)
class Routed:
    lead: Lead
    decision: RoutingDecision | None
    created: bool
    """False for a replay of an external id already received (nothing was created)."""


# --- intake -------------------------------------------------------------------------------------


async def intake_lead(
    session: AsyncSession, actor: Actor, router: Router, item: IntakeItem
) -> Routed:
    return (await intake_leads(session, actor, router, [item], prefix=False))[0]


async def intake_leads(
    session: AsyncSession,
    actor: Actor,
    router: Router,
    items: Sequence[IntakeItem],
    *,
    prefix: bool = True,
) -> list[Routed]:
    """All of them or none: every problem of every lead is reported (`leads.3.external_id`)
    before anything is written. New leads of one call are assigned together, under capacity,
    by the assignment solver; replays return the first result."""
    if not items or len(items) > BATCH_MAX:
        raise InvalidInput(
            RoutingError.BATCH_SIZE,
            f"一次提交 1 到 {BATCH_MAX} 条线索",
            f"Post between 1 and {BATCH_MAX} leads at once",
            "leads",
        )
    cleaned = _clean_all(router, items, prefix)
    received = await leads.receive_all(session, actor, cleaned)
    new = list({r.lead.id: r.lead for r in received if r.created}.values())
    decisions = await _route_together(session, actor, router, new, RoutingReason.INTAKE)
    replays = await leads.latest_decisions(
        session, {r.lead.id for r in received if r.lead.id not in decisions}
    )
    return [
        Routed(
            r.lead,
            decisions.get(r.lead.id) or replays.get(r.lead.id),
            r.created and r.lead.id in decisions,
        )
        for r in received
    ]


def _clean_all(router: Router, items: Sequence[IntakeItem], prefix: bool) -> list[CleanLead]:
    problems: list[DomainError] = []
    cleaned: list[CleanLead] = []
    seen: dict[str, CleanLead] = {}
    for index, item in enumerate(items):
        where = f"leads.{index}." if prefix else ""
        try:
            clean = clean_lead(item, router.intake, where)
        except BrokenRules as broken:
            problems.extend(broken.errors)
            continue
        first = seen.setdefault(clean.external_id, clean)
        if first is not clean and first.content_hash != clean.content_hash:
            problems.append(
                Conflict(
                    LeadError.LEAD_CONFLICT,
                    f"外部编号 {clean.external_id} 在本批中出现两次且内容不同",
                    f"External id {clean.external_id} appears twice in this batch with "
                    "different content",
                    where + "external_id",
                )
            )
        cleaned.append(clean)
    if problems:
        raise BrokenRules(problems)
    return cleaned


# --- routing ------------------------------------------------------------------------------------


async def _route_together(
    session: AsyncSession,
    actor: Actor,
    router: Router,
    pending: Sequence[Lead],
    reason: RoutingReason,
    now: datetime | None = None,
    *,
    last: Mapping[int, RoutingDecision] | None = None,
) -> dict[int, RoutingDecision]:
    """One lead: `decide`; several: `assign_batch` (one assignment problem under capacity).
    With `last` (each lead's latest decision), a lead left in the same queue for the same
    reason (see `coaching.routing.outcomes`) keeps that decision: nothing is stored but the
    time it was checked."""
    if not pending:
        return {}
    now = now or utcnow()
    last = last or {}
    candidates = await router.pool.table(session, router.policy, now)
    router.pool.follow(session)
    if len(pending) == 1:
        explained = [decide(facts_of(pending[0]), candidates, router.policy)]
    else:
        batch = assign_batch([facts_of(lead) for lead in pending], candidates, router.policy)
        explained = batch.decisions()
    decisions: dict[int, RoutingDecision] = {}
    to_store: list[Routing] = []
    for lead, decision in zip(pending, explained, strict=True):
        previous = last.get(lead.id)
        if previous is not None and same_queue_outcome(stored(previous.explanation), decision):
            lead.queue_checked_at = now
            decisions[lead.id] = previous
            continue
        if previous is not None:
            attempt: int | None = previous.attempt + 1
        else:  # a lead taken in by this call has no decision yet
            attempt = 1 if reason is RoutingReason.INTAKE else None
        to_store.append(Routing(lead, decision, attempt))
    stored_decisions = await apply_all(session, actor, router, to_store, reason, now)
    decisions.update((stored.lead_id, stored) for stored in stored_decisions)
    return decisions


# --- preview, batch, sweep ----------------------------------------------------------------------


async def preview_routing(
    session: AsyncSession, actor: Actor, router: Router, item: IntakeItem
) -> Decision:
    """What the policy would decide for this lead now; nothing is written (so no external
    id is needed)."""
    clean = clean_lead(replace(item, external_id=item.external_id or "preview"), router.intake)
    lead = leads.new_lead(clean)
    candidates = await router.pool.table(session, router.policy, utcnow())
    return decide(facts_of(lead), candidates, router.policy)


async def route_queued(
    session: AsyncSession, actor: Actor, router: Router, limit: int = BATCH_MAX
) -> dict[int, RoutingDecision]:
    """Every queued lead the caller sees (oldest first, at most `limit`: a manager the queue
    of their regions, the system all of it) assigned at once under capacity; for each, the
    decision in force after the run. A lead the run leaves in the same queue for the same
    reason keeps its last decision (no new row) and gets `queue_checked_at`; a lead
    assigned, or queued for another reason, gets a new decision. A lead whose opportunity was
    closed meanwhile (won or lost by its rep) is not routed again. BATCH_SIZE unless
    1 <= limit <= BATCH_MAX."""
    if not 1 <= limit <= BATCH_MAX:
        raise InvalidInput(
            RoutingError.BATCH_SIZE,
            f"一次最多分配 {BATCH_MAX} 条",
            f"Route 1 to {BATCH_MAX} leads at once",
            "limit",
        )
    queued = list(
        await session.scalars(
            select(Lead)
            .where(
                Lead.status == LeadStatus.QUEUED.value,
                leads.lead_visible(actor),
                ~_opportunity_closed(),
            )
            .order_by(Lead.id)
            .limit(limit)
            .with_for_update()
        )
    )
    closed = await _lock_closed_opportunities(session, queued)
    queued = [lead for lead in queued if lead.opportunity_id not in closed]
    last = await leads.latest_decisions(session, [lead.id for lead in queued])
    return await _route_together(session, actor, router, queued, RoutingReason.BATCH, last=last)


def _opportunity_closed() -> Exists:
    """The lead's opportunity is won or lost (a lead without one has nothing closed)."""
    return exists().where(
        Opportunity.id == Lead.opportunity_id,
        Opportunity.stage.in_([stage.value for stage in CLOSED_STAGES]),
    )


async def _lock_closed_opportunities(session: AsyncSession, pending: Sequence[Lead]) -> set[int]:
    """Locks the opportunities of these leads (none can close or change until the routing is
    committed) and returns the ids of those already closed."""
    ids = sorted({lead.opportunity_id for lead in pending if lead.opportunity_id is not None})
    if not ids:
        return set()
    rows = await session.execute(
        select(Opportunity.id, Opportunity.stage)
        .where(Opportunity.id.in_(ids))
        .order_by(Opportunity.id)
        .with_for_update()
    )
    closed = {stage.value for stage in CLOSED_STAGES}
    return {opportunity_id for opportunity_id, stage in rows if stage in closed}


@dataclass(frozen=True)
class Sweep:
    contacted: int
    rerouted: list[RoutingDecision]
    closed: int = 0
    """Overdue leads whose opportunity the rep already won or lost: no longer due a contact."""


async def sweep(
    session: AsyncSession, actor: Actor, router: Router, now: datetime | None = None
) -> Sweep:
    """Leads past their contact deadline: contacted ones (a follow-up since they were routed)
    are marked so; those whose opportunity the rep already closed (won or lost) without one
    keep their status and owner but are no longer due a contact (`contact_due_at` cleared, no
    decision stored); the rest go to someone else — every earlier owner excluded, relaxation as
    due by the time waited — and the history keeps both decisions."""
    now = now or utcnow()
    overdue = list(
        await session.scalars(
            select(Lead)
            .where(Lead.status == LeadStatus.ROUTED.value, Lead.contact_due_at < now)
            .order_by(Lead.id)
            .with_for_update()
        )
    )
    closed_opportunities = await _lock_closed_opportunities(session, overdue)
    contacted = closed = 0
    rerouted = []
    candidates: CandidateTable | None = None
    for lead in overdue:
        if await _was_contacted(session, lead):
            lead.status = LeadStatus.CONTACTED.value
            contacted += 1
            continue
        if lead.opportunity_id in closed_opportunities:
            lead.contact_due_at = None
            closed += 1
            continue
        if candidates is None:
            candidates = await router.pool.table(session, router.policy, now)
            router.pool.follow(session)
        history = (await leads.decisions_of(session, [lead.id])).get(lead.id, [])
        earlier = frozenset(d.rep_id for d in history if d.rep_id is not None)
        waited = (as_utc(now) - as_utc(lead.received_at)).total_seconds() / 60
        level = relaxation_level_for(router.policy, waited_minutes=waited, attempts=len(history))
        decision = decide(
            facts_of(lead), candidates, router.policy, exclude=earlier, relaxation_level=level
        )
        hours = router.settings.routing_sla_hours
        note = f"not contacted within {hours:g} h by rep {lead.owner_rep_id}"
        routing = Routing(lead, decision, attempt=None, note=note)
        rerouted += await apply_all(session, actor, router, [routing], RoutingReason.SLA, now)
        if decision.rep_id is not None:
            load = candidates.open_load.copy()
            load[candidates.index[decision.rep_id]] += 1
            candidates = candidates.with_load(load, candidates.recent)
    return Sweep(contacted, rerouted, closed)


async def _was_contacted(session: AsyncSession, lead: Lead) -> bool:
    if lead.opportunity_id is None or lead.routed_at is None:
        return False
    return bool(
        await session.scalar(
            select(
                exists().where(
                    FollowUp.opportunity_id == lead.opportunity_id,
                    FollowUp.occurred_at >= lead.routed_at,
                )
            )
        )
    )
