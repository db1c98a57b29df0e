"""Gap reasons, comments with @mentions, OKRs and closed-period reviews through GraphQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from domain.targets.models import Deal
from domain.targets.periods import WorkingCalendar
from domain.targets.progress import record_projections
from tests.support.graphql import gid, run

THIS_YEAR = date(date.today().year, 1, 1)


async def new_target(
    api, owner, period_start=THIS_YEAR, kind="YEAR", amount=1_000_00, metric="REVENUE"
):
    result = await run(
        api,
        "setTarget",
        {
            "metric": metric,
            "ownerId": owner,
            "periodKind": kind,
            "periodStart": period_start.isoformat(),
            "amount": amount,
        },
        "target { id }",
    )
    assert result["errors"] == []
    return result["target"]["id"]


async def test_tag_gaps_and_top_three(api, world):
    reps = {rep: await new_target(api, world.rep(rep)) for rep in ("r1", "r2", "r3", "r4")}
    tags = [
        ("r1", "lead_shortage"),
        ("r2", "lead_shortage"),
        ("r3", "quote_delay"),
        ("r1", "quote_delay"),
        ("r2", "lead_shortage"),
        ("r3", "price"),
        ("r4", "competitor"),
        ("r4", "competitor"),
        ("r4", "competitor"),
    ]
    for rep, code in tags:
        result = await run(
            api,
            "tagGap",
            {"targetId": reps[rep], "reasonCode": code},
            "tag { reasonCode taggedBy { login } }",
        )
        assert result["tag"] == {"reasonCode": code, "taggedBy": {"login": "admin"}}
    query = "query($root: ID!) { topGapReasons(rootId: $root) { count reason { code label } } }"
    east = await api.data(query, {"root": world.unit("east")}, as_="director.east")
    assert [(r["reason"]["code"], r["count"]) for r in east["topGapReasons"]] == [
        ("lead_shortage", 3),
        ("quote_delay", 2),
        ("price", 1),
    ]
    assert east["topGapReasons"][0]["reason"]["label"] == "线索不足"
    company = await api.data(query, {"root": world.unit("acme")})
    assert company["topGapReasons"][0]["reason"]["code"] == "competitor"
    hidden = await api(query, {"root": world.unit("west")}, as_="director.east")
    assert hidden["errors"][0]["extensions"]["code"] == "UNIT_NOT_FOUND"
    mine = await run(
        api,
        "tagGap",
        {"targetId": reps["r1"], "reasonCode": "other", "note": "客户内部重组"},
        "tag { note }",
        as_="rep",
    )
    assert mine["tag"] == {"note": "客户内部重组"}


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        (lambda t, w: {"targetId": w.rep("r1"), "reasonCode": "price"}, "INVALID_ID", "targetId"),
        (
            lambda t, w: {"targetId": gid("Target", 999), "reasonCode": "price"},
            "TARGET_NOT_FOUND",
            "targetId",
        ),
        (lambda t, w: {"targetId": t, "reasonCode": "weather"}, "UNKNOWN_REASON", "reasonCode"),
        (lambda t, w: {"targetId": t, "reasonCode": "other", "note": " "}, "NOTE_REQUIRED", "note"),
    ],
)
async def test_tag_gap_errors(api, world, input, code, field):
    target = await new_target(api, world.rep("r1"))
    result = await run(api, "tagGap", input(target, world))
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]


async def test_define_gap_reason(api, world):
    result = await run(
        api,
        "defineGapReason",
        {"code": "Policy_Change", "labelZh": "政策变化", "labelEn": "Policy change"},
        "reason { code label }",
    )
    assert result["reason"] == {"code": "policy_change", "label": "政策变化"}
    listed = await api.data("{ gapReasons { code } }", as_="rep")
    assert "policy_change" in [r["code"] for r in listed["gapReasons"]]
    for input, code in [
        ({"code": "x y", "labelZh": "a", "labelEn": "a"}, "INVALID_CODE"),
        ({"code": "x", "labelZh": " ", "labelEn": "a"}, "REQUIRED"),
        ({"code": "x", "labelZh": "a", "labelEn": "a" * 81}, "TOO_LONG"),
    ]:
        refused = await run(api, "defineGapReason", input)
        assert [e["code"] for e in refused["errors"]] == [code]


async def test_comments_with_mentions(api, world):
    target = await new_target(api, world.unit("east.sh"))
    result = await run(
        api,
        "commentOnTarget",
        {"targetId": target, "body": "@Manager 请看看 @rep 的预测，周五前回复"},
        "comment { body author { login } mentions { login } }",
        as_="director.east",
    )
    assert result["comment"]["author"] == {"login": "director.east"}
    assert sorted(m["login"] for m in result["comment"]["mentions"]) == ["manager", "rep"]
    data = await api.data(
        "query($id: ID!) { target(id: $id) { comments { body } } }", {"id": target}, as_="manager"
    )
    assert data["target"]["comments"][0]["body"].startswith("@Manager")


@pytest.mark.parametrize(
    ("body", "login", "code"),
    [
        ("@nobody hello", "admin", "MENTION_NOT_FOUND"),
        ("@director.east out of my scope", "manager", "MENTION_NOT_FOUND"),
        ("   ", "admin", "REQUIRED"),
        ("x" * 4001, "admin", "TOO_LONG"),
    ],
)
async def test_comment_errors(api, world, body, login, code):
    target = await new_target(api, world.unit("east.sh"))
    result = await run(api, "commentOnTarget", {"targetId": target, "body": body}, as_=login)
    assert [e["code"] for e in result["errors"]] == [code]
    for bad_id, bad_code in (
        (world.rep("r1"), "INVALID_ID"),
        (gid("Target", 999), "TARGET_NOT_FOUND"),
    ):
        refused = await run(api, "commentOnTarget", {"targetId": bad_id, "body": "x"})
        assert [e["code"] for e in refused["errors"]] == [bad_code]


async def add_sales(sessions, world, rep: str, amount: int, day: date) -> None:
    async with sessions() as session:
        await session.execute(
            insert(Deal),
            [
                {
                    "external_id": f"{rep}-{day}-{amount}",
                    "close_date": day,
                    "amount": amount,
                    "rep_id": world.reps[rep],
                    "customer": "c",
                    "segment": "smb",
                    "product_line": "ev",
                    "high_margin": False,
                    "one_off": False,
                }
            ],
        )
        await session.commit()


async def test_okr_score_and_success(api, world, sessions):
    today = date.today()
    revenue = await new_target(api, world.unit("east.sh"), amount=100_00)
    deals = await new_target(api, world.unit("east.sh"), amount=4, metric="DEALS_WON")
    await add_sales(sessions, world, "r1", 150_00, today)  # revenue 150% → capped at 1.0
    result = await run(
        api,
        "createObjective",
        {
            "title": "拿下华东车队市场",
            "ownerId": world.unit("east.sh"),
            "keyResults": [
                {"targetId": revenue, "title": "营收"},
                {"targetId": deals, "title": "成交单数"},
            ],
        },
        "objective { title keyResults { title target { metric } } score success }",
    )
    objective = result["objective"]
    assert [kr["target"]["metric"] for kr in objective["keyResults"]] == ["REVENUE", "DEALS_WON"]
    assert objective["score"] == pytest.approx((1.0 + 1 / 4) / 2)
    assert objective["success"] is False
    listed = await api.data(
        "query($o: ID!) { objectives(ownerId: $o) { title } }",
        {"o": world.unit("east.sh")},
        as_="rep",
    )
    assert listed["objectives"] == [{"title": "拿下华东车队市场"}]


async def test_create_objective_errors(api, world):
    t1 = await new_target(api, world.unit("east.sh"))
    t2 = await new_target(api, world.unit("east.sh"), metric="DEALS_WON")
    west = await new_target(api, world.unit("west"))
    base = {
        "title": "O",
        "ownerId": world.unit("east.sh"),
        "keyResults": [{"targetId": t1, "title": "a"}, {"targetId": t2, "title": "b"}],
    }
    cases = [
        ({"ownerId": world.user("rep")}, "admin", "INVALID_ID"),
        ({"ownerId": world.unit("west")}, "manager", "OWNER_NOT_FOUND"),
        (
            {"keyResults": [{"targetId": t1, "title": "a"}, {"targetId": west, "title": "b"}]},
            "manager",
            "TARGET_NOT_FOUND",
        ),
        ({"title": " "}, "admin", "REQUIRED"),
        ({"title": "t" * 201}, "admin", "TOO_LONG"),
        ({"keyResults": [{"targetId": t1, "title": "a"}]}, "admin", "KEY_RESULT_COUNT"),
        (
            {"keyResults": [{"targetId": t1, "title": "a"}, {"targetId": t1, "title": "b"}]},
            "admin",
            "DUPLICATE_TARGET",
        ),
    ]
    for overrides, login, code in cases:
        result = await run(api, "createObjective", {**base, **overrides}, as_=login)
        assert [e["code"] for e in result["errors"]] == [code], (code, result)


async def test_closed_period_review(api, world, sessions):
    last_month_start = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    target = await new_target(api, world.rep("r1"), last_month_start, "MONTH", amount=200_00)
    await add_sales(sessions, world, "r1", 100_00, last_month_start + timedelta(days=3))
    await add_sales(sessions, world, "r1", 150_00, last_month_start + timedelta(days=20))
    calendar = WorkingCalendar("CN")
    async with sessions() as session:
        for offset in (10, 25):
            await record_projections(session, last_month_start + timedelta(days=offset), calendar)
        await session.commit()
    query = (
        "query($id: ID!) { target(id: $id) { review { actual deviationRate"
        " forecastAccuracy projections } } }"
    )
    review = (await api.data(query, {"id": target}))["target"]["review"]
    assert review["actual"] == 250_00 and review["deviationRate"] == pytest.approx(0.25)
    assert review["projections"] == 2 and 0 <= review["forecastAccuracy"] <= 1
    running = await new_target(api, world.rep("r1"))
    assert (await api.data(query, {"id": running}))["target"]["review"] is None


async def test_seasonal_pace_basis(api, world, sessions):
    this_year = date.today().year
    # last year: January sold nine times what every other month sold
    for month in range(1, 13):
        await add_sales(
            sessions, world, "r4", 900_00 if month == 1 else 100_00, date(this_year - 1, month, 10)
        )
    target = await new_target(api, world.unit("west"), date(this_year, 1, 1), "QUARTER")
    query = (
        "query($id: ID!, $day: Date!, $basis: PaceBasis!) { target(id: $id) {"
        " progress(asOf: $day, basis: $basis) { expectedToDate } } }"
    )
    day = f"{this_year}-01-31"
    flat = await api.data(query, {"id": target, "day": day, "basis": "WORKING_DAYS"})
    seasonal = await api.data(query, {"id": target, "day": day, "basis": "SEASONAL"})
    flat_share = flat["target"]["progress"]["expectedToDate"] / 1_000_00
    seasonal_share = seasonal["target"]["progress"]["expectedToDate"] / 1_000_00
    assert 0.2 < flat_share < 0.45 and seasonal_share > 0.7
