"""The lead queue through GraphQL: re-running it stores a decision only when a lead's outcome
changes (and keeps the time each lead was last checked); a queued lead is seen only by the
managers of its region (and those above, and the root); the customer's contact details only
by those who may work the lead."""

from __future__ import annotations

from sqlalchemy import func, select, update

from domain.kernel.actor import Role
from domain.kernel.time import as_utc
from domain.leads.models import Lead, LeadStatus, RoutingDecision
from domain.org import access
from domain.org.models import Rep, RepStatus
from tests.support.db import count_statements
from tests.support.graphql import run
from tests.support.world import BOOTSTRAP

CONTACT = {"name": "王先生", "phone": "+86 138 0000 0001", "company": "上海某局"}
BATCH = "decisions { attempt reason queue rep { externalId } } errors { code }"
RERUNS = 5


def lead_input(external_id: str, region: str) -> dict:
    return {
        "externalId": external_id,
        "source": "website",
        "segment": "smb",
        "region": region,
        "contact": CONTACT,
    }


async def set_capacity(sessions, **capacities: int) -> None:
    async with sessions() as session:
        for external_id, capacity in capacities.items():
            await session.execute(
                update(Rep).where(Rep.external_id == external_id).values(capacity=capacity)
            )
        await session.commit()


async def set_status(sessions, external_id: str, status: RepStatus) -> None:
    async with sessions() as session:
        await session.execute(
            update(Rep).where(Rep.external_id == external_id).values(status=status.value)
        )
        await session.commit()


async def queue_leads(api, sessions, leads: dict[str, str]) -> None:
    """Leads (external id → region) posted while every rep who covers them is full."""
    await set_capacity(sessions, r1=0, r2=0, r3=0, r4=0)
    items = [lead_input(external_id, region) for external_id, region in leads.items()]
    done = await run(api, "intakeLeads", {"leads": items}, "errors { code }", as_="intake")
    assert done["errors"] == []
    async with sessions() as session:
        statuses = set(await session.scalars(select(Lead.status)))
    assert statuses == {LeadStatus.QUEUED.value}


async def decision_count(sessions) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(RoutingDecision))


async def check_times(sessions) -> dict[str, object]:
    async with sessions() as session:
        rows = await session.execute(
            select(Lead.external_id, Lead.queue_checked_at).where(
                Lead.status == LeadStatus.QUEUED.value
            )
        )
        return {external_id: as_utc(checked) for external_id, checked in rows}


async def route_queue(api, as_: str = "manager") -> list[dict]:
    batch = await run(api, "routeLeadsBatch", {}, BATCH, as_=as_)
    assert batch["errors"] == []
    return batch["decisions"]


SHANGHAI = {f"q-sh-{n}": "sh" for n in range(1, 5)}


async def test_re_runs_store_no_decision_until_the_outcome_changes(api, sessions):
    await queue_leads(api, sessions, SHANGHAI)
    assert await decision_count(sessions) == 4
    times = [await check_times(sessions)]
    assert all(times[0].values())  # queued at intake: checked then
    for _ in range(RERUNS):
        decisions = await route_queue(api)
        # Nothing changed: each lead keeps its intake decision, none is stored …
        assert [(d["attempt"], d["reason"]) for d in decisions] == [(1, "INTAKE")] * 4
        times.append(await check_times(sessions))
    assert await decision_count(sessions) == 4
    # … but every run moved each lead's last check time.
    for earlier, later in zip(times, times[1:], strict=False):
        assert later.keys() == earlier.keys() == SHANGHAI.keys()
        assert all(later[lead] > earlier[lead] for lead in later)
    query = "{ leads(status: QUEUED) { edges { node { externalId queueCheckedAt } } } }"
    seen = (await api.data(query, as_="manager"))["leads"]["edges"]
    assert {edge["node"]["externalId"] for edge in seen} == SHANGHAI.keys()
    assert all(edge["node"]["queueCheckedAt"] for edge in seen)

    # A slot frees up: the one lead that takes it gets a decision, the others wait as before.
    await set_capacity(sessions, r1=1)
    decisions = await route_queue(api)
    changed = [d for d in decisions if d["attempt"] == 2]
    assert [(d["reason"], d["rep"]["externalId"]) for d in changed] == [("BATCH", "r1")]
    assert await decision_count(sessions) == 5
    for _ in range(RERUNS):
        await route_queue(api)
    assert await decision_count(sessions) == 5

    # One Shanghai rep on leave changes nothing: the leads still wait for the other's room.
    await set_status(sessions, "r1", RepStatus.ON_LEAVE)
    await route_queue(api)
    assert await decision_count(sessions) == 5
    # Both on leave is another reason to wait: stored once per waiting lead, then not again.
    await set_status(sessions, "r2", RepStatus.ON_LEAVE)
    decisions = await route_queue(api, as_="admin")
    assert sorted(d["attempt"] for d in decisions) == [2, 2, 2]
    assert await decision_count(sessions) == 8
    await route_queue(api, as_="admin")
    assert await decision_count(sessions) == 8


async def add_login(sessions, world, login: str, roles, scope: str | None, rep: str | None):
    async with sessions() as session:
        user = await access.create_user(
            session,
            BOOTSTRAP,
            login=login,
            display_name=login,
            roles=roles,
            scope_unit_id=world.units[scope] if scope else None,
            rep_id=world.reps[rep] if rep else None,
        )
        _, secret = await access.issue_token(session, BOOTSTRAP, user_id=user.id, name="tests")
        await session.commit()
    world.tokens[login] = secret


