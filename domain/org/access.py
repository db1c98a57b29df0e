"""Use-cases on logins: users with roles and scope, API tokens, turning a token into an Actor."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, bindparam, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from domain.db import utcnow
from domain.errors import Conflict, not_found
from domain.kernel.actor import Actor, Role, per_actor
from domain.kernel.sql import by_ids, rows_by_ids
from domain.kernel.text import clean_slug, clean_text
from domain.kernel.time import as_utc
from domain.org import rules
from domain.org.errors import OrgError
from domain.org.models import ApiToken, OrgUnit, Rep, User, UserRole
from domain.org.service import get_rep, get_unit, rep_visible, units_in_subtree


@per_actor
def user_visible(actor: Actor) -> ColumnElement[bool]:
    if actor.sees_whole_company:
        return true()
    conditions = [User.id == actor.user_id]
    if actor.subtree_path is not None:
        conditions.append(User.scope_unit_id.in_(units_in_subtree(actor.subtree_path)))
        conditions.append(User.rep_id.in_(select(Rep.id).where(rep_visible(actor))))
    return or_(*conditions)


async def actor_for(session: AsyncSession, user: User) -> Actor:
    scope_path = None
    if user.scope_unit_id is not None:
        scope_path = await session.scalar(
            select(OrgUnit.path).where(OrgUnit.id == user.scope_unit_id)
        )
    rep_unit_id = None
    if user.rep_id is not None:
        rep_unit_id = await session.scalar(select(Rep.unit_id).where(Rep.id == user.rep_id))
    return _actor(user, scope_path, rep_unit_id)


def _actor(user: User, scope_path: str | None, rep_unit_id: int | None) -> Actor:
    return Actor(
        user_id=user.id,
        roles=frozenset(user.roles),
        scope_path=scope_path,
        rep_id=user.rep_id,
        rep_unit_id=rep_unit_id,
        login=user.login,
    )


def _with_scope(statement: Select) -> Select:
    """Adds what an Actor needs beside the user (its roles, the path of its scope, its rep's
    unit) to a statement selecting User, so that authenticating costs one statement."""
    return (
        statement.add_columns(OrgUnit.path, Rep.unit_id)
        .outerjoin(OrgUnit, OrgUnit.id == User.scope_unit_id)
        .outerjoin(Rep, Rep.id == User.rep_id)
        .options(joinedload(User.role_rows))
    )


AUTHENTICATED_USER = "pacer.authenticated_user"
# Built once: every request authenticates, and building the statement cost more than running it.
_BY_TOKEN = _with_scope(select(ApiToken, User).join(User, User.id == ApiToken.user_id)).where(
    ApiToken.token_hash == bindparam("token_hash")
)
_BY_LOGIN = _with_scope(select(User)).where(User.login == bindparam("login"))


class AuthenticationFailed(Exception):
    """The presented credential is unknown, expired or revoked; the message says which."""


async def authenticate_token(
    session: AsyncSession, secret: str, now: datetime | None = None
) -> Actor:
    """The token's user, kept in the session (with its roles) for the rest of the request."""
    now = now or utcnow()
    found = await session.execute(_BY_TOKEN, {"token_hash": rules.hash_token(secret)})
    row = found.unique().first()
    if row is None:
        raise AuthenticationFailed("unknown API token")
    token, user, scope_path, rep_unit_id = row
    refusal = rules.token_refusal(token.expires_at, token.revoked_at, user.active, now)
    if refusal:
        raise AuthenticationFailed(f"API token {refusal}")
    return _authenticated(session, user, scope_path, rep_unit_id)


async def authenticate_login(session: AsyncSession, login: str) -> Actor:
    """For an identity provider's JWT whose claim names a Pacer login."""
    row = (await session.execute(_BY_LOGIN, {"login": login})).unique().first()
    if row is None or not row[0].active:
        raise AuthenticationFailed(f"no active Pacer user with login {login!r}")
    user, scope_path, rep_unit_id = row
    return _authenticated(session, user, scope_path, rep_unit_id)


def _authenticated(
    session: AsyncSession, user: User, scope_path: str | None, rep_unit_id: int | None
) -> Actor:
    # The session's identity map holds rows weakly: keeping the user for the unit of work
    # lets `own_user` (and any load of it) find it without a statement.
    session.info[AUTHENTICATED_USER] = user
    return _actor(user, scope_path, rep_unit_id)


async def own_user(session: AsyncSession, actor: Actor) -> User | None:
    """The caller's own user (always in their scope); after authentication it is already in
    the session, so this reads nothing."""
    return await session.get(User, actor.user_id)


# --- users ------------------------------------------------------------------------------


