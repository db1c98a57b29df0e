"""Won deals and payments feed target progress; payments feed lifetime value."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support.graphql import gid, run
from tests.support.pipeline import FULL, drive, move, new_opportunity

TODAY = date.today()
YEAR = date(TODAY.year, 1, 1)


async def won_deal(api, world, amount, high_margin=False):
    opportunity = await new_opportunity(api, world, qualification=FULL, highMargin=high_margin)
    negotiation = await drive(api, opportunity, "NEGOTIATION")
    won = await move(
        api, "winOpportunity", negotiation, signedAmount=amount, signedOn=TODAY.isoformat()
    )
    assert won["errors"] == []
    return won["opportunity"]


async def progress(api, world, metric):
    result = await run(
        api,
        "setTarget",
        {
            "metric": metric,
            "ownerId": world.rep("r1"),
            "periodKind": "YEAR",
            "periodStart": YEAR.isoformat(),
            "amount": 10,
        },
        "target { progress { achieved } }",
    )
    return result["target"]["progress"]["achieved"]


async def test_won_deals_move_target_progress(api, world):
    await won_deal(api, world, 1_000_00, high_margin=True)
    await won_deal(api, world, 3_000_00)
    assert await progress(api, world, "REVENUE") == 4_000_00
    assert await progress(api, world, "DEALS_WON") == 2
    assert await progress(api, world, "NEW_CUSTOMERS") == 2  # two accounts, both first wins
    assert await progress(api, world, "HIGH_MARGIN_SHARE") == 2500  # basis points


async def test_payments_feed_collections_and_lifetime_value(api, world):
    won = await won_deal(api, world, 5_000_00)
    paid = await run(
        api,
        "recordPayment",
        {"opportunityId": won["id"], "amount": 2_000_00, "receivedOn": TODAY.isoformat()},
        "payment { amount receivedOn }",
    )
    assert paid == {"payment": {"amount": 2_000_00, "receivedOn": TODAY.isoformat()}, "errors": []}
    assert await progress(api, world, "COLLECTIONS") == 2_000_00
    data = await api.data(
        "query($id: ID!) { opportunity(id: $id) { paidAmount account { lifetimeValue } } }",
        {"id": won["id"]},
        as_="rep",
    )
    assert data["opportunity"] == {"paidAmount": 2_000_00, "account": {"lifetimeValue": 2_000_00}}


async def test_record_payment_errors(api, world):
    won = await won_deal(api, world, 5_000_00)
    open_deal = await new_opportunity(api, world)
    cases = [
        ({"opportunityId": world.rep("r1")}, "INVALID_ID"),
        ({"opportunityId": gid("Opportunity", 999)}, "OPPORTUNITY_NOT_FOUND"),
        ({"opportunityId": open_deal["id"]}, "NOT_WON"),
        ({"amount": 0}, "INVALID_AMOUNT"),
        ({"receivedOn": (TODAY + timedelta(days=2)).isoformat()}, "INVALID_DATE"),
        ({"receivedOn": (TODAY - timedelta(days=400)).isoformat()}, "INVALID_DATE"),
        ({"amount": 5_000_01}, "OVERPAID"),
    ]
    for overrides, code in cases:
        input = {
            "opportunityId": won["id"],
            "amount": 1_00,
            "receivedOn": TODAY.isoformat(),
            **overrides,
        }
        result = await run(api, "recordPayment", input)
        assert [e["code"] for e in result["errors"]] == [code], (code, result)


@pytest.mark.parametrize("metric", ["REVENUE"])
async def test_target_tree_counts_won_deals_of_the_subtree(api, world, metric):
    await won_deal(api, world, 7_000_00)
    target = await run(
        api,
        "setTarget",
        {
            "metric": metric,
            "ownerId": world.unit("east"),
            "periodKind": "YEAR",
            "periodStart": YEAR.isoformat(),
            "amount": 10,
        },
        "target { id }",
    )
    assert target["errors"] == []
    tree = await api.data(
        "query($r: ID!, $s: Date!) { targetTree(rootId: $r, metric: REVENUE,"
        " periodKind: YEAR, periodStart: $s) { progress { achieved } } }",
        {"r": world.unit("east"), "s": YEAR.isoformat()},
    )
    assert tree["targetTree"][0]["progress"]["achieved"] == 7_000_00


async def test_open_pipeline_weighted_by_stage_probability(api, world):
    opportunity = await new_opportunity(
        api, world, qualification=FULL, expectedClose=date(TODAY.year, 12, 31).isoformat()
    )
    await drive(api, opportunity, "NEGOTIATION")  # 3,000,000.00 at 70%
    result = await run(
        api,
        "setTarget",
        {
            "metric": "REVENUE",
            "ownerId": world.unit("east.sh"),
            "periodKind": "YEAR",
            "periodStart": YEAR.isoformat(),
            "amount": 10,
        },
        "target { progress { achieved weightedPipeline pipelineProjection } }",
    )
    progress = result["target"]["progress"]
    # BigInt fen: rounded half to even once, and the sum holds exactly
    assert progress["weightedPipeline"] == 2_100_000_00
    assert progress["pipelineProjection"] == progress["achieved"] + 2_100_000_00
