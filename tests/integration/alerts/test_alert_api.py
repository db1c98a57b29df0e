"""Alerts through GraphQL: lists by scope, severity, status and rule; badges; the lifecycle
mutations with every error code; the evaluator for admins."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.alerts.rules import Thresholds
from domain.org.models import Rep
from tests.support.alerts import CONFIG, build_month, days, run_day
from tests.support.codes import untested_codes
from tests.support.graphql import gid, run

ALERTS = """query($unit: ID, $sev: [Severity!], $st: [AlertStatus!], $rules: [AlertRule!]) {
  alerts(unitId: $unit, severities: $sev, statuses: $st, rules: $rules) {
    totalCount edges { node { id rule severity status title raisedOn evidence
      unit { code } rep { externalId } assignee { login }
      history { kind severity day note user { login } }
      tasks { id kind dueOn overdue assignee { login } } } } } }"""
QUICK = replace(CONFIG, thresholds=Thresholds(stale_key_days=3))
ALERT = "alert { id status severity assignee { login } comments { note user { login } } }"


@pytest.fixture
async def raised(sessions, world):
    """Nov 2–6: r1's KPI series (orange, with a 1:1) and, silent for three days by then,
    r2's key opportunity (orange, with a 1:1)."""
    month = await build_month(sessions, world)
    for day in days(date(2026, 11, 2), date(2026, 11, 6)):
        await run_day(sessions, day, QUICK)
    return month


async def alert_ids(api, as_="admin", **variables) -> dict[str, dict]:
    """Unresolved alerts (unless statuses are given) by rule."""
    variables.setdefault("st", ["OPEN", "ACKNOWLEDGED"])
    data = await api.data(ALERTS, variables, as_=as_)
    return {edge["node"]["rule"]: edge["node"] for edge in data["alerts"]["edges"]}


async def test_alerts_by_scope_severity_status_and_rule(api, world, raised):
    every = await alert_ids(api)
    assert set(every) == {"KPI_MISS", "STALE_KEY"}
    kpi = every["KPI_MISS"]
    assert (kpi["severity"], kpi["status"], kpi["rep"]["externalId"]) == ("ORANGE", "OPEN", "r1")
    assert kpi["title"].startswith("Rep r1 连续 3 个工作日")
    assert [h["kind"] for h in kpi["history"]] == ["RAISED", "ESCALATED"]
    assert kpi["assignee"]["login"] == "manager"
    assert [t["kind"] for t in kpi["tasks"]] == ["ONE_ON_ONE"]
    assert kpi["tasks"][0]["assignee"]["login"] == "manager"
    assert set(await alert_ids(api, sev=["YELLOW"])) == set()
    assert set(await alert_ids(api, rules=["STALE_KEY"])) == {"STALE_KEY"}
    assert set(await alert_ids(api, st=["RESOLVED"])) == {"STALE_KEY"}  # answered on the 3rd
    assert set(await alert_ids(api, unit=world.unit("west"))) == set()
    # The rep r1 sees their own series only; a manager sees their team's.
    assert set(await alert_ids(api, as_="rep")) == {"KPI_MISS"}
    assert set(await alert_ids(api, as_="manager")) == {"KPI_MISS", "STALE_KEY"}


async def test_badge_counts(api, world, raised):
    kpi = (await alert_ids(api))["KPI_MISS"]
    await run(api, "acknowledgeAlert", {"id": kpi["id"]}, "alert { id }", as_="rep")
    data = await api.data("{ alertCounts { severity open acknowledged total } }", as_="manager")
    assert data["alertCounts"] == [
        {"severity": "YELLOW", "open": 0, "acknowledged": 0, "total": 0},
        {"severity": "ORANGE", "open": 1, "acknowledged": 1, "total": 2},
        {"severity": "RED", "open": 0, "acknowledged": 0, "total": 0},
    ]


async def test_lifecycle_open_acknowledged_resolved(api, world, raised):
    kpi = (await alert_ids(api))["KPI_MISS"]
    acknowledged = await run(api, "acknowledgeAlert", {"id": kpi["id"]}, ALERT, as_="rep")
    assert acknowledged["alert"]["status"] == "ACKNOWLEDGED"
    assigned = await run(
        api,
        "assignAlert",
        {"id": kpi["id"], "assigneeId": world.user("director.east")},
        ALERT,
        as_="manager",
    )
    assert assigned["alert"]["assignee"]["login"] == "director.east"
    commented = await run(
        api, "commentOnAlert", {"id": kpi["id"], "body": "1:1 on Monday"}, ALERT, as_="rep"
    )
    assert commented["alert"]["comments"] == [{"note": "1:1 on Monday", "user": {"login": "rep"}}]
    resolved = await run(
        api, "resolveAlert", {"id": kpi["id"], "reason": "coached"}, ALERT, as_="manager"
    )
    assert resolved["alert"]["status"] == "RESOLVED"
    history = (await alert_ids(api, st=["RESOLVED"]))["KPI_MISS"]["history"]
    assert [(h["kind"], h["user"] and h["user"]["login"]) for h in history] == [
        ("RAISED", None),
        ("ESCALATED", None),
        ("ACKNOWLEDGED", "rep"),
        ("ASSIGNED", "manager"),
        ("COMMENTED", "rep"),
        ("RESOLVED", "manager"),
    ]


