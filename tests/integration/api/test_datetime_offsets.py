"""Every DateTime of every response carries its offset, on SQLite and on PostgreSQL.

The sweep reads the schema for every field of an object type whose type is DateTime
(nullable or not, in lists or not), seeds Acme with a row behind each of them, and sends
queries whose selections are built from the schema too: from a handful of entry points
down to every DateTime field reachable from there. Each DateTime string that comes back
must name its offset, and each field must have come back non-null at least once — a new
DateTime field the sweep does not reach fails the test until it is seeded or listed in
UNREACHABLE with the reason."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
)

from api.core.schema import sdl
from domain.alerts.models import Alert, AlertEvent, AlertTask, HealthDiagnosis, MentorPairing
from domain.capability import service as capability
from domain.notifications.models import Delivery, NotificationSubscription, OutboxEvent
from domain.targets.models import BusinessCoefficient
from tests.support.capability import EXAM_ALL_80, seed_deals, when
from tests.support.graphql import gid, run
from tests.support.pipeline import FULL, QUALIFIED, drive, log_follow_up, move, new_opportunity
from tests.support.practice import SCENARIO, override, respond, start
from tests.support.rep_replies import WEAK
from tests.support.targets import adjust, company_target
from tests.support.world import TODAY, World

SCHEMA: GraphQLSchema = build_schema(sdl())
OFFSET = re.compile(r"(Z|[+-]\d{2}:\d{2})$")
# Arguments of the fields the sweep can select only with them: (type, field) → arguments.
FIELD_ARGUMENTS = {
    ("CapabilityScore", "history"): "(limit: 50)",
    ("CapabilityProfile", "reviewPack"): "(limit: 50)",
}
DEPTH = 6  # object levels below an entry point
# DateTime fields the sweep does not reach, with the reason. Keep it short.
UNREACHABLE: dict[tuple[str, str], str] = {}
# A moment given with another offset than UTC: it must come back as the same instant.
EXPIRES = "2099-01-01T09:30:00+08:00"


@pytest.fixture
def app_settings() -> dict[str, Any]:
    # The generated selections are deep and wide; the limits are tested elsewhere.
    return {"max_query_depth": 30, "max_tokens": 100_000, "max_fields": 100_000, "max_cost": 10**7}


def datetime_fields(schema: GraphQLSchema) -> set[tuple[str, str]]:
    """(type, field) of every object type's field whose named type is DateTime."""
    return {
        (name, field_name)
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__")
        for field_name, field in type_.fields.items()
        if get_named_type(field.type).name == "DateTime"
    }


def _arguments(owner: str, name: str, field: GraphQLField) -> str | None:
    """The arguments to select the field with: '' if it needs none, None if unknown."""
    given = FIELD_ARGUMENTS.get((owner, name))
    if given is not None:
        return given
    needed = [
        arg
        for arg, definition in field.args.items()
        if isinstance(definition.type, GraphQLNonNull) and definition.default_value is None
    ]
    return None if needed else ""


def selection(type_: GraphQLNamedType, path: tuple[str, ...] = (), depth: int = DEPTH) -> str:
    """Every DateTime field under `type_` and the fields that lead to them ('' if none)."""
    parts: list[str] = []
    if isinstance(type_, GraphQLUnionType | GraphQLInterfaceType):
        for member in SCHEMA.get_possible_types(type_):
            inner = selection(member, path, depth)
            if inner:
                parts.append(f"... on {member.name} {inner}")
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
        for name, field in type_.fields.items():
            named = get_named_type(field.type)
            if named.name == "DateTime":
                parts.append(name)
                continue
            composite = isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
            if not (composite or isinstance(named, GraphQLUnionType)):
                continue
            if named.name in path or depth == 0:
                continue
            arguments = _arguments(type_.name, name, field)
            if arguments is None:
                continue
            inner = selection(named, (*path, named.name), depth - 1)
            if inner:
                parts.append(f"{name}{arguments} {inner}")
    if not parts:
        return ""
    return "{ __typename " + " ".join(parts) + " }"


def entry(field: str, arguments: str = "", variables: str = "") -> str:
    """A query of one root field with the selection of every DateTime below it."""
    definition = SCHEMA.query_type.fields[field]  # type: ignore[union-attr]
    named = get_named_type(definition.type)
    inner = selection(named, (named.name,))
    assert inner, f"{field} leads to no DateTime"
    return f"query{variables} {{ {field}{arguments} {inner} }}"


