"""Children of every target sum exactly to it, in every status: the reported defect (a child
of a draft parent adjusted alone) and each other path that could split a parent unevenly."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select
from strawberry.relay import from_base64

from domain.org import service as org
from domain.org.models import RepStatus
from domain.targets import allocation, calibration, service
from domain.targets.models import Metric, PeriodKind, Target, TargetVersion
from domain.targets.periods import Period
from domain.targets.rules import WeightMix
from tests.support.graphql import run
from tests.support.targets import TARGET_FIELDS, adjust, set_target
from tests.support.world import BOOTSTRAP

CHILDREN = (
    "target { id amount } children { id amount version status ownerUnit { code }"
    " ownerRep { externalId } periodLabel }"
)


async def allocate(api, target_id, over="CHILDREN", **kw):
    input = {"id": target_id, "over": over, "even": True, **kw}
    return await run(api, "allocateTarget", input, CHILDREN)


async def tree(api, target_id) -> dict:
    data = await api.data(
        "query($id: ID!) { target(id: $id) { id amount version status"
        " children { id amount version status children { id amount } } } }",
        {"id": target_id},
    )
    return data["target"]


async def test_adjusting_one_child_of_a_draft_parent_keeps_the_sum(api, world):
    """The report: 1,000,001 split over East and West, East adjusted by +500 alone while the
    company target was still a draft left the children at 1,000,501."""
    parent = (await set_target(api, world, world.unit("acme"), amount=1_000_001))["target"]
    children = (await allocate(api, parent["id"]))["children"]
    assert parent["status"] == "DRAFT" and sum(c["amount"] for c in children) == 1_000_001
    east = next(c for c in children if c["ownerUnit"]["code"] == "east")
    refused = await adjust(api, east, east["amount"] + 500)
    now = await tree(api, parent["id"])
    assert (now["amount"], sum(c["amount"] for c in now["children"])) == (1_000_001, 1_000_001)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("PARENT_SUM_FIXED", "amount")]
    assert "rebalanceTargets" in refused["errors"][0]["message"]


async def test_the_same_refusal_for_a_proposed_child_and_an_approved_parent(api, world):
    parent = (await set_target(api, world, world.unit("east.sh"), amount=1_001))["target"]
    children = (await allocate(api, parent["id"]))["children"]
    mine = next(c for c in children if c["ownerRep"]["externalId"] == "r1")
    proposed = await run(
        api,
        "proposeTarget",
        {"id": mine["id"], "amount": 900, "reason": "大客户推迟"},
        TARGET_FIELDS,
        as_="rep",
    )
    assert proposed["target"]["status"] == "PROPOSED"
    as_manager = await adjust(api, proposed["target"], 900, as_="manager")
    assert [e["code"] for e in as_manager["errors"]] == ["PARENT_SUM_FIXED"]
    assert (await run(api, "approveTarget", {"id": parent["id"]}))["errors"] == []
    approved = await adjust(api, proposed["target"], 900, overrideReason="x")
    assert [e["code"] for e in approved["errors"]] == ["PARENT_SUM_FIXED"]
    # the ways that keep the sum: move between siblings, or adjust the parent
    other = next(c for c in children if c["ownerRep"]["externalId"] == "r2")
    moves = [
        {"id": mine["id"], "expectedVersion": 2, "amount": 900},
        {"id": other["id"], "expectedVersion": 1, "amount": 1_001 - 900},
    ]
    moved = await run(api, "rebalanceTargets", {"moves": moves, "reason": "r1 的大单推迟"})
    assert moved["errors"] == []
    parent_now = await tree(api, parent["id"])
    grown = await adjust(api, parent_now, 2_002, overrideReason="二季度扩编")
    assert grown["errors"] == []
    now = await tree(api, parent["id"])
    assert sorted(c["amount"] for c in now["children"]) == [202, 1_800]


async def test_a_target_is_split_one_way_only(api, world):
    parent = (await set_target(api, world, world.unit("east.sh"), amount=1_200))["target"]
    assert (await allocate(api, parent["id"]))["errors"] == []
    by_time = await allocate(api, parent["id"], over="TIME", periodKind="QUARTER")
    assert [(e["code"], e["field"]) for e in by_time["errors"]] == [("INVALID_SPLIT", "over")]
    rep = (await set_target(api, world, world.rep("r4"), amount=1_200))["target"]
    assert (await allocate(api, rep["id"], over="TIME", periodKind="QUARTER"))["errors"] == []
    months = await allocate(api, rep["id"], over="TIME", periodKind="MONTH")
    assert [e["code"] for e in months["errors"]] == ["INVALID_SPLIT"]
    again = await allocate(api, rep["id"], over="TIME", periodKind="QUARTER")
    assert again["errors"] == []  # the same split again refreshes it
    for target in (parent, rep):
        now = await tree(api, target["id"])
        assert sum(c["amount"] for c in now["children"]) == now["amount"] == 1_200


async def test_a_target_belongs_to_one_split(api, world):
    """East's first quarter can come from Acme's first quarter or from East's year, not both."""
    year = (await set_target(api, world, world.unit("acme"), amount=4_000))["target"]
    quarters = (await allocate(api, year["id"], over="TIME", periodKind="QUARTER"))["children"]
    q1 = next(q for q in quarters if q["periodLabel"].endswith("Q1"))
    regions = (await allocate(api, q1["id"]))["children"]
    assert sum(r["amount"] for r in regions) == q1["amount"] == 1_000
    east_year = (await set_target(api, world, world.unit("east"), amount=8_000))["target"]
    refused = await allocate(api, east_year["id"], over="TIME", periodKind="QUARTER")
    assert [e["code"] for e in refused["errors"]] == ["INVALID_SPLIT"]
    assert "East" in refused["errors"][0]["message"]
    assert sum(r["amount"] for r in (await tree(api, q1["id"]))["children"]) == 1_000


