"""The number of SQL statements of a query does not grow with the rows it returns."""

from __future__ import annotations

from datetime import date

import pytest

from domain.org import service
from domain.org.models import OrgUnitKind, RepLevel
from tests.support.db import count_statements
from tests.support.world import BOOTSTRAP, TODAY

REPS_WITH_RELATIONS = """query($first: Int!) { reps(first: $first) { totalCount edges { node {
  externalId specialties { segment } territories unit { code parent { code } }
  manager { login scopeUnit { code } } } } } }"""


@pytest.fixture
def app_settings():
    return {"max_page_size": 500, "max_cost": 1_000_000}  # big pages cost more


async def add_reps(sessions, world, count: int) -> None:
    teams = [world.units[code] for code in ("east.sh", "east.hz", "west.cd")]
    async with sessions() as session:
        for number in range(count):
            await service.create_rep(
                session,
                BOOTSTRAP,
                external_id=f"bulk{number:03d}",
                today=TODAY,
                data=service.RepChanges(
                    name=f"Bulk {number}",
                    unit_id=teams[number % 3],
                    level=RepLevel.MID,
                    hire_date=date(2025, 1, 1),
                    specialties={"smb": 3, "government": 2},
                    territories=["north", "south"],
                ),
            )
        await session.commit()


async def test_listing_200_reps_with_unit_and_manager_is_constant(api, world, sessions, engine):
    await add_reps(sessions, world, 196)
    counts = {}
    for first in (5, 199, 200):
        with count_statements(engine) as counter:
            data = await api.data(REPS_WITH_RELATIONS, {"first": first})
        assert len(data["reps"]["edges"]) == first
        assert data["reps"]["totalCount"] == 200
        counts[first] = counter.count
    managers = {e["node"]["manager"]["login"] for e in data["reps"]["edges"]}
    assert managers == {"manager", "director.east", "director"}
    assert counts[5] == counts[199], counts
    assert counts[200] == counts[199] - 1, counts  # a first page holding every row: no count
    assert counts[199] <= 15, counts


async def test_org_tree_with_children_is_constant(api, world, engine, sessions):
    query = (
        "{ orgUnits { edges { node { code children { code manager { login } } "
        "parent { code } manager { login } } } } }"
    )
    with count_statements(engine) as small:
        before = await api.data(query)
    async with sessions() as session:
        for number in range(20):
            await service.create_org_unit(
                session,
                BOOTSTRAP,
                code=f"west.t{number}",
                name=f"T{number}",
                kind=OrgUnitKind.TEAM,
                parent_id=world.units["west"],
            )
        await session.commit()
    with count_statements(engine) as large:
        after = await api.data(query)
    assert len(after["orgUnits"]["edges"]) == len(before["orgUnits"]["edges"]) + 20
    assert small.count == large.count


REPS_SHOWN = "query($first: Int!) { reps(first: $first) { edges { node { externalId name } } } }"
REPS_COVERING = """query($first: Int!) { reps(first: $first) { edges { node {
  externalId specialties { segment proficiency } territories } } } }"""


async def test_specialties_and_territories_are_read_only_when_asked_for(
    api, world, sessions, engine
):
    await add_reps(sessions, world, 10)
    with count_statements(engine) as shown:
        await api.data(REPS_SHOWN, {"first": 50})
    with count_statements(engine) as covering:
        data = await api.data(REPS_COVERING, {"first": 50})
    assert covering.count == shown.count + 2, (shown.count, covering.count)
    bulk = [e["node"] for e in data["reps"]["edges"] if e["node"]["externalId"].startswith("bulk")]
    assert len(bulk) == 10
    for node in bulk:
        assert node["territories"] == ["north", "south"]
        assert node["specialties"] == [
            {"segment": "government", "proficiency": 2},
            {"segment": "smb", "proficiency": 3},
        ]
