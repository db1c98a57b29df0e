"""Leads from marketing intake, every routing decision about them, and the co-owner cover a
rep gets while weak in a dimension a lead needs.

A lead is never silently unassigned: it is either with a rep (as an opportunity in the
`lead` stage) or in a named queue, and each of its routing decisions — at intake, in a
batch, after an SLA miss — is a row with the explanation the policy produced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class LeadStatus(LabelledEnum):
    ROUTED = ("routed", "已分配", "Routed")
    QUEUED = ("queued", "排队待分配", "Queued")
    CONTACTED = ("contacted", "已联系", "Contacted")


@register
class RoutingReason(LabelledEnum):
    INTAKE = ("intake", "线索接入", "Intake")
    BATCH = ("batch", "批量分配", "Batch")
    SLA = ("sla", "超时未联系，重新分配", "Not contacted in time")


class Lead(Base):
    __tablename__ = "lead"
    __table_args__ = (sa.CheckConstraint(one_of("status", LeadStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(120), unique=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    """sha256 of the intake payload: the same id with other content is refused."""
    source: Mapped[str] = mapped_column(sa.String(40), index=True)
    segment: Mapped[str] = mapped_column(sa.String(40), index=True)
    region: Mapped[str] = mapped_column(sa.String(40))
    product_interests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    signals: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    estimated_value: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    contact: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(12), index=True)
    queue: Mapped[str | None] = mapped_column(sa.String(40))
    owner_rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    co_owner_rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"))
    opportunity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("opportunity.id"))
    routed_at: Mapped[datetime | None] = mapped_column()
    contact_due_at: Mapped[datetime | None] = mapped_column(index=True)
    received_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    queue_checked_at: Mapped[datetime | None] = mapped_column()
    """When routing last looked at the lead while it was queued (at intake, in a batch, in a
    sweep that left it queued). A re-run that changes nothing stores no decision, only this."""


class RoutingDecision(Base):
    """One decision about a lead: who got it (or which queue), under which policy version,
    and why — each term's contribution, the top candidates, the filters that excluded the
    others, relaxations and fallbacks — exactly as the policy explained it."""

    __tablename__ = "routing_decision"
    __table_args__ = (
        sa.CheckConstraint(one_of("reason", RoutingReason), name="reason"),
        sa.UniqueConstraint("lead_id", "attempt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("lead.id"), index=True)
    attempt: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str] = mapped_column(sa.String(12))
    policy_version: Mapped[str] = mapped_column(sa.String(40))
    rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    co_owner_rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"))
    co_owner_dimension: Mapped[str | None] = mapped_column(sa.String(40))
    queue: Mapped[str | None] = mapped_column(sa.String(40))
    explanation: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.Text)
    segment_uncovered: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    """No eligible rep (capacity aside) specialised in the lead's segment: it went to a
    non-specialist or a queue. Counted per segment in the routing coverage report."""
    decided_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoOwnerCover(Base):
    """While a rep is weak in a dimension, their next high-potential leads that need it get a
    senior co-owner: this counts how many have, since the weakness was first seen."""

    __tablename__ = "co_owner_cover"
    __table_args__ = (sa.UniqueConstraint("rep_id", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"))
    dimension: Mapped[str] = mapped_column(sa.String(40))
    leads_covered: Mapped[int] = mapped_column(sa.Integer, default=0)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)


# Routing's change counters are raised by every process that maps a lead: the server, every
# `pacer` command and the tests all do, through routing.
import domain.leads.changes  # noqa: E402, F401
