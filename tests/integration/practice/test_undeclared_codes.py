"""Codes a mutation could raise before its payload declared them (tests/unit/test_error_codes.py
finds them): each now comes back as the payload's coded error, not a masked internal error."""

from __future__ import annotations

from domain.kernel.actor import Role
from domain.org import access
from domain.org.models import User, UserRole
from tests.support.practice import start
from tests.support.world import BOOTSTRAP


async def rep_login_without_a_rep(sessions, world) -> str:
    """A login holding the rep role but linked to no rep (made before a rep login needed its
    rep, or by hand in the database): the rules refuse to create one, so it is written here."""
    async with sessions() as session:
        user = User(login="no-rep", display_name="No rep", active=True)
        user.role_rows = [UserRole(role=Role.REP.value)]
        session.add(user)
        await session.flush()
        _, secret = await access.issue_token(session, BOOTSTRAP, user_id=user.id, name="t")
        await session.commit()
    world.tokens["no-rep"] = secret
    return "no-rep"


async def test_start_practice_without_a_rep_is_not_a_rep(api, sessions, world):
    login = await rep_login_without_a_rep(sessions, world)
    started = await start(api, as_=login)
    assert started["session"] is None
    assert [(e["code"], e["field"]) for e in started["errors"]] == [("NOT_A_REP", None)]
    assert started["errors"][0]["message"] == "只有关联了销售代表的账号才能练习"
