"""Putting a routed lead with its owner: the opportunity in the `lead` stage (created the
first time, handed over with its owner-change history afterwards) and the senior co-owner
while the owner's cover for a weak dimension lasts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.routing.explanation import Decision
from domain.errors import not_found
from domain.kernel.actor import Actor, Role
from domain.leads.models import CoOwnerCover, Lead
from domain.pipeline import management, openings
from domain.pipeline import service as pipeline
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import Opportunity
from domain.pipeline.rules import Gates

LEAD_HORIZON_DAYS = 90
"""A new lead's expected close, until the rep sets one."""


CoOwnerPlacement = tuple[int | None, str | None, str | None]
"""The co-owner rep, the dimension they cover, and the note for the explanation."""


async def place_co_owners(
    session: AsyncSession, decisions: Sequence[Decision], cover_leads: int
) -> list[CoOwnerPlacement]:
    """For each decision in turn, the policy's senior co-owner while the winner's cover for
    that dimension lasts: the next `capability_gap_leads` high-potential leads that need it,
    then the rep goes alone. The covers are read in one statement."""
    owners = {
        decision.rep_id
        for decision in decisions
        if decision.rep_id is not None and decision.co_owner is not None
    }
    covers: dict[tuple[int, str], CoOwnerCover] = {}
    if owners:
        rows = await session.scalars(select(CoOwnerCover).where(CoOwnerCover.rep_id.in_(owners)))
        covers = {(cover.rep_id, cover.dimension): cover for cover in rows}
    return [_place_co_owner(session, decision, cover_leads, covers) for decision in decisions]


def _place_co_owner(
    session: AsyncSession,
    decision: Decision,
    limit: int,
    covers: dict[tuple[int, str], CoOwnerCover],
) -> CoOwnerPlacement:
    suggestion = decision.co_owner
    if decision.rep_id is None or suggestion is None or suggestion.rep_id is None:
        return None, None, None
    cover = covers.get((decision.rep_id, suggestion.dimension))
    if cover is None:
        cover = CoOwnerCover(rep_id=decision.rep_id, dimension=suggestion.dimension)
        cover.leads_covered = 0
        session.add(cover)
        covers[decision.rep_id, suggestion.dimension] = cover
    if cover.leads_covered >= limit:
        return None, None, f"the owner's {limit} co-owned leads for {suggestion.dimension} are used"
    cover.leads_covered += 1
    note = f"co-owned lead {cover.leads_covered} of {limit} for {suggestion.dimension}"
    return suggestion.rep_id, suggestion.dimension, note


async def place_all(
    session: AsyncSession,
    actor: Actor,
    gates: Gates,
    placements: Sequence[tuple[Lead, int, int | None]],
    now: datetime,
) -> None:
    """Each lead with its rep and co-owner: a lead new to the pipeline as an opportunity in the
    `lead` stage with its own account (all of them opened together, in two flushes), a lead
    routed again by handing its opportunity over."""
    system = _system(actor)
    new = [placement for placement in placements if placement[0].opportunity_id is None]
    for lead, rep, co_owner in placements:
        if lead.opportunity_id is not None:
            await _hand_over(session, system, gates, lead, rep, co_owner)
    if not new:
        return
    opened = await openings.open_deals(
        session,
        system,
        [
            openings.Opening(
                account_name=_account_name(lead),
                segment=lead.segment,
                region=lead.region,
                owner_rep_id=rep,
                title=f"{lead.source}: {_account_name(lead)}",
                amount=lead.estimated_value,
                expected_close=(now + timedelta(days=LEAD_HORIZON_DAYS)).date(),
                source_lead=lead.source,
                co_owner_ids=(co_owner,) if co_owner is not None else (),
            )
            for lead, rep, co_owner in new
        ],
    )
    for (lead, _, _), opportunity in zip(new, opened, strict=True):
        lead.opportunity_id = opportunity.id


def _system(actor: Actor) -> Actor:
    """Routing acts for Pacer: the caller's user id on record, an admin's reach."""
    return Actor(user_id=actor.user_id, roles=frozenset({Role.ADMIN.value}))


async def _hand_over(
    session: AsyncSession,
    system: Actor,
    gates: Gates,
    lead: Lead,
    rep_id: int,
    co_owner: int | None,
) -> None:
    """A lead routed again: its opportunity handed to the rep with the owner-change history
    and the co-owner set. The opportunity must be open (the callers leave out leads whose
    opportunity is closed); its row is locked before its version is read, so no one can
    change it before the hand-over is flushed."""
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
        details=pipeline.Details(co_owner_ids=[co_owner] if co_owner is not None else []),
        gates=gates,
    )


def _account_name(lead: Lead) -> str:
    contact = lead.contact or {}
    return contact.get("company") or contact.get("name") or lead.external_id
