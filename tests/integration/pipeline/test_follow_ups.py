"""Follow-ups through GraphQL: the status is required, the delay is kept, corrections are new
entries, and bad dates are refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.codes import untested_codes
from tests.support.db import count_statements
from tests.support.graphql import gid, run
from tests.support.pipeline import hours_ago, log_follow_up, new_opportunity


async def test_log_follow_ups_and_the_current_status(api, world):
    opportunity = await new_opportunity(api, world)
    first = await log_follow_up(
        api,
        opportunity,
        valuePoints=["ROI_FIGURE", "CASE_STUDY"],
        nextStep="发送试点方案",
        nextStepDue=datetime.now(UTC).date().isoformat(),
    )
    entry = first["followUp"]
    assert first["errors"] == [] and entry["deliveredValue"] is True
    assert entry["valuePoints"] == ["CASE_STUDY", "ROI_FIGURE"]
    assert 2.9 < entry["loggingDelayHours"] < 3.1 and entry["rep"] == {"externalId": "r1"}
    second = await log_follow_up(
        api,
        opportunity,
        as_="manager",
        type="VISIT",
        customerStatus="nev_test_driven",
        occurredAt=hours_ago(1),
    )
    assert second["followUp"]["rep"] == {"externalId": "r1"}  # the manager logs for the owner
    correction = await log_follow_up(
        api,
        opportunity,
        customerStatus="budget_pending",
        correctsId=entry["id"],
        occurredAt=hours_ago(3),
    )
    assert correction["followUp"]["correctsId"] == entry["id"]
    data = await api.data(
        "query($id: ID!) { opportunity(id: $id) { customerStatus followUps { customerStatus } } }",
        {"id": opportunity["id"]},
        as_="rep",
    )
    assert data["opportunity"]["customerStatus"] == "nev_test_driven"  # the latest to happen
    assert [f["customerStatus"] for f in data["opportunity"]["followUps"]] == [
        "evaluating",
        "budget_pending",
        "nev_test_driven",
    ]


async def test_a_co_owner_logs_as_themselves_and_an_owner_reads_no_co_owners(
    api, world, lead, engine
):
    shared = await new_opportunity(api, world, coOwnerIds=[world.rep("r2")])
    alone = await new_opportunity(api, world)
    by_co_owner = await log_follow_up(api, shared, as_=lead)  # `lead` is r2, and manages r1
    assert by_co_owner["followUp"]["rep"] == {"externalId": "r2"}
    for_the_owner = await log_follow_up(api, alone, as_=lead)
    assert for_the_owner["followUp"]["rep"] == {"externalId": "r1"}
    with count_statements(engine) as counter:
        by_owner = await log_follow_up(api, shared)
    assert by_owner["followUp"]["rep"] == {"externalId": "r1"}
    reads = [s for s in counter.statements if s.startswith("SELECT opportunity_co_owner.")]
    assert reads == []  # (the visibility clause names the table in a subquery, no more)


async def test_customer_initiated_follow_ups(api, world):
    opportunity = await new_opportunity(api, world)
    selection = "followUp { id customerInitiated customerResponded }"
    answered = await log_follow_up(api, opportunity, selection=selection)
    assert answered["followUp"]["customerInitiated"] is False  # by default the rep reached out
    asked = await log_follow_up(api, opportunity, selection=selection, customerInitiated=True)
    assert asked["errors"] == [] and asked["followUp"]["customerInitiated"] is True
    data = await api.data(
        "query($id: ID!) { opportunity(id: $id) { followUps { id customerInitiated } } }",
        {"id": opportunity["id"]},
        as_="manager",
    )
    assert {f["id"]: f["customerInitiated"] for f in data["opportunity"]["followUps"]} == {
        answered["followUp"]["id"]: False,
        asked["followUp"]["id"]: True,
    }


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"opportunityId": gid("Rep", 1)}, "INVALID_ID", "opportunityId"),
        ({"opportunityId": gid("Opportunity", 999)}, "OPPORTUNITY_NOT_FOUND", "opportunityId"),
        ({"occurredAt": hours_ago(-2)}, "FUTURE_DATE", "occurredAt"),
        ({"occurredAt": hours_ago(24 * 8)}, "TOO_OLD", "occurredAt"),
        ({"customerStatus": "happy"}, "UNKNOWN_CUSTOMER_STATUS", "customerStatus"),
        ({"nextStepDue": "2030-01-01"}, "NEXT_STEP_REQUIRED", "nextStep"),
        ({"nextStep": "x", "nextStepDue": "2020-01-01"}, "INVALID_DUE_DATE", "nextStepDue"),
        ({"correctsId": 999}, "CORRECTION_NOT_FOUND", "correctsId"),
        ({"notes": "记" * 2001}, "TOO_LONG", "notes"),
        ({"nextStep": "x" * 501, "nextStepDue": "2030-01-01"}, "TOO_LONG", "nextStep"),
    ],
)
async def test_log_follow_up_errors(api, world, fields, code, field):
    opportunity = await new_opportunity(api, world)
    result = await log_follow_up(api, opportunity, **fields)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)]


async def test_the_status_is_required(api, world):
    opportunity = await new_opportunity(api, world)
    body = await api(
        "mutation($i: LogFollowUpInput!) { logFollowUp(input: $i) { errors { code } } }",
        {
            "i": {
                "opportunityId": opportunity["id"],
                "type": "CALL",
                "occurredAt": hours_ago(1),
                "customerResponded": False,
            }
        },
        as_="rep",
    )
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "customerStatus" in body["errors"][0]["message"]


async def test_customer_status_packs(api, world):
    generic = await api.data("{ customerStatuses { code } }")
    nev = await api.data(
        '{ customerStatuses(pack: "nev") { code pack label } }', headers={"Accept-Language": "en"}
    )
    assert "nev_test_driven" in {s["code"] for s in generic["customerStatuses"]}
    codes = {s["code"]: s for s in nev["customerStatuses"]}
    assert codes["nev_finance_pre_approved"]["label"] == "Finance pre-approved"
    assert "engaged" in codes and {s["pack"] for s in nev["customerStatuses"]} == {"generic", "nev"}


async def test_define_customer_status(api, world):
    result = await run(
        api,
        "defineCustomerStatus",
        {
            "code": "NEV_Battery_Swap_Checked",
            "labelZh": "已查看换电站",
            "labelEn": "Battery swap checked",
            "pack": "nev",
        },
        "status { code pack label }",
    )
    assert result["status"] == {
        "code": "nev_battery_swap_checked",
        "pack": "nev",
        "label": "已查看换电站",
    }
    listed = await api.data('{ customerStatuses(pack: "nev") { code } }', as_="rep")
    assert "nev_battery_swap_checked" in [s["code"] for s in listed["customerStatuses"]]
    for input, code in [
        ({"code": "a b", "labelZh": "x", "labelEn": "x"}, "INVALID_CODE"),
        ({"code": "ab", "labelZh": " ", "labelEn": "x"}, "REQUIRED"),
        ({"code": "ab", "labelZh": "x", "labelEn": "x" * 81}, "TOO_LONG"),
    ]:
        refused = await run(api, "defineCustomerStatus", input)
        assert [e["code"] for e in refused["errors"]] == [code]


def test_every_follow_up_code_has_a_test():
    from api.graphql.follow_ups import inputs as follow_ups

    assert untested_codes(follow_ups, __name__, ("LogFollowUp", "DefineCustomerStatus")) == {}