_USERS_BY_IDS = by_ids(User, user_visible)


async def users_by_ids(session: AsyncSession, actor: Actor, ids: Iterable[int]) -> dict[int, User]:
    return await rows_by_ids(session, _USERS_BY_IDS(actor), ids)


async def users_by_ids_unscoped(session: AsyncSession, ids: Iterable[int]) -> dict[int, User]:
    """Users by id for display next to rows the caller may already see (a rep's manager)."""
    return {u.id: u for u in await session.scalars(select(User).where(User.id.in_(set(ids))))}


async def get_user(session: AsyncSession, actor: Actor, user_id: int, field: str) -> User:
    user = (await users_by_ids(session, actor, [user_id])).get(user_id)
    if user is None:
        raise not_found(OrgError.USER_NOT_FOUND, field, "用户", "user")
    return user


async def create_user(
    session: AsyncSession,
    actor: Actor,
    *,
    login: str,
    display_name: str,
    roles: list[Role],
    email: str | None = None,
    scope_unit_id: int | None = None,
    rep_id: int | None = None,
) -> User:
    login = clean_slug(login, "login")
    display_name = clean_text(display_name, "display_name")
    role_values = {role.value for role in roles}
    rules.check_role_scope(role_values, scope_unit_id is not None, rep_id is not None)
    if Role.ADMIN.value in role_values and scope_unit_id is None and not actor.sees_whole_company:
        raise not_found(OrgError.UNIT_NOT_FOUND, "scope_unit_id", "组织单元", "org unit")
    if scope_unit_id is not None:
        await get_unit(session, actor, scope_unit_id, "scope_unit_id")
    if rep_id is not None:
        await get_rep(session, actor, rep_id, "rep_id")
        if await session.scalar(select(User.id).where(User.rep_id == rep_id)):
            raise Conflict(
                OrgError.REP_HAS_LOGIN,
                "该销售代表已有账号",
                "This rep already has a login",
                "rep_id",
            )
    if await session.scalar(select(User.id).where(User.login == login)):
        raise Conflict(
            OrgError.LOGIN_TAKEN, "该登录名已被使用", "This login is already in use", "login"
        )
    user = User(
        login=login,
        display_name=display_name,
        email=email.strip() or None if email else None,
        scope_unit_id=scope_unit_id,
        rep_id=rep_id,
        role_rows=[UserRole(role=value) for value in sorted(role_values)],
    )
    session.add(user)
    await session.flush()
    return user


# --- tokens -----------------------------------------------------------------------------


async def issue_token(
    session: AsyncSession,
    actor: Actor,
    *,
    user_id: int,
    name: str,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is stored."""
    user = await get_user(session, actor, user_id, "user_id")
    name = clean_text(name, "name")
    expires_at = as_utc(expires_at)  # stored in UTC on every database
    rules.check_expiry(expires_at, now or utcnow())
    secret = rules.new_token_secret()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=rules.hash_token(secret),
        prefix=secret[: len(rules.TOKEN_PREFIX) + 4],
        expires_at=expires_at,
        created_by_id=actor.user_id or None,  # 0 is the system (CLI, demo bootstrap)
    )
    session.add(token)
    await session.flush()
    return token, secret


async def revoke_token(session: AsyncSession, actor: Actor, *, token_id: int) -> ApiToken:
    token = (await tokens_by_ids(session, actor, [token_id])).get(token_id)
    if token is None:
        raise not_found(OrgError.TOKEN_NOT_FOUND, "id", "令牌", "token")
    if token.revoked_at is not None:
        raise Conflict(
            OrgError.ALREADY_REVOKED, "该令牌已被吊销", "This token is already revoked", "id"
        )
    token.revoked_at = utcnow()
    await session.flush()
    return token


async def tokens_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, ApiToken]:
    """Admins see the tokens of the users in their scope; everyone sees their own."""
    stmt = select(ApiToken).where(ApiToken.id.in_(set(ids)))
    if not actor.has(Role.ADMIN):
        stmt = stmt.where(ApiToken.user_id == actor.user_id)
    else:
        stmt = stmt.where(ApiToken.user_id.in_(select(User.id).where(user_visible(actor))))
    return {token.id: token for token in await session.scalars(stmt)}


async def tokens_of_users(
    session: AsyncSession, user_ids: Iterable[int]
) -> dict[int, list[ApiToken]]:
    stmt = select(ApiToken).where(ApiToken.user_id.in_(set(user_ids))).order_by(ApiToken.id)
    tokens: dict[int, list[ApiToken]] = {}
    for token in await session.scalars(stmt):
        tokens.setdefault(token.user_id, []).append(token)
    return tokens
