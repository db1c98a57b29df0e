"""Many new deals at once (`domain.pipeline.openings.open_deals`, what routing's intake uses):
the same rows and checks as `create_account` + `create_opportunity` one by one, in a constant
number of statements, all or none."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from domain.errors import DomainError
from domain.org.access import actor_for
from domain.org.models import User
from domain.pipeline.models import Account, CoOwner, Opportunity, StageTransition
from domain.pipeline.openings import Opening, open_deals
from tests.support.db import count_statements

CLOSE = date(2027, 3, 1)


def opening(owner: int, number: int, **changes) -> Opening:
    values = dict(
        account_name=f"  Buyer {number} ",
        segment="smb",
        region="shanghai",
        owner_rep_id=owner,
        title=f"web: Buyer {number}",
        amount=1_000_00 * number,
        expected_close=CLOSE,
        source_lead="web",
    )
    return Opening(**(values | changes))


async def actor(session, world, login: str):
    return await actor_for(session, await session.get(User, world.users[login]))


def reads(counter) -> int:
    return sum(not statement.startswith("INSERT") for statement in counter.statements)


async def rows(session, model) -> int:
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_each_opening_is_an_account_and_a_lead_stage_deal_with_its_history(
    sessions, world, engine
):
    r1, r2 = world.reps["r1"], world.reps["r2"]
    async with sessions() as session:
        admin = await actor(session, world, "admin")
        with count_statements(engine) as few:
            opened = await open_deals(
                session, admin, [opening(r1, 1, co_owner_ids=(r2, r1)), opening(r2, 2)]
            )
        with count_statements(engine) as many:
            more = [opening(r1, 3, co_owner_ids=(r2,)), opening(r2, 4)]  # as the first two
            more += [opening(r1, n) for n in range(5, 43)]
            await open_deals(session, admin, more)
        await session.commit()
    assert reads(many) == reads(few)  # no statement per opening but its rows' INSERTs
    assert sum(s.startswith("INSERT INTO stage_transition") for s in many.statements) == 1
    if engine.dialect.name == "postgresql":  # SQLite cannot batch INSERT … RETURNING in order
        print("FEW", few.statements, "MANY", many.statements)
        assert many.count == few.count
    async with sessions() as session:
        first = await session.get(Opportunity, opened[0].id)
        account = await session.get(Account, first.account_id)
        co_owners = list(await session.scalars(select(CoOwner.rep_id).where(
            CoOwner.opportunity_id == first.id
        )))  # fmt: skip
        history = list(await session.execute(
            select(StageTransition.from_stage, StageTransition.to_stage, StageTransition.action)
            .where(StageTransition.opportunity_id == first.id)
        ))  # fmt: skip
        assert (account.name, account.segment, account.region, account.owner_rep_id) == (
            "Buyer 1", "smb", "shanghai", r1,
        )  # fmt: skip
        assert (first.stage, first.owner_rep_id, first.amount, first.source_lead) == (
            "lead", r1, 1_000_00, "web",
        )  # fmt: skip
        assert co_owners == [r2]  # the owner is never their own co-owner
        assert [tuple(row) for row in history] == [(None, "lead", "create")]
        assert await rows(session, Opportunity) == 42
        assert await rows(session, StageTransition) == 42


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"owner_rep_id": "r4"}, "REP_NOT_FOUND", "owner_id"),
        ({"co_owner_ids": ("r4",)}, "REP_NOT_FOUND", "co_owner_ids"),
        ({"amount": -1}, "NEGATIVE_AMOUNT", "amount"),
        ({"segment": "Not A Slug!"}, "INVALID_CODE", "segment"),
        ({"account_name": "  "}, "REQUIRED", "name"),
        ({"title": "x" * 201}, "TOO_LONG", "title"),
    ],
)
async def test_one_bad_opening_refuses_them_all(sessions, world, change, code, field):
    """A manager of Shanghai cannot give a deal to a Chengdu rep (r4), nor co-own one with
    them; nothing of the batch is written."""
    named = {
        key: world.reps[value] if key == "owner_rep_id" else value for key, value in change.items()
    }
    if "co_owner_ids" in change:
        named["co_owner_ids"] = tuple(world.reps[rep] for rep in change["co_owner_ids"])
    async with sessions() as session:
        manager = await actor(session, world, "manager")
        with pytest.raises(DomainError) as refused:
            await open_deals(
                session,
                manager,
                [opening(world.reps["r1"], 1), opening(world.reps["r2"], 2, **named)],
            )
        await session.rollback()
        assert (refused.value.code.value, refused.value.field) == (code, field)
        assert await rows(session, Account) == 0
        assert await rows(session, Opportunity) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [({"owner_rep_id": 10**6}, "owner_id"), ({"co_owner_ids": (10**6,)}, "co_owner_ids")],
)
async def test_for_an_admin_no_rep_is_read_and_an_unknown_one_is_still_refused_by_name(
    sessions, world, engine, change, field
):
    """Every rep is in an admin's scope (routing acts as one): nothing is read to check the
    owners, and the database's refusal of a rep id that names no rep is REP_NOT_FOUND."""
    r1 = world.reps["r1"]
    async with sessions() as session:
        admin = await actor(session, world, "admin")
        with count_statements(engine) as counted:
            await open_deals(session, admin, [opening(r1, 1, co_owner_ids=(world.reps["r2"],))])
        assert not any(s.startswith("SELECT") for s in counted.statements)
        with pytest.raises(DomainError) as refused:
            await open_deals(session, admin, [opening(r1, 2), opening(r1, 3, **change)])
        await session.rollback()
        assert (refused.value.code.value, refused.value.field) == ("REP_NOT_FOUND", field)
        assert await rows(session, Account) == 0
        assert await rows(session, Opportunity) == 0
