"""Org queries: scope filtering, Relay nodes and connections, filters, pagination."""

from __future__ import annotations

import pytest

from domain.kernel.actor import Actor, Role
from domain.org.models import OrgUnit
from domain.org.queries import _REPS_BY_IDS as reps_statement
from domain.org.queries import rep_with_unit, reps_by_ids
from tests.support.graphql import gid

REP_NAMES = (
    "query($unit: ID, $level: RepLevel, $specialty: String, $active: Boolean) {"
    " reps(unitId: $unit, level: $level, specialty: $specialty, active: $active) {"
    " totalCount edges { node { externalId } } } }"
)


def external_ids(data) -> list[str]:
    return [edge["node"]["externalId"] for edge in data["reps"]["edges"]]


async def test_me_describes_the_caller(api, world):
    data = await api.data(
        "{ me { login roles scopeUnit { code } rep { externalId } } }", as_="manager"
    )
    assert data["me"] == {
        "login": "manager",
        "roles": ["MANAGER"],
        "scopeUnit": {"code": "east.sh"},
        "rep": None,
    }
    data = await api.data("{ me { login roles rep { externalId } } }", as_="rep")
    assert data["me"]["rep"] == {"externalId": "r1"}


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("admin", ["r1", "r2", "r3", "r4"]),
        ("director", ["r1", "r2", "r3", "r4"]),
        ("director.east", ["r1", "r2", "r3"]),
        ("manager", ["r1", "r2"]),
        ("rep", ["r1"]),
    ],
)
async def test_reps_are_filtered_by_scope(api, world, login, expected):
    data = await api.data(REP_NAMES, as_=login)
    assert external_ids(data) == expected
    assert data["reps"]["totalCount"] == len(expected)


async def test_node_outside_scope_is_null_not_an_error(api, world):
    query = "query($id: ID!) { node(id: $id) { id ... on Rep { externalId } } }"
    inside = await api.data(query, {"id": world.rep("r1")}, as_="manager")
    assert inside["node"]["externalId"] == "r1"
    outside = await api.data(query, {"id": world.rep("r4")}, as_="manager")
    assert outside["node"] is None
    for query_name, type_name, key in (
        ("rep", "Rep", world.reps["r4"]),
        ("orgUnit", "OrgUnit", world.units["west"]),
    ):
        body = await api.data(
            f"query($id: ID!) {{ {query_name}(id: $id) {{ id }} }}",
            {"id": gid(type_name, key)},
            as_="manager",
        )
        assert body[query_name] is None


async def test_node_resolves_every_type(api, world):
    query = """query($u: ID!, $r: ID!, $l: ID!) {
      u: node(id: $u) { __typename ... on OrgUnit { code } }
      r: node(id: $r) { __typename ... on Rep { externalId } }
      l: node(id: $l) { __typename ... on User { login } }
    }"""
    data = await api.data(
        query, {"u": world.unit("east"), "r": world.rep("r2"), "l": world.user("manager")}
    )
    assert data == {
        "u": {"__typename": "OrgUnit", "code": "east"},
        "r": {"__typename": "Rep", "externalId": "r2"},
        "l": {"__typename": "User", "login": "manager"},
    }


async def test_rep_filters(api, world):
    by_unit = await api.data(REP_NAMES, {"unit": world.unit("east")})
    assert external_ids(by_unit) == ["r1", "r2", "r3"]
    by_level = await api.data(REP_NAMES, {"level": "SENIOR"})
    assert external_ids(by_level) == ["r2", "r4"]
    by_specialty = await api.data(REP_NAMES, {"specialty": "government"})
    assert external_ids(by_specialty) == ["r1", "r3"]
    update = """mutation($id: ID!) { updateRep(input: {id: $id, status: ON_LEAVE}) {
      errors { code } } }"""
    assert (await api.data(update, {"id": world.rep("r3")}))["updateRep"]["errors"] == []
    active = await api.data(REP_NAMES, {"active": True})
    assert external_ids(active) == ["r1", "r2", "r4"]
    inactive = await api.data(REP_NAMES, {"active": False})
    assert external_ids(inactive) == ["r3"]


async def test_rep_relations_unit_and_nearest_manager(api, world):
    query = "{ reps { edges { node { externalId unit { code } manager { login } } } } }"
    edges = (await api.data(query))["reps"]["edges"]
    managers = {
        e["node"]["externalId"]: (
            e["node"]["unit"]["code"],
            (e["node"]["manager"] or {}).get("login"),
        )
        for e in edges
    }
    # Shanghai has its own manager; Hangzhou falls back to the East director; Chengdu to
    # the company director.
    assert managers == {
        "r1": ("east.sh", "manager"),
        "r2": ("east.sh", "manager"),
        "r3": ("east.hz", "director.east"),
        "r4": ("west.cd", "director"),
    }


