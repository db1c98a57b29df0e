"""`setForecastCategory` through GraphQL: the owner (or their manager) sets it, every change
is history, `Opportunity.forecastCategory` reads WON or OMITTED once closed, and each error
code with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.graphql.forecasts import inputs as api_forecasts
from domain.forecasts.models import ForecastCategoryChange
from tests.support.graphql import gid, row_id, run
from tests.support.pipeline import FULL, move, new_account, new_opportunity

CATEGORY = "opportunity { id forecastCategory version }"
HISTORY = """query($id: ID!) { forecastCategoryHistory(opportunityId: $id) {
  oldCategory newCategory at by { login } } }"""


async def changes(sessions) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(ForecastCategoryChange))


async def set_category(api, opportunity_id: str, category: str, as_: str = "rep") -> dict:
    return await run(
        api,
        "setForecastCategory",
        {"opportunityId": opportunity_id, "category": category},
        CATEGORY,
        as_=as_,
    )


async def test_the_owner_and_the_manager_set_it_and_every_change_is_history(api, world):
    opportunity = await new_opportunity(api, world)
    assert (
        await api.data(
            "query($id: ID!) { node(id: $id) { ... on Opportunity { forecastCategory } } }",
            {"id": opportunity["id"]},
        )
    )["node"]["forecastCategory"] == "PIPELINE"

    by_owner = await set_category(api, opportunity["id"], "COMMIT")
    assert by_owner["errors"] == [] and by_owner["opportunity"]["forecastCategory"] == "COMMIT"
    by_manager = await set_category(api, opportunity["id"], "BEST_CASE", as_="manager")
    assert by_manager["opportunity"]["forecastCategory"] == "BEST_CASE"
    again = await set_category(api, opportunity["id"], "BEST_CASE", as_="manager")
    assert again["errors"] == []

    history = (await api.data(HISTORY, {"id": opportunity["id"]}, as_="rep"))[
        "forecastCategoryHistory"
    ]
    assert [(h["oldCategory"], h["newCategory"], h["by"]["login"]) for h in history] == [
        ("PIPELINE", "COMMIT", "rep"),
        ("COMMIT", "BEST_CASE", "manager"),
    ]


async def test_a_closed_deal_reads_its_outcome(api, world):
    opportunity = await new_opportunity(api, world, qualification=FULL)
    committed = (await set_category(api, opportunity["id"], "COMMIT"))["opportunity"]
    lost = await move(api, "loseOpportunity", committed, reasonCode="competitor")
    assert lost["errors"] == [], lost
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Opportunity { forecastCategory stage } } }",
        {"id": opportunity["id"]},
    )
    assert node["node"] == {"forecastCategory": "OMITTED", "stage": "LOST"}


async def _co_owned(api, world) -> str:
    """r2's deal with r1 (the `rep` login) as co-owner: r1 sees it but does not own it."""
    account = await new_account(api, world.rep("r2"))
    result = await run(
        api,
        "createOpportunity",
        {
            "accountId": account,
            "title": "共享商机",
            "amount": 100_000,
            "expectedClose": "2027-03-31",
            "ownerId": world.rep("r2"),
            "coOwnerIds": [world.rep("r1")],
        },
        "opportunity { id }",
        as_="admin",
    )
    assert result["errors"] == [], result
    return result["opportunity"]["id"]


async def _lost(api, world) -> str:
    opportunity = await new_opportunity(api, world)
    lost = await move(api, "loseOpportunity", opportunity, reasonCode="competitor")
    assert lost["errors"] == [], lost
    return opportunity["id"]


async def _west(api, world) -> str:
    account = await new_account(api, world.rep("r4"))
    result = await run(
        api,
        "createOpportunity",
        {
            "accountId": account,
            "title": "成都",
            "amount": 100_000,
            "expectedClose": "2027-03-31",
            "ownerId": world.rep("r4"),
        },
        "opportunity { id }",
        as_="admin",
    )
    return result["opportunity"]["id"]


@pytest.mark.parametrize(
    ("setup", "category", "code", "field"),
    [
        ("wrong_type", "COMMIT", "INVALID_ID", "opportunityId"),
        ("west", "COMMIT", "OPPORTUNITY_NOT_FOUND", "opportunityId"),
        ("co_owned", "COMMIT", "NOT_YOUR_CALL", "opportunityId"),
        ("lost", "COMMIT", "CLOSED", "opportunityId"),
        ("own", "WON", "INVALID_CATEGORY", "category"),
    ],
)
async def test_each_refusal_is_coded_and_writes_nothing(
    api, world, sessions, setup, category, code, field
):
    makers = {
        "wrong_type": lambda: _wrong_type(world),
        "west": lambda: _west(api, world),
        "co_owned": lambda: _co_owned(api, world),
        "lost": lambda: _lost(api, world),
        "own": lambda: _own(api, world),
    }
    opportunity_id = await makers[setup]()
    result = await set_category(api, opportunity_id, category)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]
    assert result["opportunity"] is None
    assert code in api_forecasts.SetForecastCategory.code.__members__
    assert await changes(sessions) == 0


async def _wrong_type(world) -> str:
    return gid("Rep", world.reps["r1"])


async def _own(api, world) -> str:
    return (await new_opportunity(api, world))["id"]


async def test_the_history_of_a_deal_out_of_scope_is_not_there(api, world):
    opportunity_id = await _west(api, world)
    body = await api(HISTORY, {"id": opportunity_id}, as_="rep")
    assert body["errors"][0]["extensions"]["code"] == "OPPORTUNITY_NOT_FOUND"
    assert row_id(opportunity_id) > 0
