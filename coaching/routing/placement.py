"""Putting a routed lead with its owner: the opportunity in the `lead` stage (created the
first time, handed over with its owner-change history afterwards) and the senior co-owner
while the owner's cover for a weak dimension lasts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.routing.explanation import Decision
from domain.errors import not_found
from domain.kernel.actor import Actor, Role
from domain.leads.models import CoOwnerCover, Lead
from domain.pipeline import management
from domain.pipeline import service as pipeline
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import Opportunity
from domain.pipeline.rules import Gates

LEAD_HORIZON_DAYS = 90
"""A new lead's expected close, until the rep sets one."""


async def place_co_owner(
    session: AsyncSession, decision: Decision, cover_leads: int
) -> tuple[int | None, str | None, str | None]:
    """The policy's senior co-owner, while the winner's cover for that dimension lasts: the
    next `capability_gap_leads` high-potential leads that need it, then the rep goes alone."""
    suggestion = decision.co_owner
    if decision.rep_id is None or suggestion is None or suggestion.rep_id is None:
        return None, None, None
    cover = await session.scalar(
        select(CoOwnerCover).where(
            CoOwnerCover.rep_id == decision.rep_id,
            CoOwnerCover.dimension == suggestion.dimension,
        )
    )
    if cover is None:
        cover = CoOwnerCover(rep_id=decision.rep_id, dimension=suggestion.dimension)
        cover.leads_covered = 0
        session.add(cover)
    limit = cover_leads
    if cover.leads_covered >= limit:
        return None, None, f"the owner's {limit} co-owned leads for {suggestion.dimension} are used"
    cover.leads_covered += 1
    note = f"co-owned lead {cover.leads_covered} of {limit} for {suggestion.dimension}"
    return suggestion.rep_id, suggestion.dimension, note


async def place(
    session: AsyncSession,
    actor: Actor,
    gates: Gates,
    lead: Lead,
    rep_id: int,
    co_owner: int | None,
    now: datetime,
) -> None:
    """The lead as an opportunity in the `lead` stage owned by the rep (created the first
    time, handed over afterwards with the owner-change history). An existing opportunity must
    be open (the callers leave out leads whose opportunity is closed); its row is locked
    before its version is read, so no one can change it before the hand-over is flushed."""
    system = Actor(user_id=actor.user_id, roles=frozenset({Role.ADMIN.value}))
    co_owners = [co_owner] if co_owner is not None else []
    if lead.opportunity_id is None:
        account = await pipeline.create_account(
            session,
            system,
            name=_account_name(lead),
            segment=lead.segment,
            region=lead.region,
            owner_rep_id=rep_id,
        )
        opportunity = await pipeline.create_opportunity(
            session,
            system,
            account_id=account.id,
            owner_rep_id=rep_id,
            details=pipeline.Details(
                title=f"{lead.source}: {_account_name(lead)}",
                amount=lead.estimated_value,
                expected_close=(now + timedelta(days=LEAD_HORIZON_DAYS)).date(),
                co_owner_ids=co_owners,
            ),
            gates=gates,
            source_lead=lead.source,
        )
        lead.opportunity_id = opportunity.id
        return
    existing = await session.scalar(
        select(Opportunity)
        .where(Opportunity.id == lead.opportunity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if existing is None:
        raise not_found(
            PipelineError.OPPORTUNITY_NOT_FOUND, "opportunity_id", "商机", "opportunity"
        )
    opportunity = existing
    if opportunity.owner_rep_id != rep_id:
        opportunity = await management.reassign(
            session,
            system,
            opportunity_id=opportunity.id,
            expected_version=opportunity.version,
            new_owner_rep_id=rep_id,
            reason=f"lead {lead.external_id} routed again",
        )
    await pipeline.update_details(
        session,
        system,
        opportunity_id=opportunity.id,
        expected_version=opportunity.version,
        details=pipeline.Details(co_owner_ids=co_owners),
        gates=gates,
    )


def _account_name(lead: Lead) -> str:
    contact = lead.contact or {}
    return contact.get("company") or contact.get("name") or lead.external_id
