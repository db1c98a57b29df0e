"""Listing 1,000 opportunities with owner, account, last follow-up and stage history costs
the same number of statements as listing a few."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.pipeline import follow_ups, rules, service
from domain.pipeline.models import FollowUpType
from tests.support.db import count_statements
from tests.support.world import BOOTSTRAP

GATES = rules.load_gates()
QUERY = """query($first: Int!) { opportunities(first: $first) { totalCount edges { node {
  title stage customerStatus owner { name unit { name } manager { login } }
  account { name owner { name } } followUps { type occurredAt }
  history { toStage actor { login } } } } } }"""


@pytest.fixture
def app_settings():
    return {"max_page_size": 1000, "max_cost": 1_000_000}  # big pages cost more


async def add(sessions, world, count: int) -> None:
    async with sessions() as session:
        account = await service.create_account(
            session, BOOTSTRAP, name="客户", segment="fleet", owner_rep_id=world.reps["r1"]
        )
        for n in range(count):
            opportunity = await service.create_opportunity(
                session,
                BOOTSTRAP,
                account_id=account.id,
                owner_rep_id=world.reps["r1" if n % 2 else "r2"],
                gates=GATES,
                details=service.Details(title=f"o{n}", amount=1, expected_close=date.today()),
            )
            await follow_ups.log_follow_up(
                session,
                BOOTSTRAP,
                opportunity_id=opportunity.id,
                max_age_days=7,
                entry=follow_ups.Entry(
                    type=FollowUpType.CALL,
                    customer_status="engaged",
                    customer_responded=True,
                    occurred_at=datetime.now(UTC) - timedelta(hours=1),
                ),
            )
        await session.commit()


async def test_listing_1000_opportunities_is_constant(api, world, sessions, engine):
    await add(sessions, world, 5)
    with count_statements(engine) as few:
        small = await api.data(QUERY, {"first": 5}, as_="manager")
    await add(sessions, world, 995)
    with count_statements(engine) as many:
        large = await api.data(QUERY, {"first": 1000}, as_="manager")
    assert len(small["opportunities"]["edges"]) == 5
    assert len(large["opportunities"]["edges"]) == 1000
    assert large["opportunities"]["edges"][-1]["node"]["customerStatus"] == "engaged"
    assert few.count == many.count, (few.count, many.count)