async def test_org_units_tree_and_scope(api, world):
    query = (
        "query($root: ID) { orgUnits(rootId: $root) { totalCount edges { node { code"
        " depth parent { code } children { code } } } } }"
    )
    everything = await api.data(query)
    assert everything["orgUnits"]["totalCount"] == 6
    east = await api.data(query, {"root": world.unit("east")})
    nodes = {e["node"]["code"]: e["node"] for e in east["orgUnits"]["edges"]}
    assert set(nodes) == {"east", "east.sh", "east.hz"}
    assert [c["code"] for c in nodes["east"]["children"]] == ["east.hz", "east.sh"]
    assert nodes["east.sh"]["depth"] == 2
    mine = await api.data(query, as_="director.east")
    codes = {e["node"]["code"]: e["node"] for e in mine["orgUnits"]["edges"]}
    assert set(codes) == {"east", "east.sh", "east.hz"}
    assert codes["east"]["parent"] is None  # the company is outside this director's scope
    rep_view = await api.data(query, as_="rep")
    assert [e["node"]["code"] for e in rep_view["orgUnits"]["edges"]] == ["east.sh"]


async def test_kind_filter(api, world):
    data = await api.data("{ orgUnits(kind: TEAM) { edges { node { code } } } }")
    assert [e["node"]["code"] for e in data["orgUnits"]["edges"]] == [
        "east.sh",
        "east.hz",
        "west.cd",
    ]


async def test_cursor_pagination_walks_every_row_once(api, world):
    query = (
        "query($after: String) { reps(first: 3, after: $after) { totalCount"
        " edges { cursor node { externalId } } pageInfo { hasNextPage hasPreviousPage"
        " endCursor } } }"
    )
    first = (await api.data(query))["reps"]
    assert [e["node"]["externalId"] for e in first["edges"]] == ["r1", "r2", "r3"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    second = (await api.data(query, {"after": first["pageInfo"]["endCursor"]}))["reps"]
    assert [e["node"]["externalId"] for e in second["edges"]] == ["r4"]
    assert second["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": second["edges"][-1]["cursor"],
    }
    assert second["totalCount"] == 4


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5])
async def test_total_count_is_every_row_whatever_the_page(api, world, size):
    """The total is counted, or known from a first page that holds every row: the same."""
    query = (
        "query($first: Int, $after: String) { reps(first: $first, after: $after) { totalCount"
        " edges { cursor } } }"
    )
    after, totals = None, []
    for _ in range(6):
        page = (await api.data(query, {"first": size, "after": after}))["reps"]
        totals.append(page["totalCount"])
        if not page["edges"]:
            break
        after = page["edges"][-1]["cursor"]
    assert set(totals) == {4}


async def test_enum_labels_in_both_languages(api, world):
    query = '{ enumLabels(name: "RepLevel") { value zh en label } }'
    zh = await api.data(query)
    assert zh["enumLabels"][0] == {"value": "JUNIOR", "zh": "初级", "en": "Junior", "label": "初级"}
    en = await api.data(query, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert [row["label"] for row in en["enumLabels"]] == ["Junior", "Mid-level", "Senior"]
    assert (await api.data('{ enumLabels(name: "Nope") { value } }'))["enumLabels"] == []


async def test_a_rep_with_its_unit_each_only_in_scope(sessions, world):
    r1 = world.reps["r1"]
    as_rep = Actor(1, frozenset({Role.REP.value}), rep_id=r1, rep_unit_id=world.units["east.sh"])
    async with sessions() as session:
        hangzhou = await session.get(OrgUnit, world.units["east.hz"])
        # Managing Hangzhou and selling as r1, with r1's unit (Shanghai) not in its scope: its
        # own rep, not the unit.
        roles = frozenset({Role.MANAGER.value, Role.REP.value})
        elsewhere = Actor(2, roles, scope_path=hangzhou.path, rep_id=r1)
        rep, unit = await rep_with_unit(session, as_rep, r1)
        assert (rep.external_id, unit.code) == ("r1", "east.sh")
        rep, unit = await rep_with_unit(session, elsewhere, r1)
        assert (rep.external_id, unit) == ("r1", None)
        assert await rep_with_unit(session, elsewhere, world.reps["r2"]) == (None, None)


async def test_rows_by_id_keep_one_statement_per_caller_and_each_callers_scope(sessions, world):
    """`reps_by_ids` runs a statement built once per caller with the ids as a parameter: the
    same ids give each caller the reps in their own scope, nothing for no ids."""
    ids = list(world.reps.values())
    async with sessions() as session:
        shanghai = (await session.get(OrgUnit, world.units["east.sh"])).path
        manager = Actor(3, frozenset({Role.MANAGER.value}), scope_path=shanghai)
        admin = Actor(4, frozenset({Role.ADMIN.value}))
        found = {
            who: sorted(
                rep.external_id for rep in (await reps_by_ids(session, actor, ids)).values()
            )
            for who, actor in (("manager", manager), ("admin", admin))
        }
        assert found == {"manager": ["r1", "r2"], "admin": ["r1", "r2", "r3", "r4"]}
        assert await reps_by_ids(session, manager, []) == {}
        kept = reps_statement(Actor(3, frozenset({Role.MANAGER.value}), scope_path=shanghai))
        assert kept is reps_statement(manager) and kept is not reps_statement(admin)
