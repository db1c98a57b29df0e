"""The funnel: reached and conversion per stage, win rate, cycle, follow-up quality, stale key
deals, losses by lead source, overdue payments."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from domain.pipeline.funnel import median, stage_rows
from domain.pipeline.stages import Stage
from tests.support.graphql import row_id, run
from tests.support.pipeline import FULL, drive, log_follow_up, move, new_opportunity

QUERY = """query($from: Date!, $to: Date!) { funnel(from: $from, to: $to) {
  stages { stage reached conversionToNext medianDaysInStage } won lost winRate
  leadToQualifiedMedianDays followUps effectiveFollowUpRate
  staleKeyOpportunities { title } lossesBySource { source reasonCode count }
  overduePayments { opportunity { title } outstanding due } } }"""


def test_stage_rows_and_median():
    from collections import Counter

    rows = stage_rows(Counter({Stage.LEAD: 4, Stage.CONTACTED: 2, Stage.QUALIFIED: 1}), {})
    assert [(r.stage, r.reached, r.conversion_to_next) for r in rows[:3]] == [
        (Stage.LEAD, 4, 0.5),
        (Stage.CONTACTED, 2, 0.5),
        (Stage.QUALIFIED, 1, 0.0),
    ]
    assert rows[-1].conversion_to_next is None  # nothing reached negotiation
    assert median([3, 1, 2]) == 2 and median([]) is None


async def test_funnel_report(api, world, engine):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the company's day
    won = await drive(api, await new_opportunity(api, world, qualification=FULL), "NEGOTIATION")
    signed = today - timedelta(days=45)
    won = (
        await move(api, "winOpportunity", won, signedAmount=1_000_00, signedOn=signed.isoformat())
    )["opportunity"]
    await run(
        api,
        "recordPayment",
        {"opportunityId": won["id"], "amount": 400_00, "receivedOn": today.isoformat()},
    )
    for source in ("douyin", "douyin", "auto_show"):
        lost = await new_opportunity(api, world, sourceLead=source)
        await move(api, "loseOpportunity", lost, reasonCode="price")
    silent = await new_opportunity(api, world)
    await log_follow_up(api, silent, as_="rep", valuePoints=["ROI_FIGURE"], customerResponded=False)
    await log_follow_up(api, silent, as_="rep", customerResponded=False)
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE opportunity SET created_at = :when WHERE id = :id"),
            {"when": today - timedelta(days=10), "id": row_id(silent["id"])},
        )
    data = (
        await api.data(
            QUERY,
            {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()},
            as_="manager",
        )
    )["funnel"]
    stages = {s["stage"]: s for s in data["stages"]}
    assert stages["LEAD"]["reached"] == 5 and stages["NEGOTIATION"]["reached"] == 1
    assert stages["NEGOTIATION"]["conversionToNext"] == 1.0
    assert (data["won"], data["lost"]) == (1, 3) and data["winRate"] == pytest.approx(0.25)
    assert data["leadToQualifiedMedianDays"] is not None
    assert data["followUps"] == 2 and data["effectiveFollowUpRate"] == 0.5
    assert [o["title"] for o in data["staleKeyOpportunities"]] == ["20 辆换电出租车"]
    assert data["lossesBySource"] == [
        {"source": "auto_show", "reasonCode": "price", "count": 1},
        {"source": "douyin", "reasonCode": "price", "count": 2},
    ]
    assert data["overduePayments"] == [
        {
            "opportunity": {"title": "20 辆换电出租车"},
            "outstanding": 600_00,
            "due": (signed + timedelta(days=30)).isoformat(),
        }
    ]
    refused = await api(
        QUERY, {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    )
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_RANGE"


async def test_activity_effectiveness(api, world):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    helped = await new_opportunity(api, world)
    await log_follow_up(api, helped, as_="rep", type="WHITEPAPER_SENT")
    await move(api, "advanceOpportunity", helped)
    plain = await new_opportunity(api, world)
    await log_follow_up(api, plain, as_="rep", type="CALL")
    data = await api.data(
        "query($from: Date!, $to: Date!) { activityEffectiveness(from: $from, to: $to) {"
        " type windowDays withType rateWith withoutType rateWithout lift } }",
        {"from": (today - timedelta(days=3)).isoformat(), "to": today.isoformat()},
        as_="manager",
    )
    rows = {row["type"]: row for row in data["activityEffectiveness"]}
    assert rows["WHITEPAPER_SENT"] == {
        "type": "WHITEPAPER_SENT",
        "windowDays": 7,
        "withType": 1,
        "rateWith": 1.0,
        "withoutType": 1,
        "rateWithout": 0.0,
        "lift": 1.0,
    }
    assert rows["DEMO_HELD"]["windowDays"] == 15 and rows["DEMO_HELD"]["withType"] == 0
