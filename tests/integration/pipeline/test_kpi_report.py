"""The KPI report from logged follow-ups and stage entries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.support.graphql import run
from tests.support.pipeline import QUALIFIED, move, new_opportunity

ZONE = ZoneInfo("Asia/Shanghai")
QUERY = """query($from: Date!, $to: Date!, $unit: ID) { kpiReport(from: $from, to: $to,
  unitId: $unit) { rep { externalId } missStreak days { day touches needsConfirmed
  proposalsSent demosBooked hit missed } } }"""


def local_today():
    return datetime.now(ZONE).date()


async def log(api, opportunity, kind, hours_ago=1):
    at = datetime.now(UTC) - timedelta(hours=hours_ago)
    result = await run(
        api,
        "logFollowUp",
        {
            "opportunityId": opportunity["id"],
            "type": kind,
            "occurredAt": at.isoformat(),
            "customerStatus": "engaged",
            "customerResponded": True,
        },
        as_="rep",
    )
    assert result["errors"] == []


async def test_kpis_count_follow_ups_and_needs_confirmed(api, world):
    opportunity = await new_opportunity(api, world, qualification=QUALIFIED)
    contacted = await move(api, "advanceOpportunity", opportunity)
    await move(api, "advanceOpportunity", contacted["opportunity"])  # → qualified
    for kind in [
        "CALL",
        "CALL",
        "VISIT",
        "EMAIL",
        "DEMO_BOOKED",
        "PROPOSAL_SENT",
        "WHITEPAPER_SENT",
    ]:
        await log(api, opportunity, kind, hours_ago=0.1)
    today = local_today()
    if datetime.now(UTC) - timedelta(hours=0.1) < datetime.combine(today, time(), ZONE):
        return  # the follow-ups fell on yesterday, local time: nothing stable to assert
    data = await api.data(
        QUERY,
        {
            "from": (today - timedelta(days=14)).isoformat(),
            "to": today.isoformat(),
            "unit": world.unit("east.sh"),
        },
        as_="manager",
    )
    reports = {r["rep"]["externalId"]: r for r in data["kpiReport"]}
    assert set(reports) == {"r1", "r2"}
    r1_days = {d["day"]: d for d in reports["r1"]["days"]}
    if today.isoformat() in r1_days:  # today is a working day
        counted = r1_days[today.isoformat()]
        assert (
            counted["touches"],
            counted["needsConfirmed"],
            counted["proposalsSent"],
            counted["demosBooked"],
        ) == (4, 1, 1, 1)
        assert counted["hit"] is False and counted["missed"] == ["touches", "needs_confirmed"]
    assert reports["r2"]["missStreak"] == len(reports["r2"]["days"]) > 0


async def test_kpi_report_scope_and_range(api, world):
    today = local_today()
    mine = await api.data(QUERY, {"from": today.isoformat(), "to": today.isoformat()}, as_="rep")
    assert [r["rep"]["externalId"] for r in mine["kpiReport"]] == ["r1"]
    wrong = await api(
        QUERY, {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    )
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_RANGE"
    too_long = await api(
        QUERY, {"from": (today - timedelta(days=200)).isoformat(), "to": today.isoformat()}
    )
    assert too_long["errors"][0]["extensions"]["code"] == "INVALID_RANGE"
