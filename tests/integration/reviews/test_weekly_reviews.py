"""Weekly calibration reviews through GraphQL: the frozen snapshot, every mutation's success
and error codes (with nothing written on a refusal), suggestions accepted into a rebalance,
who sees what, and the exports parsed back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from api.graphql.reviews import inputs as api_reviews
from domain.alerts.models import Alert
from domain.errors import Forbidden
from domain.kernel.actor import Actor, Role
from domain.org.models import Rep
from domain.reviews import actions
from domain.reviews import service as reviews
from domain.reviews.models import ReviewAnomaly, ReviewKeyCustomer, ReviewSuggestion, WeeklyReview
from domain.reviews.rules import month_of_week
from domain.reviews.snapshot import ReviewSettings
from domain.targets.calibration import Calibration, adjust_target
from domain.targets.models import Deal, Metric, PeriodKind, Target, TargetVersion
from domain.targets.periods import Period
from domain.targets.service import Owner, create_target, owner_info
from tests.support.db import count_statements
from tests.support.graphql import gid, mutation, row_id, run
from tests.support.world import BOOTSTRAP, World

ZONE = ZoneInfo("Asia/Shanghai")
MUTATIONS = {
    "startWeeklyReview": api_reviews.StartWeeklyReview,
    "markReviewAnomaly": api_reviews.MarkReviewAnomaly,
    "suggestTargetAdjustment": api_reviews.SuggestTargetAdjustment,
    "acceptTargetAdjustments": api_reviews.AcceptTargetAdjustments,
    "rejectTargetAdjustment": api_reviews.RejectTargetAdjustment,
    "confirmKeyCustomers": api_reviews.ConfirmKeyCustomers,
}
FROZEN = """snapshot { version takenAt asOf week { start lastDay label } month { start lastDay
  label } targets { periodKind periodLabel metric ownerRole ownerId ownerName status version
  amount achieved expectedToDate completion paceRatio projection gap }
  kpiMisses { from to workingDays repsChecked reps { repId repName level workingDays
  daysMissed missStreak touches needsConfirmed proposalsSent demosBooked missedDays } }
  alerts { total bySeverity { severity count } items { alertId rule severity status
  subjectKind subjectId subjectName raisedOn } }
  funnel { from to stages { stage reached conversionToNext medianDaysInStage } won lost
  winRate followUps effectiveFollowUpRate leadToQualifiedMedianDays staleKeyOpportunities }
  suggestedKeyCustomers { accountId name segment ownerRepName openOpportunities openAmount } }"""
REVIEW = f"id weekStart weekLabel unit {{ code }} createdBy {{ login }} {FROZEN}"
REVIEW_QUERY = f"query($id: ID!) {{ weeklyReview(id: $id) {{ {REVIEW} }} }}"
SUGGESTION = "id status proposedAmount reason target { id amount } decidedBy { login }"


def company_today() -> date:
    return datetime.now(ZONE).date()


@dataclass
class Setup:
    """East Shanghai's week and month targets (r1 600 + r2 400 = 1,000 this week), a deal of
    r1 today, alerts, accounts with open deals, the manager's review of Shanghai's week with
    two pending suggestions (r1 → 500, r2 → 500), and the admin's review of Chengdu's."""

    world: World
    today: date
    week: date
    month: date
    targets: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    alerts: dict[str, int] = field(default_factory=dict)
    started: dict[str, Any] = field(default_factory=dict)
    review: str = ""
    west_review: str = ""
    suggestions: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def target(self, key: str) -> str:
        return gid("Target", self.targets[key])


async def build(api, world: World, sessions) -> Setup:
    today = company_today()
    week = today - timedelta(days=today.weekday())
    month = month_of_week(Period(PeriodKind.WEEK, week)).start
    setup = Setup(world=world, today=today, week=week, month=month)
    units, reps = world.units, world.reps
    plan = [
        ("east.week", Owner(unit_id=units["east"]), PeriodKind.WEEK, 2000_00, None),
        ("sh.week", Owner(unit_id=units["east.sh"]), PeriodKind.WEEK, 1000_00, "east.week"),
        ("hz.week", Owner(unit_id=units["east.hz"]), PeriodKind.WEEK, 1000_00, "east.week"),
        ("r1.week", Owner(rep_id=reps["r1"]), PeriodKind.WEEK, 600_00, "sh.week"),
        ("r2.week", Owner(rep_id=reps["r2"]), PeriodKind.WEEK, 400_00, "sh.week"),
        ("r3.week", Owner(rep_id=reps["r3"]), PeriodKind.WEEK, 1000_00, "hz.week"),
        ("sh.month", Owner(unit_id=units["east.sh"]), PeriodKind.MONTH, 4000_00, None),
        ("r1.month", Owner(rep_id=reps["r1"]), PeriodKind.MONTH, 2400_00, "sh.month"),
        ("r2.month", Owner(rep_id=reps["r2"]), PeriodKind.MONTH, 1600_00, "sh.month"),
        ("cd.week", Owner(unit_id=units["west.cd"]), PeriodKind.WEEK, 500_00, None),
        ("r4.week", Owner(rep_id=reps["r4"]), PeriodKind.WEEK, 500_00, "cd.week"),
    ]
    async with sessions() as session:
        created: dict[str, Target] = {}
        for key, owner, kind, amount, parent in plan:
            first_day = week if kind == PeriodKind.WEEK else month
            created[key] = await create_target(
                session,
                BOOTSTRAP,
                Metric.REVENUE,
                await owner_info(session, owner),
                Period.of(kind, first_day),
                amount,
                created.get(parent),
                None,
                "plan",
                "set",
            )
        setup.targets = {key: target.id for key, target in created.items()}
        session.add(
            Deal(
                external_id="d1",
                close_date=today,
                amount=300_00,
                rep_id=reps["r1"],
                customer="上汽",
                segment="smb",
                product_line="ev",
            )
        )
        alerts = {
            "red": ("week_to_date", "red", "open", units["east.sh"], None, "sh.week", 0),
            "yellow": ("kpi_miss", "yellow", "acknowledged", units["east.sh"], "r1", None, 1),
            "resolved": ("kpi_miss", "orange", "resolved", units["east.sh"], "r2", None, 2),
            "west": ("pace", "orange", "open", units["west.cd"], "r4", None, 0),
        }
        for key, (rule, severity, status, unit_id, rep, target, days_ago) in alerts.items():
            alert = Alert(
                rule=rule,
                severity=severity,
                status=status,
                subject_key=f"{key}:{rule}",
                unit_id=unit_id,
                rep_id=reps[rep] if rep else None,
                target_id=setup.targets[target] if target else None,
                evidence={},
                raised_on=today - timedelta(days=days_ago),
                condition_seen_on=today,
            )
            session.add(alert)
            await session.flush()
            setup.alerts[key] = alert.id
        await session.commit()
    for key, name, owner, high_value, amount in [
        ("didi", "滴滴出行华东", "r1", True, 500_00),
        ("shop", "小商户", "r2", False, 50_00),
        ("west", "成都公交", "r4", True, 900_00),
    ]:
        account = await run(
            api,
            "createAccount",
            {
                "name": name,
                "segment": "fleet",
                "ownerId": world.rep(owner),
                "highValue": high_value,
            },
            "account { id }",
        )
        setup.accounts[key] = account["account"]["id"]
        opportunity = await run(
            api,
            "createOpportunity",
            {
                "accountId": setup.accounts[key],
                "title": f"{name} 换电车",
                "amount": amount,
                "expectedClose": (today + timedelta(days=60)).isoformat(),
                "ownerId": world.rep(owner),
            },
            "opportunity { id }",
        )
        assert opportunity["errors"] == [], opportunity
    started = await start(api, world.unit("east.sh"), week, as_="manager", selection=REVIEW)
    assert started["errors"] == [], started
    setup.started = started["review"]
    setup.review = started["review"]["id"]
    west = await start(api, world.unit("west.cd"), week, as_="admin")
    setup.west_review = west["review"]["id"]
    for key, amount in (("r1.week", 500_00), ("r2.week", 500_00)):
        setup.suggestions.append(await suggest(api, setup, key, amount))
    return setup


async def start(api, unit: str, week: date, as_: str = "manager", selection: str = "id"):
    return await run(
        api,
        "startWeeklyReview",
        {"unitId": unit, "weekStart": week.isoformat()},
        f"review {{ {selection} }}",
        as_=as_,
    )


async def suggest(api, setup: Setup, key: str, amount: int, as_: str = "manager") -> str:
    result = await run(
        api,
        "suggestTargetAdjustment",
        {
            "reviewId": setup.review,
            "targetId": setup.target(key),
            "proposedAmount": amount,
            "reason": "客户预算推迟到下周",
        },
        "suggestion { id }",
        as_=as_,
    )
    assert result["errors"] == [], result
    return result["suggestion"]["id"]


async def accept(api, setup: Setup, ids: list[str], as_: str = "director", **kw) -> dict:
    return await run(
        api,
        "acceptTargetAdjustments",
        {"reviewId": setup.review, "suggestionIds": ids, "reason": "周会校准", **kw},
        f"suggestions {{ {SUGGESTION} }} targets {{ id amount version }}",
        as_=as_,
    )


@pytest.fixture
async def setup(api, world, sessions) -> Setup:
    return await build(api, world, sessions)


# --- service-side helpers for the `before` hooks ----------------------------------------


async def adjust(sessions, target_id: int, amount: int) -> None:
    async with sessions() as session:
        target = await session.get(Target, target_id)
        await adjust_target(
            session,
            BOOTSTRAP,
            target_id=target_id,
            expected_version=target.version,
            amount=amount,
            calibration=Calibration("月中调整"),
        )
        await session.commit()


async def move_rep(sessions, rep_id: int, unit_id: int) -> None:
    async with sessions() as session:
        await session.execute(update(Rep).where(Rep.id == rep_id).values(unit_id=unit_id))
        await session.commit()


async def reject(api, suggestion: str) -> None:
    result = await run(
        api, "rejectTargetAdjustment", {"suggestionId": suggestion}, "suggestion { id }"
    )
    assert result["errors"] == [], result


# --- starting a review ------------------------------------------------------------------


async def test_start_weekly_review_freezes_the_snapshot(setup):
    review = setup.started
    snapshot = review["snapshot"]
    assert review["unit"]["code"] == "east.sh" and review["createdBy"]["login"] == "manager"
    assert review["weekStart"] == setup.week.isoformat()
    year, number, _ = setup.week.isocalendar()
    assert review["weekLabel"] == snapshot["week"]["label"] == f"{year}-W{number:02d}"
    assert snapshot["asOf"] == setup.today.isoformat()
    assert snapshot["month"]["start"] == setup.month.isoformat()
    rows = {(r["periodKind"], r["ownerName"]): r for r in snapshot["targets"]}
    assert list(rows) == [
        ("WEEK", "Shanghai"),
        ("WEEK", "Rep r1"),
        ("WEEK", "Rep r2"),
        ("MONTH", "Shanghai"),
        ("MONTH", "Rep r1"),
        ("MONTH", "Rep r2"),
    ]
    r1 = rows[("WEEK", "Rep r1")]
    assert (r1["ownerRole"], r1["ownerId"], r1["amount"], r1["achieved"]) == (
        "REP",
        setup.world.rep("r1"),
        600_00,
        300_00,
    )
    assert r1["completion"] == 0.5 and r1["status"] == "DRAFT" and r1["version"] == 1
    shanghai = rows[("WEEK", "Shanghai")]
    assert (shanghai["ownerRole"], shanghai["achieved"], shanghai["completion"]) == (
        "UNIT",
        300_00,
        0.3,
    )
    assert isinstance(shanghai["projection"], int) and isinstance(shanghai["expectedToDate"], int)
    assert shanghai["gap"] == 1000_00 - shanghai["projection"]
    alerts = snapshot["alerts"]
    assert alerts["total"] == 2
    assert alerts["bySeverity"] == [
        {"severity": "RED", "count": 1},
        {"severity": "ORANGE", "count": 0},
        {"severity": "YELLOW", "count": 1},
    ]
    red, yellow = alerts["items"]
    assert (red["rule"], red["subjectKind"], red["subjectId"]) == (
        "WEEK_TO_DATE",
        "TARGET",
        setup.target("sh.week"),
    )
    assert red["subjectName"].startswith("Shanghai revenue")
    assert red["alertId"] == gid("Alert", setup.alerts["red"])
    assert (yellow["status"], yellow["subjectKind"], yellow["subjectName"]) == (
        "ACKNOWLEDGED",
        "REP",
        "Rep r1",
    )
    assert yellow["raisedOn"] == (setup.today - timedelta(days=1)).isoformat()
    customers = snapshot["suggestedKeyCustomers"]
    assert [(c["name"], c["openOpportunities"], c["openAmount"]) for c in customers] == [
        ("滴滴出行华东", 1, 500_00)
    ]
    assert customers[0]["accountId"] == setup.accounts["didi"]
    kpi = snapshot["kpiMisses"]
    assert (kpi["from"], kpi["to"], kpi["repsChecked"]) == (
        setup.week.isoformat(),
        setup.today.isoformat(),
        2,
    )
    if kpi["workingDays"]:  # no follow-ups at all: both reps missed every working day
        assert sorted(r["repName"] for r in kpi["reps"]) == ["Rep r1", "Rep r2"]
        assert all(r["daysMissed"] == kpi["workingDays"] for r in kpi["reps"])
        assert all(r["touches"] == kpi["workingDays"] for r in kpi["reps"])
    funnel = snapshot["funnel"]
    assert funnel["from"] == setup.month.isoformat()
    assert [s["stage"] for s in funnel["stages"]][0] == "LEAD"
    if setup.today >= setup.month:  # the opportunities created today are in the month
        assert funnel["stages"][0]["reached"] == 2  # r1's and r2's, not r4's


async def test_the_snapshot_never_changes_after_the_review_started(api, setup, sessions):
    before = await api.data(REVIEW_QUERY, {"id": setup.review}, as_="manager")
    assert before["weeklyReview"] == setup.started
    exported = await api.data(
        "query($id: ID!) { weeklyReview(id: $id) { export(format: JSON) } }", {"id": setup.review}
    )
    await adjust(sessions, setup.targets["sh.month"], 5000_00)
    async with sessions() as session:
        session.add(
            Deal(
                external_id="d2",
                close_date=setup.today,
                amount=700_00,
                rep_id=setup.world.reps["r2"],
                customer="比亚迪",
                segment="smb",
                product_line="ev",
            )
        )
        await session.execute(
            update(Alert).where(Alert.id == setup.alerts["red"]).values(status="resolved")
        )
        await session.execute(
            update(Rep).where(Rep.id == setup.world.reps["r1"]).values(name="改名了")
        )
        await session.commit()
    await run(
        api,
        "createAccount",
        {
            "name": "新大客户",
            "segment": "fleet",
            "ownerId": setup.world.rep("r2"),
            "highValue": True,
        },
        "account { id }",
    )
    after = await api.data(REVIEW_QUERY, {"id": setup.review}, as_="manager")
    assert after == before
    exported_after = await api.data(
        "query($id: ID!) { weeklyReview(id: $id) { export(format: JSON) } }", {"id": setup.review}
    )
    assert (
        json.loads(exported_after["weeklyReview"]["export"])["snapshot"]
        == json.loads(exported["weeklyReview"]["export"])["snapshot"]
    )
    # the live view has moved on: the same target now
    live = await api.data(
        "query($id: ID!) { target(id: $id) { amount } }", {"id": setup.target("sh.month")}
    )
    assert live["target"]["amount"] == 5000_00


async def test_a_director_reviews_a_region_with_its_child_units(api, setup):
    result = await start(
        api,
        setup.world.unit("east"),
        setup.week,
        as_="director.east",
        selection="snapshot { targets { ownerRole ownerName amount } alerts { total } }",
    )
    assert result["errors"] == []
    snapshot = result["review"]["snapshot"]
    assert [(r["ownerRole"], r["ownerName"]) for r in snapshot["targets"]] == [
        ("UNIT", "East"),
        ("CHILD_UNIT", "Hangzhou"),
        ("CHILD_UNIT", "Shanghai"),
        ("CHILD_UNIT", "Shanghai"),  # its month target
    ]
    assert snapshot["alerts"]["total"] == 2  # the subtree's, not West's


async def test_a_past_week_counts_up_to_its_sunday(api, setup):
    last_week = setup.week - timedelta(days=7)
    result = await start(api, setup.world.unit("east.sh"), last_week, selection=FROZEN)
    assert result["errors"] == []
    snapshot = result["review"]["snapshot"]
    assert snapshot["asOf"] == (setup.week - timedelta(days=1)).isoformat()
    assert snapshot["kpiMisses"]["to"] == snapshot["asOf"]
    # no week targets were set for last week; this month's show if it is last week's month
    assert {r["periodKind"] for r in snapshot["targets"]} <= {"MONTH"}
    assert all(r["periodLabel"] == snapshot["month"]["label"] for r in snapshot["targets"])


# --- taking part ------------------------------------------------------------------------


async def test_mark_review_anomaly_by_the_manager_and_by_a_rep_of_the_unit(api, setup):
    by_manager = await run(
        api,
        "markReviewAnomaly",
        {
            "reviewId": setup.review,
            "note": "  王伟本周请假两天\n进度可理解  ",
            "targetId": setup.target("r1.week"),
            "repId": setup.world.rep("r1"),
        },
        "anomaly { id note target { id } rep { externalId } createdBy { login } }",
        as_="manager",
    )
    assert by_manager["errors"] == []
    anomaly = by_manager["anomaly"]
    assert anomaly["note"] == "王伟本周请假两天\n进度可理解"
    assert anomaly["target"]["id"] == setup.target("r1.week")
    assert (anomaly["rep"]["externalId"], anomaly["createdBy"]["login"]) == ("r1", "manager")
    by_rep = await run(
        api,
        "markReviewAnomaly",
        {"reviewId": setup.review, "note": "客户临时冻结预算", "repId": setup.world.rep("r2")},
        "anomaly { id rep { externalId } }",
        as_="rep",
    )
    assert by_rep["errors"] == []
    assert by_rep["anomaly"]["rep"] is None  # r2 is outside the rep's own scope
    data = await api.data(
        "query($id: ID!) { weeklyReview(id: $id) { anomalies { note createdBy { login } } } }",
        {"id": setup.review},
    )
    assert [a["createdBy"]["login"] for a in data["weeklyReview"]["anomalies"]] == [
        "manager",
        "rep",
    ]
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on ReviewAnomaly { note } } }",
        {"id": anomaly["id"]},
    )
    assert node["node"]["note"] == anomaly["note"]


async def test_suggest_target_adjustment(api, setup):
    result = await run(
        api,
        "suggestTargetAdjustment",
        {
            "reviewId": setup.review,
            "targetId": setup.target("r1.month"),
            "proposedAmount": 0,
            "reason": "  大客户延期  ",
        },
        f"suggestion {{ {SUGGESTION} createdBy {{ login }} }}",
        as_="manager",
    )
    assert result["errors"] == []
    suggestion = result["suggestion"]
    assert (suggestion["status"], suggestion["proposedAmount"], suggestion["reason"]) == (
        "PENDING",
        0,
        "大客户延期",
    )
    assert suggestion["target"] == {"id": setup.target("r1.month"), "amount": 2400_00}
    assert suggestion["createdBy"]["login"] == "manager" and suggestion["decidedBy"] is None


async def test_accepted_suggestions_rebalance_the_targets_with_versions(api, setup):
    result = await accept(api, setup, setup.suggestions)
    assert result["errors"] == []
    assert [s["status"] for s in result["suggestions"]] == ["ACCEPTED", "ACCEPTED"]
    assert {s["decidedBy"]["login"] for s in result["suggestions"]} == {"director"}
    assert sorted((t["id"], t["amount"], t["version"]) for t in result["targets"]) == sorted(
        [(setup.target("r1.week"), 500_00, 2), (setup.target("r2.week"), 500_00, 2)]
    )
    history = await api.data(
        "query($id: ID!) { target(id: $id) { amount history { action reason oldAmount newAmount "
        "actor { login } } parent { amount children { amount } } } }",
        {"id": setup.target("r1.week")},
    )
    target = history["target"]
    assert [h["action"] for h in target["history"]] == ["set", "rebalance"]
    change = target["history"][1]
    assert (change["oldAmount"], change["newAmount"], change["actor"]["login"]) == (
        600_00,
        500_00,
        "director",
    )
    assert change["reason"].startswith("周会校准") and "weekly review" in change["reason"]
    assert target["parent"]["amount"] == 1000_00  # the parent's sum did not change
    assert sum(c["amount"] for c in target["parent"]["children"]) == 1000_00
    # the snapshot still shows the numbers as they were
    data = await api.data(
        "query($id: ID!) { weeklyReview(id: $id) { snapshot { targets { ownerName amount "
        "version periodKind } } suggestions(status: ACCEPTED) { id } } }",
        {"id": setup.review},
    )
    frozen = {
        r["ownerName"]: r
        for r in data["weeklyReview"]["snapshot"]["targets"]
        if r["periodKind"] == "WEEK"
    }
    assert (frozen["Rep r1"]["amount"], frozen["Rep r1"]["version"]) == (600_00, 1)
    assert len(data["weeklyReview"]["suggestions"]) == 2


async def test_a_director_can_override_the_calibration_rhythm(api, setup, sessions):
    await adjust(sessions, setup.targets["sh.month"], 4100_00)
    refused = await accept(api, setup, setup.suggestions)
    assert [e["code"] for e in refused["errors"]] == ["CALIBRATION_TOO_SOON"]
    result = await accept(api, setup, setup.suggestions, overrideReason="周复盘例外")
    assert result["errors"] == []
    async with sessions() as session:
        override = await session.scalar(
            select(TargetVersion.director_override).where(
                TargetVersion.target_id == setup.targets["r1.week"],
                TargetVersion.action == "rebalance",
            )
        )
    assert override is True


async def test_reject_target_adjustment(api, setup):
    result = await run(
        api,
        "rejectTargetAdjustment",
        {"suggestionId": setup.suggestions[0]},
        f"suggestion {{ {SUGGESTION} decidedAt }}",
        as_="director.east",
    )
    assert result["errors"] == []
    suggestion = result["suggestion"]
    assert suggestion["status"] == "REJECTED" and suggestion["decidedAt"]
    assert suggestion["decidedBy"]["login"] == "director.east"
    assert suggestion["target"]["amount"] == 600_00  # unchanged


async def test_confirm_key_customers_and_confirm_again(api, setup):
    selection = "keyCustomers { accountId note account { name } confirmedBy { login } }"
    first = await run(
        api,
        "confirmKeyCustomers",
        {
            "reviewId": setup.review,
            "accounts": [{"accountId": setup.accounts["didi"], "note": "本周必须拜访"}],
        },
        selection,
        as_="manager",
    )
    assert first["errors"] == []
    assert first["keyCustomers"] == [
        {
            "accountId": setup.accounts["didi"],
            "note": "本周必须拜访",
            "account": {"name": "滴滴出行华东"},
            "confirmedBy": {"login": "manager"},
        }
    ]
    again = await run(
        api,
        "confirmKeyCustomers",
        {
            "reviewId": setup.review,
            "accounts": [
                {"accountId": setup.accounts["didi"], "note": "  "},
                {"accountId": setup.accounts["shop"]},  # owned by r2: in the subtree
            ],
        },
        selection,
        as_="director",
    )
    assert again["errors"] == []
    assert [
        (k["account"]["name"], k["note"], k["confirmedBy"]["login"]) for k in again["keyCustomers"]
    ] == [("滴滴出行华东", None, "director"), ("小商户", None, "director")]


# --- every error code -------------------------------------------------------------------


@dataclass
class Case:
    mutation: str
    code: str
    field: str | None
    input: Callable[[Setup], dict[str, Any]]
    as_: str = "admin"
    before: Callable[[Any, Any, Setup], Awaitable[None]] | None = None

    def __str__(self) -> str:
        return f"{self.mutation}-{self.code}"


def anomaly(s: Setup, **kw) -> dict:
    return {"reviewId": s.review, "note": "异常", **kw}


def suggestion(s: Setup, **kw) -> dict:
    return {
        "reviewId": s.review,
        "targetId": s.target("r1.week"),
        "proposedAmount": 1,
        "reason": "原因",
        **kw,
    }


def acceptance(s: Setup, **kw) -> dict:
    return {"reviewId": s.review, "suggestionIds": s.suggestions, "reason": "周会", **kw}


def key_customers(s: Setup, *accounts, **kw) -> dict:
    return {
        "reviewId": s.review,
        "accounts": list(accounts) or [{"accountId": s.accounts["didi"]}],
        **kw,
    }


async def extra_suggestion(api, sessions, s: Setup, key: str, amount: int) -> None:
    s.extra["suggestion"] = await suggest(api, s, key, amount)


CASES = [
    # startWeeklyReview
    Case(
        "startWeeklyReview",
        "INVALID_ID",
        "unitId",
        lambda s: {"unitId": s.world.rep("r1"), "weekStart": s.week.isoformat()},
    ),
    Case(
        "startWeeklyReview",
        "UNIT_NOT_FOUND",
        "unitId",
        lambda s: {"unitId": s.world.unit("west.cd"), "weekStart": s.week.isoformat()},
        as_="manager",
    ),
    Case(
        "startWeeklyReview",
        "INVALID_WEEK",
        "weekStart",
        lambda s: {
            "unitId": s.world.unit("east.hz"),
            "weekStart": (s.week - timedelta(days=6)).isoformat(),
        },
    ),
    Case(
        "startWeeklyReview",
        "WEEK_NOT_STARTED",
        "weekStart",
        lambda s: {
            "unitId": s.world.unit("east.hz"),
            "weekStart": (s.week + timedelta(days=7)).isoformat(),
        },
    ),
    Case(
        "startWeeklyReview",
        "REVIEW_EXISTS",
        "weekStart",
        lambda s: {"unitId": s.world.unit("east.sh"), "weekStart": s.week.isoformat()},
        as_="director",
    ),
    # markReviewAnomaly
    Case(
        "markReviewAnomaly",
        "INVALID_ID",
        "reviewId",
        lambda s: anomaly(s, reviewId=s.target("r1.week")),
        as_="rep",
    ),
    Case(
        "markReviewAnomaly",
        "REVIEW_NOT_FOUND",
        "reviewId",
        lambda s: anomaly(s, reviewId=s.west_review),
        as_="manager",
    ),
    Case(
        "markReviewAnomaly",
        "TARGET_NOT_FOUND",
        "targetId",
        lambda s: anomaly(s, targetId=s.target("r4.week")),
    ),
    Case(
        "markReviewAnomaly",
        "REP_NOT_FOUND",
        "repId",
        lambda s: anomaly(s, repId=s.world.rep("r4")),
    ),
    Case("markReviewAnomaly", "REQUIRED", "note", lambda s: anomaly(s, note=" \n "), as_="rep"),
    Case("markReviewAnomaly", "TOO_LONG", "note", lambda s: anomaly(s, note="长" * 2001)),
    # suggestTargetAdjustment
    Case(
        "suggestTargetAdjustment",
        "INVALID_ID",
        "targetId",
        lambda s: suggestion(s, targetId=s.world.rep("r1")),
    ),
    Case(
        "suggestTargetAdjustment",
        "REVIEW_NOT_FOUND",
        "reviewId",
        lambda s: suggestion(s, reviewId=s.west_review),
        as_="director.east",
    ),
    Case(
        "suggestTargetAdjustment",
        "TARGET_NOT_FOUND",
        "targetId",
        lambda s: suggestion(s, targetId=s.target("r3.week")),  # Hangzhou: not in Shanghai
        as_="director",
    ),
    Case(
        "suggestTargetAdjustment",
        "NEGATIVE_AMOUNT",
        "proposedAmount",
        lambda s: suggestion(s, proposedAmount=-1),
        as_="manager",
    ),
    Case(
        "suggestTargetAdjustment",
        "REASON_REQUIRED",
        "reason",
        lambda s: suggestion(s, reason="   "),
    ),
    Case(
        "suggestTargetAdjustment",
        "TOO_LONG",
        "reason",
        lambda s: suggestion(s, reason="因" * 2001),
    ),
    # acceptTargetAdjustments
    Case(
        "acceptTargetAdjustments",
        "INVALID_ID",
        "suggestionIds",
        lambda s: acceptance(s, suggestionIds=[s.suggestions[0], s.target("r1.week")]),
    ),
    Case(
        "acceptTargetAdjustments",
        "REVIEW_NOT_FOUND",
        "reviewId",
        lambda s: acceptance(s, reviewId=s.west_review),
        as_="director.east",
    ),
    Case(
        "acceptTargetAdjustments",
        "SUGGESTION_NOT_FOUND",
        "suggestionIds",
        lambda s: acceptance(s, suggestionIds=[s.suggestions[0], gid("ReviewSuggestion", 999)]),
    ),
    Case(
        "acceptTargetAdjustments",
        "ALREADY_DECIDED",
        "suggestionIds",
        acceptance,
        before=lambda api, sessions, s: reject(api, s.suggestions[1]),
    ),
    Case(
        "acceptTargetAdjustments",
        "TARGET_NOT_FOUND",
        "suggestionIds",
        acceptance,
        before=lambda api, sessions, s: move_rep(
            sessions, s.world.reps["r2"], s.world.units["east.hz"]
        ),
    ),
    Case(
        "acceptTargetAdjustments",
        "REASON_REQUIRED",
        "reason",
        lambda s: acceptance(s, reason=" "),
        as_="director",
    ),
    Case(
        "acceptTargetAdjustments",
        "STALE_VERSION",
        "suggestionIds",
        acceptance,
        before=lambda api, sessions, s: adjust(sessions, s.targets["east.week"], 2200_00),
    ),
    Case(
        "acceptTargetAdjustments",
        "CALIBRATION_TOO_SOON",
        "overrideReason",
        acceptance,
        as_="director.east",
        before=lambda api, sessions, s: adjust(sessions, s.targets["sh.month"], 4100_00),
    ),
    Case(
        "acceptTargetAdjustments",
        "TOO_FEW_TARGETS",
        "suggestionIds",
        lambda s: acceptance(s, suggestionIds=s.suggestions[:1]),
    ),
    Case(
        "acceptTargetAdjustments",
        "NOT_SIBLINGS",
        "suggestionIds",
        lambda s: acceptance(s, suggestionIds=[s.suggestions[0], s.extra["suggestion"]]),
        before=lambda api, sessions, s: extra_suggestion(api, sessions, s, "r1.month", 2500_00),
    ),
    Case(
        "acceptTargetAdjustments",
        "SUM_CHANGED",
        "suggestionIds",
        lambda s: acceptance(s, suggestionIds=[s.suggestions[0], s.extra["suggestion"]]),
        before=lambda api, sessions, s: extra_suggestion(api, sessions, s, "r2.week", 450_00),
    ),
    # rejectTargetAdjustment
    Case(
        "rejectTargetAdjustment",
        "INVALID_ID",
        "suggestionId",
        lambda s: {"suggestionId": s.review},
    ),
    Case(
        "rejectTargetAdjustment",
        "SUGGESTION_NOT_FOUND",
        "suggestionId",
        lambda s: {"suggestionId": gid("ReviewSuggestion", 999)},
        as_="director",
    ),
    Case(
        "rejectTargetAdjustment",
        "ALREADY_DECIDED",
        "suggestionId",
        lambda s: {"suggestionId": s.suggestions[0]},
        before=lambda api, sessions, s: reject(api, s.suggestions[0]),
    ),
    # confirmKeyCustomers
    Case(
        "confirmKeyCustomers",
        "INVALID_ID",
        "accounts",
        lambda s: key_customers(s, {"accountId": s.world.rep("r1")}),
    ),
    Case(
        "confirmKeyCustomers",
        "REVIEW_NOT_FOUND",
        "reviewId",
        lambda s: key_customers(s, reviewId=gid("WeeklyReview", 999)),
        as_="manager",
    ),
    Case(
        "confirmKeyCustomers",
        "REQUIRED",
        "accounts",
        lambda s: {**key_customers(s), "accounts": []},
    ),
    Case(
        "confirmKeyCustomers",
        "DUPLICATE_ACCOUNT",
        "accounts",
        lambda s: key_customers(
            s, {"accountId": s.accounts["didi"]}, {"accountId": s.accounts["didi"]}
        ),
    ),
    Case(
        "confirmKeyCustomers",
        "ACCOUNT_NOT_FOUND",
        "accounts",
        lambda s: key_customers(s, {"accountId": s.accounts["west"]}),
        as_="manager",
    ),
    Case(
        "confirmKeyCustomers",
        "TOO_LONG",
        "accounts",
        lambda s: key_customers(s, {"accountId": s.accounts["didi"], "note": "注" * 501}),
    ),
]


def test_every_error_code_has_a_case():
    covered = {(case.mutation, case.code) for case in CASES}
    declared = {(name, code.name) for name, types in MUTATIONS.items() for code in types.code}
    assert covered == declared


async def written(sessions) -> dict[str, Any]:
    async with sessions() as session:
        counts = {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (
                WeeklyReview,
                ReviewAnomaly,
                ReviewSuggestion,
                ReviewKeyCustomer,
                TargetVersion,
            )
        }
        counts["statuses"] = sorted(await session.scalars(select(ReviewSuggestion.status)))
        counts["amounts"] = sorted((await session.execute(select(Target.id, Target.amount))).all())
    return counts


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_error_code(api, setup, sessions, case):
    if case.before is not None:
        await case.before(api, sessions, setup)
    before = await written(sessions)
    result = await run(api, case.mutation, case.input(setup), as_=case.as_)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(case.code, case.field)], result
    assert all(e["message"] for e in result["errors"])
    assert await written(sessions) == before  # nothing half-written


async def test_error_messages_follow_accept_language(api, setup):
    body = await api.data(
        mutation("startWeeklyReview", "review { id }"),
        {"input": {"unitId": setup.world.unit("east.sh"), "weekStart": "2026-11-17"}},
        headers={"Accept-Language": "en-US"},
    )
    message = body["startWeeklyReview"]["errors"][0]["message"]
    assert "weekStart must be a Monday" in message
    zh = await run(
        api,
        "startWeeklyReview",
        {"unitId": setup.world.unit("east.sh"), "weekStart": "2026-11-17"},
    )
    assert "周一" in zh["errors"][0]["message"]


async def test_the_services_check_roles_too(sessions, setup):
    rep = Actor(
        user_id=setup.world.users["rep"],
        roles=frozenset({Role.REP.value}),
        rep_id=setup.world.reps["r1"],
        rep_unit_id=setup.world.units["east.sh"],
    )
    review_id = row_id(setup.review)
    async with sessions() as session:
        calls = [
            reviews.start_weekly_review(
                session,
                rep,
                unit_id=setup.world.units["east.sh"],
                week_start=setup.week,
                today=setup.today,
                settings=ReviewSettings(),
            ),
            actions.suggest_adjustment(
                session,
                rep,
                review_id=review_id,
                target_id=setup.targets["r1.week"],
                proposed_amount=1,
                reason="x",
            ),
            actions.accept_adjustments(
                session,
                rep,
                review_id=review_id,
                suggestion_ids=[row_id(i) for i in setup.suggestions],
                reason="x",
            ),
            actions.reject_adjustment(session, rep, suggestion_id=row_id(setup.suggestions[0])),
            actions.confirm_key_customers(
                session, rep, review_id=review_id, accounts=[(row_id(setup.accounts["didi"]), None)]
            ),
        ]
        for call in calls:
            with pytest.raises(Forbidden) as caught:
                await call
            assert caught.value.code == "NOT_ALLOWED"


# --- who sees what ----------------------------------------------------------------------

VISIBLE = "query($id: ID!) { weeklyReview(id: $id) { weekLabel } }"


@pytest.mark.parametrize(
    ("login", "sees_shanghai", "sees_chengdu"),
    [
        ("admin", True, True),
        ("director", True, True),
        ("director.east", True, False),
        ("manager", True, False),
        ("rep", True, False),  # a rep of Shanghai
        ("intake", False, False),
    ],
)
async def test_who_sees_a_review(api, setup, login, sees_shanghai, sees_chengdu):
    for review, expected in ((setup.review, sees_shanghai), (setup.west_review, sees_chengdu)):
        body = await api(VISIBLE, {"id": review}, as_=login)
        if login == "intake":
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        else:
            assert (body["data"]["weeklyReview"] is not None) == expected, (login, review)


async def test_a_manager_of_a_team_does_not_see_the_region_review(api, setup):
    region = await start(api, setup.world.unit("east"), setup.week, as_="director.east")
    body = await api.data(VISIBLE, {"id": region["review"]["id"]}, as_="manager")
    assert body["weeklyReview"] is None
    hidden = await run(
        api,
        "markReviewAnomaly",
        {"reviewId": region["review"]["id"], "note": "x"},
        as_="rep",
    )
    assert hidden["errors"][0]["code"] == "REVIEW_NOT_FOUND"


async def test_weekly_review_by_node_and_a_wrong_id(api, setup):
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on WeeklyReview { weekLabel } } }",
        {"id": setup.review},
    )
    assert node["node"]["weekLabel"] == setup.started["weekLabel"]
    wrong = await api.data(VISIBLE, {"id": setup.target("r1.week")})
    assert wrong["weeklyReview"] is None
    suggestion = await api.data(
        "query($id: ID!) { node(id: $id) { ... on ReviewSuggestion { status } } }",
        {"id": setup.suggestions[0]},
    )
    assert suggestion["node"]["status"] == "PENDING"


LIST = """query($unit: ID!, $from: Date, $to: Date, $sub: Boolean, $first: Int) {
  weeklyReviews(unitId: $unit, from: $from, to: $to, includeSubtree: $sub, first: $first) {
    totalCount edges { node { weekStart unit { code } } } } }"""


async def test_weekly_reviews_of_a_unit_in_a_range(api, setup):
    for weeks_ago in (1, 2):
        result = await start(
            api, setup.world.unit("east.sh"), setup.week - timedelta(weeks=weeks_ago)
        )
        assert result["errors"] == []
    everything = await api.data(LIST, {"unit": setup.world.unit("east.sh")}, as_="rep")
    assert everything["weeklyReviews"]["totalCount"] == 3
    ranged = await api.data(
        LIST,
        {
            "unit": setup.world.unit("east.sh"),
            "from": (setup.week - timedelta(weeks=1)).isoformat(),
            "to": setup.week.isoformat(),
        },
    )
    assert sorted(e["node"]["weekStart"] for e in ranged["weeklyReviews"]["edges"]) == [
        (setup.week - timedelta(weeks=1)).isoformat(),
        setup.week.isoformat(),
    ]
    company = await api.data(LIST, {"unit": setup.world.unit("acme"), "sub": True})
    assert company["weeklyReviews"]["totalCount"] == 4  # with Chengdu's
    only_acme = await api.data(LIST, {"unit": setup.world.unit("acme")})
    assert only_acme["weeklyReviews"]["totalCount"] == 0
    east = await api.data(
        LIST, {"unit": setup.world.unit("east"), "sub": True}, as_="director.east"
    )
    assert {e["node"]["unit"]["code"] for e in east["weeklyReviews"]["edges"]} == {"east.sh"}


async def test_weekly_reviews_coded_errors(api, setup):
    outside = await api(LIST, {"unit": setup.world.unit("west.cd")}, as_="manager")
    assert outside["errors"][0]["extensions"]["code"] == "UNIT_NOT_FOUND"
    backwards = await api(
        LIST, {"unit": setup.world.unit("east.sh"), "from": "2026-11-16", "to": "2026-11-09"}
    )
    assert backwards["errors"][0]["extensions"]["code"] == "INVALID_RANGE"
    assert backwards["errors"][0]["extensions"]["field"] == "to"
    too_many = await api(LIST, {"unit": setup.world.unit("east.sh"), "first": 10_000})
    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE"


async def take_part(api, setup: Setup, review: str) -> None:
    """An anomaly, a suggestion and a key customer on a review."""
    for name, input in [
        ("markReviewAnomaly", {"note": "异常", "targetId": setup.target("r1.week")}),
        (
            "suggestTargetAdjustment",
            {"targetId": setup.target("r2.week"), "proposedAmount": 1, "reason": "x"},
        ),
        ("confirmKeyCustomers", {"accounts": [{"accountId": setup.accounts["didi"]}]}),
    ]:
        result = await run(api, name, {"reviewId": review, **input})
        assert result["errors"] == [], result


async def test_listing_reviews_with_their_parts_is_constant(api, setup, engine):
    query = """query($unit: ID!) { weeklyReviews(unitId: $unit, includeSubtree: true) {
      edges { node { unit { code } createdBy { login } snapshot { targets { target { id } } }
      anomalies { note target { id } createdBy { login } }
      suggestions { status target { id } createdBy { login } }
      keyCustomers { account { name } confirmedBy { login } } } } } }"""
    counts = {}
    await take_part(api, setup, setup.review)
    for extra_weeks in (0, 3):
        for weeks_ago in range(1, extra_weeks + 1):
            review = await start(
                api, setup.world.unit("east.sh"), setup.week - timedelta(weeks=weeks_ago)
            )
            await take_part(api, setup, review["review"]["id"])
        with count_statements(engine) as counter:
            data = await api.data(query, {"unit": setup.world.unit("acme")})
        counts[len(data["weeklyReviews"]["edges"])] = counter.count
    assert set(counts) == {2, 5}
    assert counts[2] == counts[5], counts


# --- exports ----------------------------------------------------------------------------

EXPORT = "query($id: ID!, $f: ReviewExportFormat!) { weeklyReview(id: $id) { export(format: $f) } }"


async def test_exports_parse_back(api, setup):
    await run(
        api,
        "markReviewAnomaly",
        {
            "reviewId": setup.review,
            "note": '客户说："下周签", 待确认',
            "repId": setup.world.rep("r1"),
        },
        as_="manager",
    )
    await run(
        api,
        "confirmKeyCustomers",
        {"reviewId": setup.review, "accounts": [{"accountId": setup.accounts["didi"]}]},
        as_="manager",
    )
    as_json = await api.data(EXPORT, {"id": setup.review, "f": "JSON"}, as_="rep")
    document = json.loads(as_json["weeklyReview"]["export"])
    assert document["review"]["id"] == row_id(setup.review)
    assert document["review"]["unit_name"] == "Shanghai"
    assert document["review"]["created_by"] == "Manager"
    assert document["snapshot"]["week"]["start"] == setup.week.isoformat()
    assert [s["target_name"].split(" ")[:2] for s in document["suggestions"]] == [
        ["Rep", "r1"],
        ["Rep", "r2"],
    ]
    assert document["anomalies"][0]["rep_name"] == "Rep r1"
    assert document["key_customers"][0]["account_name"] == "滴滴出行华东"

    as_csv = await api.data(EXPORT, {"id": setup.review, "f": "CSV"})
    text = as_csv["weeklyReview"]["export"]
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"), newline="")))
    sections = {r["section"] for r in rows}
    assert {"review", "target", "alert", "funnel_stage", "suggestion", "anomaly"} <= sections
    assert {"suggested_key_customer", "key_customer", "alert_count"} <= sections
    targets = [r for r in rows if r["section"] == "target"]
    assert len(targets) == len(document["snapshot"]["targets"]) == 6
    r1 = next(r for r in targets if r["subject_name"] == "Rep r1" and r["period"].count("W"))
    assert (r1["amount"], r1["achieved"], r1["completion"]) == ("60000", "30000", "0.5")
    anomaly = next(r for r in rows if r["section"] == "anomaly")
    assert anomaly["note"] == '客户说："下周签", 待确认'
    key = next(r for r in rows if r["section"] == "key_customer")
    assert key["subject_name"] == "滴滴出行华东"