def collect(value: Any, found: dict[tuple[str, str], list[str]]) -> None:
    """Every DateTime value in a response, by (type, field), through `__typename`."""
    if isinstance(value, list):
        for item in value:
            collect(item, found)
        return
    if not isinstance(value, dict):
        return
    type_ = SCHEMA.get_type(value["__typename"]) if "__typename" in value else None
    for key, item in value.items():
        field = type_.fields.get(key) if isinstance(type_, GraphQLObjectType) else None
        if field is not None and get_named_type(field.type).name == "DateTime":
            if item is not None:
                found[(type_.name, key)].append(item)  # type: ignore[union-attr]
        else:
            collect(item, found)


# --- the seeded world ---------------------------------------------------------------------


async def seed(api, world: World, sessions) -> dict[str, Any]:
    """A row behind every DateTime field; the ids the entry points need."""
    ids: dict[str, Any] = {}
    # Tokens: one expiring (given in +08:00), one revoked.
    issued = await run(
        api,
        "issueToken",
        {"userId": world.user("admin"), "name": "expiring", "expiresAt": EXPIRES},
        "token { id }",
    )
    assert issued["errors"] == [], issued
    revoked = await run(
        api, "issueToken", {"userId": world.user("admin"), "name": "old"}, "token { id }"
    )
    assert (await run(api, "revokeToken", {"id": revoked["token"]["id"]}))["errors"] == []
    # Targets: a version, a gap tag, a comment.
    target = await company_target(api, world)
    ids["target"] = target["id"]
    assert (await adjust(api, target, 2_000_000_00))["errors"] == []
    tagged = await run(api, "tagGap", {"targetId": target["id"], "reasonCode": "price"})
    commented = await run(api, "commentOnTarget", {"targetId": target["id"], "body": "进度"})
    assert tagged["errors"] == [] and commented["errors"] == []
    # Pipeline: an opportunity moved along, with a follow-up given in +08:00.
    opportunity = await new_opportunity(api, world, qualification=QUALIFIED)
    opportunity = await drive(api, opportunity, "QUALIFIED")
    ids["opportunity"] = opportunity["id"]
    occurred = (datetime.now(UTC) - timedelta(hours=3)).astimezone().isoformat()
    logged = await log_follow_up(api, opportunity, occurredAt=occurred)
    assert logged["errors"] == [], logged
    # Capability: deals, a rating, an override, a milestone, finished practice.
    deals = await seed_deals(sessions, world)
    async with sessions() as session:  # an exam passed, as the practice service records it
        await capability.record_practice(
            session, world.reps["r1"], "exam", EXAM_ALL_80, "exam", True, when(TODAY)
        )
        await session.commit()
    as_of = {"asOf": TODAY.isoformat()}
    assert (await run(api, "refreshCapabilities", as_of))["errors"] == []
    awarded = await run(api, "evaluateMilestones", as_of, "summary { awarded } errors { code }")
    assert awarded["summary"]["awarded"] == 1, awarded
    rated = await run(
        api,
        "recordCustomerRating",
        {"opportunityId": gid("Opportunity", deals["r1_won"]), "rating": 5},
    )
    overridden = await run(
        api,
        "overrideCapabilityScore",
        {"repId": world.rep("r1"), "dimension": "closing", "score": 88, "reason": "Closed two"},
    )
    assert rated["errors"] == [] and overridden["errors"] == []
    # Practice: a weak session finished (the review pack), one overruled by a trainer.
    practice = (await start(api))["session"]
    assert (await respond(api, practice["id"], WEAK["en"]))["errors"] == []
    finished = await run(api, "finishPractice", {"session": practice["id"]}, as_="rep")
    assert finished["errors"] == [], finished
    ruled = await override(api, practice["id"], SCENARIO.criteria[1].checks[0].id)
    assert ruled["errors"] == [], ruled
    # Leads: one routed to a rep, one queued (nobody covers the region).
    for number, region in ((1, "sh"), (2, "nowhere")):
        lead = {
            "externalId": f"web-{number}",
            "source": "website",
            "segment": "government",
            "region": region,
            "estimatedValue": 1_000_000,
            "contact": {"name": "王先生", "phone": "+86 138 0000 0001"},
        }
        taken = await run(api, "intakeLead", lead, "lead { id }", as_="intake")
        assert taken["errors"] == [], taken
        ids.setdefault("leads", []).append(taken["lead"]["id"])
    # Weekly review: an anomaly, a rejected suggestion, a key customer.
    await _review(api, world, ids)
    # Alerts, tasks and a diagnosis, and notifications: rows as the jobs write them.
    async with sessions() as session:
        alert = Alert(
            rule="circuit_breaker",
            severity="red",
            subject_key=f"unit:{world.units['west.cd']}",
            unit_id=world.units["west.cd"],
            evidence={},
            raised_on=TODAY,
            condition_seen_on=TODAY,
        )
        session.add(alert)
        await session.flush()
        session.add_all(
            [
                AlertEvent(alert_id=alert.id, kind="raised", severity="red", day=TODAY),
                AlertTask(
                    alert_id=alert.id,
                    kind="root_cause_meeting",
                    unit_id=alert.unit_id,
                    due_on=TODAY,
                    completed_at=datetime(2026, 11, 20, 18, 0, tzinfo=UTC),
                    completed_by_user_id=world.users["admin"],
                    outcome="met",
                ),
                HealthDiagnosis(
                    unit_id=alert.unit_id,
                    alert_id=alert.id,
                    week_start=TODAY - timedelta(days=TODAY.weekday()),
                    findings={},
                ),
            ]
        )
        subscription = NotificationSubscription(
            unit_id=world.units["east.sh"],
            min_severity="yellow",
            channel="webhook",
            destination="https://hooks.example.com/pacer",
            created_by_user_id=world.users["admin"],
        )
        events = [
            OutboxEvent(kind="alert.raised", unit_id=world.units["east.sh"], payload={})
            for _ in range(2)
        ]
        session.add_all([subscription, *events])
        await session.flush()
        delivered = Delivery(
            event_id=events[0].id,
            subscription_id=subscription.id,
            idempotency_key="k1",
            status="delivered",
            attempts=1,
            delivered_at=datetime(2026, 11, 20, 18, 5, tzinfo=UTC),
        )
        dead = Delivery(
            event_id=events[1].id,
            subscription_id=subscription.id,
            idempotency_key="k2",
            status="dead",
            attempts=8,
        )
        session.add_all([delivered, dead])
        # An orange KPI alert's senior pairing; a coefficient both confirmers signed.
        orange = Alert(
            rule="kpi_miss",
            severity="orange",
            subject_key=f"rep:{world.reps['r2']}",
            unit_id=world.units["east.sh"],
            rep_id=world.reps["r2"],
            evidence={},
            raised_on=TODAY,
            condition_seen_on=TODAY,
        )
        session.add(orange)
        await session.flush()
        moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
        session.add_all(
            [
                MentorPairing(
                    alert_id=orange.id,
                    unit_id=world.units["east.sh"],
                    rep_id=world.reps["r2"],
                    mentor_rep_id=world.reps["r1"],
                    outcome="paired",
                    week_start=TODAY - timedelta(days=TODAY.weekday()),
                    kpi="touches",
                    dimension="objection_handling",
                ),
                BusinessCoefficient(
                    name="春节前",
                    start_date=TODAY,
                    end_date=TODAY + timedelta(days=30),
                    multiplier=0.8,
                    segment="manufacturing",
                    director_confirmed_at=moment,
                    director_confirmed_by_id=world.users["admin"],
                    regional_confirmed_at=moment,
                    regional_confirmed_by_id=world.users["admin"],
                ),
            ]
        )
        await session.commit()
        ids["deliveries"] = [gid("Delivery", delivered.id), gid("Delivery", dead.id)]
    await _contract_and_forecast(api, world, ids)
    return ids


