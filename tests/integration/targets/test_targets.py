"""Targets through GraphQL: every mutation's success and error codes, allocation with
explanations, workflow, calibration with history, concurrency, the target tree."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from domain.targets.models import Deal
from tests.support.db import count_statements
from tests.support.graphql import gid, run
from tests.support.targets import NEXT_YEAR, TARGET_FIELDS, adjust, company_target, set_target

TODAY = date.today()


async def add_deals(sessions, world, per_rep: dict[str, int], days_ago: int = 30) -> None:
    rows = []
    for external_id, amount in per_rep.items():
        for n in range(4):
            rows.append(
                {
                    "external_id": f"{external_id}-{days_ago}-{n}",
                    "close_date": TODAY - timedelta(days=days_ago + n),
                    "amount": amount // 4,
                    "rep_id": world.reps[external_id],
                    "customer": f"c-{external_id}-{n}",
                    "segment": "smb",
                    "product_line": "ev",
                    "high_margin": n == 0,
                    "one_off": False,
                }
            )
    async with sessions() as session:
        await session.execute(insert(Deal), rows)
        await session.commit()


@pytest.fixture
async def history(sessions, world):
    # East (r1, r2, r3) sold 3x what West (r4) sold; Shanghai's r2 sold most.
    await add_deals(
        sessions, world, {"r1": 100_000_00, "r2": 300_000_00, "r3": 200_000_00, "r4": 200_000_00}
    )


async def allocate(api, target_id, **kw):
    input = {"id": target_id, "over": "CHILDREN", **kw}
    return await run(
        api,
        "allocateTarget",
        input,
        "target { amount } children { id amount ownerUnit { code } ownerRep"
        " { externalId } periodLabel version explanation { sentence share"
        " historyShare potentialShare capabilityShare method } }",
    )


# --- setTarget --------------------------------------------------------------------------


async def test_set_target(api, world):
    result = await set_target(api, world, world.unit("east"), reason="from plan")
    assert result["target"] == {
        **result["target"],
        "amount": 1_000_000_00,
        "status": "DRAFT",
        "version": 1,
        "metric": "REVENUE",
        "periodLabel": str(NEXT_YEAR.year),
    }


@pytest.mark.parametrize(
    ("owner", "overrides", "code", "field"),
    [
        (lambda w: w.user("manager"), {}, "INVALID_ID", "ownerId"),
        (lambda w: gid("OrgUnit", 999), {}, "OWNER_NOT_FOUND", "ownerId"),
        (
            lambda w: w.unit("acme"),
            {"periodStart": f"{NEXT_YEAR.year}-02-01"},
            "PERIOD_NOT_ALIGNED",
            "periodStart",
        ),
        (lambda w: w.unit("acme"), {"amount": -5}, "NEGATIVE_AMOUNT", "amount"),
    ],
)
async def test_set_target_errors(api, world, owner, overrides, code, field):
    result = await set_target(api, world, owner(world), **overrides)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]


async def test_set_target_twice_and_outside_scope(api, world):
    await company_target(api, world)
    again = await set_target(api, world, world.unit("acme"))
    assert again["errors"][0]["code"] == "TARGET_EXISTS"
    outside = await set_target(api, world, world.unit("west"), as_="manager")
    assert outside["errors"][0]["code"] == "OWNER_NOT_FOUND"


# --- allocateTarget ---------------------------------------------------------------------


async def test_allocate_to_children_by_history_and_potential(api, world, history):
    for code, value in (("east", 1.0), ("west", 3.0)):
        set_potential = await run(
            api, "setMarketPotential", {"ownerId": world.unit(code), "value": value}, "value"
        )
        assert set_potential["errors"] == []
    target = await company_target(api, world)
    result = await allocate(
        api, target["id"], weights={"history": 0.5, "potential": 0.5, "capability": 0}
    )
    children = {c["ownerUnit"]["code"]: c for c in result["children"]}
    # history: East 600k of 800k = 75%; potential: East 1 of 4 = 25% → 50% each
    assert children["east"]["amount"] + children["west"]["amount"] == 1_000_000_00
    assert children["east"]["explanation"]["historyShare"] == pytest.approx(0.75)
    assert children["east"]["explanation"]["potentialShare"] == pytest.approx(0.25)
    assert children["east"]["explanation"]["capabilityShare"] is None
    assert children["east"]["amount"] == 500_000_00
    assert children["east"]["explanation"]["sentence"].startswith(
        "你的 500,000.00 = Acme 1,000,000.00 的 50.0%：历史 75%，潜力 25%，能力未计入"
    )


async def test_allocate_down_to_reps_and_over_months(api, world, history):
    target = await company_target(api, world)
    regions = (await allocate(api, target["id"]))["children"]
    east = next(c for c in regions if c["ownerUnit"]["code"] == "east")
    teams = (await allocate(api, east["id"]))["children"]
    shanghai = next(c for c in teams if c["ownerUnit"]["code"] == "east.sh")
    reps = (await allocate(api, shanghai["id"]))["children"]
    by_rep = {r["ownerRep"]["externalId"]: r["amount"] for r in reps}
    # Shanghai's history: r1 sold 100k, r2 300k; no potential set: history alone decides
    assert set(by_rep) == {"r1", "r2"}
    assert by_rep["r1"] == pytest.approx(shanghai["amount"] / 4, abs=1)
    assert sum(r["amount"] for r in reps) == shanghai["amount"]
    months = await run(
        api,
        "allocateTarget",
        {"id": reps[1]["id"], "over": "TIME", "periodKind": "MONTH", "even": True},
        "children { amount periodLabel }",
    )
    assert [m["periodLabel"] for m in months["children"]] == [
        f"{NEXT_YEAR.year}-{m:02d}" for m in range(1, 13)
    ]
    amounts = [m["amount"] for m in months["children"]]
    assert sum(amounts) == reps[1]["amount"] and max(amounts) - min(amounts) <= 1


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        (lambda t, w: {"id": w.unit("acme"), "over": "CHILDREN"}, "INVALID_ID", "id"),
        (lambda t, w: {"id": gid("Target", 999), "over": "CHILDREN"}, "TARGET_NOT_FOUND", "id"),
        (lambda t, w: {"id": t, "over": "TIME"}, "PERIOD_REQUIRED", "periodKind"),
        (lambda t, w: {"id": t, "over": "TIME", "periodKind": "YEAR"}, "INVALID_SPLIT", "into"),
        (
            lambda t, w: {
                "id": t,
                "over": "CHILDREN",
                "weights": {"history": 0, "potential": 0, "capability": 0},
            },
            "ZERO_WEIGHTS",
            "weights",
        ),
        (lambda t, w: {"id": t, "over": "CHILDREN"}, "NO_ALLOCATION_BASIS", "children"),
    ],
)
async def test_allocate_errors(api, world, input, code, field):
    target = await company_target(api, world)
    result = await run(api, "allocateTarget", input(target["id"], world))
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]


async def test_allocate_more_errors(api, world, history):
    rep_target = await set_target(api, world, world.rep("r1"))
    nothing = await run(
        api, "allocateTarget", {"id": rep_target["target"]["id"], "over": "CHILDREN"}
    )
    assert nothing["errors"][0]["code"] == "NO_CHILDREN"
    target = await company_target(api, world)
    children = (await allocate(api, target["id"]))["children"]
    west = next(c for c in children if c["ownerUnit"]["code"] == "west")
    assert (await run(api, "approveTarget", {"id": west["id"]}))["errors"] == []
    again = await run(api, "allocateTarget", {"id": target["id"], "over": "CHILDREN"})
    assert again["errors"][0]["code"] == "CHILD_APPROVED"
    hidden = await run(
        api, "allocateTarget", {"id": target["id"], "over": "CHILDREN"}, as_="director.east"
    )
    assert hidden["errors"][0]["code"] == "TARGET_NOT_FOUND"


async def test_visible_but_not_managed_is_not_your_scope(api, world, history, dual_role_token):
    mine = (await set_target(api, world, world.rep("r2")))["target"]
    sibling = (await set_target(api, world, world.rep("r1")))["target"]
    as_dual = {"as_": None, "token": dual_role_token}
    cases = [
        ("allocateTarget", {"id": mine["id"], "over": "TIME", "periodKind": "MONTH"}),
        ("lockTarget", {"id": mine["id"]}),
        ("adjustTarget", {"id": mine["id"], "expectedVersion": 1, "amount": 1, "reason": "x"}),
        (
            "rebalanceTargets",
            {
                "moves": [
                    {"id": mine["id"], "expectedVersion": 1, "amount": 1},
                    {"id": sibling["id"], "expectedVersion": 1, "amount": 1},
                ],
                "reason": "x",
            },
        ),
    ]
    for name, input in cases:
        result = await run(api, name, input, **as_dual)
        assert [e["code"] for e in result["errors"]] == ["NOT_YOUR_SCOPE"], (name, result)


# --- workflow ---------------------------------------------------------------------------


async def test_bottom_up_proposal_and_reconciliation(api, world, history):
    target = await company_target(api, world)
    children = (await allocate(api, target["id"]))["children"]
    east = next(c for c in children if c["ownerUnit"]["code"] == "east")
    teams = (await allocate(api, east["id"]))["children"]
    shanghai = next(c for c in teams if c["ownerUnit"]["code"] == "east.sh")
    reps = (await allocate(api, shanghai["id"]))["children"]
    mine = next(r for r in reps if r["ownerRep"]["externalId"] == "r1")
    proposed = await run(
        api,
        "proposeTarget",
        {"id": mine["id"], "amount": 42, "reason": "two big fleets slipped"},
        TARGET_FIELDS,
        as_="rep",
    )
    assert proposed["target"]["status"] == "PROPOSED"
    rows = await api.data(
        "query($t: ID!) { reconciliation(targetId: $t) { topDown bottomUp gap"
        " reason target { ownerRep { externalId } } } }",
        {"t": shanghai["id"]},
        as_="manager",
    )
    by_rep = {r["target"]["ownerRep"]["externalId"]: r for r in rows["reconciliation"]}
    assert by_rep["r1"] == {
        **by_rep["r1"],
        "bottomUp": 42,
        "gap": 42 - mine["amount"],
        "reason": "two big fleets slipped",
    }
    assert by_rep["r2"]["bottomUp"] is None
    approved = await run(api, "approveTarget", {"id": mine["id"]}, TARGET_FIELDS, as_="manager")
    assert approved["target"]["status"] == "APPROVED"
    locked = await run(api, "lockTarget", {"id": mine["id"]}, TARGET_FIELDS, as_="manager")
    assert locked["target"]["status"] == "LOCKED"
    history = await api.data(
        "query($id: ID!) { targetHistory(id: $id) { version action"
        " newStatus reason actor { login } } }",
        {"id": mine["id"]},
    )
    assert [
        (v["action"], v["newStatus"], v["actor"]["login"]) for v in history["targetHistory"]
    ] == [
        ("allocate", "DRAFT", "admin"),
        ("propose", "PROPOSED", "rep"),
        ("approve", "APPROVED", "manager"),
        ("lock", "LOCKED", "manager"),
    ]


async def test_workflow_errors(api, world, history):
    target = await company_target(api, world)
    children = (await allocate(api, target["id"]))["children"]
    east = next(c for c in children if c["ownerUnit"]["code"] == "east")
    cases = [
        (
            "proposeTarget",
            {"id": east["id"], "amount": 1, "reason": "x"},
            "rep",
            "TARGET_NOT_FOUND",
        ),
        (
            "proposeTarget",
            {"id": east["id"], "amount": 1, "reason": "x"},
            "manager",
            "TARGET_NOT_FOUND",
        ),
        (
            "proposeTarget",
            {"id": east["id"], "amount": 1, "reason": "x"},
            "director",
            "NOT_YOUR_TARGET",
        ),
        (
            "proposeTarget",
            {"id": east["id"], "amount": -1, "reason": "x"},
            "director.east",
            "NEGATIVE_AMOUNT",
        ),
        (
            "proposeTarget",
            {"id": east["id"], "amount": 1, "reason": " "},
            "director.east",
            "REASON_REQUIRED",
        ),
        ("proposeTarget", {"id": gid("Rep", 1), "amount": 1, "reason": "x"}, "rep", "INVALID_ID"),
        ("approveTarget", {"id": east["id"]}, "director.east", "NOT_APPROVER"),
        ("approveTarget", {"id": gid("Target", 999)}, "admin", "TARGET_NOT_FOUND"),
        ("approveTarget", {"id": gid("OrgUnit", 1)}, "admin", "INVALID_ID"),
        ("lockTarget", {"id": east["id"]}, "admin", "INVALID_STATUS"),
        ("lockTarget", {"id": target["id"]}, "director.east", "TARGET_NOT_FOUND"),
        ("lockTarget", {"id": gid("Rep", 1)}, "admin", "INVALID_ID"),
        ("lockTarget", {"id": east["id"]}, "manager", "TARGET_NOT_FOUND"),
    ]
    for name, input, login, code in cases:
        result = await run(api, name, input, as_=login)
        assert [e["code"] for e in result["errors"]] == [code], (name, login, result)
    proposed = await run(
        api, "proposeTarget", {"id": east["id"], "amount": 1, "reason": "x"}, as_="director.east"
    )
    assert proposed["errors"] == []
    twice = await run(
        api, "proposeTarget", {"id": east["id"], "amount": 1, "reason": "x"}, as_="director.east"
    )
    assert twice["errors"][0]["code"] == "INVALID_STATUS"
    assert (await run(api, "approveTarget", {"id": east["id"]}))["errors"] == []
    again = await run(api, "approveTarget", {"id": east["id"]})
    assert again["errors"][0]["code"] == "INVALID_STATUS"
    west = next(c for c in children if c["ownerUnit"]["code"] == "west")
    not_scope = await run(api, "lockTarget", {"id": west["id"]}, as_="director.east")
    assert not_scope["errors"][0]["code"] == "TARGET_NOT_FOUND"


# --- calibration ------------------------------------------------------------------------


async def test_adjust_rescales_children_and_keeps_history(api, world, history):
    target = await company_target(api, world)
    children = (await allocate(api, target["id"]))["children"]
    result = await adjust(api, target, 2_000_000_00)
    assert result["errors"] == [] and result["target"]["version"] == 2
    data = await api.data(
        "query($id: ID!) { target(id: $id) { amount children { amount }"
        " history { action oldAmount newAmount reason } } }",
        {"id": target["id"]},
    )
    assert sum(c["amount"] for c in data["target"]["children"]) == 2_000_000_00
    assert sorted(c["amount"] for c in data["target"]["children"]) == sorted(
        2 * c["amount"] for c in children
    )
    assert data["target"]["history"][-1] == {
        "action": "adjust",
        "oldAmount": 1_000_000_00,
        "newAmount": 2_000_000_00,
        "reason": "market shift",
    }


async def test_adjust_errors(api, world, history):
    target = await company_target(api, world)
    children = (await allocate(api, target["id"]))["children"]
    stale = await adjust(api, {**target, "version": 7}, 5)
    assert [(e["code"], e["field"]) for e in stale["errors"]] == [
        ("STALE_VERSION", "expectedVersion")
    ]
    assert (await adjust(api, target, -1))["errors"][0]["code"] == "NEGATIVE_AMOUNT"
    assert (await adjust(api, target, 5, reason=""))["errors"][0]["code"] == "REASON_REQUIRED"
    bad_id = await adjust(api, {"id": world.unit("acme"), "version": 1}, 5)
    assert bad_id["errors"][0]["code"] == "INVALID_ID"
    missing = await adjust(api, {"id": gid("Target", 999), "version": 1}, 5)
    assert missing["errors"][0]["code"] == "TARGET_NOT_FOUND"
    east = next(c for c in children if c["ownerUnit"]["code"] == "east")
    in_split = await adjust(api, east, 5, as_="director.east")
    assert in_split["errors"][0]["code"] == "PARENT_SUM_FIXED"  # part of Acme's draft split
    team = (await set_target(api, world, world.unit("east.hz"), as_="director.east"))["target"]
    own = await adjust(api, team, 5, as_="director.east")
    assert own["errors"] == []  # the East director calibrates a target of their region
    too_soon = await adjust(api, {**team, "version": 2}, 6, as_="director.east")
    assert too_soon["errors"][0]["code"] == "CALIBRATION_TOO_SOON"
    override = await adjust(
        api, {**team, "version": 2}, 6, as_="director.east", overrideReason="board decision"
    )
    assert override["errors"] == []
    assert (await run(api, "approveTarget", {"id": target["id"]}))["errors"] == []
    fixed = await adjust(api, east, 7, overrideReason="x")
    assert fixed["errors"][0]["code"] == "PARENT_SUM_FIXED"
    assert (await run(api, "lockTarget", {"id": target["id"]}))["errors"] == []
    target_now = (
        await api.data("query($id: ID!) { target(id: $id) { id version } }", {"id": target["id"]})
    )["target"]
    locked = await adjust(api, target_now, 9, as_="manager")
    assert locked["errors"][0]["code"] == "TARGET_NOT_FOUND"  # outside the manager's scope


async def test_locked_target_needs_a_director(api, world, history, sessions):
    team = (await set_target(api, world, world.unit("east.sh")))["target"]
    for action in ("approveTarget", "lockTarget"):
        assert (await run(api, action, {"id": team["id"]}))["errors"] == []
    team["version"] = 3
    refused = await adjust(api, team, 5, as_="manager")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("LOCKED", "id")]
    allowed = await adjust(api, team, 5, as_="director.east")
    assert allowed["errors"] == [] and allowed["target"]["status"] == "LOCKED"


async def test_rebalance_keeps_the_parent_sum(api, world, history):
    target = await company_target(api, world)
    children = (await allocate(api, target["id"]))["children"]
    east, west = sorted(children, key=lambda c: c["ownerUnit"]["code"])
    moves = [
        {"id": east["id"], "expectedVersion": 1, "amount": east["amount"] - 100},
        {"id": west["id"], "expectedVersion": 1, "amount": west["amount"] + 100},
    ]
    result = await run(
        api, "rebalanceTargets", {"moves": moves, "reason": "shift"}, "targets { amount version }"
    )
    assert result["errors"] == []
    assert sum(t["amount"] for t in result["targets"]) == 1_000_000_00
    cases = [
        ({"moves": moves[:1], "reason": "x"}, "TOO_FEW_TARGETS"),
        (
            {
                "moves": [
                    {**moves[0], "expectedVersion": 2, "amount": 1},
                    {**moves[1], "expectedVersion": 2},
                ],
                "reason": "x",
            },
            "SUM_CHANGED",
        ),
        ({"moves": moves, "reason": "x"}, "STALE_VERSION"),
        (
            {
                "moves": [{**moves[0], "expectedVersion": 2}, {**moves[1], "expectedVersion": 2}],
                "reason": "",
            },
            "REASON_REQUIRED",
        ),
        (
            {
                "moves": [
                    {**moves[0], "expectedVersion": 2},
                    {"id": target["id"], "expectedVersion": 1, "amount": 1},
                ],
                "reason": "x",
            },
            "NOT_SIBLINGS",
        ),
        (
            {
                "moves": [
                    {**moves[0], "expectedVersion": 2, "amount": -1},
                    {**moves[1], "expectedVersion": 2},
                ],
                "reason": "x",
            },
            "NEGATIVE_AMOUNT",
        ),
        (
            {
                "moves": [{**moves[0], "expectedVersion": 2}, {**moves[1], "expectedVersion": 2}],
                "reason": "x",
            },
            "CALIBRATION_TOO_SOON",
        ),
        (
            {
                "moves": [{"id": gid("Target", 999), "expectedVersion": 1, "amount": 1}, moves[1]],
                "reason": "x",
            },
            "TARGET_NOT_FOUND",
        ),
        (
            {
                "moves": [{"id": world.rep("r1"), "expectedVersion": 1, "amount": 1}, moves[1]],
                "reason": "x",
            },
            "INVALID_ID",
        ),
    ]
    for input, code in cases:
        refused = await run(api, "rebalanceTargets", input)
        assert [e["code"] for e in refused["errors"]] == [code], (code, refused)
    current = [{**move, "expectedVersion": 2} for move in moves]
    outside = await run(
        api, "rebalanceTargets", {"moves": current, "reason": "x"}, as_="director.east"
    )
    assert [(e["code"], e["field"]) for e in outside["errors"]] == [("TARGET_NOT_FOUND", "moves")]


async def test_set_market_potential_errors(api, world):
    cases = [
        ({"ownerId": world.user("rep"), "value": 1}, "INVALID_ID"),
        ({"ownerId": gid("Rep", 999), "value": 1}, "OWNER_NOT_FOUND"),
        ({"ownerId": world.rep("r1"), "value": -1}, "NEGATIVE_POTENTIAL"),
    ]
    for input, code in cases:
        assert [e["code"] for e in (await run(api, "setMarketPotential", input))["errors"]] == [
            code
        ]


# --- progress ---------------------------------------------------------------------------


async def test_target_tree_with_progress_in_constant_statements(api, world, sessions, engine):
    this_year = date(TODAY.year, 1, 1)
    await add_deals(sessions, world, {"r1": 40_00, "r2": 80_00, "r4": 20_00}, days_ago=0)
    input = {
        "metric": "REVENUE",
        "ownerId": world.unit("acme"),
        "periodKind": "YEAR",
        "periodStart": this_year.isoformat(),
        "amount": 1_000_00,
    }
    target = (await run(api, "setTarget", input, TARGET_FIELDS))["target"]
    query = """query($root: ID!, $start: Date!) { targetTree(rootId: $root, metric: REVENUE,
      periodKind: YEAR, periodStart: $start) { depth target { amount ownerUnit { code }
      ownerRep { externalId } } progress { achieved completion paceRatio projection gap } } }"""
    variables = {"root": world.unit("acme"), "start": this_year.isoformat()}
    with count_statements(engine) as small:
        one = (await api.data(query, variables))["targetTree"]
    this_year_sales = sum(
        amount // 4
        for amount in (40_00, 80_00, 20_00)
        for n in range(4)
        if (TODAY - timedelta(days=n)).year == TODAY.year
    )
    assert len(one) == 1 and one[0]["progress"]["achieved"] == this_year_sales
    await allocate(api, target["id"], weights={"history": 1, "potential": 0, "capability": 0})
    tree = (await api.data(query, variables))["targetTree"]
    regions = [r for r in tree if r["depth"] == 1]
    assert sum(r["target"]["amount"] for r in regions) == 1_000_00
    achieved = {r["target"]["ownerUnit"]["code"]: r["progress"]["achieved"] for r in tree}
    assert achieved["acme"] == achieved["east"] + achieved["west"] > 0
    with count_statements(engine) as large:
        (await api.data(query, variables))
    assert small.count == large.count
