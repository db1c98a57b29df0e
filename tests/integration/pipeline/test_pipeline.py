"""The pipeline through GraphQL: every mutation's success and error codes, scope, history."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.support.codes import untested_codes
from tests.support.db import count_statements
from tests.support.graphql import gid, run
from tests.support.pipeline import FULL, OPP, QUALIFIED, drive, move, new_account, new_opportunity


async def test_the_full_road_to_won_with_history(api, world):
    opportunity = await new_opportunity(api, world, qualification=FULL)
    assert (opportunity["stage"], opportunity["owner"]["externalId"]) == ("LEAD", "r1")
    opportunity = await drive(api, opportunity, "NEGOTIATION")
    won = await move(
        api,
        "winOpportunity",
        opportunity,
        signedAmount=2_900_000_00,
        signedOn=date.today().isoformat(),
    )
    assert won["opportunity"]["stage"] == "WON" and won["opportunity"]["wonAmount"] == 2_900_000_00
    history = await api.data(
        "query($id: ID!) { opportunity(id: $id) { history { fromStage"
        " toStage action actor { login } secondsInPrevious } } }",
        {"id": opportunity["id"]},
        as_="manager",
    )
    moves = [(h["fromStage"], h["toStage"], h["action"]) for h in history["opportunity"]["history"]]
    assert moves == [
        (None, "LEAD", "create"),
        ("LEAD", "CONTACTED", "advance"),
        ("CONTACTED", "QUALIFIED", "advance"),
        ("QUALIFIED", "PROPOSAL", "advance"),
        ("PROPOSAL", "QUOTED", "advance"),
        ("QUOTED", "NEGOTIATION", "advance"),
        ("NEGOTIATION", "WON", "win"),
    ]
    assert all(h["actor"]["login"] == "rep" for h in history["opportunity"]["history"])
    assert history["opportunity"]["history"][1]["secondsInPrevious"] >= 0


async def test_gates_give_one_error_per_missing_field(api, world):
    opportunity = await drive(api, await new_opportunity(api, world), "CONTACTED")
    refused = await move(api, "advanceOpportunity", opportunity)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("MISSING_QUALIFICATION", "qualification.budget_range"),
        ("MISSING_QUALIFICATION", "qualification.decision_maker"),
    ]
    skip = await move(api, "advanceOpportunity", {**opportunity, "version": 1}, toStage="QUALIFIED")
    assert skip["errors"][0]["code"] == "STALE_VERSION"


async def test_skipping_a_skippable_stage(api, world):
    opportunity = await new_opportunity(api, world, qualification=QUALIFIED)
    jumped = await move(api, "advanceOpportunity", opportunity, toStage="QUALIFIED")
    assert jumped["opportunity"]["stage"] == "QUALIFIED"
    too_far = await move(api, "advanceOpportunity", jumped["opportunity"], toStage="QUOTED")
    assert [(e["code"], e["field"]) for e in too_far["errors"]] == [
        ("ILLEGAL_TRANSITION", "toStage")
    ]


async def test_details_never_change_the_stage_and_keep_gates(api, world):
    opportunity = await drive(
        api, await new_opportunity(api, world, qualification=QUALIFIED), "QUALIFIED"
    )
    updated = await run(
        api,
        "updateOpportunityDetails",
        {
            "id": opportunity["id"],
            "expectedVersion": opportunity["version"],
            "amount": 42,
            "title": "改为 18 辆",
            "qualification": {"competitors": ["比亚迪"]},
            "coOwnerIds": [world.rep("r2")],
        },
        "opportunity { stage amount title qualification coOwners { externalId } version }",
    )
    assert updated["opportunity"]["stage"] == "QUALIFIED"
    assert updated["opportunity"]["qualification"]["competitors"] == ["比亚迪"]
    assert updated["opportunity"]["coOwners"] == [{"externalId": "r2"}]
    removing = await run(
        api,
        "updateOpportunityDetails",
        {
            "id": opportunity["id"],
            "expectedVersion": updated["opportunity"]["version"],
            "qualification": {"decision_maker": None},
        },
    )
    assert [(e["code"], e["field"]) for e in removing["errors"]] == [
        ("MISSING_QUALIFICATION", "qualification.decision_maker")
    ]
    co_owner_sees_it = await api.data(
        "query($id: ID!) { opportunity(id: $id) { title } }",
        {"id": opportunity["id"]},
        as_="manager",
    )
    assert co_owner_sees_it["opportunity"]["title"] == "改为 18 辆"


async def test_lose_reopen_and_reassign(api, world):
    opportunity = await drive(
        api, await new_opportunity(api, world, qualification=FULL), "PROPOSAL"
    )
    lost = await move(api, "loseOpportunity", opportunity, reasonCode="competitor")
    assert lost["opportunity"]["stage"] == "LOST"
    assert lost["opportunity"]["lossReasonCode"] == "competitor"
    as_rep = await api(
        "mutation($i: ReopenOpportunityInput!) { reopenOpportunity(input: $i) { errors { code }"
        " } }",
        {
            "i": {
                "id": lost["opportunity"]["id"],
                "expectedVersion": lost["opportunity"]["version"],
                "reason": "客户回头了",
            }
        },
        as_="rep",
    )
    assert as_rep["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    reopened = await move(
        api, "reopenOpportunity", lost["opportunity"], as_="manager", reason="客户回头了"
    )
    assert reopened["opportunity"]["stage"] == "PROPOSAL"
    assert reopened["opportunity"]["lossReasonCode"] is None
    handed = await move(
        api,
        "reassignOpportunity",
        reopened["opportunity"],
        as_="manager",
        newOwnerId=world.rep("r2"),
        reason="r1 休产假",
    )
    assert handed["opportunity"]["owner"] == {"externalId": "r2"}
    mine = await api.data("{ opportunities { totalCount } }", as_="rep")
    assert mine["opportunities"]["totalCount"] == 0


async def test_scope_of_the_pipeline(api, world):
    opportunity = await new_opportunity(api, world)
    query = "query($id: ID!) { opportunity(id: $id) { title } }"
    for login, visible in [
        ("rep", True),
        ("manager", True),
        ("director.east", True),
        ("admin", True),
    ]:
        data = await api.data(query, {"id": opportunity["id"]}, as_=login)
        assert (data["opportunity"] is not None) == visible
    west_account = await new_account(api, world.rep("r4"))
    west = await run(
        api,
        "createOpportunity",
        {
            "accountId": west_account,
            "title": "成都车队",
            "amount": 1,
            "expectedClose": "2027-01-01",
            "ownerId": world.rep("r4"),
        },
        OPP,
    )
    hidden = await api.data(query, {"id": west["opportunity"]["id"]}, as_="director.east")
    assert hidden["opportunity"] is None
    blocked = await move(api, "advanceOpportunity", west["opportunity"], as_="manager")
    assert blocked["errors"][0]["code"] == "OPPORTUNITY_NOT_FOUND"


MUTATION_CASES = [
    (
        "createAccount",
        lambda w, o: {"name": "x", "segment": "smb", "ownerId": w.unit("east")},
        "admin",
        "INVALID_ID",
    ),
    (
        "createAccount",
        lambda w, o: {"name": "x", "segment": "smb", "ownerId": w.rep("r4")},
        "manager",
        "REP_NOT_FOUND",
    ),
    ("createAccount", lambda w, o: {"name": "x", "segment": "smb"}, "admin", "OWNER_REQUIRED"),
    ("createAccount", lambda w, o: {"name": " ", "segment": "smb"}, "rep", "REQUIRED"),
    ("createAccount", lambda w, o: {"name": "x" * 201, "segment": "smb"}, "rep", "TOO_LONG"),
    ("createAccount", lambda w, o: {"name": "x", "segment": "S M B"}, "rep", "INVALID_CODE"),
]


@pytest.mark.parametrize(("name", "input", "login", "code"), MUTATION_CASES)
async def test_account_errors(api, world, name, input, login, code):
    result = await run(api, name, input(world, None), as_=login)
    assert [e["code"] for e in result["errors"]] == [code]


async def test_create_opportunity_errors(api, world):
    account = await new_account(api, world.rep("r1"))
    base = {"accountId": account, "title": "t", "amount": 1, "expectedClose": "2027-01-01"}
    cases = [
        ({"accountId": world.rep("r1")}, "rep", "INVALID_ID"),
        ({"accountId": gid("Account", 999)}, "rep", "ACCOUNT_NOT_FOUND"),
        ({"ownerId": world.rep("r4")}, "manager", "REP_NOT_FOUND"),
        ({}, "admin", "OWNER_REQUIRED"),
        ({"title": " "}, "rep", "REQUIRED"),
        ({"title": "t" * 201}, "rep", "TOO_LONG"),
        ({"amount": -1}, "rep", "NEGATIVE_AMOUNT"),
        ({"qualification": {"budget_range": "lots"}}, "rep", "INVALID_QUALIFICATION"),
        ({"qualification": [1, 2]}, "rep", "INVALID_QUALIFICATION"),
    ]
    for overrides, login, code in cases:
        result = await run(api, "createOpportunity", {**base, **overrides}, as_=login)
        assert [e["code"] for e in result["errors"]] == [code], (code, result)


async def test_move_errors(api, world):
    opportunity = await new_opportunity(api, world, qualification=FULL)
    stale = {**opportunity, "version": 9}
    cases = [
        ("advanceOpportunity", {"id": world.rep("r1"), "version": 1}, {}, "INVALID_ID"),
        (
            "advanceOpportunity",
            {"id": gid("Opportunity", 999), "version": 1},
            {},
            "OPPORTUNITY_NOT_FOUND",
        ),
        ("advanceOpportunity", stale, {}, "STALE_VERSION"),
        ("advanceOpportunity", opportunity, {"toStage": "LEAD"}, "ILLEGAL_TRANSITION"),
        ("moveOpportunityBack", opportunity, {"reason": "x"}, "ILLEGAL_TRANSITION"),
        ("moveOpportunityBack", opportunity, {"reason": " "}, "REASON_REQUIRED"),
        (
            "winOpportunity",
            opportunity,
            {"signedAmount": 5, "signedOn": "2026-01-01"},
            "ILLEGAL_TRANSITION",
        ),
        ("loseOpportunity", opportunity, {"reasonCode": "weather"}, "UNKNOWN_LOSS_REASON"),
        ("loseOpportunity", opportunity, {"reasonCode": "other"}, "NOTE_REQUIRED"),
        ("reopenOpportunity", opportunity, {"reason": "x"}, "NOT_CLOSED"),
        (
            "reassignOpportunity",
            opportunity,
            {"newOwnerId": world.rep("r1"), "reason": "x"},
            "SAME_OWNER",
        ),
        (
            "reassignOpportunity",
            opportunity,
            {"newOwnerId": world.rep("r4"), "reason": "x"},
            "REP_NOT_FOUND",
        ),
        (
            "reassignOpportunity",
            opportunity,
            {"newOwnerId": world.rep("r2"), "reason": ""},
            "REASON_REQUIRED",
        ),
    ]
    for name, target, fields, code in cases:
        login = "manager" if name.startswith(("reopen", "reassign")) else "rep"
        result = await move(api, name, target, as_=login, **fields)
        assert [e["code"] for e in result["errors"]] == [code], (name, code, result)
    negotiation = await drive(api, opportunity, "NEGOTIATION")
    for fields, code in [
        ({"signedAmount": 0, "signedOn": "2026-01-01"}, "INVALID_AMOUNT"),
        (
            {"signedAmount": 5, "signedOn": (date.today() + timedelta(days=2)).isoformat()},
            "INVALID_DATE",
        ),
    ]:
        result = await move(api, "winOpportunity", negotiation, **fields)
        assert [e["code"] for e in result["errors"]] == [code]
    won = (await move(api, "winOpportunity", negotiation, signedAmount=5, signedOn="2026-01-01"))[
        "opportunity"
    ]
    for name, fields in [
        ("advanceOpportunity", {}),
        ("moveOpportunityBack", {"reason": "x"}),
        ("winOpportunity", {"signedAmount": 5, "signedOn": "2026-01-01"}),
        ("loseOpportunity", {"reasonCode": "price"}),
    ]:
        result = await move(api, name, won, **fields)
        assert [e["code"] for e in result["errors"]] == ["CLOSED"], name
    updated = await run(
        api,
        "updateOpportunityDetails",
        {"id": won["id"], "expectedVersion": won["version"], "amount": 1},
    )
    assert [e["code"] for e in updated["errors"]] == ["CLOSED"]
    reopen_bad = await move(api, "reopenOpportunity", won, as_="manager", reason="x", toStage="WON")
    assert [e["code"] for e in reopen_bad["errors"]] == ["ILLEGAL_TRANSITION"]


async def test_a_co_owning_manager_of_another_team_cannot_reopen(api, world, dual_role_token):
    opportunity = await new_opportunity(api, world, coOwnerIds=[world.rep("r2")])
    lost = await move(api, "loseOpportunity", opportunity, reasonCode="price")
    refused = await run(
        api,
        "reopenOpportunity",
        {"id": opportunity["id"], "expectedVersion": lost["opportunity"]["version"], "reason": "x"},
        as_=None,
        token=dual_role_token,
    )
    assert [e["code"] for e in refused["errors"]] == ["MANAGER_REQUIRED"]


async def test_reassign_to_an_inactive_rep_and_as_a_rep(api, world):
    opportunity = await new_opportunity(api, world)
    await run(api, "updateRep", {"id": world.rep("r2"), "status": "ON_LEAVE"})
    inactive = await move(
        api,
        "reassignOpportunity",
        opportunity,
        as_="manager",
        newOwnerId=world.rep("r2"),
        reason="x",
    )
    assert [e["code"] for e in inactive["errors"]] == ["REP_NOT_ACTIVE"]
    dual = await run(
        api,
        "createUser",
        {
            "login": "mgr.hz",
            "displayName": "M",
            "roles": ["MANAGER"],
            "scopeUnitId": world.unit("east.hz"),
        },
        "user { id }",
    )
    token = await run(api, "issueToken", {"userId": dual["user"]["id"], "name": "t"}, "secret")
    # Hangzhou's manager cannot see Shanghai's deals at all
    hidden = await run(
        api,
        "reassignOpportunity",
        {
            "id": opportunity["id"],
            "expectedVersion": 1,
            "newOwnerId": world.rep("r3"),
            "reason": "x",
        },
        as_=None,
        token=token["secret"],
    )
    assert [e["code"] for e in hidden["errors"]] == ["OPPORTUNITY_NOT_FOUND"]


async def test_update_details_errors(api, world):
    opportunity = await new_opportunity(api, world)
    base = {"id": opportunity["id"], "expectedVersion": opportunity["version"]}
    cases = [
        ({"id": world.rep("r1")}, "INVALID_ID"),
        ({"id": gid("Opportunity", 999)}, "OPPORTUNITY_NOT_FOUND"),
        ({"expectedVersion": 5}, "STALE_VERSION"),
        ({"coOwnerIds": [world.rep("r4")]}, "REP_NOT_FOUND"),
        ({"title": ""}, "REQUIRED"),
        ({"title": "t" * 201}, "TOO_LONG"),
        ({"amount": -3}, "NEGATIVE_AMOUNT"),
        ({"qualification": {"timeline": "soon"}}, "INVALID_QUALIFICATION"),
    ]
    for overrides, code in cases:
        result = await run(api, "updateOpportunityDetails", {**base, **overrides}, as_="rep")
        assert [e["code"] for e in result["errors"]] == [code], (code, result)


def test_every_pipeline_error_code_has_a_test():
    from api.graphql.pipeline import inputs as pipeline
    from tests.integration.pipeline import test_contracts  # the contract checklist's codes

    elsewhere = untested_codes(pipeline, test_contracts.__name__)
    missing = {
        name: [code for code in codes if code in elsewhere.get(name, [])]
        for name, codes in untested_codes(pipeline, __name__).items()
    }
    assert {name: codes for name, codes in missing.items() if codes} == {}


async def test_two_concurrent_advances_one_wins(api, world):
    opportunity = await new_opportunity(api, world)
    results = await asyncio.gather(
        move(api, "advanceOpportunity", opportunity), move(api, "advanceOpportunity", opportunity)
    )
    codes = sorted(tuple(e["code"] for e in r["errors"]) for r in results)
    assert codes == [(), ("STALE_VERSION",)]
    history = await api.data(
        "query($id: ID!) { opportunity(id: $id) { stage history { action } } }",
        {"id": opportunity["id"]},
    )
    assert history["opportunity"]["stage"] == "CONTACTED"
    assert [h["action"] for h in history["opportunity"]["history"]] == ["create", "advance"]


async def test_the_database_refuses_an_illegal_state(api, world, engine):
    opportunity = await new_opportunity(api, world)
    row_id = int(__import__("base64").b64decode(opportunity["id"]).decode().split(":")[1])
    statements = [
        f"UPDATE opportunity SET stage = 'won' WHERE id = {row_id}",
        f"UPDATE opportunity SET stage = 'lost' WHERE id = {row_id}",
        f"UPDATE opportunity SET stage = 'closed' WHERE id = {row_id}",
        "INSERT INTO stage_transition (opportunity_id, from_stage, to_stage, action, at) "
        f"VALUES ({row_id}, 'lead', 'won', 'advance', CURRENT_TIMESTAMP)",
    ]
    for statement in statements:
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(text(statement))


async def test_listing_opportunities_is_constant_in_statements(api, world, engine):
    account = await new_account(api, world.rep("r1"))
    query = """{ opportunities(first: 100) { totalCount edges { node { title stage
      owner { name unit { name } } coOwners { name } account { name owner { name } }
      history { toStage actor { login } } } } } }"""

    async def add(count):
        for n in range(count):
            await run(
                api,
                "createOpportunity",
                {
                    "accountId": account,
                    "title": f"o{n}",
                    "amount": 1,
                    "expectedClose": "2027-01-01",
                    "coOwnerIds": [world.rep("r2")],
                },
                as_="rep",
            )

    await add(2)
    with count_statements(engine) as few:
        small = await api.data(query, as_="manager")
    await add(20)
    with count_statements(engine) as many:
        large = await api.data(query, as_="manager")
    assert large["opportunities"]["totalCount"] == small["opportunities"]["totalCount"] + 20
    assert few.count == many.count


async def test_reopening_into_a_stage_needs_its_gates(api, world):
    opportunity = await drive(api, await new_opportunity(api, world), "CONTACTED")
    lost = (await move(api, "loseOpportunity", opportunity, reasonCode="timing"))["opportunity"]
    refused = await move(
        api, "reopenOpportunity", lost, as_="manager", reason="x", toStage="NEGOTIATION"
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("MISSING_QUALIFICATION", "qualification.budget_range"),
        ("MISSING_QUALIFICATION", "qualification.decision_maker"),
    ]
    back = await move(api, "reopenOpportunity", lost, as_="manager", reason="客户回来了")
    assert back["opportunity"]["stage"] == "CONTACTED"
