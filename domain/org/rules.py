"""Pure rules of the org context: who sees what, tree paths, tokens, input checks."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from domain.errors import Conflict, InvalidInput
from domain.kernel.actor import Role
from domain.kernel.text import clean_slug
from domain.kernel.time import as_utc
from domain.org.errors import OrgError
from domain.org.models import OrgUnitKind

TOKEN_PREFIX = "pacer_"
MAX_CAPACITY = 10_000


# --- tree -------------------------------------------------------------------------------


def child_path(parent_path: str | None, unit_id: int) -> str:
    return f"{parent_path or '/'}{unit_id}/"


def path_depth(path: str) -> int:
    return path.strip("/").count("/")


def ancestor_ids(path: str) -> list[int]:
    """Ids on the path from the root down to the unit itself, root first."""
    return [int(part) for part in path.strip("/").split("/") if part]


def check_parent_kind(kind: str, has_parent: bool) -> None:
    if kind == OrgUnitKind.COMPANY and has_parent:
        raise InvalidInput(
            OrgError.COMPANY_WITH_PARENT,
            "公司只能是组织树的根",
            "A company must be a root unit",
            "kind",
        )
    if kind != OrgUnitKind.COMPANY and not has_parent:
        raise InvalidInput(
            OrgError.PARENT_REQUIRED,
            "除公司外，组织单元必须有上级",
            "Every unit but a company needs a parent",
            "parent_id",
        )


def check_move(unit_path: str, unit_parent_id: int | None, new_parent_path: str) -> None:
    """Refuse moving a root, or moving a unit under itself or one of its descendants."""
    if unit_parent_id is None:
        raise Conflict(
            OrgError.CANNOT_MOVE_ROOT, "不能移动根单元", "The root unit cannot be moved", "id"
        )
    if new_parent_path.startswith(unit_path):
        raise Conflict(
            OrgError.CYCLE,
            "不能把组织单元移到它自己或它的下级之下",
            "A unit cannot move under itself or one of its descendants",
            "new_parent_id",
        )


# --- input checks -----------------------------------------------------------------------


def check_capacity(capacity: int) -> None:
    if not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(
            OrgError.INVALID_CAPACITY,
            f"容量必须在 0 到 {MAX_CAPACITY} 之间",
            f"Capacity must be between 0 and {MAX_CAPACITY}",
            "capacity",
        )


def check_hire_date(hire_date: date, today: date) -> None:
    if hire_date > today + timedelta(days=366):
        raise InvalidInput(
            OrgError.INVALID_HIRE_DATE,
            "入职日期不能晚于一年以后",
            "The hire date cannot be more than a year ahead",
            "hire_date",
        )


def clean_specialties(specialties: dict[str, int]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for segment, proficiency in specialties.items():
        slug = clean_slug(segment, "specialties")
        if not 1 <= proficiency <= 5:
            raise InvalidInput(
                OrgError.INVALID_PROFICIENCY,
                "熟练度必须在 1 到 5 之间",
                "Proficiency must be between 1 and 5",
                "specialties",
            )
        cleaned[slug] = proficiency
    return cleaned


def check_role_scope(roles: set[str], has_scope: bool, has_rep: bool) -> None:
    """Directors and managers need a scope unit; a rep login needs its rep record."""
    if not roles:
        raise InvalidInput(
            OrgError.ROLES_REQUIRED, "至少需要一个角色", "Give at least one role", "roles"
        )
    if roles & {Role.DIRECTOR.value, Role.MANAGER.value} and not has_scope:
        raise InvalidInput(
            OrgError.SCOPE_REQUIRED,
            "总监和经理必须指定管辖的组织单元",
            "Directors and managers need a scope unit",
            "scope_unit_id",
        )
    if Role.REP.value in roles and not has_rep:
        raise InvalidInput(
            OrgError.REP_REQUIRED,
            "销售代表账号必须关联销售代表",
            "A rep login needs a rep",
            "rep_id",
        )
    if Role.REP.value not in roles and has_rep:
        raise InvalidInput(
            OrgError.REP_ROLE_REQUIRED,
            "只有销售代表角色的账号才能关联销售代表",
            "Only a login with the rep role can be linked to a rep",
            "rep_id",
        )


# --- tokens -----------------------------------------------------------------------------


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(secret: str) -> str:
    # The secret has 256 bits of entropy, so a plain SHA-256 is enough (no salt, no KDF).
    return hashlib.sha256(secret.encode()).hexdigest()


def token_refusal(
    expires_at: datetime | None, revoked_at: datetime | None, user_active: bool, now: datetime
) -> str | None:
    """Why a stored token cannot be used now, or None when it can."""
    if revoked_at is not None:
        return "revoked"
    expiry = as_utc(expires_at)
    if expiry is not None and expiry <= now:
        return "expired"
    if not user_active:
        return "user inactive"
    return None


def check_expiry(expires_at: datetime | None, now: datetime) -> None:
    if expires_at is not None and as_utc(expires_at) <= now:
        raise InvalidInput(
            OrgError.INVALID_EXPIRY,
            "过期时间必须在将来",
            "The expiry must be in the future",
            "expires_at",
        )
