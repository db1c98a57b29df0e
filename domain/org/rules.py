"""Pure rules of the org context: who sees what, tree paths, tokens, input checks."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from domain.errors import Conflict, InvalidInput
from domain.org.models import OrgUnitKind, Role

TOKEN_PREFIX = "pacer_"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
MAX_CAPACITY = 10_000


@dataclass(frozen=True)
class Actor:
    """The caller as the services see it: roles plus where they may look.

    ``scope_path`` is the materialised path of the scope unit; ``None`` with the admin role
    means the whole company. A rep sees their own record and their own unit.
    """

    user_id: int
    roles: frozenset[str]
    scope_path: str | None = None
    rep_id: int | None = None
    rep_unit_id: int | None = None
    login: str = ""

    def has(self, *roles: Role) -> bool:
        return any(role.value in self.roles for role in roles)

    @property
    def sees_whole_company(self) -> bool:
        return self.has(Role.ADMIN) and self.scope_path is None

    @property
    def subtree_path(self) -> str | None:
        """The subtree this actor manages, if any (admin, director, manager)."""
        if self.has(Role.ADMIN, Role.DIRECTOR, Role.MANAGER):
            return self.scope_path
        return None

    def manages_path(self, unit_path: str) -> bool:
        """True when a unit with this path lies in the actor's managed subtree."""
        if self.sees_whole_company:
            return True
        scope = self.subtree_path
        return scope is not None and unit_path.startswith(scope)


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
            "COMPANY_WITH_PARENT", "公司只能是组织树的根", "A company must be a root unit", "kind"
        )
    if kind != OrgUnitKind.COMPANY and not has_parent:
        raise InvalidInput(
            "PARENT_REQUIRED",
            "除公司外，组织单元必须有上级",
            "Every unit but a company needs a parent",
            "parent_id",
        )


def check_move(unit_path: str, unit_parent_id: int | None, new_parent_path: str) -> None:
    """Refuse moving a root, or moving a unit under itself or one of its descendants."""
    if unit_parent_id is None:
        raise Conflict("CANNOT_MOVE_ROOT", "不能移动根单元", "The root unit cannot be moved", "id")
    if new_parent_path.startswith(unit_path):
        raise Conflict(
            "CYCLE",
            "不能把组织单元移到它自己或它的下级之下",
            "A unit cannot move under itself or one of its descendants",
            "new_parent_id",
        )


# --- input checks -----------------------------------------------------------------------


def clean_text(value: str, field_name: str, max_length: int = 120) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidInput("REQUIRED", "不能为空", "Must not be empty", field_name)
    if len(text) > max_length:
        raise InvalidInput(
            "TOO_LONG",
            f"不能超过 {max_length} 个字符",
            f"Must be at most {max_length} characters",
            field_name,
        )
    return text


def clean_optional_text(value: str | None, field_name: str, max_length: int) -> str | None:
    """Free text that may be left out: whitespace collapsed, blank as None, at most
    `max_length` characters (TOO_LONG)."""
    text = " ".join((value or "").split())
    return clean_text(text, field_name, max_length) if text else None


def clean_slug(value: str, field_name: str) -> str:
    slug = value.strip().lower()
    if not SLUG.match(slug):
        raise InvalidInput(
            "INVALID_CODE",
            "只能使用小写字母、数字、下划线、点和连字符（最多 40 个）",
            "Use 1-40 lower-case letters, digits, '_', '.' or '-'",
            field_name,
        )
    return slug


def check_capacity(capacity: int) -> None:
    if not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(
            "INVALID_CAPACITY",
            f"容量必须在 0 到 {MAX_CAPACITY} 之间",
            f"Capacity must be between 0 and {MAX_CAPACITY}",
            "capacity",
        )


def check_hire_date(hire_date: date, today: date) -> None:
    if hire_date > today + timedelta(days=366):
        raise InvalidInput(
            "INVALID_HIRE_DATE",
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
                "INVALID_PROFICIENCY",
                "熟练度必须在 1 到 5 之间",
                "Proficiency must be between 1 and 5",
                "specialties",
            )
        cleaned[slug] = proficiency
    return cleaned


def check_role_scope(roles: set[str], has_scope: bool, has_rep: bool) -> None:
    """Directors and managers need a scope unit; a rep login needs its rep record."""
    if not roles:
        raise InvalidInput("ROLES_REQUIRED", "至少需要一个角色", "Give at least one role", "roles")
    if roles & {Role.DIRECTOR.value, Role.MANAGER.value} and not has_scope:
        raise InvalidInput(
            "SCOPE_REQUIRED",
            "总监和经理必须指定管辖的组织单元",
            "Directors and managers need a scope unit",
            "scope_unit_id",
        )
    if Role.REP.value in roles and not has_rep:
        raise InvalidInput(
            "REP_REQUIRED", "销售代表账号必须关联销售代表", "A rep login needs a rep", "rep_id"
        )
    if Role.REP.value not in roles and has_rep:
        raise InvalidInput(
            "REP_ROLE_REQUIRED",
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


def as_utc(moment: datetime | None) -> datetime | None:
    """The moment in UTC. Every stored moment is UTC, and SQLite gives naive datetimes back
    and drops the offset of those it is given, so convert before storing or comparing."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


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
            "INVALID_EXPIRY", "过期时间必须在将来", "The expiry must be in the future", "expires_at"
        )