async def _contract_and_forecast(api, world: World, ids: dict[str, Any]) -> None:
    """A deal through its contract checklist, won and paid in full (the hand-over), put in
    a forecast category; a rep's forecast call for the month."""
    deal = await drive(api, await new_opportunity(api, world, qualification=FULL), "NEGOTIATION")
    won = await move(api, "winOpportunity", deal, signedAmount=900_00, signedOn=TODAY.isoformat())
    assert won["errors"] == [], won
    paid = await run(
        api,
        "recordPayment",
        {"opportunityId": deal["id"], "amount": 900_00, "receivedOn": TODAY.isoformat()},
    )
    categorised = await run(
        api, "setForecastCategory", {"opportunityId": ids["opportunity"], "category": "COMMIT"}
    )
    ids["month"] = TODAY.replace(day=1).isoformat()
    called = await run(
        api,
        "submitForecast",
        {"periodKind": "MONTH", "periodStart": ids["month"], "commit": 100_00, "bestCase": 200_00},
        as_="rep",
    )
    assert [paid["errors"], categorised["errors"], called["errors"]] == [[], [], []]


async def _review(api, world: World, ids: dict[str, Any]) -> None:
    week = date.today() - timedelta(days=date.today().weekday())
    for owner, amount in (("east.sh", 1000_00), ("r1", 600_00)):
        owner_id = world.unit(owner) if "." in owner else world.rep(owner)
        set_ = await run(
            api,
            "setTarget",
            {
                "metric": "REVENUE",
                "ownerId": owner_id,
                "periodKind": "WEEK",
                "periodStart": week.isoformat(),
                "amount": amount,
            },
            "target { id }",
        )
        assert set_["errors"] == [], set_
        ids[f"week.{owner}"] = set_["target"]["id"]
    started = await run(
        api,
        "startWeeklyReview",
        {"unitId": world.unit("east.sh"), "weekStart": week.isoformat()},
        "review { id }",
    )
    assert started["errors"] == [], started
    review = ids["review"] = started["review"]["id"]
    anomaly = await run(api, "markReviewAnomaly", {"reviewId": review, "note": "请假"})
    suggested = await run(
        api,
        "suggestTargetAdjustment",
        {
            "reviewId": review,
            "targetId": ids["week.r1"],
            "proposedAmount": 500_00,
            "reason": "客户预算推迟",
        },
        "suggestion { id }",
    )
    assert anomaly["errors"] == [] and suggested["errors"] == [], (anomaly, suggested)
    rejected = await run(
        api, "rejectTargetAdjustment", {"suggestionId": suggested["suggestion"]["id"]}
    )
    account = await run(
        api,
        "createAccount",
        {"name": "滴滴", "segment": "fleet", "ownerId": world.rep("r1"), "highValue": True},
        "account { id }",
    )
    confirmed = await run(
        api,
        "confirmKeyCustomers",
        {"reviewId": review, "accounts": [{"accountId": account["account"]["id"]}]},
    )
    assert rejected["errors"] == [] and confirmed["errors"] == [], (rejected, confirmed)


