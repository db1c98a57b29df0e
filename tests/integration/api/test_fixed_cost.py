"""What every request costs before its own work: authentication in one statement, `me` from
what authentication read (its rep and unit in one statement more), and a document seen before
neither parsed nor validated again."""

from __future__ import annotations

import graphql
import pytest

from api.core.loaders import Loaders
from tests.support.db import count_statements
from tests.support.graphql import run
from tests.support.pipeline import new_opportunity
from tests.support.targets import NEXT_YEAR, company_target

ME = "{ me { login roles scopeUnit { code } rep { externalId } } }"


@pytest.mark.parametrize("login", ["admin", "manager", "rep"])
async def test_authentication_and_me_cost_one_statement_together(api, engine, login):
    await api.data("{ me { login roles } }", as_=login)  # warm: the document is known
    with count_statements(engine) as counter:
        data = await api.data("{ me { login roles } }", as_=login)
    assert data["me"]["login"] == login
    assert counter.count == 1, counter


async def test_me_reads_the_actors_scope_and_rep_as_before(api, world):
    manager = (await api.data(ME, as_="manager"))["me"]
    assert manager["roles"] == ["MANAGER"]
    assert manager["scopeUnit"]["code"] == "east.sh"
    rep = (await api.data(ME, as_="rep"))["me"]
    assert rep["rep"]["externalId"] == "r1"


async def test_a_known_document_is_not_parsed_or_validated_again(api, monkeypatch):
    query = "{ orgUnits(first: 3) { edges { node { code } } } }"
    await api.data(query)
    calls = {"parse": 0, "validate": 0}
    real_parse, real_validate = graphql.parse, graphql.validate

    def counting_parse(*args, **kwargs):
        calls["parse"] += 1
        return real_parse(*args, **kwargs)

    def counting_validate(*args, **kwargs):
        calls["validate"] += 1
        return real_validate(*args, **kwargs)

    monkeypatch.setattr("strawberry.schema.schema.parse", counting_parse)
    monkeypatch.setattr("strawberry.schema.schema.validate", counting_validate)
    for _ in range(3):
        assert len((await api.data(query))["orgUnits"]["edges"]) == 3
    assert calls == {"parse": 0, "validate": 0}
    await api.data(query.replace("3", "2"))  # a new text is parsed and validated once
    assert calls == {"parse": 1, "validate": 1}


async def test_an_invalid_document_is_refused_every_time(api):
    for _ in range(2):
        body = await api("{ orgUnits { nope } }")
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_known_document_is_still_costed_with_its_variables(api):
    page = "opportunities(first: $n) { edges { node { owner { unit { id } } account { id } } } }"
    query = "query($n: Int) { " + " ".join(f"a{i}: {page}" for i in range(5)) + " }"
    assert "errors" not in await api(query, {"n": 5})
    body = await api(query, {"n": 100})  # 5 × (2 + 100 × 5): over the default 2,000
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


OPPORTUNITIES = """query { opportunities(first: 50) { edges { node { title ...Parties } } } }
fragment Parties on Opportunity { owner { name } account { name } }"""


def count_related_answers(monkeypatch) -> dict[str, int]:
    """How `Loaders.related` answers from now on: with the row itself, or with an awaitable."""
    answers = {"value": 0, "awaitable": 0}
    real_related = Loaders.related

    def counting_related(self, name, key):
        found = real_related(self, name, key)
        answers["awaitable" if hasattr(found, "__await__") else "value"] += 1
        return found

    monkeypatch.setattr(Loaders, "related", counting_related)
    return answers


async def test_a_page_loads_its_owners_and_accounts_before_its_rows_resolve(
    api, world, monkeypatch
):
    for _ in range(6):
        await new_opportunity(api, world)
    answers = count_related_answers(monkeypatch)
    edges = (await api.data(OPPORTUNITIES))["opportunities"]["edges"]
    assert len(edges) == 6
    assert all(edge["node"]["owner"]["name"] and edge["node"]["account"]["name"] for edge in edges)
    assert answers == {"value": 12, "awaitable": 0}


