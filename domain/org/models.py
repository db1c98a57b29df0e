"""Org units, reps, users, roles and API tokens."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, utcnow
from domain.kernel.actor import Role
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class OrgUnitKind(LabelledEnum):
    COMPANY = ("company", "公司", "Company")
    REGION = ("region", "大区", "Region")
    AREA = ("area", "片区", "Area")
    TEAM = ("team", "团队", "Team")


@register
class RepLevel(LabelledEnum):
    JUNIOR = ("junior", "初级", "Junior")
    MID = ("mid", "中级", "Mid-level")
    SENIOR = ("senior", "资深", "Senior")


@register
class RepStatus(LabelledEnum):
    ACTIVE = ("active", "在岗", "Active")
    ON_LEAVE = ("on_leave", "休假", "On leave")
    INACTIVE = ("inactive", "已离岗", "Inactive")


class OrgUnit(Base):
    __tablename__ = "org_unit"
    __table_args__ = (sa.CheckConstraint(one_of("kind", OrgUnitKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    # Materialised path of ids, "/1/4/9/": a subtree is one LIKE on an index.
    path: Mapped[str] = mapped_column(sa.String(1000), index=True)
    depth: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rep(Base):
    __tablename__ = "rep"
    __table_args__ = (
        sa.CheckConstraint(one_of("level", RepLevel), name="level"),
        sa.CheckConstraint(one_of("status", RepStatus), name="status"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(16))
    hire_date: Mapped[date] = mapped_column(sa.Date)
    capacity: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(16), default=RepStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    specialties: Mapped[list[RepSpecialty]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="RepSpecialty.segment"
    )
    territories: Mapped[list[RepTerritory]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="RepTerritory.territory"
    )


class RepSpecialty(Base):
    __tablename__ = "rep_specialty"
    __table_args__ = (sa.CheckConstraint("proficiency BETWEEN 1 AND 5", name="proficiency_range"),)

    rep_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rep.id", ondelete="CASCADE"), primary_key=True
    )
    segment: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)
    proficiency: Mapped[int] = mapped_column(sa.Integer)


class RepTerritory(Base):
    __tablename__ = "rep_territory"

    rep_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rep.id", ondelete="CASCADE"), primary_key=True
    )
    territory: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(120), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    scope_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    rep_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rep.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    role_rows: Mapped[list[UserRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="UserRole.role"
    )

    @property
    def roles(self) -> list[str]:
        return [row.role for row in self.role_rows]


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (sa.CheckConstraint(one_of("role", Role), name="role"),)

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), primary_key=True, index=True)


class ApiToken(Base):
    __tablename__ = "api_token"
    __table_args__ = (sa.UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
