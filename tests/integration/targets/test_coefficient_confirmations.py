"""A business coefficient limited to one segment applies only after the sales director and a
regional head have both confirmed it (confirmBusinessCoefficient)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from domain.targets.models import Deal
from tests.support.codes import untested_codes
from tests.support.graphql import run

PERIOD = date(2026, 12, 1)
BASELINE = """query($owner: ID!) { baselineSuggestion(ownerId: $owner, metric: REVENUE,
  periodKind: MONTH, periodStart: "2026-12-01") { amount steps { code detail } } }"""
SPRING_FESTIVAL = {
    "name": "春节前45天",
    "startDate": "2026-12-01",
    "endDate": "2026-12-31",
    "multiplier": 0.8,
    "segment": "manufacturing",
}
LISTED = (
    "{ businessCoefficients { id confirmed directorConfirmedBy { login }"
    " regionalConfirmedBy { login } regionalConfirmedAt } }"
)


@pytest.fixture
async def mixed_history(sessions, world):
    """r1 sells 1,000.00 each Monday for 80 weeks: manufacturing one week, retail the next."""
    first_monday = PERIOD - timedelta(weeks=80) - timedelta(days=PERIOD.weekday())
    rows = [
        {
            "external_id": f"m{n}",
            "close_date": first_monday + timedelta(weeks=n),
            "amount": 1_000_00,
            "rep_id": world.reps["r1"],
            "customer": f"cust{n % 5}",
            "segment": "manufacturing" if n % 2 else "retail",
            "product_line": "ev",
            "high_margin": False,
            "one_off": False,
        }
        for n in range(80)
    ]
    async with sessions() as session:
        await session.execute(insert(Deal), rows)
        await session.commit()


async def amount(api, world) -> int:
    return (await api.data(BASELINE, {"owner": world.rep("r1")}))["baselineSuggestion"]["amount"]


async def confirm(api, coefficient_id, capacity, as_):
    return await run(
        api,
        "confirmBusinessCoefficient",
        {"id": coefficient_id, "capacity": capacity},
        "coefficient { id confirmed }",
        as_=as_,
    )


async def add(api) -> int:
    added = await run(api, "addBusinessCoefficient", SPRING_FESTIVAL, "coefficient { id }")
    assert added["errors"] == []
    return added["coefficient"]["id"]


async def test_a_segment_coefficient_applies_after_both_confirmations(api, world, mixed_history):
    before = await amount(api, world)
    coefficient = await add(api)
    assert await amount(api, world) == before  # nobody has confirmed it yet
    first = await confirm(api, coefficient, "DIRECTOR", "director")
    assert first == {"coefficient": {"id": coefficient, "confirmed": False}, "errors": []}
    assert await amount(api, world) == before  # one confirmation is not enough
    second = await confirm(api, coefficient, "REGIONAL_HEAD", "director.east")
    assert second["coefficient"]["confirmed"] is True
    after = await amount(api, world)
    # ×0.8 on the manufacturing half of the history only: ×0.9 overall
    assert after == pytest.approx(before * 0.9, rel=0.01)
    listed = (await api.data(LISTED, as_="rep"))["businessCoefficients"]
    assert listed[0]["directorConfirmedBy"]["login"] == "director"
    assert listed[0]["regionalConfirmedBy"]["login"] == "director.east"
    assert listed[0]["confirmed"] and listed[0]["regionalConfirmedAt"]


async def test_confirm_business_coefficient_error_codes(api, world):
    coefficient = await add(api)
    assert (await confirm(api, coefficient, "DIRECTOR", "director"))["errors"] == []
    cases = [
        ("COEFFICIENT_NOT_FOUND", 999_999, "DIRECTOR", "director"),
        ("NOT_A_CONFIRMER", coefficient, "DIRECTOR", "director.east"),  # a region's director
        ("NOT_A_CONFIRMER", coefficient, "REGIONAL_HEAD", "manager"),  # a team's manager
        ("NOT_A_CONFIRMER", coefficient, "REGIONAL_HEAD", "director"),  # company-wide
        ("ALREADY_CONFIRMED", coefficient, "DIRECTOR", "director"),
    ]
    for code, coefficient_id, capacity, who in cases:
        result = await confirm(api, coefficient_id, capacity, who)
        assert [e["code"] for e in result["errors"]] == [code], (code, who, result)
        assert result["errors"][0]["field"] in ("id", "capacity")
    listed = (await api.data(LISTED, as_="rep"))["businessCoefficients"]
    assert listed[0]["confirmed"] is False and listed[0]["regionalConfirmedBy"] is None


def test_every_confirm_business_coefficient_code_has_a_test():
    from api.graphql.planning import inputs as planning

    assert untested_codes(planning, __name__, only=("ConfirmBusinessCoefficient",)) == {}
