"""The loops through GraphQL: the manager's loop tasks with their numbers, the owner's second
touch, done and dismissed (every error code of `dismissAlertTask`), each side's pairing and
the pairing on the alert, and what a run of the loops reports."""

from __future__ import annotations

import pytest

from tests.support.alerts import run_day
from tests.support.codes import untested_codes
from tests.support.graphql import gid, run
from tests.support.loops import DAY, LOOPS, build_loops

TASKS = """query($kinds: [TaskKind!], $mine: Boolean! = false, $open: Boolean! = true) {
  alertTasks(kinds: $kinds, mineOnly: $mine, openOnly: $open) {
    totalCount edges { node { id kind status details dueOn outcome
      unit { code } rep { externalId } alert { id } assignee { login } } } } }"""
LOOP_KINDS = [
    "FOLLOW_UP_REVIEW",
    "JOINT_DIAGNOSIS",
    "MENTORING_AUDIT",
    "SERVICE_UPGRADE",
    "SECOND_TOUCH",
    "CALIBRATION_DUE",
]
PAIRING = "weekStart outcome kpi dimension details rep { externalId } mentor { externalId }"
TASK = "task { id status outcome }"


@pytest.fixture
async def looped(sessions, world):
    loops = await build_loops(sessions, world)
    await run_day(sessions, DAY, LOOPS)
    return loops


async def tasks(api, as_="manager", **variables) -> dict[str, dict]:
    data = await api.data(TASKS, variables, as_=as_)
    return {edge["node"]["kind"]: edge["node"] for edge in data["alertTasks"]["edges"]}


async def test_the_manager_sees_the_loop_tasks_with_their_numbers(api, world, looped):
    found = await tasks(api, kinds=LOOP_KINDS)
    # The Shanghai manager: every loop of the team; Hangzhou's mentoring audit is not theirs.
    assert set(found) == set(LOOP_KINDS) - {"MENTORING_AUDIT"}
    review = found["FOLLOW_UP_REVIEW"]
    assert (review["status"], review["alert"], review["unit"]["code"]) == ("OPEN", None, "east.sh")
    assert review["assignee"]["login"] == "manager"
    assert [c["account"] for c in review["details"]["top_customers"]] == ["Big Co", "Small Co"]
    assert found["SECOND_TOUCH"]["assignee"]["login"] == "rep"
    every = await tasks(api, as_="admin", kinds=["MENTORING_AUDIT"])
    assert every["MENTORING_AUDIT"]["details"]["first_deal_stddev_days"] == 30.0


async def test_the_owner_sees_their_second_touch_and_dismisses_it(api, world, looped):
    mine = await tasks(api, as_="rep", mine=True, kinds=LOOP_KINDS)
    assert set(mine) == {"SECOND_TOUCH"}
    touch = mine["SECOND_TOUCH"]
    assert touch["details"]["sent"]["type"] == "proposal_sent"
    assert touch["rep"]["externalId"] == "r1"
    result = await run(
        api,
        "dismissAlertTask",
        {"id": touch["id"], "reason": "客户出差，下周再跟"},
        TASK,
        as_="rep",
    )
    assert result["errors"] == []
    assert result["task"] == {
        "id": touch["id"],
        "status": "DISMISSED",
        "outcome": "客户出差，下周再跟",
    }
    closed = await tasks(api, as_="rep", mine=True, open=False, kinds=["SECOND_TOUCH"])
    assert closed["SECOND_TOUCH"]["status"] == "DISMISSED"


async def test_a_dashboard_action_is_done_with_completeAlertTask(api, world, looped):
    review = (await tasks(api, kinds=["FOLLOW_UP_REVIEW"]))["FOLLOW_UP_REVIEW"]
    result = await run(
        api, "completeAlertTask", {"id": review["id"], "outcome": "复盘了三家"}, TASK
    )
    assert result["task"]["status"] == "DONE" and result["errors"] == []
    assert await tasks(api, kinds=["FOLLOW_UP_REVIEW"]) == {}


async def test_dismiss_errors(api, world, looped):
    review = (await tasks(api, kinds=["FOLLOW_UP_REVIEW"]))["FOLLOW_UP_REVIEW"]
    # r1's 1:1 task: the rep sees it (it is about them) but it is the manager's to close.
    coaching = (await tasks(api, as_="rep", kinds=["ONE_ON_ONE"]))["ONE_ON_ONE"]
    cases = [
        ({"id": world.rep("r1"), "reason": "x"}, "manager", "INVALID_ID"),
        ({"id": gid("AlertTask", 999_999), "reason": "x"}, "manager", "TASK_NOT_FOUND"),
        ({"id": coaching["id"], "reason": "x"}, "rep", "NOT_A_MANAGER"),
        ({"id": review["id"], "reason": "  "}, "manager", "REQUIRED"),
        ({"id": review["id"], "reason": "x" * 2001}, "manager", "TOO_LONG"),
    ]
    for input, login, code in cases:
        result = await run(api, "dismissAlertTask", input, TASK, as_=login)
        assert [e["code"] for e in result["errors"]] == [code], code
        assert result["task"] is None
    await run(api, "dismissAlertTask", {"id": review["id"], "reason": "已在处理"})
    again = await run(api, "dismissAlertTask", {"id": review["id"], "reason": "x"})
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("ALREADY_COMPLETED", "id")]


def test_every_dismiss_code_is_tested():
    from api.graphql.alerts import loops

    assert untested_codes(loops, __name__) == {}


async def test_each_side_sees_the_pairing_and_the_alert_shows_it(api, world, looped, lead):
    received = await api.data(f"{{ mentoringReceived {{ {PAIRING} }} }}", as_="rep")
    [pairing] = received["mentoringReceived"]
    assert (pairing["outcome"], pairing["weekStart"]) == ("PAIRED", "2026-11-23")
    assert (pairing["kpi"], pairing["dimension"]) == ("touches", "objection_handling")
    assert (pairing["rep"]["externalId"], pairing["mentor"]["externalId"]) == ("r1", "r2")
    given = await api.data(f"{{ mentoringGiven {{ {PAIRING} }} }}", as_=lead)  # lead is r2
    assert given["mentoringGiven"] == [pairing]
    assert (await api.data("{ mentoringGiven { weekStart } }", as_="rep")) == {"mentoringGiven": []}
    alerts = await api.data(
        f"{{ alerts(rules: [KPI_MISS]) {{ edges {{ node {{ rep {{ externalId }} "
        f"pairing {{ {PAIRING} }} }} }} }} }}",
        as_="manager",
    )
    by_rep = {
        e["node"]["rep"]["externalId"]: e["node"]["pairing"] for e in alerts["alerts"]["edges"]
    }
    assert by_rep["r1"] == pairing
    assert by_rep["r5"]["outcome"] == "NO_SENIOR" and by_rep["r5"]["mentor"] is None


async def test_run_alerts_reports_what_the_loops_did(api, world, looped):
    before = (await api.data(TASKS, {"kinds": LOOP_KINDS}, as_="admin"))["alertTasks"]
    result = await run(
        api, "runAlerts", {"day": "2026-11-23"}, "summary { loopTasks loopClosed pairings }"
    )
    after = (await api.data(TASKS, {"kinds": LOOP_KINDS}, as_="admin"))["alertTasks"]
    summary = result["summary"]
    assert summary["loopTasks"] == after["totalCount"] - before["totalCount"] > 0
    assert summary["pairings"] > 0  # the week after Monday is arranged anew