PAGE_SHOWING = (
    "{ opportunities(first: 50) { edges { node { id owner { name } account { name } } } } }"
)


async def test_a_page_shows_each_owner_and_account_only_in_scope(api, world):
    """The rep sees their own deal and one a teammate owns and shares with them: the
    teammate, outside the rep's scope, is null; both accounts show."""
    mine = await new_opportunity(api, world)
    shared = await new_opportunity(
        api, world, as_="manager", ownerId=world.rep("r2"), coOwnerIds=[world.rep("r1")]
    )
    edges = (await api.data(PAGE_SHOWING, as_="rep"))["opportunities"]["edges"]
    nodes = {edge["node"]["id"]: edge["node"] for edge in edges}
    assert set(nodes) == {mine["id"], shared["id"]}
    assert nodes[mine["id"]]["owner"] is not None and nodes[shared["id"]]["owner"] is None
    assert all(node["account"]["name"] for node in nodes.values())


TARGET_OWNERS = "ownerUnit { code } ownerRep { externalId }"
TREE = f"""query($root: ID!, $start: Date!) {{ targetTree(rootId: $root, metric: REVENUE,
  periodKind: YEAR, periodStart: $start) {{ depth target {{ amount {TARGET_OWNERS} }} }} }}"""
TARGETS = f"""query($start: Date!) {{ targets(periodStart: $start, first: 50) {{
  edges {{ node {{ amount {TARGET_OWNERS} }} }} }} }}"""


async def allocate_evenly(api, target_id: str) -> list[dict]:
    """The target allocated evenly over its owner's children (a team's: its reps)."""
    input = {"id": target_id, "over": "CHILDREN", "even": True}
    allocated = await run(api, "allocateTarget", input, "children { id } errors { code }")
    assert allocated["errors"] == [], allocated
    return allocated["children"]


async def test_a_target_tree_and_a_page_of_targets_load_their_owners_before_their_rows_resolve(
    api, world, monkeypatch
):
    company = await company_target(api, world)
    for region in await allocate_evenly(api, company["id"]):
        for team in await allocate_evenly(api, region["id"]):
            await allocate_evenly(api, team["id"])
    variables = {"root": world.unit("acme"), "start": NEXT_YEAR.isoformat()}
    answers = count_related_answers(monkeypatch)
    rows = (await api.data(TREE, variables))["targetTree"]
    by_rep = [row["target"]["ownerRep"] for row in rows if row["target"]["ownerRep"]]
    by_unit = [row["target"]["ownerUnit"] for row in rows if row["target"]["ownerUnit"]]
    assert by_rep and by_unit and len(by_rep) + len(by_unit) == len(rows)
    assert answers == {"value": 2 * len(rows), "awaitable": 0}
    answers.update(value=0)
    page = await api.data(TARGETS, {"start": NEXT_YEAR.isoformat()})
    assert len(page["targets"]["edges"]) == len(rows)
    assert answers == {"value": 2 * len(rows), "awaitable": 0}


ME_WITH_REP = "{ me { login rep { externalId unit { code } } } }"


async def test_me_with_its_rep_and_unit_costs_one_statement_more(api, engine):
    await api.data(ME_WITH_REP, as_="rep")  # warm: the document is known
    with count_statements(engine) as counter:
        data = await api.data(ME_WITH_REP, as_="rep")
    assert data["me"]["rep"] == {"externalId": "r1", "unit": {"code": "east.sh"}}
    assert counter.count == 2, counter
    with count_statements(engine) as counter:  # no rep: nothing more to read
        data = await api.data(ME_WITH_REP, as_="manager")
    assert data["me"] == {"login": "manager", "rep": None}
    assert counter.count == 1, counter
