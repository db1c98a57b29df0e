"""A request leaves no reference cycles behind: once answered, its context, loaders, executor,
session and the rows it loaded are freed by reference counting. Whatever a cycle holds waits
for the cyclic collector instead, and a serving worker that left a few hundred such objects
per request spent 50–150 ms in each of its collector's passes, stalling every request it held.
"""

from __future__ import annotations

import gc
from collections import Counter

import pytest
from graphql import ExecutionResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstanceState, Session
from strawberry.dataloader import DataLoader

from api.core.context import Context
from api.core.execution import PacerExecutionContext
from api.core.loaders import Loaders
from domain.db import Base
from tests.support.pipeline import log_follow_up, new_opportunity

OPPORTUNITIES = """{ opportunities(first: 5) { totalCount edges { node { id title stage
  owner { id name } account { id name } } } } }"""
ME = "{ me { login roles rep { name unit { name } } } }"

REQUEST_OBJECTS = (
    Context,
    Loaders,
    DataLoader,
    PacerExecutionContext,
    ExecutionResult,
    AsyncSession,
    Session,
    InstanceState,
    Base,
)


async def cyclic_leftovers(send) -> Counter:
    """The request's own objects among what only the cyclic collector could free."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        await send()
        gc.collect()
        return Counter(
            type(found).__name__ for found in gc.garbage if isinstance(found, REQUEST_OBJECTS)
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.mark.parametrize(("document", "login"), [(ME, "rep"), (OPPORTUNITIES, "manager")])
async def test_a_read_leaves_nothing_for_the_cyclic_collector(api, world, document, login):
    await new_opportunity(api, world)
    data = await api.data(document, as_=login)  # the document is known from now on
    assert data

    async def send():
        assert await api.data(document, as_=login) == data

    assert await cyclic_leftovers(send) == Counter()


async def test_a_mutation_leaves_nothing_for_the_cyclic_collector(api, world):
    opportunity = await new_opportunity(api, world)

    async def send():
        result = await log_follow_up(api, opportunity, notes="Walked through the pilot.")
        assert result["errors"] == [] and result["followUp"]["id"]

    assert await cyclic_leftovers(send) == Counter()


async def test_routing_a_lead_leaves_nothing_for_the_cyclic_collector(api, world):
    document = """mutation($i: IntakeLeadInput!) { intakeLead(input: $i) {
      lead { id status } errors { code } } }"""
    lead = {"source": "website", "segment": "smb", "region": "sh"}

    async def send(number: int):
        contact = {"phone": f"+86 138 0000 00{number:02d}"}
        variables = {"i": lead | {"externalId": f"web-{number}", "contact": contact}}
        payload = (await api.data(document, variables))["intakeLead"]
        assert payload["errors"] == [] and payload["lead"]["id"]

    await send(1)  # the router's candidate pool is built and kept from now on
    assert await cyclic_leftovers(lambda: send(2)) == Counter()
