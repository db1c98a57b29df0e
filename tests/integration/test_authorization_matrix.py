"""Every role against every operation: allowed, FORBIDDEN, or UNAUTHENTICATED without a token."""

from __future__ import annotations

import pytest

from api.schema import Mutation, Query
from tests.integration.conftest import gid

EVERYONE = {"admin", "director", "manager", "rep", "intake"}
READERS = {"admin", "director", "manager", "rep"}
ADMIN = {"admin"}

# operation -> (document, variables builder, logins allowed)
OPERATIONS = {
    "me": ("{ me { login } }", lambda w: {}, EVERYONE),
    "node": ("query($id: ID!) { node(id: $id) { id } }", lambda w: {"id": w.rep("r1")}, EVERYONE),
    "enumLabels": ('{ enumLabels(name: "Role") { value } }', lambda w: {}, EVERYONE),
    "orgUnits": ("{ orgUnits { totalCount } }", lambda w: {}, READERS),
    "orgUnit": (
        "query($id: ID!) { orgUnit(id: $id) { code } }",
        lambda w: {"id": w.unit("east.sh")},
        READERS,
    ),
    "reps": ("{ reps { totalCount } }", lambda w: {}, READERS),
    "rep": ("query($id: ID!) { rep(id: $id) { name } }", lambda w: {"id": w.rep("r1")}, READERS),
    "apiTokens": ("{ me { apiTokens { name } } }", lambda w: {}, ADMIN),
    "createOrgUnit": (
        "mutation($i: CreateOrgUnitInput!) { createOrgUnit(input: $i) { errors { code } } }",
        lambda w: {
            "i": {"code": "east", "name": "E", "kind": "REGION", "parentId": w.unit("acme")}
        },
        ADMIN,
    ),
    "moveOrgUnit": (
        "mutation($i: MoveOrgUnitInput!) { moveOrgUnit(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": w.unit("acme"), "newParentId": w.unit("east")}},
        ADMIN,
    ),
    "createRep": (
        "mutation($i: CreateRepInput!) { createRep(input: $i) { errors { code } } }",
        lambda w: {
            "i": {
                "externalId": "r1",
                "name": "R",
                "unitId": w.unit("east.sh"),
                "level": "MID",
                "hireDate": "2025-01-01",
            }
        },
        ADMIN,
    ),
    "updateRep": (
        "mutation($i: UpdateRepInput!) { updateRep(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": w.rep("r1"), "capacity": -1}},
        ADMIN,
    ),
    "createUser": (
        "mutation($i: CreateUserInput!) { createUser(input: $i) { errors { code } } }",
        lambda w: {"i": {"login": "manager", "displayName": "M", "roles": ["INTAKE"]}},
        ADMIN,
    ),
    "issueToken": (
        "mutation($i: IssueTokenInput!) { issueToken(input: $i) { errors { code } } }",
        lambda w: {"i": {"userId": w.user("rep"), "name": " "}},
        ADMIN,
    ),
    "revokeToken": (
        "mutation($i: RevokeTokenInput!) { revokeToken(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": gid("ApiToken", 999)}},
        ADMIN,
    ),
}


def test_the_matrix_covers_every_root_field():
    roots = {
        field.graphql_name or _camel(field.python_name)
        for cls in (Query, Mutation)
        for field in cls.__strawberry_definition__.fields
    }
    assert roots <= set(OPERATIONS)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_role_matrix(api, world, operation):
    document, variables, allowed = OPERATIONS[operation]
    for login in sorted(EVERYONE):
        body = await api(document, variables(world), as_=login)
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
        if login in allowed:
            assert codes == [], (operation, login, body)
        else:
            assert codes == ["FORBIDDEN"], (operation, login, body)
            assert "Forbidden" in body["errors"][0]["message"]
    anonymous = await api(document, variables(world), as_=None)
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
