"""Notification subscriptions and dead letters in GraphQL: every mutation's success and each
of its error codes, scope, and secrets that never come back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from api.graphql.notifications import inputs as notifications
from domain.notifications.models import Delivery, NotificationSubscription, OutboxEvent
from tests.support.db import count_statements
from tests.support.graphql import gid, run
from tests.support.world import World

MUTATIONS = {
    "createNotificationSubscription": notifications.CreateNotificationSubscription,
    "deactivateNotificationSubscription": notifications.DeactivateNotificationSubscription,
    "retryDelivery": notifications.RetryDelivery,
}
SUB = "NotificationSubscription"
HOOK = "https://hooks.example.com/pacer"
SECRET = "a-webhook-secret-of-some-length"
SELECTION = (
    "subscription { id channel destination hasSecret minSeverity language active "
    "unit { code } createdBy { login } }"
)


@dataclass
class Rows:
    """Ids of the rows the `rows` fixture writes."""

    active: int = 0  # a webhook subscription of east.sh
    inactive: int = 0  # a DingTalk subscription of east, deactivated
    pending: int = 0  # a delivery of `active`, not yet sent
    dead: int = 0  # a dead letter of `active`
    dead_inactive: int = 0  # a dead letter of `inactive`


@pytest.fixture
async def rows(sessions, world) -> Rows:
    ids = Rows()
    async with sessions() as session:
        active = NotificationSubscription(
            unit_id=world.units["east.sh"],
            min_severity="yellow",
            channel="webhook",
            destination=HOOK,
            secret=SECRET,
            created_by_user_id=world.users["admin"],
        )
        inactive = NotificationSubscription(
            unit_id=world.units["east"],
            min_severity="red",
            channel="dingtalk",
            destination="https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef",
            active=False,
            created_by_user_id=world.users["admin"],
        )
        events = [
            OutboxEvent(kind="alert.raised", unit_id=world.units["east.sh"], payload={})
            for _ in range(3)
        ]
        session.add_all([active, inactive, *events])
        await session.flush()
        pending = Delivery(event_id=events[0].id, subscription_id=active.id, idempotency_key="k1")
        dead = Delivery(
            event_id=events[1].id,
            subscription_id=active.id,
            idempotency_key="k2",
            status="dead",
            attempts=8,
            last_error="HTTP 500: boom",
        )
        dead_inactive = Delivery(
            event_id=events[2].id,
            subscription_id=inactive.id,
            idempotency_key="k3",
            status="dead",
            attempts=8,
        )
        session.add_all([pending, dead, dead_inactive])
        await session.commit()
        ids.active, ids.inactive = active.id, inactive.id
        ids.pending, ids.dead, ids.dead_inactive = pending.id, dead.id, dead_inactive.id
    return ids


def new_subscription(world: World, **overrides) -> dict[str, Any]:
    return {
        "unitId": world.unit("east.sh"),
        "channel": "WEBHOOK",
        "destination": HOOK,
        "secret": SECRET,
        **overrides,
    }


@dataclass
class Case:
    mutation: str
    code: str
    field: str | None
    input: Callable[[World, Rows], dict[str, Any]]
    as_: str = "admin"

    def __str__(self) -> str:
        return f"{self.mutation}-{self.code}"


CREATE = "createNotificationSubscription"
DEACTIVATE = "deactivateNotificationSubscription"
RETRY = "retryDelivery"
CASES = [
    Case(CREATE, "INVALID_ID", "unitId", lambda w, r: new_subscription(w, unitId=w.rep("r1"))),
    Case(
        CREATE,
        "UNIT_NOT_FOUND",
        "unitId",
        lambda w, r: new_subscription(w, unitId=gid("OrgUnit", 999)),
    ),
    Case(
        CREATE,
        "INVALID_URL",
        "destination",
        lambda w, r: new_subscription(w, destination="ftp://hooks.example.com/x"),
    ),
    Case(
        CREATE,
        "PRIVATE_ADDRESS",
        "destination",
        lambda w, r: new_subscription(w, destination="http://169.254.169.254/latest"),
    ),
    Case(
        CREATE,
        "INVALID_EMAIL",
        "destination",
        lambda w, r: new_subscription(w, channel="EMAIL", destination="boss-at-example.com"),
    ),
    Case(CREATE, "SECRET_REQUIRED", "secret", lambda w, r: new_subscription(w, secret=None)),
    Case(CREATE, "SECRET_TOO_SHORT", "secret", lambda w, r: new_subscription(w, secret="short")),
    Case(
        CREATE,
        "TOO_LONG",
        "secret",
        lambda w, r: new_subscription(
            w, channel="DINGTALK", destination="https://oapi.dingtalk.com/x", secret="s" * 201
        ),
    ),
    Case(DEACTIVATE, "INVALID_ID", "id", lambda w, r: {"id": w.unit("east")}),
    Case(DEACTIVATE, "SUBSCRIPTION_NOT_FOUND", "id", lambda w, r: {"id": gid(SUB, 999)}),
    Case(DEACTIVATE, "ALREADY_INACTIVE", "id", lambda w, r: {"id": gid(SUB, r.inactive)}),
    Case(RETRY, "INVALID_ID", "id", lambda w, r: {"id": gid(SUB, r.active)}),
    Case(RETRY, "DELIVERY_NOT_FOUND", "id", lambda w, r: {"id": gid("Delivery", 999)}),
    Case(RETRY, "NOT_DEAD", "id", lambda w, r: {"id": gid("Delivery", r.pending)}),
    Case(
        RETRY,
        "SUBSCRIPTION_INACTIVE",
        "id",
        lambda w, r: {"id": gid("Delivery", r.dead_inactive)},
    ),
]


def test_every_error_code_has_a_case():
    covered = {(case.mutation, case.code) for case in CASES}
    declared = {(name, code.name) for name, types in MUTATIONS.items() for code in types.code}
    assert declared == covered


async def snapshot(sessions) -> dict[str, Any]:
    async with sessions() as session:
        return {
            "subscriptions": sorted(
                (
                    await session.execute(
                        select(NotificationSubscription.id, NotificationSubscription.active)
                    )
                ).all()
            ),
            "deliveries": sorted(
                (
                    await session.execute(select(Delivery.id, Delivery.status, Delivery.attempts))
                ).all()
            ),
        }


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_error_code(api, world, sessions, rows, case):
    before = await snapshot(sessions)
    result = await run(api, case.mutation, case.input(world, rows), as_=case.as_)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(case.code, case.field)]
    assert result["errors"][0]["message"]
    assert await snapshot(sessions) == before


async def test_error_messages_are_bilingual(api, world):
    input = new_subscription(world, secret=None)
    zh = await run(api, CREATE, input)
    en = await run(api, CREATE, input, headers={"Accept-Language": "en"})
    assert zh["errors"][0]["message"] == "通用 Webhook 必须设置签名密钥"
    assert en["errors"][0]["message"] == "A generic webhook needs a signing secret"


async def test_create_a_signed_webhook_subscription(api, world, sessions):
    result = await run(api, CREATE, new_subscription(world, minSeverity="ORANGE"), SELECTION)
    assert result["errors"] == []
    created = result["subscription"]
    assert created.pop("id")
    assert created == {
        "channel": "WEBHOOK",
        "destination": HOOK,
        "hasSecret": True,
        "minSeverity": "ORANGE",
        "language": "ZH",
        "active": True,
        "unit": {"code": "east.sh"},
        "createdBy": {"login": "admin"},
    }
    async with sessions() as session:
        stored = await session.scalar(select(NotificationSubscription))
    assert stored.secret == SECRET and stored.min_severity == "orange"


async def test_a_manager_subscribes_own_units_only(api, world):
    robot = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"
    mine = await run(
        api,
        CREATE,
        {
            "unitId": world.unit("east.sh"),
            "channel": "DINGTALK",
            "destination": robot,
            "language": "EN",
        },
        SELECTION,
        as_="manager",
    )
    assert mine["errors"] == []
    assert mine["subscription"]["destination"].endswith("access_token=****cdef")
    assert mine["subscription"]["hasSecret"] is False
    assert mine["subscription"]["language"] == "EN"
    theirs = await run(
        api,
        CREATE,
        {"unitId": world.unit("west"), "channel": "EMAIL", "destination": "w@example.com"},
        as_="manager",
    )
    assert [e["code"] for e in theirs["errors"]] == ["UNIT_NOT_FOUND"]


async def test_create_an_email_subscription(api, world):
    result = await run(
        api,
        CREATE,
        {
            "unitId": world.unit("east"),
            "channel": "EMAIL",
            "destination": " boss@example.com ",
            "secret": "ignored for e-mail",
        },
        SELECTION,
        as_="director.east",
    )
    assert result["errors"] == []
    assert result["subscription"]["destination"] == "boss@example.com"
    assert result["subscription"]["hasSecret"] is False


async def test_deactivate_subscription(api, world, rows):
    result = await run(
        api,
        DEACTIVATE,
        {"id": gid(SUB, rows.active)},
        "subscription { active }",
        as_="manager",
    )
    assert result == {"subscription": {"active": False}, "errors": []}


async def test_deactivate_outside_scope_is_not_found(api, world, rows):
    result = await run(api, DEACTIVATE, {"id": gid(SUB, rows.active)}, as_="director.east")
    assert result["errors"] == []  # east.sh lies in East
    other = await run(api, DEACTIVATE, {"id": gid(SUB, rows.inactive)}, as_="manager")
    assert [e["code"] for e in other["errors"]] == ["SUBSCRIPTION_NOT_FOUND"]


async def test_retry_delivery_brings_a_dead_letter_back(api, world, rows, sessions):
    result = await run(
        api,
        RETRY,
        {"id": gid("Delivery", rows.dead)},
        "delivery { status attempts idempotencyKey lastError }",
    )
    assert result == {
        "delivery": {
            "status": "PENDING",
            "attempts": 0,
            "idempotencyKey": "k2",
            "lastError": "HTTP 500: boom",
        },
        "errors": [],
    }
    async with sessions() as session:
        row = await session.get(Delivery, rows.dead)
    assert row.status == "pending" and row.locked_until is None


SUBSCRIPTIONS = (
    "query($active: Boolean) { notificationSubscriptions(active: $active) { totalCount "
    "edges { node { id destination channelLabel unit { code } } } } }"
)


async def test_subscriptions_are_listed_in_scope(api, world, rows):
    everything = await api.data(SUBSCRIPTIONS)
    assert everything["notificationSubscriptions"]["totalCount"] == 2
    only_active = await api.data(SUBSCRIPTIONS, {"active": True})
    assert only_active["notificationSubscriptions"]["totalCount"] == 1
    mine = await api.data(SUBSCRIPTIONS, as_="manager", headers={"Accept-Language": "en"})
    nodes = [edge["node"] for edge in mine["notificationSubscriptions"]["edges"]]
    assert [(n["unit"]["code"], n["channelLabel"]) for n in nodes] == [("east.sh", "JSON webhook")]
    east = await api.data(SUBSCRIPTIONS, as_="director.east")
    assert east["notificationSubscriptions"]["totalCount"] == 2
    found = await api.data(
        "query($id: ID!) { node(id: $id) { ... on NotificationSubscription { unit { code } } } }",
        {"id": gid(SUB, rows.inactive)},
        as_="manager",
    )
    assert found["node"] is None  # East lies outside the Shanghai manager's scope


async def test_the_secret_is_never_in_the_schema(api, world):
    data = await api.data(
        '{ __type(name: "NotificationSubscription") { fields { name } } }', as_=None
    )
    names = {field["name"] for field in data["__type"]["fields"]}
    assert "secret" not in names and "hasSecret" in names


DEAD_LETTERS = (
    "{ deadLetters { totalCount edges { node { id eventKind eventLabel channel destination "
    "attempts lastError status subscriptionId unit { code } } } } }"
)


async def test_dead_letters_for_admins(api, world, rows):
    data = await api.data(DEAD_LETTERS, headers={"Accept-Language": "en"})
    nodes = [edge["node"] for edge in data["deadLetters"]["edges"]]
    assert data["deadLetters"]["totalCount"] == 2
    assert [node["id"] for node in nodes] == [
        gid("Delivery", rows.dead),
        gid("Delivery", rows.dead_inactive),
    ]
    first = nodes[0]
    assert first["eventKind"] == "alert.raised" and first["eventLabel"] == "Alert raised"
    assert (first["channel"], first["destination"]) == ("WEBHOOK", HOOK)
    assert (first["attempts"], first["lastError"], first["status"]) == (8, "HTTP 500: boom", "DEAD")
    assert first["subscriptionId"] == gid(SUB, rows.active)
    assert first["unit"] == {"code": "east.sh"}
    assert nodes[1]["destination"].endswith("access_token=****cdef")


async def test_dead_letters_count_their_rows(api, world, rows, sessions):
    before = await api.data("{ deadLetters(first: 1) { totalCount pageInfo { hasNextPage } } }")
    assert before["deadLetters"] == {"totalCount": 2, "pageInfo": {"hasNextPage": True}}
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 3


async def test_lists_use_a_constant_number_of_statements(api, world, rows, sessions, engine):
    async with sessions() as session:
        for number in range(6):
            subscription = NotificationSubscription(
                unit_id=world.units["west.cd" if number % 2 else "east.hz"],
                min_severity="yellow",
                channel="email",
                destination=f"lead{number}@example.com",
                created_by_user_id=world.users["director"],
            )
            event = OutboxEvent(kind="task.created", unit_id=world.units["west.cd"], payload={})
            session.add_all([subscription, event])
            await session.flush()
            session.add(
                Delivery(
                    event_id=event.id,
                    subscription_id=subscription.id,
                    idempotency_key=f"bulk{number}",
                    status="dead",
                )
            )
        await session.commit()
    queries = {
        "notificationSubscriptions": "query($n: Int) { notificationSubscriptions(first: $n) { "
        "edges { node { destination unit { code } createdBy { login } } } } }",
        "deadLetters": "query($n: Int) { deadLetters(first: $n) { "
        "edges { node { eventKind destination unit { code } } } } }",
    }
    for name, query in queries.items():
        counts = {}
        for first in (1, 7):  # neither page holds every row: both count them
            with count_statements(engine) as counter:
                data = await api.data(query, {"n": first})
            assert len(data[name]["edges"]) == first
            counts[first] = counter.count
        assert counts[1] == counts[7], (name, counts)
