"""The contract checklist through GraphQL: opened on negotiation or a started contract approval,
required by winOpportunity, checked item by item; a completing payment opens the hand-over."""

from __future__ import annotations

from datetime import date

from domain.pipeline.checklist import DEFAULT_CHECKLIST, load_checklist
from tests.support.codes import untested_codes
from tests.support.graphql import gid, run
from tests.support.pipeline import FULL, check_contract, drive, log_follow_up, move, new_opportunity

TODAY = date.today().isoformat()
CHECKLIST = (
    "query($id: ID!) { opportunity(id: $id) { contractChecklist { code label checked checkedAt"
    " note checkedBy { login } } serviceHandover { contractAmount paidOn dueOn lifetimeValue"
    " rep { externalId } } account { lifetimeValue } } }"
)
CODES = [spec.code for spec in load_checklist(DEFAULT_CHECKLIST).items]


async def read(api, opportunity, as_="rep", language="zh-CN"):
    data = await api.data(
        CHECKLIST, {"id": opportunity["id"]}, as_=as_, headers={"Accept-Language": language}
    )
    return data["opportunity"]


async def check(api, opportunity, code, as_="rep", **extra):
    return await run(
        api,
        "checkContractItem",
        {"opportunityId": opportunity["id"], "code": code, **extra},
        "opportunity { id stage }",
        as_=as_,
    )


async def test_negotiation_opens_the_checklist_and_winning_needs_every_item(api, world):
    opportunity = await new_opportunity(api, world, qualification=FULL)
    opportunity = await drive(api, opportunity, "NEGOTIATION", tick=False)
    listed = (await read(api, opportunity))["contractChecklist"]
    assert [item["code"] for item in listed] == CODES
    assert not any(item["checked"] for item in listed)

    checked = await check(api, opportunity, CODES[0], note="法务审批单 LA-2026-118")
    assert checked["errors"] == []
    refused = await move(api, "winOpportunity", opportunity, signedAmount=100, signedOn=TODAY)
    assert [e["code"] for e in refused["errors"]] == ["CHECKLIST_INCOMPLETE"]
    english = load_checklist(DEFAULT_CHECKLIST).items
    assert english[1].label_zh in refused["errors"][0]["message"]  # lists what is missing
    assert english[0].label_zh not in refused["errors"][0]["message"]

    await check_contract(api, opportunity, as_="manager")
    after = await read(api, opportunity, language="en")
    first = after["contractChecklist"][0]
    assert (first["checkedBy"]["login"], first["note"]) == ("rep", "法务审批单 LA-2026-118")
    assert first["label"] == english[0].label_en
    assert {item["checkedBy"]["login"] for item in after["contractChecklist"][1:]} == {"manager"}
    assert all(item["checkedAt"] for item in after["contractChecklist"])
    won = await move(api, "winOpportunity", opportunity, signedAmount=500_00, signedOn=TODAY)
    assert won["errors"] == [] and won["opportunity"]["stage"] == "WON"


async def test_a_started_contract_approval_opens_the_checklist_before_negotiation(api, world):
    opportunity = await drive(api, await new_opportunity(api, world, qualification=FULL), "QUOTED")
    assert (await read(api, opportunity))["contractChecklist"] == []
    await log_follow_up(api, opportunity, type="CONTRACT_APPROVAL_STARTED")
    listed = (await read(api, opportunity))["contractChecklist"]
    assert [item["code"] for item in listed] == CODES
    await check(api, opportunity, CODES[2])
    # entering negotiation later keeps the checklist as it is (one copy, ticks kept)
    opportunity = await drive(api, opportunity, "NEGOTIATION", tick=False)
    again = (await read(api, opportunity))["contractChecklist"]
    assert [item["checked"] for item in again] == [code == CODES[2] for code in CODES]


async def test_the_completing_payment_opens_the_service_handover(api, world):
    opportunity = await drive(
        api, await new_opportunity(api, world, qualification=FULL), "NEGOTIATION"
    )
    won = (await move(api, "winOpportunity", opportunity, signedAmount=900_00, signedOn=TODAY))[
        "opportunity"
    ]
    for amount in (400_00, 500_00):
        before = await read(api, won)
        assert before["serviceHandover"] is None
        paid = await run(
            api,
            "recordPayment",
            {"opportunityId": won["id"], "amount": amount, "receivedOn": TODAY},
        )
        assert paid["errors"] == []
    after = await read(api, won)
    handover = after["serviceHandover"]
    assert handover["contractAmount"] == 900_00 and handover["paidOn"] == TODAY
    assert handover["lifetimeValue"] == after["account"]["lifetimeValue"]
    assert after["account"]["lifetimeValue"] == before["account"]["lifetimeValue"] + 500_00
    assert handover["dueOn"] > TODAY and handover["rep"]["externalId"] == "r1"


async def test_check_contract_item_error_codes(api, world):
    opportunity = await drive(
        api, await new_opportunity(api, world, qualification=FULL), "NEGOTIATION", tick=False
    )
    await check(api, opportunity, CODES[0])
    cases = {
        "INVALID_ID": ({"opportunityId": gid("Rep", 1)}, "rep"),
        "OPPORTUNITY_NOT_FOUND": ({"opportunityId": gid("Opportunity", 999)}, "rep"),
        "CHECKLIST_ITEM_NOT_FOUND": ({"code": "no_such_item"}, "rep"),
        "ALREADY_CHECKED": ({"code": CODES[0]}, "rep"),
        "TOO_LONG": ({"code": CODES[1], "note": "x" * 2001}, "rep"),
    }
    for code, (overrides, who) in cases.items():
        result = await run(
            api,
            "checkContractItem",
            {"opportunityId": opportunity["id"], "code": CODES[1], **overrides},
            "opportunity { id }",
            as_=who,
        )
        assert [e["code"] for e in result["errors"]] == [code], (code, result)
    lost = await move(api, "loseOpportunity", opportunity, reasonCode="price")
    assert lost["errors"] == []
    closed = await check(api, opportunity, CODES[1])
    assert [e["code"] for e in closed["errors"]] == ["CLOSED"]
    assert (await read(api, opportunity))["contractChecklist"][1]["checked"] is False


def test_every_check_contract_item_code_has_a_test():
    from api.graphql.pipeline import inputs as pipeline

    assert untested_codes(pipeline, __name__, only=("CheckContractItem",)) == {}
