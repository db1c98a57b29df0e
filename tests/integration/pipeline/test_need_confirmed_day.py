"""The needs-confirmed KPI counts a need on the day it was confirmed, even when the deal is
advanced to qualified days later (a back-filled confirmation)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.pipeline import QUALIFIED, drive, new_opportunity

QUERY = """query($from: Date!, $to: Date!, $unit: ID) { kpiReport(from: $from, to: $to,
  unitId: $unit) { rep { externalId } days { day needsConfirmed } } }"""


async def r1_days(api, world, start, end) -> dict[str, int]:
    data = await api.data(
        QUERY,
        {"from": start.isoformat(), "to": end.isoformat(), "unit": world.unit("east.sh")},
        as_="manager",
    )
    r1 = next(r for r in data["kpiReport"] if r["rep"]["externalId"] == "r1")
    return {d["day"]: d["needsConfirmed"] for d in r1["days"]}


async def test_a_backfilled_confirmation_counts_on_its_own_day(api, world):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    start = today - timedelta(days=10)
    working = sorted(day for day in await r1_days(api, world, start, today) if day < str(today))
    confirmed_on = working[-1]  # the last working day before today
    backfilled = await new_opportunity(
        api, world, qualification={**QUALIFIED, "need_confirmed_on": confirmed_on}
    )
    await drive(api, backfilled, "QUALIFIED")
    same_day = await new_opportunity(api, world, qualification=QUALIFIED)
    await drive(api, same_day, "QUALIFIED")
    counted = await r1_days(api, world, start, today)
    assert counted[confirmed_on] == 1
    if str(today) in counted:  # today is a working day: only the same-day one counts on it
        assert counted[str(today)] == 1
    assert sum(counted.values()) == (2 if str(today) in counted else 1)
