"""Every org mutation: a success, one test per error code, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from api.graphql.org import inputs as org
from domain.org.models import ApiToken, OrgUnit, Rep, User
from tests.support.graphql import gid, run
from tests.support.world import World

MUTATIONS = {
    "createOrgUnit": org.CreateOrgUnit,
    "moveOrgUnit": org.MoveOrgUnit,
    "createRep": org.CreateRep,
    "updateRep": org.UpdateRep,
    "createUser": org.CreateUser,
    "issueToken": org.IssueToken,
    "revokeToken": org.RevokeToken,
}


def new_rep(world: World, **overrides) -> dict[str, Any]:
    return {
        "externalId": "r9",
        "name": "New Rep",
        "unitId": world.unit("east.hz"),
        "level": "JUNIOR",
        "hireDate": "2026-10-01",
        **overrides,
    }


def new_user(**overrides) -> dict[str, Any]:
    return {"login": "new.user", "displayName": "New User", "roles": ["INTAKE"], **overrides}


@dataclass
class Case:
    mutation: str
    code: str
    field: str | None
    input: Callable[[World], dict[str, Any]]
    before: Callable[[World], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return f"{self.mutation}-{self.code}"


UNIT = "OrgUnit"
CASES = [
    # createOrgUnit
    Case(
        "createOrgUnit",
        "INVALID_ID",
        "parentId",
        lambda w: {"code": "x", "name": "X", "kind": "TEAM", "parentId": w.rep("r1")},
    ),
    Case(
        "createOrgUnit",
        "PARENT_NOT_FOUND",
        "parentId",
        lambda w: {"code": "x", "name": "X", "kind": "TEAM", "parentId": gid(UNIT, 999)},
    ),
    Case(
        "createOrgUnit",
        "REQUIRED",
        "name",
        lambda w: {"code": "x", "name": "  ", "kind": "TEAM", "parentId": w.unit("east")},
    ),
    Case(
        "createOrgUnit",
        "TOO_LONG",
        "name",
        lambda w: {"code": "x", "name": "x" * 121, "kind": "TEAM", "parentId": w.unit("east")},
    ),
    Case(
        "createOrgUnit",
        "INVALID_CODE",
        "code",
        lambda w: {"code": "Bad Code!", "name": "X", "kind": "TEAM", "parentId": w.unit("east")},
    ),
    Case(
        "createOrgUnit",
        "CODE_TAKEN",
        "code",
        lambda w: {"code": "east.sh", "name": "X", "kind": "TEAM", "parentId": w.unit("east")},
    ),
    Case(
        "createOrgUnit",
        "COMPANY_WITH_PARENT",
        "kind",
        lambda w: {"code": "x", "name": "X", "kind": "COMPANY", "parentId": w.unit("east")},
    ),
    Case(
        "createOrgUnit",
        "PARENT_REQUIRED",
        "parentId",
        lambda w: {"code": "x", "name": "X", "kind": "TEAM"},
    ),
    # moveOrgUnit
    Case(
        "moveOrgUnit",
        "INVALID_ID",
        "id",
        lambda w: {"id": w.rep("r1"), "newParentId": w.unit("west")},
    ),
    Case(
        "moveOrgUnit",
        "UNIT_NOT_FOUND",
        "id",
        lambda w: {"id": gid(UNIT, 999), "newParentId": w.unit("west")},
    ),
    Case(
        "moveOrgUnit",
        "PARENT_NOT_FOUND",
        "newParentId",
        lambda w: {"id": w.unit("east.hz"), "newParentId": gid(UNIT, 999)},
    ),
    Case(
        "moveOrgUnit",
        "CYCLE",
        "newParentId",
        lambda w: {"id": w.unit("east"), "newParentId": w.unit("east.sh")},
    ),
    Case(
        "moveOrgUnit",
        "CANNOT_MOVE_ROOT",
        "id",
        lambda w: {"id": w.unit("acme"), "newParentId": w.unit("east")},
    ),
    # createRep
    Case("createRep", "INVALID_ID", "unitId", lambda w: new_rep(w, unitId=w.rep("r1"))),
    Case("createRep", "UNIT_NOT_FOUND", "unitId", lambda w: new_rep(w, unitId=gid(UNIT, 999))),
    Case("createRep", "REQUIRED", "name", lambda w: new_rep(w, name=" ")),
    Case("createRep", "TOO_LONG", "name", lambda w: new_rep(w, name="名" * 121)),
    Case("createRep", "INVALID_CODE", "externalId", lambda w: new_rep(w, externalId="a b")),
    Case("createRep", "INVALID_CAPACITY", "capacity", lambda w: new_rep(w, capacity=-1)),
    Case("createRep", "INVALID_HIRE_DATE", "hireDate", lambda w: new_rep(w, hireDate="2031-01-01")),
    Case(
        "createRep",
        "INVALID_PROFICIENCY",
        "specialties",
        lambda w: new_rep(w, specialties=[{"segment": "smb", "proficiency": 6}]),
    ),
    Case("createRep", "EXTERNAL_ID_TAKEN", "externalId", lambda w: new_rep(w, externalId="r1")),
    # updateRep
    Case("updateRep", "INVALID_ID", "id", lambda w: {"id": w.unit("east")}),
    Case("updateRep", "REP_NOT_FOUND", "id", lambda w: {"id": gid("Rep", 999)}),
    Case(
        "updateRep",
        "UNIT_NOT_FOUND",
        "unitId",
        lambda w: {"id": w.rep("r1"), "unitId": gid(UNIT, 999)},
    ),
    Case("updateRep", "REQUIRED", "name", lambda w: {"id": w.rep("r1"), "name": ""}),
    Case("updateRep", "TOO_LONG", "email", lambda w: {"id": w.rep("r1"), "email": "e" * 255}),
    Case(
        "updateRep",
        "INVALID_CODE",
        "territories",
        lambda w: {"id": w.rep("r1"), "territories": ["Not A Code"]},
    ),
    Case(
        "updateRep",
        "INVALID_CAPACITY",
        "capacity",
        lambda w: {"id": w.rep("r1"), "capacity": 10_001},
    ),
    Case(
        "updateRep",
        "INVALID_HIRE_DATE",
        "hireDate",
        lambda w: {"id": w.rep("r1"), "hireDate": "2030-01-01"},
    ),
    Case(
        "updateRep",
        "INVALID_PROFICIENCY",
        "specialties",
        lambda w: {"id": w.rep("r1"), "specialties": [{"segment": "smb", "proficiency": 0}]},
    ),
    # createUser
    Case(
        "createUser",
        "INVALID_ID",
        "scopeUnitId",
        lambda w: new_user(roles=["MANAGER"], scopeUnitId=w.rep("r1")),
    ),
    Case("createUser", "INVALID_CODE", "login", lambda w: new_user(login="Not Valid")),
    Case("createUser", "REQUIRED", "displayName", lambda w: new_user(displayName="")),
    Case("createUser", "TOO_LONG", "displayName", lambda w: new_user(displayName="n" * 200)),
    Case("createUser", "ROLES_REQUIRED", "roles", lambda w: new_user(roles=[])),
    Case("createUser", "SCOPE_REQUIRED", "scopeUnitId", lambda w: new_user(roles=["MANAGER"])),
    Case("createUser", "REP_REQUIRED", "repId", lambda w: new_user(roles=["REP"])),
    Case(
        "createUser",
        "REP_ROLE_REQUIRED",
        "repId",
        lambda w: new_user(roles=["MANAGER"], scopeUnitId=w.unit("east"), repId=w.rep("r2")),
    ),
    Case(
        "createUser",
        "UNIT_NOT_FOUND",
        "scopeUnitId",
        lambda w: new_user(roles=["MANAGER"], scopeUnitId=gid(UNIT, 999)),
    ),
    Case(
        "createUser",
        "REP_NOT_FOUND",
        "repId",
        lambda w: new_user(roles=["REP"], repId=gid("Rep", 999)),
    ),
    Case(
        "createUser", "REP_HAS_LOGIN", "repId", lambda w: new_user(roles=["REP"], repId=w.rep("r1"))
    ),
    Case("createUser", "LOGIN_TAKEN", "login", lambda w: new_user(login="manager")),
    # issueToken
    Case("issueToken", "INVALID_ID", "userId", lambda w: {"userId": w.rep("r1"), "name": "t"}),
    Case(
        "issueToken",
        "USER_NOT_FOUND",
        "userId",
        lambda w: {"userId": gid("User", 999), "name": "t"},
    ),
    Case("issueToken", "REQUIRED", "name", lambda w: {"userId": w.user("rep"), "name": " "}),
    Case("issueToken", "TOO_LONG", "name", lambda w: {"userId": w.user("rep"), "name": "t" * 121}),
    Case(
        "issueToken",
        "INVALID_EXPIRY",
        "expiresAt",
        lambda w: {"userId": w.user("rep"), "name": "t", "expiresAt": "2020-01-01T00:00:00Z"},
    ),
    # revokeToken
    Case("revokeToken", "INVALID_ID", "id", lambda w: {"id": w.user("rep")}),
    Case("revokeToken", "TOKEN_NOT_FOUND", "id", lambda w: {"id": gid("ApiToken", 999)}),
    Case(
        "revokeToken",
        "ALREADY_REVOKED",
        "id",
        lambda w: {"id": gid("ApiToken", 2)},
        before=lambda w: {"id": gid("ApiToken", 2)},
    ),
]


def test_every_error_code_has_a_case():
    covered = {(case.mutation, case.code) for case in CASES}
    declared = {(name, code.name) for name, types in MUTATIONS.items() for code in types.code}
    assert declared == covered


async def row_counts(sessions) -> dict[str, int]:
    async with sessions() as session:
        return {
            model.__name__: await session.scalar(select(func.count()).select_from(model))
            for model in (OrgUnit, Rep, User, ApiToken)
        }


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_error_code(api, world, sessions, case):
    if case.before:
        assert (await run(api, case.mutation, case.before(world)))["errors"] == []
    counts = await row_counts(sessions)
    result = await run(api, case.mutation, case.input(world))
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(case.code, case.field)]
    assert result["errors"][0]["message"]
    assert await row_counts(sessions) == counts


async def test_error_messages_follow_accept_language(api, world):
    input = {"code": "east.sh", "name": "X", "kind": "TEAM", "parentId": world.unit("east")}
    zh = await run(api, "createOrgUnit", input)
    en = await run(api, "createOrgUnit", input, headers={"Accept-Language": "en"})
    assert zh["errors"][0]["message"] == "该编码已被使用"
    assert en["errors"][0]["message"] == "This code is already in use"


async def test_create_org_unit(api, world):
    result = await run(
        api,
        "createOrgUnit",
        {
            "code": "East.NJ",
            "name": " Nanjing  team ",
            "kind": "TEAM",
            "parentId": world.unit("east"),
        },
        "orgUnit { code name kind depth parent { code } }",
    )
    assert result == {
        "orgUnit": {
            "code": "east.nj",
            "name": "Nanjing team",
            "kind": "TEAM",
            "depth": 2,
            "parent": {"code": "east"},
        },
        "errors": [],
    }


async def test_move_org_unit_moves_the_whole_subtree(api, world):
    result = await run(
        api,
        "moveOrgUnit",
        {"id": world.unit("east"), "newParentId": world.unit("west")},
        "orgUnit { code depth parent { code } }",
    )
    assert result["orgUnit"] == {"code": "east", "depth": 2, "parent": {"code": "west"}}
    data = await api.data(
        "query($root: ID) { orgUnits(rootId: $root) { edges { node { code depth } } } }",
        {"root": world.unit("west")},
    )
    depths = {e["node"]["code"]: e["node"]["depth"] for e in data["orgUnits"]["edges"]}
    assert depths == {"west": 1, "west.cd": 2, "east": 2, "east.sh": 3, "east.hz": 3}
    reps = await api.data(
        "query($u: ID) { reps(unitId: $u) { totalCount } }", {"u": world.unit("west")}
    )
    assert reps["reps"]["totalCount"] == 4
    # The East director's scope moved with the unit: still East and its teams only.
    mine = await api.data("{ reps { totalCount } }", as_="director.east")
    assert mine["reps"]["totalCount"] == 3


async def test_create_rep(api, world):
    result = await run(
        api,
        "createRep",
        new_rep(
            world,
            email="x@acme.cn",
            capacity=12,
            territories=["hangzhou", "ningbo"],
            specialties=[{"segment": "Government", "proficiency": 3}],
        ),
        "rep { externalId name email level hireDate capacity status unit { code }"
        " specialties { segment proficiency } territories manager { login } }",
    )
    assert result["errors"] == []
    assert result["rep"] == {
        "externalId": "r9",
        "name": "New Rep",
        "email": "x@acme.cn",
        "level": "JUNIOR",
        "hireDate": "2026-10-01",
        "capacity": 12,
        "status": "ACTIVE",
        "unit": {"code": "east.hz"},
        "specialties": [{"segment": "government", "proficiency": 3}],
        "territories": ["hangzhou", "ningbo"],
        "manager": {"login": "director.east"},
    }


async def test_update_rep_changes_only_what_is_given(api, world):
    result = await run(
        api,
        "updateRep",
        {
            "id": world.rep("r1"),
            "level": "MID",
            "unitId": world.unit("west.cd"),
            "specialties": [
                {"segment": "government", "proficiency": 5},
                {"segment": "smb", "proficiency": 2},
            ],
        },
        "rep { name level unit { code } specialties { segment proficiency } territories }",
    )
    assert result["rep"] == {
        "name": "Rep r1",
        "level": "MID",
        "unit": {"code": "west.cd"},
        "specialties": [
            {"segment": "government", "proficiency": 5},
            {"segment": "smb", "proficiency": 2},
        ],
        "territories": ["sh"],
    }


async def test_failed_update_leaves_nothing_half_written(api, world):
    result = await run(api, "updateRep", {"id": world.rep("r1"), "name": "Renamed", "capacity": -5})
    assert result["errors"][0]["code"] == "INVALID_CAPACITY"
    data = await api.data(
        "query($id: ID!) { rep(id: $id) { name capacity } }", {"id": world.rep("r1")}
    )
    assert data["rep"] == {"name": "Rep r1", "capacity": 10}


async def test_create_user_with_scope(api, world):
    result = await run(
        api,
        "createUser",
        new_user(login="manager.hz", roles=["MANAGER"], scopeUnitId=world.unit("east.hz")),
        "user { login roles scopeUnit { code } }",
    )
    assert result["user"] == {
        "login": "manager.hz",
        "roles": ["MANAGER"],
        "scopeUnit": {"code": "east.hz"},
    }


async def test_issue_and_revoke_token(api, world):
    issued = await run(
        api,
        "issueToken",
        {"userId": world.user("manager"), "name": "laptop", "expiresAt": "2099-01-01T00:00:00Z"},
        "secret token { id name prefix expiresAt revokedAt user { login } }",
    )
    secret, token = issued["secret"], issued["token"]
    assert secret.startswith("pacer_") and secret.startswith(token["prefix"])
    assert token["user"] == {"login": "manager"} and token["revokedAt"] is None
    me = await api.data("{ me { login } }", as_=None, token=secret)
    assert me["me"]["login"] == "manager"
    revoked = await run(api, "revokeToken", {"id": token["id"]}, "token { revokedAt }")
    assert revoked["token"]["revokedAt"] is not None
    after = await api("{ me { login } }", as_=None, token=secret)
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "令牌已被吊销" in after["errors"][0]["message"]


async def test_admin_sees_api_tokens_but_not_secrets(api, world):
    data = await api.data(
        "query($id: ID!) { node(id: $id) { ... on User { apiTokens { name prefix } } } }",
        {"id": world.user("manager")},
    )
    assert data["node"]["apiTokens"] == [{"name": "tests", "prefix": world.tokens["manager"][:10]}]


async def test_scoped_admin_cannot_reach_outside_the_scope(api, world):
    created = await run(
        api,
        "createUser",
        new_user(login="admin.east", roles=["ADMIN"], scopeUnitId=world.unit("east")),
        "user { id }",
    )
    token = await run(api, "issueToken", {"userId": created["user"]["id"], "name": "t"}, "secret")
    as_east = {"as_": None, "token": token["secret"]}
    outside = await run(api, "createRep", new_rep(world, unitId=world.unit("west.cd")), **as_east)
    assert [(e["code"], e["field"]) for e in outside["errors"]] == [("UNIT_NOT_FOUND", "unitId")]
    inside = await run(api, "createRep", new_rep(world), "rep { externalId }", **as_east)
    assert inside["rep"] == {"externalId": "r9"}
    move = await run(
        api,
        "moveOrgUnit",
        {"id": world.unit("east.hz"), "newParentId": world.unit("west")},
        **as_east,
    )
    assert move["errors"][0]["code"] == "PARENT_NOT_FOUND"
    root = await run(
        api,
        "moveOrgUnit",
        {"id": world.unit("east"), "newParentId": world.unit("east.sh")},
        **as_east,
    )
    assert root["errors"][0]["code"] in {"CYCLE", "CANNOT_MOVE_ROOT"}
