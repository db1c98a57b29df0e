"""activityEffectiveness reports signing within the window, with samples and intervals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.pipeline import FULL, drive, log_follow_up, move, new_opportunity

QUERY = (
    "query($from: Date!, $to: Date!) { activityEffectiveness(from: $from, to: $to) {"
    " type windowDays withType signingWith { signed sample rate low high }"
    " signingWithout { signed sample rate low high } } }"
)


async def test_signing_rate_per_follow_up_type_with_sample_and_interval(api, world):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    signed = await new_opportunity(api, world, qualification=FULL)
    await log_follow_up(api, signed, type="WHITEPAPER_SENT")
    signed = await drive(api, signed, "NEGOTIATION")
    won = await move(api, "winOpportunity", signed, signedAmount=100_00, signedOn=today.isoformat())
    assert won["errors"] == []
    unsigned = await new_opportunity(api, world, qualification=FULL)
    await log_follow_up(api, unsigned, type="WHITEPAPER_SENT")
    await drive(api, unsigned, "PROPOSAL")  # moved a stage, not signed
    plain = await new_opportunity(api, world)
    await log_follow_up(api, plain, type="CALL")
    data = await api.data(
        QUERY,
        {"from": (today - timedelta(days=3)).isoformat(), "to": today.isoformat()},
        as_="manager",
    )
    rows = {row["type"]: row for row in data["activityEffectiveness"]}
    whitepaper = rows["WHITEPAPER_SENT"]
    assert whitepaper["windowDays"] == 7 and whitepaper["withType"] == 2
    with_, without = whitepaper["signingWith"], whitepaper["signingWithout"]
    assert (with_["signed"], with_["sample"], with_["rate"]) == (1, 2, 0.5)
    assert 0 <= with_["low"] < 0.5 < with_["high"] <= 1
    assert (without["signed"], without["sample"], without["rate"]) == (0, 1, 0.0)
    assert without["low"] == 0.0 and 0 < without["high"] < 1
    demo = rows["DEMO_HELD"]
    assert demo["windowDays"] == 15 and demo["signingWith"]["sample"] == 0
    assert demo["signingWith"]["rate"] is None and demo["signingWith"]["low"] is None
