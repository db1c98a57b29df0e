"""A hypothesis state machine drives random sequences of every pipeline use-case — right and
stale versions, the owner, a manager, another team's rep, the intake login — and checks after
each step that no opportunity is in an illegal state."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from domain import db
from domain.errors import BrokenRules, DomainError
from domain.pipeline import management, queries, rules, service
from domain.pipeline.models import Opportunity, StageTransition
from domain.pipeline.stages import OPEN_STAGES, Stage
from tests.support.world import build_world

GATES = rules.load_gates()
TODAY = date(2026, 11, 20)
QUALIFICATION_PARTS = {
    "budget_range": {"min": 100, "max": 900},
    "decision_maker": "王总",
    "need": "三十辆换电网约车，年内交付",
    "timeline": "2027-02-01",
    "decision_chain": ["采购", "财务"],
    "competitors": ["比亚迪"],
}
ACTORS = ["owner", "owner", "owner", "manager", "manager", "other_rep", "intake"]
STALE = st.sampled_from([False, False, False, False, False, True])
ADVANCE_TO = st.sampled_from([None, None, None, None, None, *OPEN_STAGES])
PARTS = st.one_of(
    st.just(frozenset(QUALIFICATION_PARTS)), st.sets(st.sampled_from(sorted(QUALIFICATION_PARTS)))
)  # mostly fresh, so moves happen


@pytest.fixture(scope="module")
def template_database(tmp_path_factory):
    """A migrated SQLite file with the small company; each example copies it."""
    path = tmp_path_factory.mktemp("stateful") / "template.db"

    async def build():
        engine = db.create_engine(f"sqlite+aiosqlite:///{path}")
        await db.upgrade(engine)
        world = await build_world(db.session_factory(engine))
        await engine.dispose()
        return world

    world = asyncio.run(build())
    return path, world


class Pipeline(RuleBasedStateMachine):
    template = None  # set by the test below
    succeeded = 0  # use-cases that went through, over all examples

    @initialize()
    def open_database(self):
        path, self.world = self.template
        self.copy = path.with_name(f"run-{id(self)}.db")
        shutil.copyfile(path, self.copy)
        self.loop = asyncio.new_event_loop()
        self.engine = db.create_engine(f"sqlite+aiosqlite:///{self.copy}")
        self.sessions = db.session_factory(self.engine)
        self.actors = self.run(self._actors())
        self.opportunities: list[int] = []
        self.account = self.attempt(
            "owner",
            lambda s, a: service.create_account(
                s, a, name="客户", segment="fleet", owner_rep_id=None
            ),
        ).id

    def teardown(self):
        self.run(self.engine.dispose())
        self.loop.close()
        self.copy.unlink(missing_ok=True)

    def run(self, awaitable):
        return self.loop.run_until_complete(awaitable)

    async def _actors(self):
        from domain.org.access import actor_for
        from domain.org.models import User

        logins = {"owner": "rep", "manager": "manager", "other_rep": None, "intake": "intake"}
        async with self.sessions() as session:
            actors = {}
            for name, login in logins.items():
                if login:
                    user = await session.scalar(select(User).where(User.login == login))
                    actors[name] = await actor_for(session, user)
            owner = actors["owner"]
            # a rep of another team, without a login of its own: an Actor is enough here
            actors["other_rep"] = type(owner)(
                user_id=owner.user_id,
                roles=owner.roles,
                rep_id=self.world.reps["r4"],
                rep_unit_id=self.world.units["west.cd"],
            )
            return actors

    def attempt(self, who, use_case):
        """Run a use-case as one transaction; a broken rule rolls it back."""

        async def go():
            async with self.sessions() as session:
                try:
                    result = await use_case(session, self.actors[who])
                except (DomainError, BrokenRules):
                    await session.rollback()
                    return None
                await session.commit()
                Pipeline.succeeded += 1
                return result

        return self.run(go())

    def version_of(self, opportunity_id: int, stale: bool) -> int:
        async def read():
            async with self.sessions() as session:
                return await session.scalar(
                    select(Opportunity.version).where(Opportunity.id == opportunity_id)
                )

        return self.run(read()) + (1 if stale else 0)

    # --- rules ----------------------------------------------------------------------------

    @rule(parts=PARTS, who=st.sampled_from(ACTORS))
    def create(self, parts, who):
        details = service.Details(
            title="t",
            amount=100,
            expected_close=TODAY,
            qualification={p: QUALIFICATION_PARTS[p] for p in parts},
        )
        created = self.attempt(
            who,
            lambda s, a: service.create_opportunity(
                s,
                a,
                account_id=self.account,
                owner_rep_id=self.world.reps["r1"] if who == "manager" else None,
                details=details,
                gates=GATES,
            ),
        )
        if created is not None:
            self.opportunities.append(created.id)

    def _pick(self, data):
        return data.draw(st.sampled_from(self.opportunities)) if self.opportunities else None

    @rule(
        data=st.data(),
        who=st.sampled_from(ACTORS),
        stale=STALE,
        to=ADVANCE_TO,
    )
    def advance(self, data, who, stale, to):
        if (target := self._pick(data)) is None:
            return
        version = self.version_of(target, stale)
        self.attempt(
            who,
            lambda s, a: service.advance(
                s, a, opportunity_id=target, expected_version=version, to_stage=to, gates=GATES
            ),
        )

    @rule(
        data=st.data(),
        who=st.sampled_from(ACTORS),
        stale=STALE,
        reason=st.sampled_from(["", "客户换了负责人", "预算重新走流程"]),
    )
    def back(self, data, who, stale, reason):
        if (target := self._pick(data)) is None:
            return
        version = self.version_of(target, stale)
        self.attempt(
            who,
            lambda s, a: service.move_back(
                s, a, opportunity_id=target, expected_version=version, reason=reason
            ),
        )

    @rule(
        data=st.data(),
        who=st.sampled_from(ACTORS),
        stale=STALE,
        amount=st.sampled_from([0, 1, 5_000_00]),
    )
    def win(self, data, who, stale, amount):
        if (target := self._pick(data)) is None:
            return
        version = self.version_of(target, stale)
        self.attempt(
            who,
            lambda s, a: service.win(
                s,
                a,
                opportunity_id=target,
                expected_version=version,
                signed_amount=amount,
                signed_on=TODAY,
                today=TODAY,
            ),
        )

    @rule(
        data=st.data(),
        who=st.sampled_from(ACTORS),
        stale=STALE,
        code=st.sampled_from(["price", "other", "weather"]),
        note=st.sampled_from([None, "x"]),
    )
    def lose(self, data, who, stale, code, note):
        if (target := self._pick(data)) is None:
            return
        version = self.version_of(target, stale)
        self.attempt(
            who,
            lambda s, a: service.lose(
                s, a, opportunity_id=target, expected_version=version, reason_code=code, note=note
            ),
        )

    @rule(
        data=st.data(),
        who=st.sampled_from(ACTORS),
        stale=STALE,
        to=st.sampled_from([None, *Stage]),
    )
    def reopen(self, data, who, stale, to):
        if (target := self._pick(data)) is None:
            return
        version = self.version_of(target, stale)
        self.attempt(
            who,
            lambda s, a: management.reopen(
                s,
                a,
                opportunity_id=target,
                expected_version=version,
                reason="回头客",
                to_stage=to,
                gates=GATES,
            ),
        )

    @rule(
        data=st.data(),
        who=st.sampled_from(ACTORS),
        stale=STALE,
        rep=st.sampled_from(["r1", "r2", "r4"]),
    )
    def reassign(self, data, who, stale, rep):
        if (target := self._pick(data)) is None:
            return
        version = self.version_of(target, stale)
        self.attempt(
            who,
            lambda s, a: management.reassign(
                s,
                a,
                opportunity_id=target,
                expected_version=version,
                new_owner_rep_id=self.world.reps[rep],
                reason="调整",
            ),
        )

    @rule(
        data=st.data(),
        who=st.sampled_from(ACTORS),
        stale=STALE,
        drop=st.sampled_from(sorted(QUALIFICATION_PARTS)),
        add=st.sampled_from(sorted(QUALIFICATION_PARTS)),
    )
    def update(self, data, who, stale, drop, add):
        if (target := self._pick(data)) is None:
            return
        version = self.version_of(target, stale)
        change = {drop: None, add: QUALIFICATION_PARTS[add]} if drop != add else {drop: None}
        self.attempt(
            who,
            lambda s, a: service.update_details(
                s,
                a,
                opportunity_id=target,
                expected_version=version,
                details=service.Details(qualification=change),
                gates=GATES,
            ),
        )

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def every_opportunity_is_legal(self):
        if not hasattr(self, "engine"):
            return

        async def check():
            async with self.sessions() as session:
                opportunities = list(await session.scalars(select(Opportunity)))
                history = queries.transitions_of(session, [o.id for o in opportunities])
                history = await history
            for opportunity in opportunities:
                _check(opportunity, history.get(opportunity.id, []))

        self.run(check())


def _check(opportunity: Opportunity, history: list[StageTransition]) -> None:
    stage = Stage(opportunity.stage)
    won = stage == Stage.WON
    assert won == (
        opportunity.won_amount is not None
        and opportunity.won_amount > 0
        and opportunity.won_on is not None
    )
    assert (stage == Stage.LOST) == (opportunity.loss_reason_code is not None)
    # the gates of every stage up to where it stands (or stood when it closed) hold
    standing = stage if stage.is_open else Stage(history[-1].from_stage)
    for passed in OPEN_STAGES[1 : OPEN_STAGES.index(standing) + 1]:
        rules.check_gate(GATES, passed, opportunity.qualification)
    assert history and history[0].from_stage is None and history[0].to_stage == "lead"
    for before, after in zip(history, history[1:], strict=False):
        assert after.from_stage == before.to_stage and after.at >= before.at
    assert history[-1].to_stage == opportunity.stage


def test_random_pipeline_sequences_stay_legal(template_database):
    Pipeline.template = template_database
    Pipeline.TestCase.settings = settings(
        max_examples=40,
        stateful_step_count=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    Pipeline.succeeded = 0
    Pipeline.TestCase().runTest()
    # the sequences did reach the machine, not only its refusals
    assert Pipeline.succeeded > 100