REGIONS = {"q-sh": "sh", "q-cd": "cd", "q-bj": "beijing"}  # nobody covers Beijing
LEAD = "query($id: ID!) { node(id: $id) { ... on Lead { externalId contact } } }"
LIST = "{ leads(status: QUEUED) { totalCount edges { node { id externalId contact } } } }"


async def queued_seen(api, login: str) -> dict[str, dict]:
    data = (await api.data(LIST, as_=login))["leads"]
    assert data["totalCount"] == len(data["edges"])
    return {edge["node"]["externalId"]: edge["node"] for edge in data["edges"]}


async def test_a_queued_lead_is_seen_only_by_the_managers_of_its_region(api, sessions, world):
    await queue_leads(api, sessions, REGIONS)
    await add_login(sessions, world, "manager.cd", [Role.MANAGER], "west.cd", None)
    await add_login(sessions, world, "manager.hz", [Role.MANAGER], "east.hz", None)
    ids = {lead: node["id"] for lead, node in (await queued_seen(api, "admin")).items()}
    expected = {
        "admin": {"q-sh", "q-cd", "q-bj"},
        "intake": {"q-sh", "q-cd", "q-bj"},
        "director": {"q-sh", "q-cd", "q-bj"},  # the root unit: the whole queue
        "director.east": {"q-sh"},  # Shanghai and Hangzhou are East's
        "manager": {"q-sh"},
        "manager.hz": set(),
        "manager.cd": {"q-cd"},
        "rep": set(),
    }
    decision = "query($l: ID!) { routingDecision(lead: $l) { attempt } }"
    for login, visible in expected.items():
        assert (await queued_seen(api, login)).keys() == visible, login
        for lead, lead_id in ids.items():
            node = (await api.data(LEAD, {"id": lead_id}, as_=login))["node"]
            assert (node is not None) == (lead in visible), (login, lead)
            answer = await api(decision, {"l": lead_id}, as_=login)
            if lead in visible:
                assert answer["data"]["routingDecision"] == {"attempt": 1}
            else:
                assert answer["errors"][0]["extensions"]["code"] == "LEAD_NOT_FOUND"
    # A manager re-runs the queue of their regions only.
    decisions = await route_queue(api, as_="manager.cd")
    assert len(decisions) == 1 and await decision_count(sessions) == 3
    # Once its only rep has left, Chengdu is nobody's region but the root's.
    await set_status(sessions, "r4", RepStatus.INACTIVE)
    assert (await queued_seen(api, "manager.cd")).keys() == set()
    assert (await api.data(LEAD, {"id": ids["q-cd"]}, as_="manager.cd"))["node"] is None
    assert "q-cd" in await queued_seen(api, "director")


async def test_contact_details_only_for_those_who_may_work_the_lead(api, sessions, world, engine):
    await queue_leads(api, sessions, REGIONS)
    # Queued: the managers of the region see the lead, nobody but an admin its customer.
    for login in ("manager", "director.east", "director", "intake"):
        seen = await queued_seen(api, login)
        assert seen["q-sh"]["contact"] is None, login
    assert (await queued_seen(api, "admin"))["q-sh"]["contact"] == CONTACT
    sh_id = (await queued_seen(api, "admin"))["q-sh"]["id"]
    assert (await api.data(LEAD, {"id": sh_id}, as_="manager"))["node"] == {
        "externalId": "q-sh",
        "contact": None,
    }
    # Assigned to r1: the owner and the managers above the owner's unit may work it.
    await set_capacity(sessions, r1=1)
    decisions = await route_queue(api)
    assert [d["rep"]["externalId"] for d in decisions if d["rep"]] == ["r1"]
    for login in ("rep", "manager", "director.east", "director", "admin"):
        node = (await api.data(LEAD, {"id": sh_id}, as_=login))["node"]
        assert node["contact"] == CONTACT, login
    assert (await api.data(LEAD, {"id": sh_id}, as_="intake"))["node"]["contact"] is None
    await add_login(sessions, world, "manager.hz", [Role.MANAGER], "east.hz", None)
    assert (await api.data(LEAD, {"id": sh_id}, as_="manager.hz"))["node"] is None
    # A co-owner sees the lead and may work it.
    await add_login(sessions, world, "rep.r3", [Role.REP], None, "r3")
    assert (await api.data(LEAD, {"id": sh_id}, as_="rep.r3"))["node"] is None
    async with sessions() as session:
        await session.execute(
            update(Lead).where(Lead.external_id == "q-sh").values(co_owner_rep_id=world.reps["r3"])
        )
        await session.commit()
    node = (await api.data(LEAD, {"id": sh_id}, as_="rep.r3"))["node"]
    assert node == {"externalId": "q-sh", "contact": CONTACT}
    # The contact of any number of leads costs one statement.
    page = "query($n: Int!) { leads(first: $n) { totalCount edges { node { contact } } } }"
    total = (await api.data(page, {"n": 1}, as_="admin"))["leads"]["totalCount"]
    assert total >= 3
    counts = []
    for first in (1, total - 1):  # neither page holds every lead: both count them
        with count_statements(engine) as counter:
            await api.data(page, {"n": first}, as_="admin")
        counts.append(counter.count)
    assert counts[0] == counts[1]