async def test_reallocating_a_parent_rescales_the_grandchildren(api, world):
    company = (await set_target(api, world, world.unit("acme"), amount=1_000))["target"]
    regions = (await allocate(api, company["id"]))["children"]
    east = next(c for c in regions if c["ownerUnit"]["code"] == "east")
    teams = (await allocate(api, east["id"]))["children"]
    assert sum(t["amount"] for t in teams) == east["amount"] == 500
    moves = [
        {"id": c["id"], "expectedVersion": c["version"], "amount": a}
        for c, a in zip(regions, (700, 300), strict=True)
    ]
    assert (await run(api, "rebalanceTargets", {"moves": moves, "reason": "x"}))["errors"] == []
    assert sum(t["amount"] for t in (await tree(api, east["id"]))["children"]) == 700
    # the even split again: East's 700 back to 500, and its teams follow
    assert (await allocate(api, company["id"]))["errors"] == []
    east_now = await tree(api, east["id"])
    assert east_now["amount"] == sum(t["amount"] for t in east_now["children"]) == 500


async def test_reallocating_after_a_rep_leaves_takes_their_target_out_of_the_split(
    api, world, sessions
):
    team = (await set_target(api, world, world.unit("east.sh"), amount=1_000))["target"]
    before = (await allocate(api, team["id"]))["children"]
    assert {c["ownerRep"]["externalId"]: c["amount"] for c in before} == {"r1": 500, "r2": 500}
    async with sessions() as session:
        await org.update_rep(
            session,
            BOOTSTRAP,
            rep_id=world.reps["r2"],
            today=date(2026, 11, 20),
            data=org.RepChanges(status=RepStatus.INACTIVE),
        )
        await session.commit()
    after = (await allocate(api, team["id"]))["children"]
    assert {c["ownerRep"]["externalId"]: c["amount"] for c in after} == {"r1": 1_000}
    now = await tree(api, team["id"])
    assert now["amount"] == sum(c["amount"] for c in now["children"]) == 1_000
    async with sessions() as session:
        r2 = next(c for c in before if c["ownerRep"]["externalId"] == "r2")
        left = await session.get(Target, int(from_base64(r2["id"])[1]))
        assert left.parent_id is None and left.amount == 500
        last = await session.scalar(
            select(TargetVersion)
            .where(TargetVersion.target_id == left.id)
            .order_by(TargetVersion.version.desc())
            .limit(1)
        )
        assert (last.action, last.version, last.new_amount) == ("allocate", 2, 500)
        assert "Shanghai" in last.reason


async def test_allocating_while_the_parent_is_adjusted_waits_for_the_new_amount(
    backend, sessions, world
):
    """PostgreSQL: an adjustment of the parent not yet committed, an allocation of the same
    parent meanwhile. Without the allocation holding the parent's row it split the old amount
    and the adjustment, seeing no children yet, rescaled none."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer: the second transaction cannot start writing")
    async with sessions() as session:
        parent = await service.set_target(
            session,
            BOOTSTRAP,
            metric=Metric.REVENUE,
            owner=service.Owner(unit_id=world.units["east.sh"]),
            period=Period(PeriodKind.YEAR, date(2027, 1, 1)),
            amount=1_000,
        )
        await session.commit()
        parent_id = parent.id
    async with sessions() as adjusting, sessions() as allocating:
        await calibration.adjust_target(
            adjusting,
            BOOTSTRAP,
            target_id=parent_id,
            expected_version=1,
            amount=3_001,
            calibration=calibration.Calibration("扩编"),
        )
        plan = allocation.AllocationPlan(True, None, WeightMix(), even=True)
        split = asyncio.create_task(
            allocation.allocate_target(
                allocating, BOOTSTRAP, target_id=parent_id, plan=plan, today=date(2026, 11, 20)
            )
        )
        await asyncio.sleep(0.5)
        waited = not split.done()
        await adjusting.commit()
        children = await split
        await allocating.commit()
    async with sessions() as session:
        amounts = await session.scalars(select(Target.amount).where(Target.parent_id == parent_id))
        assert (sum(amounts), sum(child.amount for child in children)) == (3_001, 3_001)
    assert waited  # the allocation waited for the adjustment to commit
