"""Lead use-cases that know nothing of routing: receive a lead idempotently, read leads and
their decisions in scope. Routing itself (coaching/routing/service.py) writes the owner,
the opportunity and the decision through `assign` and `queue`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Conflict, not_found
from domain.kernel.actor import Actor, Role, per_actor
from domain.kernel.sql import IDS, by_ids, ids_of, rows_by_ids
from domain.leads.errors import LeadError
from domain.leads.models import Lead, LeadStatus, RoutingDecision
from domain.leads.rules import CleanLead
from domain.org.models import Rep, RepStatus, RepTerritory
from domain.org.rules import path_depth
from domain.org.service import units_in_subtree
from domain.paging import Page, fetch_page


@per_actor
def lead_visible(actor: Actor) -> ColumnElement[bool]:
    """Admins of the whole company and intake logins see every lead. A manager (director,
    scoped admin) sees the leads owned in their subtree and the queued leads of the regions
    their subtree covers — a region is covered when a rep of the subtree who has not left
    has it among their territories; a manager of the root unit sees the whole queue, leads of
    regions nobody covers included. A rep sees the leads they own or co-own."""
    if actor.sees_whole_company or actor.has(Role.INTAKE):
        return true()
    conditions: list[ColumnElement[bool]] = []
    if actor.subtree_path is not None:
        conditions.append(Lead.owner_rep_id.in_(_reps_under(actor.subtree_path)))
        queued = Lead.status == LeadStatus.QUEUED.value
        if path_depth(actor.subtree_path) == 0:
            conditions.append(queued)
        else:
            conditions.append(and_(queued, Lead.region.in_(_regions_under(actor.subtree_path))))
    if actor.rep_id is not None:
        conditions += [Lead.owner_rep_id == actor.rep_id, Lead.co_owner_rep_id == actor.rep_id]
    return or_(*conditions) if conditions else false()


def lead_workable(actor: Actor) -> ColumnElement[bool]:
    """Who may work a lead, and so read the customer's contact details: its owner and
    co-owner, the managers (directors, scoped admins) of its owner's unit, and admins of the
    whole company. A queued lead has no owner: only those admins. Intake logins post
    contacts but read none back."""
    if actor.sees_whole_company:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if actor.subtree_path is not None:
        conditions.append(Lead.owner_rep_id.in_(_reps_under(actor.subtree_path)))
    if actor.rep_id is not None:
        conditions += [Lead.owner_rep_id == actor.rep_id, Lead.co_owner_rep_id == actor.rep_id]
    return or_(*conditions) if conditions else false()


def _reps_under(path: str):
    return select(Rep.id).where(Rep.unit_id.in_(units_in_subtree(path)))


def _regions_under(path: str):
    """The territories of the reps of a subtree who have not left: the regions it covers."""
    return (
        select(RepTerritory.territory)
        .join(Rep, Rep.id == RepTerritory.rep_id)
        .where(Rep.unit_id.in_(units_in_subtree(path)), Rep.status != RepStatus.INACTIVE.value)
    )


@dataclass(frozen=True)
class Received:
    lead: Lead
    created: bool
    """False when the same external id with the same content came before."""


def lead_columns(clean: CleanLead, **columns: Any) -> dict[str, Any]:
    """A lead row's columns from a cleaned intake item (`columns`: the rest)."""
    return {
        "external_id": clean.external_id,
        "content_hash": clean.content_hash,
        "source": clean.source,
        "segment": clean.segment,
        "region": clean.region,
        "product_interests": list(clean.product_interests),
        "signals": list(clean.signals),
        "estimated_value": clean.estimated_value,
        "contact": clean.contact,
        "attributes": clean.attributes,
        **columns,
    }


def new_lead(clean: CleanLead, **columns: Any) -> Lead:
    """A lead row from a cleaned intake item, not yet in any session (`columns`: the rest)."""
    return Lead(**lead_columns(clean, **columns))


