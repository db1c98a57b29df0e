"""Applying routing decisions: the leads placed with their owners and co-owners (the ones new
to the pipeline opened together) and each decision stored with its explanation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from coaching.routing import placement
from coaching.routing.explanation import Decision
from domain.kernel.actor import Actor
from domain.leads import service as leads
from domain.leads.models import Lead, RoutingDecision, RoutingReason

if TYPE_CHECKING:
    from coaching.routing.service import Router


@dataclass(frozen=True)
class Routing:
    """A decision about to be applied: the lead, the policy's decision, its attempt number
    (None: the next after the lead's last) and a note for the record."""

    lead: Lead
    decision: Decision
    attempt: int | None
    note: str | None = None


async def apply_all(
    session: AsyncSession,
    actor: Actor,
    router: Router,
    routings: Sequence[Routing],
    reason: RoutingReason,
    now: datetime,
) -> list[RoutingDecision]:
    """The leads placed with their owners and co-owners and the decisions stored, together
    (a few statements for any number of leads new to the pipeline)."""
    co_owners = await placement.place_co_owners(
        session, [routing.decision for routing in routings], router.settings.capability_gap_leads
    )
    await placement.place_all(
        session,
        actor,
        router.gates,
        [
            (routing.lead, routing.decision.rep_id, co_owner)
            for routing, (co_owner, _, _) in zip(routings, co_owners, strict=True)
            if routing.decision.rep_id is not None
        ],
        now,
    )
    stored_decisions = []
    for routing, (co_owner, dimension, cover_note) in zip(routings, co_owners, strict=True):
        decision = routing.decision
        explanation = decision.to_json()
        if cover_note:
            explanation["co_owner_cover"] = cover_note
        stored_decisions.append(
            leads.record_decision(
                session,
                routing.lead,
                attempt=routing.attempt or await leads.next_attempt(session, routing.lead.id),
                reason=reason.value,
                policy_version=decision.policy_version,
                explanation=explanation,
                rep_id=decision.rep_id,
                queue=decision.queue,
                co_owner_rep_id=co_owner,
                co_owner_dimension=dimension,
                note=routing.note,
                user_id=actor.user_id,
                sla_hours=router.settings.routing_sla_hours,
                now=now,
                segment_uncovered=decision.uncovered_segment is not None,
            )
        )
    await session.flush()
    return stored_decisions