async def test_complete_a_task(api, world, raised):
    task = (await alert_ids(api))["KPI_MISS"]["tasks"][0]
    done = await run(
        api,
        "completeAlertTask",
        {"id": task["id"], "outcome": "agreed 10 calls a day"},
        "task { completedAt outcome completedBy { login } }",
        as_="manager",
    )
    assert done["task"]["outcome"] == "agreed 10 calls a day"
    assert done["task"]["completedBy"]["login"] == "manager"
    data = await api.data("{ alertTasks { totalCount } }", as_="manager")
    assert data["alertTasks"]["totalCount"] == 2  # a 1:1 for each stale key series
    data = await api.data(
        "{ alertTasks(openOnly: false, mineOnly: true) { totalCount } }", as_="manager"
    )
    assert data["alertTasks"]["totalCount"] == 3


async def test_run_alerts_evaluates_with_the_settings(api, world, raised):
    first = await run(
        api, "runAlerts", {"day": "2026-11-09"}, "summary { day raised escalated resolved }"
    )
    # The field's default minimums: r2, r3 and r4 (two calls a day) now miss their KPIs
    # too; with the default 7 days, the key customer's silence since the 3rd is not stale.
    assert first["summary"] == {"day": "2026-11-09", "raised": 3, "escalated": 0, "resolved": 1}
    # A rerun changes nothing, and still tells what the day's first run did.
    again = await run(
        api,
        "runAlerts",
        {"day": "2026-11-09"},
        "summary { raised resolved run changed dayTotal { raised resolved } }",
    )
    assert again["summary"] == {
        "raised": 0,
        "resolved": 0,
        "run": 2,
        "changed": False,
        "dayTotal": {"raised": 3, "resolved": 1},
    }


async def test_run_alerts_refuses_a_day_before_the_latest_evaluated_one(api, world, raised):
    before = await alert_ids(api)
    result = await run(api, "runAlerts", {"day": "2026-11-03"}, "summary { day }")
    assert result["summary"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("DAY_BEFORE_LATEST_RUN", "day")]
    assert "2026-11-06" in result["errors"][0]["message"]
    # Replaying the 3rd would have resolved the KPI series raised on the 5th.
    assert await alert_ids(api) == before


async def test_acknowledge_errors(api, world, raised):
    kpi = (await alert_ids(api))["KPI_MISS"]
    cases = [
        ({"id": world.rep("r1")}, "rep", "INVALID_ID"),
        ({"id": gid("Alert", 999)}, "rep", "ALERT_NOT_FOUND"),
    ]
    for input, login, code in cases:
        result = await run(api, "acknowledgeAlert", input, as_=login)
        assert [e["code"] for e in result["errors"]] == [code]
    await run(api, "acknowledgeAlert", {"id": kpi["id"]}, as_="rep")
    again = await run(api, "acknowledgeAlert", {"id": kpi["id"]}, as_="manager")
    assert [e["code"] for e in again["errors"]] == ["ALREADY_ACKNOWLEDGED"]
    await run(api, "resolveAlert", {"id": kpi["id"], "reason": "done"}, as_="manager")
    resolved = await run(api, "acknowledgeAlert", {"id": kpi["id"]}, as_="manager")
    assert [e["code"] for e in resolved["errors"]] == ["ALREADY_RESOLVED"]


async def test_assign_errors(api, world, raised):
    every = await alert_ids(api)
    kpi, stale = every["KPI_MISS"], every["STALE_KEY"]
    cases = [
        ({"id": world.rep("r1"), "assigneeId": world.user("manager")}, "manager", "INVALID_ID"),
        ({"id": stale["id"], "assigneeId": world.user("manager")}, "rep", "ALERT_NOT_FOUND"),
        ({"id": kpi["id"], "assigneeId": world.user("manager")}, "rep", "NOT_A_MANAGER"),
        ({"id": kpi["id"], "assigneeId": gid("User", 999)}, "manager", "USER_NOT_FOUND"),
        ({"id": kpi["id"], "assigneeId": world.user("intake")}, "manager", "ASSIGNEE_OUT_OF_SCOPE"),
    ]
    for input, login, code in cases:
        result = await run(api, "assignAlert", input, as_=login)
        assert [e["code"] for e in result["errors"]] == [code], code
    await run(api, "resolveAlert", {"id": kpi["id"], "reason": "done"}, as_="manager")
    result = await run(
        api, "assignAlert", {"id": kpi["id"], "assigneeId": world.user("manager")}, as_="manager"
    )
    assert [e["code"] for e in result["errors"]] == ["ALREADY_RESOLVED"]


