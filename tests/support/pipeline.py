"""The pipeline through GraphQL: an account, an opportunity, moving it along its stages, and
logging a follow-up (the api and world fixtures of tests/integration)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.graphql import run

OPP = "opportunity { id stage version amount wonAmount lossReasonCode owner { externalId } }"
QUALIFIED = {"budget_range": {"min": 100, "max": 500}, "decision_maker": "采购总监 王伟"}
FULL = {
    **QUALIFIED,
    "need": "二十辆换电出租车，三个月内交付",
    "timeline": "2027-03-01",
    "decision_chain": ["采购", "财务", "总经理"],
}


async def new_account(api, owner="r1", as_="admin", **kw):
    result = await run(
        api,
        "createAccount",
        {
            "name": "滴滴出行华东",
            "segment": "ride_hailing",
            "ownerId": owner,
            "highValue": True,
            **kw,
        },
        "account { id name owner { externalId } }",
        as_=as_,
    )
    assert result["errors"] == [], result
    return result["account"]["id"]


async def new_opportunity(api, world, as_="rep", qualification=None, **kw):
    account = await new_account(api, world.rep("r1"))
    result = await run(
        api,
        "createOpportunity",
        {
            "accountId": account,
            "title": "20 辆换电出租车",
            "amount": 3_000_000_00,
            "expectedClose": "2027-03-31",
            "qualification": qualification or {},
            **kw,
        },
        OPP,
        as_=as_,
    )
    assert result["errors"] == [], result
    return result["opportunity"]


async def move(api, name, opportunity, as_="rep", **fields):
    return await run(
        api,
        name,
        {"id": opportunity["id"], "expectedVersion": opportunity["version"], **fields},
        OPP,
        as_=as_,
    )


async def drive(api, opportunity, to: str, as_="rep", tick=True):
    """Advance step by step to `to` (the qualification must allow it); on reaching
    NEGOTIATION, check every item of the contract checklist unless `tick` is false."""
    while opportunity["stage"] != to:
        result = await move(api, "advanceOpportunity", opportunity, as_=as_)
        assert result["errors"] == [], result
        opportunity = result["opportunity"]
        if opportunity["stage"] == "NEGOTIATION" and tick:
            await check_contract(api, opportunity, as_=as_)
    return opportunity


async def check_contract(api, opportunity, as_="rep", codes=None):
    """Check the items of the deal's contract checklist (all by default)."""
    listed = await api.data(
        "query($id: ID!) { opportunity(id: $id) { contractChecklist { code checked } } }",
        {"id": opportunity["id"]},
        as_=as_,
    )
    items = listed["opportunity"]["contractChecklist"]
    for code in codes if codes is not None else [i["code"] for i in items if not i["checked"]]:
        result = await run(
            api,
            "checkContractItem",
            {"opportunityId": opportunity["id"], "code": code},
            "opportunity { id }",
            as_=as_,
        )
        assert result["errors"] == [], result


FOLLOW_UP = (
    "followUp { id type customerStatus deliveredValue valuePoints loggingDelayHours"
    " correctsId rep { externalId } }"
)


def hours_ago(hours: float) -> str:
    """The ISO timestamp `hours` before now."""
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


async def log_follow_up(api, opportunity, as_="rep", selection=FOLLOW_UP, **fields):
    input = {
        "opportunityId": opportunity["id"],
        "type": "CALL",
        "occurredAt": hours_ago(3),
        "customerStatus": "evaluating",
        "customerResponded": True,
        **fields,
    }
    return await run(api, "logFollowUp", input, selection, as_=as_)
