"""`forecastRollup` and `forecastAccuracy` through GraphQL: each level's call beside the sum
below, the weighted pipeline, the model and the target; who sees which lines; and closed
periods scored on the call of record against the deals actually closed."""

from __future__ import annotations

from datetime import date, timedelta

from domain.forecasts import service
from domain.kernel.actor import Actor, Role
from domain.settings import load_settings
from domain.targets.actuals import DEFAULT_STAGE_PROBABILITIES
from domain.targets.models import Deal, PeriodKind, Target
from domain.targets.periods import Period
from tests.integration.forecasts.test_forecast_calls import month_start, submit, today
from tests.support.db import count_statements
from tests.support.pipeline import new_opportunity

ROLLUP = """query($unit: ID!, $start: Date!, $kind: PeriodKind = MONTH) {
  forecastRollup(unitId: $unit, periodKind: $kind, periodStart: $start) {
    metric week period { kind start label }
    lines { name isUnit callsBelow ownersBelow weightedPipeline target achieved
      sumBelowCommit sumBelowBestCase call { commit bestCase version }
      prediction { expected low high source deals } unit { code } rep { externalId } } } }"""
ACCURACY = """query($unit: ID!, $periods: [ForecastPeriodInput!]!) {
  forecastAccuracy(unitId: $unit, periods: $periods) {
    name unit { code } rep { externalId }
    calls { meanError meanBias scored } model { meanError meanBias scored }
    periods { actual period { label } call { commit weekStart }
      callScore { forecast actual error bias } modelScore { forecast error } } } }"""


async def test_each_level_side_by_side(api, world, sessions):
    start = date.fromisoformat(month_start())
    async with sessions() as session:
        session.add(
            Target(
                metric="revenue",
                owner_unit_id=world.units["east.sh"],
                owner_key=f"unit:{world.units['east.sh']}",
                period_kind="month",
                period_start=start,
                amount=900_00,
                status="approved",
            )
        )
        await session.commit()
    await new_opportunity(api, world, amount=1_000_00, expectedClose=today().isoformat())
    assert (await submit(api, "rep", commit=300_00, bestCase=500_00))["errors"] == []
    assert (await submit(api, "manager", unitId=world.unit("east.sh")))["errors"] == []

    shown = (
        await api.data(
            ROLLUP, {"unit": world.unit("east.sh"), "start": start.isoformat()}, as_="manager"
        )
    )["forecastRollup"]
    lines = {
        (line["unit"] or {}).get("code") or line["rep"]["externalId"]: line
        for line in shown["lines"]
    }
    assert list(lines) == ["east.sh", "r1", "r2"]
    unit, r1, r2 = lines["east.sh"], lines["r1"], lines["r2"]
    assert (unit["call"]["commit"], unit["sumBelowCommit"], unit["sumBelowBestCase"]) == (
        300_00,
        300_00,
        500_00,
    )
    assert (unit["callsBelow"], unit["ownersBelow"], unit["target"]) == (1, 2, 900_00)
    assert r1["weightedPipeline"] == round(DEFAULT_STAGE_PROBABILITIES["lead"] * 1_000_00)
    assert unit["weightedPipeline"] == r1["weightedPipeline"] and r2["weightedPipeline"] == 0
    assert r1["prediction"]["deals"] == 1 and r1["prediction"]["low"] <= r1["prediction"]["high"]
    assert r2["call"] is None and r1["sumBelowCommit"] is None

    as_rep = (
        await api.data(
            ROLLUP, {"unit": world.unit("east.sh"), "start": start.isoformat()}, as_="rep"
        )
    )["forecastRollup"]
    assert [line["name"] for line in as_rep["lines"]] == ["Shanghai", "Rep r1"]

    region = (
        await api.data(
            ROLLUP, {"unit": world.unit("east"), "start": start.isoformat()}, as_="director.east"
        )
    )["forecastRollup"]
    assert [(line["name"], line["sumBelowCommit"]) for line in region["lines"]] == [
        ("East", 300_00),
        ("Shanghai", 300_00),
        ("Hangzhou", 0),
    ]


