"""The weekly calibration review: the meeting's frozen snapshot, the anomalies marked in it,
the target adjustments suggested and decided, and the key customers confirmed for the week."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class SuggestionStatus(LabelledEnum):
    PENDING = ("pending", "待决定", "Pending")
    ACCEPTED = ("accepted", "已采纳", "Accepted")
    REJECTED = ("rejected", "未采纳", "Rejected")


class WeeklyReview(Base):
    """A unit's weekly calibration meeting, with the snapshot frozen when it started."""

    __tablename__ = "weekly_review"
    __table_args__ = (UniqueConstraint("unit_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewAnomaly(Base):
    """Something a participant marked as out of the ordinary in the review."""

    __tablename__ = "review_anomaly"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("weekly_review.id"), index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("target.id"))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("rep.id"))
    note: Mapped[str] = mapped_column(Text)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewSuggestion(Base):
    """A proposed new amount for a target; a director accepts it into a rebalance."""

    __tablename__ = "review_suggestion"
    __table_args__ = (
        CheckConstraint(one_of("status", SuggestionStatus), name="status"),
        CheckConstraint("proposed_amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("weekly_review.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), index=True)
    proposed_amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=SuggestionStatus.PENDING.value)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column()


class ReviewKeyCustomer(Base):
    """An account confirmed as a key customer for the review's week."""

    __tablename__ = "review_key_customer"

    review_id: Mapped[int] = mapped_column(ForeignKey("weekly_review.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    note: Mapped[str | None] = mapped_column(Text)
    confirmed_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
