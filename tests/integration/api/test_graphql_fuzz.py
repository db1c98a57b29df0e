"""Fuzzing every root query and mutation through the ASGI app, as an admin of a seeded
company: no input may give an HTTP 5xx or an INTERNAL_SERVER_ERROR (an unexpected error,
masked in production). A broken rule must come back as a coded error.

1. hypothesis-graphql generates, for each root field in turn, a few documents whose scalars
   are now and then hostile (support/graphql_fuzzing.py: NUL bytes, lone surrogates, integers past
   2^63, years 1 and 9999, JSON nested 100 000 deep, forged global ids); 3 in 4 send their
   arguments as variables, the others as literals.
2. Random inputs are mostly refused by some rule first, so each field's first accepted input
   (or the seed's) is replayed with one hostile scalar at a time: the "bad apples".

Derandomized, so a run repeats itself. Every failure is collected and reported at the end,
grouped by root cause with the smallest case per root field; the app runs with `debug` on so
messages are unmasked. PACER_FUZZ_SCALE=N multiplies the generated cases for a longer hunt,
PACER_FUZZ_TRACE=field,... (or *) prints every case of those fields with its answer."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from datetime import UTC, date, datetime, timedelta

import graphql
import httpx
import hypothesis_graphql
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from domain import db
from domain.kernel.actor import Role
from domain.org import access
from tests.support.db import empty_tables
from tests.support.graphql import make_app
from tests.support.graphql_fuzzing import (
    Harness,
    IdBook,
    UnexpectedErrors,
    bad_apples,
    custom_scalars,
    prepare,
    report,
)
from tests.support.world import BOOTSTRAP, build_world

SCALE = int(os.environ.get("PACER_FUZZ_SCALE", "1"))
EXAMPLES = {"query": 6 * SCALE, "mutation": 10 * SCALE}
LITERAL_SHARE = 4  # one document in 4 keeps its arguments as literals
BAD_APPLES = 12  # at most this many one-hostile-value variants of a field's accepted input

TODAY = date.today()
SEED = [  # (login, mutation, result field, input); "{key}" is an id seeded before
    ("admin", "createAccount", "account", {"name": "滴滴出行华东", "segment": "ride_hailing",
        "ownerId": "{r1}", "highValue": True}),
    ("admin", "createOpportunity", "opportunity", {"accountId": "{account}", "title": "换电出租车",
        "amount": 3_000_000_00, "expectedClose": (TODAY + timedelta(days=90)).isoformat(),
        "ownerId": "{r1}", "qualification": {"budget_range": {"min": 100, "max": 500}}}),
    ("admin", "logFollowUp", "followUp", {"opportunityId": "{opportunity}", "type": "CALL",
        "occurredAt": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
        "customerStatus": "engaged", "customerResponded": True}),
    ("admin", "setTarget", "target", {"metric": "REVENUE", "ownerId": "{acme}",
        "periodKind": "YEAR", "periodStart": f"{TODAY.year + 1}-01-01", "amount": 1_000_000_00}),
    ("intake", "intakeLead", "lead", {"externalId": "web-0001", "source": "website",
        "segment": "government", "region": "sh", "contact": {"phone": "+86 138 0000 0001"}}),
    ("rep", "startPractice", "session", {"scenario": "nev_buyer"}),
    ("admin", "startWeeklyReview", "review", {"unitId": "{east.sh}",
        "weekStart": (TODAY - timedelta(days=TODAY.weekday() + 7)).isoformat()}),
    ("admin", "createNotificationSubscription", "subscription", {"unitId": "{east.sh}",
        "channel": "WEBHOOK", "destination": "https://example.com/hook",
        "secret": "fuzz-secret-0123456789"}),
    ("admin", "issueToken", "token", {"userId": "{rep}", "name": "fuzz"}),
]  # fmt: skip


def root_fields(schema: graphql.GraphQLSchema) -> list[tuple[str, str]]:
    return [("query", name) for name in schema.query_type.fields] + [
        ("mutation", name) for name in schema.mutation_type.fields
    ]


def node_types(schema: graphql.GraphQLSchema) -> list[str]:
    return sorted(t.name for t in schema.get_implementations(schema.get_type("Node")).objects)


class Fuzzer:
    """The app on the test database, a seeded company and an admin token, on one loop."""

    def __init__(self, runner: asyncio.Runner, db_url: str):
        self.runner = runner
        self.db_url = db_url
        self.errors = UnexpectedErrors()
        self.repairs = 0
        self.accepted: dict[str, tuple[str, dict]] = {}  # root field: its first accepted case
        self.seeded: dict[str, tuple[str, dict]] = {}  # root field: the admin's seed input

    async def start(self) -> None:
        self.engine = db.create_engine(self.db_url)
        await empty_tables(self.engine)
        self.sessions = db.session_factory(self.engine)
        world = await build_world(self.sessions)
        self.app = make_app(self.db_url, self.engine, debug=True)  # unmasked messages
        graphql_route = next(route for route in self.app.routes if route.path == "/graphql")
        self.schema = graphql_route.endpoint.schema._schema  # graphql-core's, as served
        transport = httpx.ASGITransport(app=self.app)
        self.client = httpx.AsyncClient(transport=transport, base_url="http://pacer.test")
        self.harness = Harness(self.client, world.tokens["admin"], self.errors)
        self.known = {code: world.unit(code) for code in world.units}
        self.known |= {rep: world.rep(rep) for rep in world.reps}
        self.known |= {login: world.user(login) for login in world.users}
        for login, name, result, input in SEED:
            self.known[result] = await self.seed(name, result, input, world.tokens[login])

    async def seed(self, name: str, result: str, input: dict, token: str) -> str:
        input = {
            key: self.known[value[1:-1]] if isinstance(value, str) and value[:1] == "{" else value
            for key, value in input.items()
        }
        query = f"mutation($i: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $i) "
        query += f"{{ {result} {{ id }} errors {{ code field message }} }} }}"
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": {"i": input}},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = response.json()
        assert not body.get("errors") and not body["data"][name]["errors"], (name, body)
        if token == self.harness.token:  # also a known-good input for the bad apples
            self.seeded[name] = (query, {"i": input})
        return body["data"][name][result]["id"]

    async def ensure_admin(self) -> None:
        """A fuzzed mutation may revoke the token or demote its user: then make a new admin."""
        response = await self.harness.post("{ me { roles } }", {}, "fuzz-check")
        me = (response.json().get("data") or {}).get("me")
        if me and "ADMIN" in me["roles"]:
            return
        self.repairs += 1
        async with self.sessions() as session:
            user = await access.create_user(
                session,
                BOOTSTRAP,
                login=f"fuzz.admin{self.repairs}",
                display_name="Fuzz Admin",
                roles=[Role.ADMIN],
            )
            _, self.harness.token = await access.issue_token(
                session, BOOTSTRAP, user_id=user.id, name="fuzz"
            )
            await session.commit()

    async def stop(self) -> None:
        await self.client.aclose()
        await self.engine.dispose()

    def fuzz(self, kind: str, root: str) -> None:
        build = hypothesis_graphql.queries if kind == "query" else hypothesis_graphql.mutations
        documents = build(
            self.schema,
            fields=[root],
            custom_scalars=self.scalars,
            print_ast=lambda document: document,
        )
        literal = st.integers(1, LITERAL_SHARE).map(lambda n: n == 1)

        @settings(
            max_examples=EXAMPLES[kind],
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(document=documents, literal=literal)
        def case(document: graphql.DocumentNode, literal: bool) -> None:
            query, variables = prepare(self.schema, document, self.ids, everything=not literal)
            accepted = self.runner.run(self.harness.send(root, query, variables))
            if accepted and variables and not literal:
                self.accepted.setdefault(root, (query, variables))

        case()

    def run(self) -> None:
        self.runner.run(self.start())
        known = sorted(value for value in self.known.values() if isinstance(value, str))
        self.scalars = custom_scalars(known, node_types(self.schema))
        self.ids = IdBook(known)
        try:
            for kind, root in root_fields(self.schema):
                self.runner.run(self.ensure_admin())
                self.fuzz(kind, root)
            self.generated = self.harness.tally.cases
            templates = self.seeded | self.accepted  # the generated one if there is one
            for rotation, (root, (query, variables)) in enumerate(templates.items()):
                self.runner.run(self.ensure_admin())
                for variant in bad_apples(self.schema, query, variables, rotation)[:BAD_APPLES]:
                    self.runner.run(self.harness.send(root, query, variant))
        finally:
            self.runner.run(self.stop())


def test_no_input_breaks_the_server(db_url, backend, monkeypatch):
    log = logging.getLogger("pacer.api")
    monkeypatch.setattr(log, "propagate", False)  # the report says it shorter than the log
    started = time.perf_counter()
    with asyncio.Runner() as runner:
        fuzzer = Fuzzer(runner, db_url)
        log.addHandler(fuzzer.errors)
        try:
            fuzzer.run()
        finally:
            log.removeHandler(fuzzer.errors)
    tally = fuzzer.harness.tally
    refused = [root for _, root in root_fields(fuzzer.schema) if root not in tally.answered]
    print(
        f"\n{backend}: {fuzzer.generated} generated cases, {tally.cases - fuzzer.generated} "
        f"bad apples in {len(fuzzer.seeded | fuzzer.accepted)} fields, "
        f"{time.perf_counter() - started:.1f}s; "
        f"admin re-made {fuzzer.repairs}x\noutcomes: {dict(tally.outcomes.most_common())}"
        f"\nnever accepted: {', '.join(refused) or '-'}"
    )
    assert tally.cases >= fuzzer.generated > 0
    assert not tally.failures, f"{backend}: {report(tally.failures)}"
