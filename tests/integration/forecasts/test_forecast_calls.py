"""`submitForecast` and `adjustForecast` through GraphQL: reps' calls, a unit's call as the sum
below, a manager's adjustment with its reason, versions kept, the week frozen, who may call
for whom, and every error code with nothing written."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from api.graphql.forecasts import inputs as api_forecasts
from domain.forecasts import service
from domain.forecasts.models import ForecastCall, ForecastCallVersion
from tests.support.graphql import gid, run

ZONE = ZoneInfo("Asia/Shanghai")
CALL = """call { commit bestCase sumBelowCommit sumBelowBestCase version action note reason
  modelExpected modelSource weekStart period { kind start label } unit { code }
  rep { externalId } by { login }
  versions { version action commit bestCase sumBelowCommit reason by { login } } }"""


def today() -> date:
    return datetime.now(ZONE).date()


def this_monday() -> date:
    return today() - timedelta(days=today().weekday())


def month_start() -> str:
    return today().replace(day=1).isoformat()


def two_months_back() -> str:
    first = today().replace(day=1) - timedelta(days=1)
    return (first.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()


def call(**fields) -> dict:
    return {"periodKind": "MONTH", "periodStart": month_start(), **fields}


async def submit(api, as_: str, **fields) -> dict:
    return await run(api, "submitForecast", call(**fields), CALL, as_=as_)


async def adjust(api, as_: str, **fields) -> dict:
    return await run(api, "adjustForecast", call(**fields), CALL, as_=as_)


async def rows(sessions, model=ForecastCall) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_reps_call_the_unit_sums_them_and_the_manager_adjusts_with_a_reason(api, world):
    r1 = await submit(api, "rep", commit=300_00, bestCase=500_00, note="两单在谈判")
    assert r1["errors"] == [], r1
    mine = r1["call"]
    assert (mine["rep"]["externalId"], mine["commit"], mine["bestCase"]) == ("r1", 300_00, 500_00)
    assert mine["weekStart"] == this_monday().isoformat() and mine["unit"] is None
    assert mine["modelSource"] in ("MODEL", "STAGE_TABLE") and mine["modelExpected"] >= 0
    r2 = await submit(api, "manager", repId=world.rep("r2"), commit=200_00, bestCase=250_00)
    assert r2["call"]["by"]["login"] == "manager"

    unit = await submit(api, "manager", unitId=world.unit("east.sh"))
    assert unit["errors"] == [], unit
    summed = unit["call"]
    assert (summed["commit"], summed["bestCase"]) == (500_00, 750_00)
    assert (summed["sumBelowCommit"], summed["sumBelowBestCase"]) == (500_00, 750_00)

    adjusted = await adjust(
        api,
        "manager",
        unitId=world.unit("east.sh"),
        commit=450_00,
        bestCase=700_00,
        reason="r2 的大单可能推迟到下月",
    )
    assert adjusted["errors"] == [], adjusted
    head = adjusted["call"]
    assert (head["version"], head["action"], head["commit"]) == (2, "ADJUSTED", 450_00)
    assert head["sumBelowCommit"] == 500_00
    assert [(v["version"], v["action"], v["commit"], v["reason"]) for v in head["versions"]] == [
        (1, "SUBMITTED", 500_00, None),
        (2, "ADJUSTED", 450_00, "r2 的大单可能推迟到下月"),
    ]

    region = await submit(api, "director.east", unitId=world.unit("east"))
    assert (region["call"]["commit"], region["call"]["bestCase"]) == (450_00, 700_00)


async def test_a_resubmit_is_a_new_version_and_the_old_one_is_kept(api, world, sessions):
    await submit(api, "rep", commit=100, bestCase=200)
    second = await submit(api, "rep", commit=150, bestCase=150, note="更新")
    assert second["call"]["version"] == 2
    assert [v["commit"] for v in second["call"]["versions"]] == [100, 150]
    assert await rows(sessions) == 1 and await rows(sessions, ForecastCallVersion) == 2


async def test_the_sum_below_carries_a_call_from_an_earlier_week(api, world, sessions):
    async with sessions() as session:
        session.add(
            ForecastCall(
                metric="revenue",
                owner_rep_id=world.reps["r1"],
                owner_key=f"rep:{world.reps['r1']}",
                period_kind="month",
                period_start=date.fromisoformat(month_start()),
                week_start=this_monday() - timedelta(days=7),
                version=1,
                action="submitted",
                commit_amount=70,
                best_case_amount=90,
            )
        )
        await session.commit()
    unit = await submit(api, "manager", unitId=world.unit("east.sh"))
    assert (unit["call"]["commit"], unit["call"]["bestCase"]) == (70, 90)


WEEK = {
    "frozen": lambda: (this_monday() - timedelta(days=7)).isoformat(),
    "future": lambda: (this_monday() + timedelta(days=7)).isoformat(),
    "tuesday": lambda: (this_monday() + timedelta(days=1)).isoformat(),
}
AMOUNTS = {"commit": 100, "bestCase": 200}

# (mutation, login, input changes, code, field); "$unit:code" and "$rep:id" are replaced.
CASES = [
    ("submitForecast", "rep", {"repId": "$unit:east.sh", **AMOUNTS}, "INVALID_ID", "repId"),
    ("submitForecast", "rep", {"weekStart": "frozen", **AMOUNTS}, "WEEK_FROZEN", "weekStart"),
    ("submitForecast", "rep", {"weekStart": "future", **AMOUNTS}, "WEEK_NOT_STARTED", "weekStart"),
    ("submitForecast", "rep", {"weekStart": "tuesday", **AMOUNTS}, "INVALID_WEEK", "weekStart"),
    ("submitForecast", "rep", {"periodKind": "WEEK", **AMOUNTS}, "INVALID_PERIOD", "periodStart"),
    ("submitForecast", "rep", {"periodStart": "old", **AMOUNTS}, "PERIOD_CLOSED", "periodStart"),
    ("submitForecast", "rep", {"metric": "DEALS_WON", **AMOUNTS}, "UNSUPPORTED_METRIC", "metric"),
    ("submitForecast", "manager", {"unitId": "$unit:west"}, "UNIT_NOT_FOUND", "unitId"),
    ("submitForecast", "rep", {"note": "长" * 2001, **AMOUNTS}, "TOO_LONG", "note"),
    ("submitForecast", "manager", {"repId": "$rep:r4", **AMOUNTS}, "REP_NOT_FOUND", "repId"),
    ("submitForecast", "manager", AMOUNTS, "OWNER_REQUIRED", "repId"),
    (
        "submitForecast",
        "admin",
        {"unitId": "$unit:acme", "repId": "$rep:r1"},
        "OWNER_REQUIRED",
        "repId",
    ),
    ("submitForecast", "rep", {"commit": 100}, "AMOUNT_REQUIRED", "bestCase"),
    ("submitForecast", "rep", {"commit": -1, "bestCase": 5}, "NEGATIVE_AMOUNT", "commit"),
    (
        "submitForecast",
        "rep",
        {"commit": 9, "bestCase": 5},
        "BEST_CASE_BELOW_COMMIT",
        "bestCase",
    ),
    (
        "submitForecast",
        "manager",
        {"unitId": "$unit:east.sh", **AMOUNTS},
        "AMOUNTS_FROM_BELOW",
        "commit",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$rep:r1", **AMOUNTS, "reason": "x"},
        "INVALID_ID",
        "unitId",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "weekStart": "frozen", **AMOUNTS, "reason": "x"},
        "WEEK_FROZEN",
        "weekStart",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "weekStart": "future", **AMOUNTS, "reason": "x"},
        "WEEK_NOT_STARTED",
        "weekStart",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "weekStart": "tuesday", **AMOUNTS, "reason": "x"},
        "INVALID_WEEK",
        "weekStart",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "periodKind": "YEAR", **AMOUNTS, "reason": "x"},
        "INVALID_PERIOD",
        "periodStart",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "periodStart": "old", **AMOUNTS, "reason": "x"},
        "PERIOD_CLOSED",
        "periodStart",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "metric": "COLLECTIONS", **AMOUNTS, "reason": "x"},
        "UNSUPPORTED_METRIC",
        "metric",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east", **AMOUNTS, "reason": "x"},
        "UNIT_NOT_FOUND",
        "unitId",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", **AMOUNTS, "reason": "x" * 2001},
        "TOO_LONG",
        "reason",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", **AMOUNTS, "reason": "  "},
        "REASON_REQUIRED",
        "reason",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "commit": 5, "reason": "x"},
        "AMOUNT_REQUIRED",
        "bestCase",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "commit": -5, "bestCase": 5, "reason": "x"},
        "NEGATIVE_AMOUNT",
        "commit",
    ),
    (
        "adjustForecast",
        "manager",
        {"unitId": "$unit:east.sh", "commit": 6, "bestCase": 5, "reason": "x"},
        "BEST_CASE_BELOW_COMMIT",
        "bestCase",
    ),
]


def _resolved(world, changes: dict) -> dict:
    found = {}
    for key, value in changes.items():
        if isinstance(value, str) and value.startswith("$unit:"):
            value = world.unit(value[6:])
        elif isinstance(value, str) and value.startswith("$rep:"):
            value = world.rep(value[5:])
        elif key == "weekStart":
            value = WEEK[value]()
        elif key == "periodStart" and value == "old":
            value = two_months_back()
        found[key] = value
    return found


@pytest.mark.parametrize(("name", "login", "changes", "code", "field"), CASES)
async def test_each_refusal_is_coded_and_writes_nothing(
    api, world, sessions, name, login, changes, code, field
):
    result = await run(api, name, call(**_resolved(world, changes)), CALL, as_=login)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]
    assert result["call"] is None
    types = (
        api_forecasts.SubmitForecast if name == "submitForecast" else api_forecasts.AdjustForecast
    )
    assert code in types.code.__members__
    assert await rows(sessions) == 0 and await rows(sessions, ForecastCallVersion) == 0


@pytest.mark.parametrize("name", ["submitForecast", "adjustForecast"])
async def test_a_concurrent_first_call_is_refused_as_stale(api, world, sessions, monkeypatch, name):
    first = await submit(api, "manager", unitId=world.unit("east.sh"))
    assert first["errors"] == []

    async def nothing_yet(session, owner, key):  # as if the twin's insert was not visible yet
        return None

    monkeypatch.setattr(service, "find_call", nothing_yet)
    extra = {**AMOUNTS, "reason": "并发"} if name == "adjustForecast" else {}
    result = await run(api, name, call(unitId=world.unit("east.sh"), **extra), CALL, as_="manager")
    assert [e["code"] for e in result["errors"]] == ["STALE_VERSION"]
    assert await rows(sessions, ForecastCallVersion) == 1


async def test_a_rep_cannot_adjust_and_messages_follow_the_language(api, world):
    body = await api(
        "mutation($i: AdjustForecastInput!) { adjustForecast(input: $i) { errors { code } } }",
        {"i": call(unitId=world.unit("east.sh"), **AMOUNTS, reason="x")},
        as_="rep",
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    english = await api.client.post(
        "/graphql",
        json={
            "query": "mutation($i: SubmitForecastInput!) { submitForecast(input: $i) "
            "{ errors { code message } } }",
            "variables": {"i": call(weekStart=WEEK["frozen"](), **AMOUNTS)},
        },
        headers={
            "Authorization": f"Bearer {world.tokens['rep']}",
            "Accept-Language": "en",
        },
    )
    error = english.json()["data"]["submitForecast"]["errors"][0]
    assert error["code"] == "WEEK_FROZEN" and "frozen" in error["message"]
    assert gid("OrgUnit", world.units["east.sh"]) == world.unit("east.sh")
