"""Baseline suggestions, business coefficients and company calendar days through GraphQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from domain.targets.models import Deal
from domain.targets.planning.baseline import StepCode
from tests.support.graphql import run

PERIOD = date(2026, 12, 1)
BASELINE = """query($owner: ID!, $metric: Metric!, $start: Date!) {
  baselineSuggestion(ownerId: $owner, metric: $metric, periodKind: MONTH, periodStart: $start)
  { amount steps { code label value detail } } }"""


@pytest.fixture
async def weekly_history(sessions, world):
    """r1 sells 1,000.00 every Monday for 80 weeks, plus one flagged 1,000,000.00 order."""
    first_monday = PERIOD - timedelta(weeks=80) - timedelta(days=PERIOD.weekday())
    rows = [
        {
            "external_id": f"w{n}",
            "close_date": first_monday + timedelta(weeks=n),
            "amount": 1_000_00,
            "rep_id": world.reps["r1"],
            "customer": f"cust{n % 5}",
            "segment": "smb",
            "product_line": "ev",
            "high_margin": False,
            "one_off": False,
        }
        for n in range(80)
    ]
    rows.append({**rows[-1], "external_id": "huge", "amount": 1_000_000_00, "one_off": True})
    async with sessions() as session:
        await session.execute(insert(Deal), rows)
        await session.commit()


async def baseline(api, owner, metric="REVENUE", **kw):
    return await api(
        BASELINE, {"owner": owner, "metric": metric, "start": PERIOD.isoformat()}, **kw
    )


async def test_baseline_steps_explain_the_number(api, world, weekly_history):
    body = await baseline(api, world.rep("r1"), headers={"Accept-Language": "en"})
    suggestion = body["data"]["baselineSuggestion"]
    steps = {step["code"]: step for step in suggestion["steps"]}
    assert list(steps) == [code.name for code in StepCode]  # every step, in order
    assert "one-off" in steps["OUTLIERS"]["detail"].lower()
    # a flat 1,000.00 a week over December's 31 days
    assert suggestion["amount"] == pytest.approx(1_000_00 * 31 / 7, rel=0.01)
    assert steps["RESULT"]["value"] == suggestion["amount"]  # BigInt, rounded as the amount is
    assert all(isinstance(step["value"], int) for step in steps.values())
    team = await baseline(api, world.unit("east.sh"))
    assert team["data"]["baselineSuggestion"]["amount"] == suggestion["amount"]
    counted = await baseline(api, world.rep("r1"), metric="DEALS_WON")
    assert counted["data"]["baselineSuggestion"]["amount"] == round(31 / 7)


async def test_coefficient_changes_the_baseline(api, world, weekly_history):
    before = (await baseline(api, world.rep("r1")))["data"]["baselineSuggestion"]["amount"]
    added = await run(
        api,
        "addBusinessCoefficient",
        {
            "name": "春节前备货缓冲",
            "startDate": "2026-12-01",
            "endDate": "2026-12-31",
            "multiplier": 0.8,
        },
        "coefficient { id name multiplier }",
    )
    assert added["errors"] == [] and added["coefficient"]["multiplier"] == 0.8
    for who, capacity in (("director", "DIRECTOR"), ("director.east", "REGIONAL_HEAD")):
        confirmed = await run(
            api,
            "confirmBusinessCoefficient",
            {"id": added["coefficient"]["id"], "capacity": capacity},
            as_=who,
        )
        assert confirmed["errors"] == []  # it applies once both have confirmed
    after = (await baseline(api, world.rep("r1")))["data"]["baselineSuggestion"]
    assert after["amount"] == pytest.approx(before * 0.8, abs=1)
    listed = await api.data("{ businessCoefficients { name startDate endDate } }", as_="rep")
    assert listed["businessCoefficients"] == [
        {"name": "春节前备货缓冲", "startDate": "2026-12-01", "endDate": "2026-12-31"}
    ]


async def test_baseline_errors(api, world):
    unsupported = await baseline(api, world.rep("r1"), metric="COLLECTIONS")
    assert unsupported["errors"][0]["extensions"] == {
        "code": "METRIC_NOT_SUPPORTED",
        "field": "metric",
    }
    hidden = await baseline(api, world.rep("r4"), as_="manager")
    assert hidden["errors"][0]["extensions"]["code"] == "OWNER_NOT_FOUND"
    unaligned = await api(
        BASELINE, {"owner": world.rep("r1"), "metric": "REVENUE", "start": "2026-12-02"}
    )
    assert unaligned["errors"][0]["extensions"]["code"] == "PERIOD_NOT_ALIGNED"
    empty = await baseline(api, world.rep("r4"))
    assert empty["data"]["baselineSuggestion"]["amount"] == 0


COEFFICIENT = {
    "name": "寒暑假前两周",
    "startDate": "2026-06-15",
    "endDate": "2026-06-28",
    "multiplier": 1.3,
    "segment": "education",
}


@pytest.mark.parametrize(
    ("overrides", "login", "code", "field"),
    [
        ({}, "director.east", "COMPANY_WIDE_ONLY", "id"),
        ({"name": " "}, "admin", "REQUIRED", "name"),
        ({"name": "n" * 121}, "admin", "TOO_LONG", "name"),
        ({"endDate": "2026-06-01"}, "admin", "INVALID_DATES", "endDate"),
        ({"multiplier": 0}, "admin", "INVALID_MULTIPLIER", "multiplier"),
        ({"segment": "Not A Segment"}, "admin", "INVALID_CODE", "segment"),
    ],
)
async def test_add_business_coefficient_errors(api, world, overrides, login, code, field):
    result = await run(api, "addBusinessCoefficient", {**COEFFICIENT, **overrides}, as_=login)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]


async def test_company_director_adds_a_coefficient(api, world):
    result = await run(
        api, "addBusinessCoefficient", COEFFICIENT, "coefficient { segment }", as_="director"
    )
    assert result == {"coefficient": {"segment": "education"}, "errors": []}


async def test_calendar_day_changes_working_days(api, world):
    this_year = date(date.today().year, 1, 1)
    set_target = await run(
        api,
        "setTarget",
        {
            "metric": "REVENUE",
            "ownerId": world.unit("acme"),
            "periodKind": "YEAR",
            "periodStart": this_year.isoformat(),
            "amount": 1_000,
        },
        "target { id }",
    )
    query = (
        "query($id: ID!, $day: Date!) { target(id: $id) { progress(asOf: $day) {"
        " expectedToDate } } }"
    )
    variables = {"id": set_target["target"]["id"], "day": f"{this_year.year}-03-31"}
    before = (await api.data(query, variables))["target"]["progress"]["expectedToDate"]
    day = await run(
        api,
        "setCalendarDay",
        {"day": f"{this_year.year}-03-02", "working": False, "name": "公司年会"},
        "day { day working name }",
    )
    assert day["day"] == {"day": f"{this_year.year}-03-02", "working": False, "name": "公司年会"}
    after = (await api.data(query, variables))["target"]["progress"]["expectedToDate"]
    assert after < before


@pytest.mark.parametrize(
    ("overrides", "login", "code"),
    [
        ({}, "manager", "COMPANY_WIDE_ONLY"),
        ({"name": ""}, "admin", "REQUIRED"),
        ({"name": "x" * 121}, "admin", "TOO_LONG"),
    ],
)
async def test_set_calendar_day_errors(api, world, overrides, login, code):
    input = {"day": "2026-03-02", "working": False, "name": "年会", **overrides}
    result = await run(api, "setCalendarDay", input, as_=login)
    assert [e["code"] for e in result["errors"]] == [code]


def test_every_planning_code_is_tested():
    from api.graphql.planning.inputs import (
        AddBusinessCoefficient,
        DefineSeasonalProfile,
        SetCalendarDay,
    )

    assert {c.name for c in DefineSeasonalProfile.code} == {
        "COMPANY_WIDE_ONLY",
        "INVALID_CODE",
        "REQUIRED",
        "TOO_LONG",
        "INVALID_PROFILE",
    }
    assert {c.name for c in AddBusinessCoefficient.code} == {
        "COMPANY_WIDE_ONLY",
        "REQUIRED",
        "TOO_LONG",
        "INVALID_DATES",
        "INVALID_MULTIPLIER",
        "INVALID_CODE",
    }
    assert {c.name for c in SetCalendarDay.code} == {"COMPANY_WIDE_ONLY", "REQUIRED", "TOO_LONG"}


RETAIL = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4]


async def test_named_profile_splits_a_year(api, world):
    defined = await run(
        api,
        "defineSeasonalProfile",
        {"name": "Year_End", "label": "年底冲刺", "weights": RETAIL},
        "profile { name label weights }",
    )
    assert defined["profile"] == {
        "name": "year_end",
        "label": "年底冲刺",
        "weights": [float(w) for w in RETAIL],
    }
    listed = await api.data("{ seasonalProfiles { name } }", as_="rep")
    assert listed["seasonalProfiles"] == [{"name": "year_end"}]
    target = await run(
        api,
        "setTarget",
        {
            "metric": "REVENUE",
            "ownerId": world.rep("r1"),
            "periodKind": "YEAR",
            "periodStart": "2027-01-01",
            "amount": 16_000_00,
        },
        "target { id }",
    )
    split = await run(
        api,
        "allocateTarget",
        {
            "id": target["target"]["id"],
            "over": "TIME",
            "periodKind": "MONTH",
            "profile": "year_end",
        },
        "children { amount explanation { method } }",
    )
    amounts = [month["amount"] for month in split["children"]]
    assert sum(amounts) == 16_000_00
    assert amounts[11] == pytest.approx(4 * amounts[0], rel=0.05)  # December: four Januaries
    assert amounts[10] == pytest.approx(2 * amounts[2], rel=0.05)
    for input, code in [
        ({"over": "TIME", "periodKind": "MONTH", "profile": "nope"}, "UNKNOWN_PROFILE"),
        ({"over": "CHILDREN", "profile": "year_end"}, "PROFILE_NOT_FOR_CHILDREN"),
    ]:
        refused = await run(api, "allocateTarget", {"id": target["target"]["id"], **input})
        assert [e["code"] for e in refused["errors"]] == [code]


@pytest.mark.parametrize(
    ("overrides", "login", "code"),
    [
        ({}, "director.east", "COMPANY_WIDE_ONLY"),
        ({"name": "no good"}, "admin", "INVALID_CODE"),
        ({"label": " "}, "admin", "REQUIRED"),
        ({"label": "l" * 121}, "admin", "TOO_LONG"),
        ({"weights": [1] * 11}, "admin", "INVALID_PROFILE"),
        ({"weights": [0] * 12}, "admin", "INVALID_PROFILE"),
        ({"weights": [-1] + [1] * 11}, "admin", "INVALID_PROFILE"),
    ],
)
async def test_define_seasonal_profile_errors(api, world, overrides, login, code):
    input = {"name": "retail", "label": "零售", "weights": RETAIL, **overrides}
    result = await run(api, "defineSeasonalProfile", input, as_=login)
    assert [e["code"] for e in result["errors"]] == [code]


async def test_baseline_history_window_is_configurable(api, world, weekly_history):
    query = BASELINE.replace("periodStart: $start)", "periodStart: $start, historyMonths: $h)")
    query = query.replace("$start: Date!)", "$start: Date!, $h: Int!)")
    short = await api(
        query, {"owner": world.rep("r1"), "metric": "REVENUE", "start": PERIOD.isoformat(), "h": 3}
    )
    cleaned = short["data"]["baselineSuggestion"]["steps"][1]  # after one-offs are removed
    assert cleaned["code"] == "OUTLIERS" and 12 * 1_000_00 <= cleaned["value"] <= 14 * 1_000_00
    refused = await api(
        query, {"owner": world.rep("r1"), "metric": "REVENUE", "start": PERIOD.isoformat(), "h": 0}
    )
    assert refused["errors"][0]["extensions"] == {
        "code": "INVALID_HISTORY",
        "field": "historyMonths",
    }
