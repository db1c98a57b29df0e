"""Capability tables: the evidence behind each rep's scores, the scores per dimension with
a manager's override, their append-only history, customer ratings, and milestone awards
with their audit trail.

Evidence is the only input: practice sessions, customer ratings and deal quality each write
rows of (rep, dimension, source, reference, value 0–100, observations, day); a rep's scores
are recomputed from all their evidence whenever it changes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class CapabilitySource(LabelledEnum):
    PRACTICE = ("practice", "练习", "Practice")
    RATING = ("rating", "客户评价", "Customer rating")
    DEALS = ("deals", "成交质量", "Deal quality")


@register
class CapabilityTier(LabelledEnum):
    EXPERT = ("expert", "专家", "Expert")
    PROFICIENT = ("proficient", "熟练", "Proficient")
    DEVELOPING = ("developing", "成长", "Developing")
    NOVICE = ("novice", "新手", "Novice")


@register
class ScoreChangeCause(LabelledEnum):
    PRACTICE = ("practice", "练习结果", "Practice result")
    RATING = ("rating", "客户评价", "Customer rating")
    DEALS = ("deals", "成交质量刷新", "Deal-quality refresh")
    OVERRIDE = ("override", "经理调整", "Manager override")
    OVERRIDE_CLEARED = ("override_cleared", "撤销经理调整", "Override cleared")


@register
class AwardEventKind(LabelledEnum):
    AWARDED = ("awarded", "授予", "Awarded")
    REVOKED = ("revoked", "撤销", "Revoked")


def _score_range(column: str) -> str:
    return f"{column} IS NULL OR ({column} >= 0 AND {column} <= 100)"


class CapabilityEvidence(Base):
    """One observation of a rep in one dimension. `ref` names what it came from
    (`practice:<session id>`, `rating:<rating id>`, `<quarter>:<segment>` for deals), so a
    source rewrites its own rows and nothing else."""

    __tablename__ = "capability_evidence"
    __table_args__ = (
        sa.CheckConstraint(one_of("source", CapabilitySource), name="source"),
        sa.CheckConstraint("value >= 0 AND value <= 100", name="value_range"),
        sa.CheckConstraint("observations >= 1", name="observations_positive"),
        sa.UniqueConstraint("rep_id", "source", "ref", "dimension"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    dimension: Mapped[str] = mapped_column(sa.String(40))
    source: Mapped[str] = mapped_column(sa.String(16))
    ref: Mapped[str] = mapped_column(sa.String(80))
    value: Mapped[float] = mapped_column(sa.Float)
    observations: Mapped[int] = mapped_column(sa.Integer, default=1)
    observed_on: Mapped[date] = mapped_column(sa.Date)
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CapabilityScore(Base):
    """A rep's score in one dimension: the computed one with its breakdown by source, and a
    manager's override beside it. The effective score is the override when there is one."""

    __tablename__ = "capability_score"
    __table_args__ = (
        sa.CheckConstraint(_score_range("computed_score"), name="computed_range"),
        sa.CheckConstraint(_score_range("override_score"), name="override_range"),
        sa.UniqueConstraint("rep_id", "dimension"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    dimension: Mapped[str] = mapped_column(sa.String(40))
    computed_score: Mapped[float | None] = mapped_column(sa.Float)
    confidence: Mapped[float] = mapped_column(sa.Float, default=0.0)
    observations: Mapped[int] = mapped_column(sa.Integer, default=0)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    """Per source: {source, value, weight, observations}; weights sum to 1."""
    computed_on: Mapped[date | None] = mapped_column(sa.Date)
    override_score: Mapped[float | None] = mapped_column(sa.Float)
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    override_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    override_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def effective_score(self) -> float | None:
        return self.override_score if self.override_score is not None else self.computed_score


class CapabilityScoreChange(Base):
    """Append-only: a row whenever a computed score or an override changes."""

    __tablename__ = "capability_score_change"
    __table_args__ = (
        sa.CheckConstraint(one_of("cause", ScoreChangeCause), name="cause"),
        sa.Index("ix_capability_score_change_rep_dimension", "rep_id", "dimension"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"))
    dimension: Mapped[str] = mapped_column(sa.String(40))
    cause: Mapped[str] = mapped_column(sa.String(16))
    computed_score: Mapped[float | None] = mapped_column(sa.Float)
    override_score: Mapped[float | None] = mapped_column(sa.Float)
    confidence: Mapped[float] = mapped_column(sa.Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def score(self) -> float | None:
        return self.override_score if self.override_score is not None else self.computed_score


class CustomerRating(Base):
    """A customer's 1–5 rating of one interaction (a follow-up) or one deal (an
    opportunity), for the dimensions it names. `external_id` makes imports idempotent."""

    __tablename__ = "capability_rating"
    __table_args__ = (
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        sa.CheckConstraint(
            "(follow_up_id IS NULL) <> (opportunity_id IS NULL)", name="one_subject"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    follow_up_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_up.id"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("opportunity.id"), index=True)
    rating: Mapped[int] = mapped_column(sa.Integer)
    dimensions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    rated_on: Mapped[date] = mapped_column(sa.Date)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    recorded_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MilestoneAward(Base):
    """A milestone a rep holds (or held, once revoked), with the flags it unlocks and the
    numbers that decided it. At most one unrevoked award per rep and milestone."""

    __tablename__ = "capability_award"
    __table_args__ = (
        sa.Index(
            "uq_capability_award_current",
            "rep_id",
            "milestone",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    milestone: Mapped[str] = mapped_column(sa.String(64))
    flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    numbers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    awarded_on: Mapped[date] = mapped_column(sa.Date)
    awarded_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_on: Mapped[date | None] = mapped_column(sa.Date)
    revoked_at: Mapped[datetime | None] = mapped_column()


class MilestoneEvent(Base):
    """Append-only audit of awards and revocations, with the numbers that decided each."""

    __tablename__ = "capability_award_event"
    __table_args__ = (sa.CheckConstraint(one_of("kind", AwardEventKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("capability_award.id"), index=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    milestone: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(8))
    as_of: Mapped[date] = mapped_column(sa.Date)
    numbers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