async def test_comment_errors(api, world, raised):
    kpi = (await alert_ids(api))["KPI_MISS"]
    cases = [
        ({"id": world.rep("r1"), "body": "x"}, "INVALID_ID"),
        ({"id": gid("Alert", 999), "body": "x"}, "ALERT_NOT_FOUND"),
        ({"id": kpi["id"], "body": "  "}, "REQUIRED"),
        ({"id": kpi["id"], "body": "x" * 2001}, "TOO_LONG"),
    ]
    for input, code in cases:
        result = await run(api, "commentOnAlert", input, as_="manager")
        assert [(e["code"], e["field"]) for e in result["errors"]][0][0] == code


async def test_resolve_errors(api, world, raised):
    kpi = (await alert_ids(api))["KPI_MISS"]
    cases = [
        ({"id": world.rep("r1"), "reason": "x"}, "manager", "INVALID_ID"),
        ({"id": gid("Alert", 999), "reason": "x"}, "manager", "ALERT_NOT_FOUND"),
        ({"id": kpi["id"], "reason": "x"}, "rep", "NOT_A_MANAGER"),
        ({"id": kpi["id"], "reason": ""}, "manager", "REQUIRED"),
        ({"id": kpi["id"], "reason": "x" * 2001}, "manager", "TOO_LONG"),
    ]
    for input, login, code in cases:
        result = await run(api, "resolveAlert", input, as_=login)
        assert [e["code"] for e in result["errors"]] == [code], code
    await run(api, "resolveAlert", {"id": kpi["id"], "reason": "done"}, as_="manager")
    again = await run(api, "resolveAlert", {"id": kpi["id"], "reason": "done"}, as_="manager")
    assert [e["code"] for e in again["errors"]] == ["ALREADY_RESOLVED"]


async def test_complete_task_errors(api, world, raised):
    every = await alert_ids(api)
    task = every["KPI_MISS"]["tasks"][0]
    cases = [
        ({"id": world.rep("r1"), "outcome": "x"}, "manager", "INVALID_ID"),
        ({"id": gid("AlertTask", 999), "outcome": "x"}, "manager", "TASK_NOT_FOUND"),
        ({"id": task["id"], "outcome": "x"}, "rep", "NOT_A_MANAGER"),
        ({"id": task["id"], "outcome": " "}, "manager", "REQUIRED"),
        ({"id": task["id"], "outcome": "x" * 2001}, "manager", "TOO_LONG"),
    ]
    for input, login, code in cases:
        result = await run(api, "completeAlertTask", input, as_=login)
        assert [e["code"] for e in result["errors"]] == [code], code
    await run(api, "completeAlertTask", {"id": task["id"], "outcome": "done"}, as_="manager")
    again = await run(api, "completeAlertTask", {"id": task["id"], "outcome": "x"}, as_="manager")
    assert [e["code"] for e in again["errors"]] == ["ALREADY_COMPLETED"]


async def test_run_alerts_refuses_a_future_day(api, world):
    result = await run(api, "runAlerts", {"day": "2099-01-01"})
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("DAY_IN_FUTURE", "day")]


async def test_health_diagnoses_are_listed(api, world, sessions, raised):
    for day in days(date(2026, 11, 9), date(2026, 11, 16)):
        await run_day(sessions, day)
    data = await api.data(
        """{ healthDiagnoses { weekStart unit { code } findings alert { rule severity } } }""",
        as_="director",
    )
    assert {d["unit"]["code"] for d in data["healthDiagnoses"]} == {"west", "west.cd"}
    assert all(
        d["alert"] == {"rule": "CIRCUIT_BREAKER", "severity": "RED"}
        for d in data["healthDiagnoses"]
    )
    east = await api.data("{ healthDiagnoses { weekStart } }", as_="manager")
    assert east["healthDiagnoses"] == []


def test_every_alert_error_code_has_a_test():
    from api.graphql.alerts import inputs as alerts

    assert untested_codes(alerts, __name__) == {}


ALERTS_SHOWING = (
    "{ alerts(first: 20) { edges { node { rule unit { code } rep { externalId } } } } }"
)


async def test_a_page_shows_each_unit_and_rep_only_in_scope(api, world, raised, sessions):
    """r1 moves to Chengdu after their series was raised in Shanghai: the Shanghai manager
    still sees the series, not r1; r1 sees their series, not the Shanghai team."""
    async with sessions() as session:
        rep = await session.get(Rep, world.reps["r1"])
        rep.unit_id = world.units["west.cd"]
        await session.commit()
    seen = {}
    for login in ("manager", "rep"):
        edges = (await api.data(ALERTS_SHOWING, as_=login))["alerts"]["edges"]
        seen[login] = {edge["node"]["rule"]: edge["node"] for edge in edges}
    kpi = {"rule": "KPI_MISS"}
    assert seen["manager"]["KPI_MISS"] == kpi | {"unit": {"code": "east.sh"}, "rep": None}
    assert seen["rep"] == {"KPI_MISS": kpi | {"unit": None, "rep": {"externalId": "r1"}}}