def _insert_new(session: AsyncSession):
    """`INSERT … ON CONFLICT (external_id) DO NOTHING RETURNING` the leads: the rows written,
    not those another request wrote first."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return (
        dialect.insert(Lead)
        .on_conflict_do_nothing(index_elements=[Lead.external_id])
        .returning(Lead)
    )


async def receive(session: AsyncSession, actor: Actor, clean: CleanLead) -> Received:
    """The lead, new or — for an external id seen before with the same content — the first
    one, creating nothing. The same id with other content is LEAD_CONFLICT. A new lead is one
    statement; two posts of one id at once create one lead: the second waits on the unique
    index, writes nothing, then finds the first."""
    columns = lead_columns(
        clean, status=LeadStatus.QUEUED.value, received_by_user_id=actor.user_id or None
    )
    lead = (await session.scalars(_insert_new(session), [columns])).first()
    if lead is not None:
        return Received(lead, True)
    existing = await _by_external_id(session, clean)
    if existing is None:  # pragma: no cover - the only conflict is on external_id
        raise RuntimeError(f"lead {clean.external_id} neither written nor found")
    return Received(existing, False)


async def receive_all(
    session: AsyncSession, actor: Actor, cleaned: Sequence[CleanLead]
) -> list[Received]:
    """`receive` for many leads: the ones seen before found in one statement, the new ones
    written in one more; one another request wrote meanwhile is then found as in `receive`."""
    if len(cleaned) == 1:
        return [await receive(session, actor, cleaned[0])]
    ids = list(dict.fromkeys(clean.external_id for clean in cleaned))
    found = {
        lead.external_id: lead
        for lead in await session.scalars(select(Lead).where(Lead.external_id.in_(ids)))
    }
    new: dict[str, dict[str, Any]] = {}
    for clean in cleaned:
        lead = found.get(clean.external_id)
        if lead is not None:
            _check_same(lead, clean)
        elif clean.external_id not in new:
            new[clean.external_id] = lead_columns(
                clean, status=LeadStatus.QUEUED.value, received_by_user_id=actor.user_id or None
            )
    written: dict[str, Lead] = {}
    if new:
        rows = await session.scalars(_insert_new(session), list(new.values()))
        written = {lead.external_id: lead for lead in rows}
    first: set[str] = set()
    received = []
    for clean in cleaned:
        external_id = clean.external_id
        if external_id in new and external_id not in written:  # another request was first
            existing = await _by_external_id(session, clean)
            if existing is None:  # pragma: no cover
                raise RuntimeError(f"lead {external_id} neither written nor found")
            found[external_id] = existing
        lead = found.get(external_id) or written[external_id]
        created = external_id in written and external_id not in first
        first.add(external_id)
        received.append(Received(lead, created))
    return received


async def _by_external_id(session: AsyncSession, clean: CleanLead) -> Lead | None:
    lead = await session.scalar(select(Lead).where(Lead.external_id == clean.external_id))
    if lead is not None:
        _check_same(lead, clean)
    return lead


def _check_same(lead: Lead, clean: CleanLead) -> None:
    if lead.content_hash != clean.content_hash:
        raise Conflict(
            LeadError.LEAD_CONFLICT,
            f"外部编号 {clean.external_id} 已用于另一条内容不同的线索",
            f"External id {clean.external_id} was already used for a lead with other content",
            "external_id",
        )


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
    segment_uncovered: bool = False,
) -> RoutingDecision:
    """Put the lead with a rep (due to be contacted within the SLA) or in a queue, and keep
    the decision that did it. A lead left in a queue was checked now."""
    now = now or utcnow()
    lead.owner_rep_id = rep_id
    lead.co_owner_rep_id = co_owner_rep_id
    lead.queue = queue
    lead.status = LeadStatus.ROUTED.value if rep_id is not None else LeadStatus.QUEUED.value
    lead.routed_at = now if rep_id is not None else None
    lead.contact_due_at = now + timedelta(hours=sla_hours) if rep_id is not None else None
    if rep_id is None:
        lead.queue_checked_at = now
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
        segment_uncovered=segment_uncovered,
        decided_by_user_id=user_id or None,
        decided_at=now,
    )
    session.add(decision)
    return decision


async def next_attempt(session: AsyncSession, lead_id: int) -> int:
    taken = (
        await session.execute(
            select(func.coalesce(func.max(RoutingDecision.attempt), 0)).where(
                RoutingDecision.lead_id == lead_id
            )
        )
    ).scalar_one()
    return taken + 1


async def latest_decisions(
    session: AsyncSession, lead_ids: Iterable[int]
) -> dict[int, RoutingDecision]:
    """Each lead's last decision (highest attempt), in one statement for any number of leads."""
    ids = list(lead_ids)
    if not ids:
        return {}
    last = (
        select(RoutingDecision.lead_id, func.max(RoutingDecision.attempt).label("attempt"))
        .where(RoutingDecision.lead_id.in_(ids))
        .group_by(RoutingDecision.lead_id)
        .subquery()
    )
    rows = await session.scalars(
        select(RoutingDecision).join(
            last,
            and_(
                RoutingDecision.lead_id == last.c.lead_id,
                RoutingDecision.attempt == last.c.attempt,
            ),
        )
    )
    return {row.lead_id: row for row in rows}


async def get_lead(session: AsyncSession, actor: Actor, lead_id: int, field: str) -> Lead:
    lead = await session.scalar(select(Lead).where(Lead.id == lead_id, lead_visible(actor)))
    if lead is None:
        raise not_found(LeadError.LEAD_NOT_FOUND, field, "线索", "lead")
    return lead


_LEADS_BY_IDS = by_ids(Lead, lead_visible)


async def leads_by_ids(session: AsyncSession, actor: Actor, ids: Iterable[int]) -> dict[int, Lead]:
    return await rows_by_ids(session, _LEADS_BY_IDS(actor), ids)


async def contacts_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, dict]:
    """The customer's contact details of the leads the actor may work (see `lead_workable`);
    a lead the actor only sees, or does not see, is absent."""
    rows = await session.execute(
        select(Lead.id, Lead.contact).where(
            Lead.id.in_(list(ids)), lead_visible(actor), lead_workable(actor)
        )
    )
    return {lead_id: contact or {} for lead_id, contact in rows}


_DECISIONS_OF = (
    select(RoutingDecision)
    .where(RoutingDecision.lead_id.in_(IDS))
    .order_by(RoutingDecision.lead_id, RoutingDecision.attempt)
)


async def decisions_of(
    session: AsyncSession, lead_ids: Iterable[int]
) -> dict[int, list[RoutingDecision]]:
    grouped: dict[int, list[RoutingDecision]] = {}
    for row in await session.scalars(_DECISIONS_OF, ids_of(lead_ids)):
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
