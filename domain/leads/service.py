"""Lead use-cases that know nothing of routing: receive a lead idempotently, read leads and
their decisions in scope. Routing itself (coaching/routing/service.py) writes the owner,
the opportunity and the decision through `assign` and `queue`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Conflict, not_found
from domain.leads.models import Lead, LeadStatus, RoutingDecision
from domain.leads.rules import CleanLead
from domain.org.models import Rep, Role
from domain.org.rules import Actor
from domain.org.service import units_in_subtree
from domain.paging import Page, fetch_page


def lead_visible(actor: Actor) -> ColumnElement[bool]:
    """Admins and intake logins see every lead; managers those owned in their subtree (or
    queued); a rep their own."""
    if actor.sees_whole_company or actor.has(Role.INTAKE):
        return true()
    conditions = []
    if actor.subtree_path is not None:
        owners = select(Rep.id).where(Rep.unit_id.in_(units_in_subtree(actor.subtree_path)))
        conditions += [Lead.owner_rep_id.in_(owners), Lead.status == LeadStatus.QUEUED.value]
    if actor.rep_id is not None:
        conditions.append(Lead.owner_rep_id == actor.rep_id)
    return or_(*conditions) if conditions else false()


@dataclass(frozen=True)
class Received:
    lead: Lead
    created: bool
    """False when the same external id with the same content came before."""


async def receive(session: AsyncSession, actor: Actor, clean: CleanLead) -> Received:
    """The lead, new or — for an external id seen before with the same content — the first
    one, creating nothing. The same id with other content is LEAD_CONFLICT. Two posts of one
    id at once create one lead: the second waits on the unique index, then finds the first."""
    existing = await _by_external_id(session, clean)
    if existing is not None:
        return Received(existing, False)
    lead = Lead(
        external_id=clean.external_id,
        content_hash=clean.content_hash,
        source=clean.source,
        segment=clean.segment,
        region=clean.region,
        product_interests=list(clean.product_interests),
        signals=list(clean.signals),
        estimated_value=clean.estimated_value,
        contact=clean.contact,
        attributes=clean.attributes,
        status=LeadStatus.QUEUED.value,
        received_by_user_id=actor.user_id or None,
    )
    try:
        async with session.begin_nested():
            session.add(lead)
    except IntegrityError:
        existing = await _by_external_id(session, clean)
        if existing is None:
            raise
        return Received(existing, False)
    return Received(lead, True)


async def _by_external_id(session: AsyncSession, clean: CleanLead) -> Lead | None:
    lead = await session.scalar(select(Lead).where(Lead.external_id == clean.external_id))
    if lead is not None and lead.content_hash != clean.content_hash:
        raise Conflict(
            "LEAD_CONFLICT",
            f"外部编号 {clean.external_id} 已用于另一条内容不同的线索",
            f"External id {clean.external_id} was already used for a lead with other content",
            "external_id",
        )
    return lead


def record_decision(
    session: AsyncSession,
    lead: Lead,
    *,
    attempt: int,
    reason: str,
    policy_version: str,
    explanation: dict,
    rep_id: int | None,
    queue: str | None,
    co_owner_rep_id: int | None = None,
    co_owner_dimension: str | None = None,
    note: str | None = None,
    user_id: int | None = None,
    sla_hours: float,
    now: datetime | None = None,
) -> RoutingDecision:
    """Put the lead with a rep (due to be contacted within the SLA) or in a queue, and keep
    the decision that did it."""
    now = now or utcnow()
    lead.owner_rep_id = rep_id
    lead.co_owner_rep_id = co_owner_rep_id
    lead.queue = queue
    lead.status = LeadStatus.ROUTED.value if rep_id is not None else LeadStatus.QUEUED.value
    lead.routed_at = now if rep_id is not None else None
    lead.contact_due_at = now + timedelta(hours=sla_hours) if rep_id is not None else None
    decision = RoutingDecision(
        lead_id=lead.id,
        attempt=attempt,
        reason=reason,
        policy_version=policy_version,
        rep_id=rep_id,
        co_owner_rep_id=co_owner_rep_id,
        co_owner_dimension=co_owner_dimension,
        queue=queue,
        explanation=explanation,
        note=note,
        decided_by_user_id=user_id or None,
        decided_at=now,
    )
    session.add(decision)
    return decision


async def next_attempt(session: AsyncSession, lead_id: int) -> int:
    taken = await session.scalar(
        select(func.coalesce(func.max(RoutingDecision.attempt), 0)).where(
            RoutingDecision.lead_id == lead_id
        )
    )
    return taken + 1


async def get_lead(session: AsyncSession, actor: Actor, lead_id: int, field: str) -> Lead:
    lead = await session.scalar(select(Lead).where(Lead.id == lead_id, lead_visible(actor)))
    if lead is None:
        raise not_found("LEAD_NOT_FOUND", field, "线索", "lead")
    return lead


async def leads_by_ids(session: AsyncSession, actor: Actor, ids: Iterable[int]) -> dict[int, Lead]:
    rows = await session.scalars(select(Lead).where(Lead.id.in_(list(ids)), lead_visible(actor)))
    return {row.id: row for row in rows}


async def decisions_of(
    session: AsyncSession, lead_ids: Iterable[int]
) -> dict[int, list[RoutingDecision]]:
    rows = await session.scalars(
        select(RoutingDecision)
        .where(RoutingDecision.lead_id.in_(list(lead_ids)))
        .order_by(RoutingDecision.lead_id, RoutingDecision.attempt)
    )
    grouped: dict[int, list[RoutingDecision]] = {}
    for row in rows:
        grouped.setdefault(row.lead_id, []).append(row)
    return grouped


@dataclass(frozen=True)
class LeadFilter:
    status: LeadStatus | None = None
    rep_id: int | None = None
    source: str | None = None


async def list_leads(
    session: AsyncSession, actor: Actor, where: LeadFilter, *, first: int, after: int | None
) -> Page[Lead]:
    stmt = select(Lead).where(lead_visible(actor))
    if where.status is not None:
        stmt = stmt.where(Lead.status == where.status.value)
    if where.rep_id is not None:
        stmt = stmt.where(Lead.owner_rep_id == where.rep_id)
    if where.source is not None:
        stmt = stmt.where(Lead.source == where.source)
    return await fetch_page(session, stmt, Lead.id, after, first)
