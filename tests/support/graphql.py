"""GraphQL against the app in-process: global ids, the app, a client per login, and running
a mutation the way the schema names its input and payload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
from strawberry.relay import from_base64, to_base64

from api.core.app import create_app
from domain.settings import load_settings

if TYPE_CHECKING:
    from tests.support.world import World


def gid(type_name: str, pk: int) -> str:
    """The Relay global id of a row."""
    return to_base64(type_name, pk)


def row_id(global_id: str) -> int:
    """The primary key behind a Relay global id."""
    return int(from_base64(global_id)[1])


class Api:
    """POSTs GraphQL to the app as a given login (or with a raw token, or none)."""

    def __init__(self, client: httpx.AsyncClient, world: World | None):
        self.client = client
        self.world = world

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: str | None = "admin",
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        response = await self.post(query, variables, as_=as_, token=token, headers=headers)
        return response.json()

    async def post(self, query, variables=None, *, as_="admin", token=None, headers=None):
        all_headers = dict(headers or {})
        secret = token or (self.world.tokens[as_] if as_ and self.world else None)
        if secret:
            all_headers["Authorization"] = f"Bearer {secret}"
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers
        )

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kw) -> dict:
        body = await self(query, variables, **kw)
        assert "errors" not in body, body
        return body["data"]


def make_app(db_url: str, engine, **overrides):
    settings = load_settings(database_url=db_url, **overrides)
    return create_app(settings, engine=engine, prepare=False)


def input_type(name: str) -> str:
    """The input type the schema gives a mutation: createOrgUnit -> CreateOrgUnitInput."""
    return name[0].upper() + name[1:] + "Input"


def mutation(name: str, selection: str = "") -> str:
    """A mutation taking `$input`, selecting `selection` and every error's field, code and
    message."""
    return (
        f"mutation($input: {input_type(name)}!) {{ {name}(input: $input) "
        f"{{ {selection} errors {{ field code message }} }} }}"
    )


async def run(api, name: str, input: dict[str, Any], selection: str = "", **kw) -> dict:
    """Runs the mutation `name` with `input` (no top-level GraphQL errors allowed): its payload."""
    data = await api.data(mutation(name, selection), {"input": input}, **kw)
    return data[name]


def probe(name: str, input_type_name: str | None = None, selection: str = "errors { code }"):
    """The document an access check sends for a mutation: input `$i`, only the error codes."""
    input_type_name = input_type_name or input_type(name)
    return f"mutation($i: {input_type_name}!) {{ {name}(input: $i) {{ {selection} }} }}"