async def test_a_unit_out_of_scope_or_a_bad_period_is_refused(api, world):
    body = await api(ROLLUP, {"unit": world.unit("west"), "start": month_start()}, as_="rep")
    assert body["errors"][0]["extensions"]["code"] == "UNIT_NOT_FOUND"
    body = await api(
        ROLLUP,
        {"unit": world.unit("east.sh"), "start": month_start(), "kind": "YEAR"},
        as_="manager",
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_PERIOD"


def closed_month() -> Period:
    first = date.fromisoformat(month_start()) - timedelta(days=1)
    previous = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Period(PeriodKind.MONTH, previous)


async def _call_in_week(sessions, world, day: date, rep: str | None, commit: int) -> None:
    """A call made on `day` (the service takes the day; the API only ever this week's)."""
    actor = Actor(user_id=world.users["admin"], roles=frozenset({Role.ADMIN.value}))
    month = closed_month()
    async with sessions() as session:
        await service.submit_forecast(
            session,
            actor,
            load_settings(),
            unit_id=None if rep else world.units["east.sh"],
            rep_id=world.reps[rep] if rep else None,
            metric="revenue",
            period_kind=PeriodKind.MONTH,
            period_start=month.start,
            week_start=None,
            commit=commit if rep else None,
            best_case=commit * 2 if rep else None,
            note=None,
            today=day,
        )
        await session.commit()


async def test_closed_periods_are_scored_on_the_call_of_record(api, world, sessions):
    month = closed_month()
    before = month.start - timedelta(days=3)
    inside = month.start + timedelta(days=10)
    await _call_in_week(sessions, world, before, "r1", 100_00)
    await _call_in_week(sessions, world, inside, "r1", 125_00)  # knows part of the month
    await _call_in_week(sessions, world, before, "r2", 200_00)
    await _call_in_week(sessions, world, before, None, 0)  # Shanghai: the sum, 300
    async with sessions() as session:
        for n, (rep, amount) in enumerate([("r1", 125_00), ("r2", 100_00)]):
            session.add(
                Deal(
                    external_id=f"d{n}",
                    close_date=month.start + timedelta(days=5),
                    amount=amount,
                    rep_id=world.reps[rep],
                    customer="客户",
                    segment="smb",
                    product_line="车",
                )
            )
        await session.commit()

    periods = [{"kind": "MONTH", "start": month.start.isoformat()}]
    ranked = (
        await api.data(ACCURACY, {"unit": world.unit("east.sh"), "periods": periods}, as_="manager")
    )["forecastAccuracy"]
    assert [f["name"] for f in ranked] == ["Rep r1", "Shanghai", "Rep r2"]
    r1 = ranked[0]["periods"][0]
    assert r1["call"]["commit"] == 100_00 and r1["actual"] == 125_00
    assert r1["callScore"]["error"] == (125_00 - 100_00) / 125_00
    assert r1["callScore"]["bias"] == (100_00 - 125_00) / 125_00
    unit = ranked[1]
    assert unit["periods"][0]["callScore"]["forecast"] == 300_00
    assert unit["calls"]["meanBias"] == (300_00 - 225_00) / 225_00
    assert unit["model"]["scored"] == 1  # the model's prediction made with the call

    body = await api(
        ACCURACY,
        {"unit": world.unit("east.sh"), "periods": [{"kind": "MONTH", "start": month_start()}]},
        as_="manager",
    )
    assert body["errors"][0]["extensions"]["code"] == "PERIOD_NOT_CLOSED"
    many = [{"kind": "MONTH", "start": f"2025-{m:02d}-01"} for m in range(1, 13)] + [
        {"kind": "MONTH", "start": "2024-12-01"}
    ]
    body = await api(ACCURACY, {"unit": world.unit("east.sh"), "periods": many}, as_="manager")
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_PERIODS"


async def test_the_statements_of_a_roll_up_do_not_grow_with_the_calls(api, world, engine):
    query = {"unit": world.unit("east.sh"), "start": month_start()}
    counts = []
    for login, fields in [
        ("rep", {"commit": 1, "bestCase": 2}),
        ("manager", {"repId": world.rep("r2"), "commit": 3, "bestCase": 4}),
        ("manager", {"unitId": world.unit("east.sh")}),
        ("rep", {"commit": 5, "bestCase": 6}),  # a second version
    ]:
        assert (await submit(api, login, **fields))["errors"] == []
        with count_statements(engine) as counter:
            lines = (await api.data(ROLLUP, query, as_="manager"))["forecastRollup"]["lines"]
        counts.append(counter.count)
    assert [line["call"]["commit"] for line in lines] == [4, 5, 3]
    assert len(set(counts)) == 1, counts