def entry_points(world: World, ids: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The queries of the sweep and their variables."""
    by_id = "($id: ID!)"
    return [
        (entry("me"), {}),
        (entry("targets", "(first: 100)"), {}),
        (entry("targetHistory", "(id: $id)", by_id), {"id": ids["target"]}),
        (entry("opportunities", "(first: 100, openOnly: false)"), {}),
        (entry("alerts", "(first: 100)"), {}),
        (entry("alertTasks", "(first: 100, openOnly: false, mineOnly: false)"), {}),
        (entry("healthDiagnoses", "(limit: 10)"), {}),
        (entry("notificationSubscriptions", "(first: 100)"), {}),
        (entry("deadLetters", "(first: 100)"), {}),
        (entry("practiceSessions", "(first: 100)"), {}),
        (entry("leads", "(first: 100)"), {}),
        *[
            (entry("node", "(id: $id)", by_id), {"id": node})
            for node in [*ids["leads"], *ids["deliveries"]]
        ],
        (entry("routingDecision", "(lead: $id)", by_id), {"id": ids["leads"][0]}),
        *[
            (entry("capabilityProfile", "(rep: $id)", by_id), {"id": world.rep(rep)})
            for rep in ("r1", "r2")
        ],
        (
            entry("weeklyReviews", "(unitId: $id, includeSubtree: true, first: 100)", by_id),
            {"id": world.unit("acme")},
        ),
        (entry("businessCoefficients"), {}),
        (
            entry("forecastCategoryHistory", "(opportunityId: $id)", by_id),
            {"id": ids["opportunity"]},
        ),
        (
            entry(
                "forecastRollup",
                f'(unitId: $id, periodKind: MONTH, periodStart: "{ids["month"]}")',
                by_id,
            ),
            {"id": world.unit("east.sh")},
        ),
    ]


async def test_every_datetime_in_every_response_carries_its_offset(api, world, sessions):
    ids = await seed(api, world, sessions)
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for query, variables in entry_points(world, ids):
        data = await api.data(query, variables)
        collect(data, found)
    everything = datetime_fields(SCHEMA)
    unreached = everything - set(found)
    assert unreached == set(UNREACHABLE), (
        f"DateTime fields the sweep did not reach: {sorted(unreached - set(UNREACHABLE))}; "
        f"listed as unreachable but reached: {sorted(set(UNREACHABLE) - unreached)}"
    )
    without = {
        f"{type_}.{field}": sorted(set(values) - {v for v in values if OFFSET.search(v)})[:2]
        for (type_, field), values in sorted(found.items())
        if not all(OFFSET.search(value) for value in values)
    }
    assert without == {}, f"DateTime values without an offset: {without}"
    # The instant given in +08:00 is the instant read back, in UTC.
    assert set(found[("ApiToken", "expiresAt")]) == {"2099-01-01T01:30:00+00:00"}
    assert datetime.fromisoformat("2099-01-01T01:30:00+00:00") == datetime.fromisoformat(EXPIRES)
    print(f"\nDateTime fields swept: {len(found)} of {len(everything)}")
