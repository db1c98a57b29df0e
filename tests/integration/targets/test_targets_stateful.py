"""A hypothesis state machine drives random sequences of the target use-cases — set,
allocate (over children or time, even or composite), adjust, rebalance, propose, approve,
lock — as the admin, directors, a manager and a rep, with right and stale versions, on the
small company, and checks after every step that:

- the children of every target sum exactly to it, whatever anyone's status;
- a target has one split (over its owner's org children, or over one kind of sub-period
  inside its own period), and a child is in its parent's split;
- every change is a TargetVersion: versions 1..n with no gap, each one's old amount and
  status the previous one's new, the last one the target as it is;
- a target outside any split changes only when it is set or adjusted itself;
- a refused use-case changes nothing.

It runs on SQLite and PostgreSQL (the `backend` fixture), derandomized, in seconds."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, insert, select, update

from domain import db
from domain.errors import BrokenRules, DomainError
from domain.org.access import actor_for
from domain.org.models import User
from domain.targets import allocation, calibration, service
from domain.targets.models import (
    Deal,
    Metric,
    PeriodKind,
    Target,
    TargetProposal,
    TargetVersion,
)
from domain.targets.periods import Period
from domain.targets.rules import WeightMix
from tests.support.db import empty_tables
from tests.support.world import build_world

TODAY = date(2026, 11, 20)
PERIODS = [Period(PeriodKind.YEAR, date(2027, 1, 1)), Period(PeriodKind.QUARTER, date(2027, 1, 1))]
# owner → the owner directly above it in the org tree
ORG_PARENT = {
    "acme": None,
    "east": "acme",
    "west": "acme",
    "east.sh": "east",
    "east.hz": "east",
    "west.cd": "west",
    "r1": "east.sh",
    "r2": "east.sh",
    "r3": "east.hz",
    "r4": "west.cd",
}
# who proposes for an owner: the rep, or the manager or director whose scope is the unit
PROPOSER = {"acme": "director", "east": "director.east", "east.sh": "manager", "r1": "rep"}
PLANNERS = ["admin"] * 5 + ["director", "director.east", "manager"]
AMOUNTS = st.one_of(
    st.sampled_from([0, 1, 7, 1_000_001, 12_345_678_90]), st.integers(0, 10_000_000_00)
)
EVEN_OVER_CHILDREN = allocation.AllocationPlan(True, None, WeightMix(), even=True)
STALE = st.sampled_from([False] * 5 + [True])
OVERRIDE = st.sampled_from([True, True, False])


class Targets(RuleBasedStateMachine):
    # set by the test: one event loop, engine and company for all examples of a run
    loop: asyncio.AbstractEventLoop
    sessions = None
    actors: dict = {}
    owners: dict = {}  # owner key "unit:5"/"rep:7" → the world's code
    succeeded: Counter = Counter()
    refused: Counter = Counter()

    @initialize()
    def draft_plan(self):
        """The report's start: Acme's draft 1,000,001 split over East and West, East's over
        its two teams."""
        self.run(self._empty())
        self.roots: dict[int, int] = {}  # targets outside any split → their amount
        self.last_refused = False
        self.snapshot = None
        self.set_target("acme", PERIODS[0], 1_000_001, "admin")
        (company,) = self.roots
        regions = self.attempt(
            "allocate",
            "admin",
            lambda s, a: allocation.allocate_target(
                s, a, target_id=company, plan=EVEN_OVER_CHILDREN, today=TODAY
            ),
        )
        east = regions[0].id
        self.attempt(
            "allocate",
            "admin",
            lambda s, a: allocation.allocate_target(
                s, a, target_id=east, plan=EVEN_OVER_CHILDREN, today=TODAY
            ),
        )

    async def _empty(self):
        async with self.sessions() as session:
            for table in (TargetProposal, TargetVersion):
                await session.execute(delete(table))
            await session.execute(update(Target).values(parent_id=None))
            await session.execute(delete(Target))
            await session.commit()

    def run(self, awaitable):
        return self.loop.run_until_complete(awaitable)

    def attempt(self, name, who, use_case):
        """One use-case as one transaction, like a mutation: a broken rule rolls it back."""

        async def go():
            async with self.sessions() as session:
                try:
                    result = await use_case(session, self.actors[who])
                except (DomainError, BrokenRules) as failure:
                    await session.rollback()
                    errors = failure.errors if isinstance(failure, BrokenRules) else [failure]
                    Targets.refused.update(e.code for e in errors)
                    return None
                await session.commit()
                Targets.succeeded[name] += 1
                return result

        result = self.run(go())
        self.last_refused = result is None
        return result

    def _ids(self):
        return sorted(self.snapshot["targets"]) if self.snapshot else []

    def _pick(self, data):
        ids = self._ids()
        return data.draw(st.sampled_from(ids)) if ids else None

    def _version(self, target_id, stale):
        return self.snapshot["targets"][target_id]["version"] + (1 if stale else 0)

    def _calibration(self, override):
        return calibration.Calibration("市场变化", "周会决定" if override else None, 14)

    # --- rules ----------------------------------------------------------------------------

    @rule(
        owner=st.sampled_from(sorted(ORG_PARENT)),
        period=st.sampled_from(PERIODS),
        amount=AMOUNTS,
        who=st.sampled_from(PLANNERS),
    )
    def set_target(self, owner, period, amount, who):
        created = self.attempt(
            "set",
            who,
            lambda s, a: service.set_target(
                s,
                a,
                metric=Metric.REVENUE,
                owner=self._owner(owner),
                period=period,
                amount=amount,
                reason="年度规划",
            ),
        )
        if created is not None:
            self.roots[created.id] = amount

    @rule(
        data=st.data(),
        into_children=st.booleans(),
        kind=st.sampled_from([PeriodKind.QUARTER, PeriodKind.MONTH]),
        even=st.sampled_from([True, True, False]),
        who=st.sampled_from(PLANNERS),
    )
    def allocate(self, data, into_children, kind, even, who):
        if (target_id := self._pick(data)) is None:
            return
        plan = allocation.AllocationPlan(
            into_children, None if into_children else kind, WeightMix(), even
        )
        children = self.attempt(
            "allocate",
            who,
            lambda s, a: allocation.allocate_target(
                s, a, target_id=target_id, plan=plan, today=TODAY
            ),
        )
        for child in children or []:
            self.roots.pop(child.id, None)

    @rule(
        data=st.data(),
        amount=AMOUNTS,
        stale=STALE,
        override=OVERRIDE,
        who=st.sampled_from(PLANNERS),
        root=st.booleans(),  # half the time a target outside any split: its children follow
    )
    def adjust(self, data, amount, stale, override, who, root):
        roots = sorted(t for t, row in self.snapshot["targets"].items() if row["parent_id"] is None)
        target_id = data.draw(st.sampled_from(roots)) if root and roots else self._pick(data)
        if target_id is None:
            return
        adjusted = self.attempt(
            "adjust",
            who,
            lambda s, a: calibration.adjust_target(
                s,
                a,
                target_id=target_id,
                expected_version=self._version(target_id, stale),
                amount=amount,
                calibration=self._calibration(override),
            ),
        )
        if adjusted is not None:
            self.roots[target_id] = amount

    @rule(
        data=st.data(),
        stale=STALE,
        override=OVERRIDE,
        skew=st.sampled_from([0] * 8 + [1, -1]),
        stranger=st.sampled_from([False] * 8 + [True]),
        who=st.sampled_from(PLANNERS),
    )
    def rebalance(self, data, stale, override, skew, stranger, who):
        split = defaultdict(list)
        for target_id, row in self.snapshot["targets"].items() if self.snapshot else ():
            if row["parent_id"] is not None:
                split[row["parent_id"]].append(target_id)
        parents = sorted(p for p, kids in split.items() if len(kids) >= 2)
        if not parents:
            return
        kids = sorted(split[data.draw(st.sampled_from(parents))])
        chosen = data.draw(
            st.lists(st.sampled_from(kids), min_size=2, max_size=min(3, len(kids)), unique=True)
        )
        if stranger:  # not a sibling: NOT_SIBLINGS
            chosen[-1] = data.draw(st.sampled_from(self._ids()))
        rows = self.snapshot["targets"]
        total = sum(rows[t]["amount"] for t in chosen)
        cuts = data.draw(
            st.lists(st.integers(0, total), min_size=len(chosen) - 1, max_size=len(chosen) - 1)
        )
        bounds = [0, *sorted(cuts), total]
        amounts = [hi - lo for lo, hi in zip(bounds, bounds[1:], strict=False)]
        amounts[0] = max(0, amounts[0] + skew)  # a changed sum: SUM_CHANGED
        moves = [
            calibration.Move(t, self._version(t, stale and i == 0), amount)
            for i, (t, amount) in enumerate(zip(chosen, amounts, strict=True))
        ]
        self.attempt(
            "rebalance",
            who,
            lambda s, a: calibration.rebalance_targets(
                s, a, moves=moves, calibration=self._calibration(override)
            ),
        )

    @rule(data=st.data(), amount=AMOUNTS, anyone=st.sampled_from([False] * 4 + [True]))
    def propose(self, data, amount, anyone):
        if (target_id := self._pick(data)) is None:
            return
        owner = self.owners[self.snapshot["targets"][target_id]["owner_key"]]
        who = "manager" if anyone else PROPOSER.get(owner, "manager")
        self.attempt(
            "propose",
            who,
            lambda s, a: service.propose_target(
                s, a, target_id=target_id, amount=amount, reason="客户预算推迟"
            ),
        )

    @rule(data=st.data(), who=st.sampled_from(PLANNERS))
    def approve(self, data, who):
        if (target_id := self._pick(data)) is None:
            return
        self.attempt("approve", who, lambda s, a: service.approve_target(s, a, target_id=target_id))

    @rule(data=st.data(), who=st.sampled_from(PLANNERS))
    def lock(self, data, who):
        if (target_id := self._pick(data)) is None:
            return
        self.attempt("lock", who, lambda s, a: service.lock_target(s, a, target_id=target_id))

    def _owner(self, code):
        key = next(key for key, name in self.owners.items() if name == code)
        kind, pk = key.split(":")
        return service.Owner(**{f"{kind}_id": int(pk)})

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def splits_are_whole_and_every_change_is_a_version(self):
        before, self.snapshot = self.snapshot, self.run(self._read())
        if self.last_refused:
            assert self.snapshot == before, "a refused use-case changed something"
        targets, versions = self.snapshot["targets"], self.snapshot["versions"]
        children = defaultdict(list)
        for target_id, row in targets.items():
            assert row["amount"] >= 0
            if row["parent_id"] is None:
                assert self.roots.get(target_id) == row["amount"], (target_id, row, self.roots)
            else:
                children[row["parent_id"]].append(row)
        for parent_id, kids in children.items():
            parent = targets[parent_id]
            assert sum(k["amount"] for k in kids) == parent["amount"], (parent, kids)
            shapes = {(k["owner_key"] == parent["owner_key"], k["period_kind"]) for k in kids}
            assert len(shapes) == 1, (parent, kids)
            for kid in kids:
                self._in_split(parent, kid)
        for target_id, row in targets.items():
            history = versions[target_id]
            assert [v["version"] for v in history] == list(range(1, row["version"] + 1))
            assert (history[0]["old_amount"], history[0]["old_status"]) == (None, None)
            for earlier, later in zip(history, history[1:], strict=False):
                assert later["old_amount"] == earlier["new_amount"], history
                assert later["old_status"] == earlier["new_status"], history
            assert (history[-1]["new_amount"], history[-1]["new_status"]) == (
                row["amount"],
                row["status"],
            )

    def _in_split(self, parent, kid):
        parent_period = Period(PeriodKind(parent["period_kind"]), parent["period_start"])
        if kid["owner_key"] == parent["owner_key"]:  # over time: inside the parent's period
            kid_period = Period(PeriodKind(kid["period_kind"]), kid["period_start"])
            assert parent_period.splits_into(kid_period.kind)
            assert parent_period.contains(kid_period.anchor)
        else:  # over children: the same period, an owner right below in the org
            assert (kid["period_kind"], kid["period_start"]) == (
                parent["period_kind"],
                parent["period_start"],
            )
            assert ORG_PARENT[self.owners[kid["owner_key"]]] == self.owners[parent["owner_key"]]

    async def _read(self):
        async with self.sessions() as session:
            columns = ("parent_id", "owner_key", "period_kind", "period_start")
            targets = {
                t.id: {
                    "amount": t.amount,
                    "status": t.status,
                    "version": t.version,
                    **{c: getattr(t, c) for c in columns},
                }
                for t in await session.scalars(select(Target))
            }
            versions = defaultdict(list)
            stmt = select(TargetVersion).order_by(TargetVersion.target_id, TargetVersion.version)
            for v in await session.scalars(stmt):
                versions[v.target_id].append(
                    {
                        "version": v.version,
                        "action": v.action,
                        "old_amount": v.old_amount,
                        "new_amount": v.new_amount,
                        "old_status": v.old_status,
                        "new_status": v.new_status,
                    }
                )
            return {"targets": targets, "versions": dict(versions)}


async def _prepare(engine):
    """The small company, its logins as actors, and a year of deals to allocate by."""
    await empty_tables(engine)
    sessions = db.session_factory(engine)
    world = await build_world(sessions)
    async with sessions() as session:
        actors = {}
        for login in ("admin", "director", "director.east", "manager", "rep"):
            user = await session.scalar(select(User).where(User.login == login))
            actors[login] = await actor_for(session, user)
        rows = [
            {
                "external_id": f"{rep}-{n}",
                "close_date": TODAY - timedelta(days=29 * n + 3),
                "amount": (n + 1) * weight * 10_000_00,
                "rep_id": world.reps[rep],
                "customer": f"c-{rep}-{n}",
                "segment": "smb",
                "product_line": "ev",
                "high_margin": False,
                "one_off": False,
            }
            for weight, rep in enumerate(("r1", "r2", "r3", "r4"), start=1)
            for n in range(0, 12, 3)
        ]
        await session.execute(insert(Deal), rows)
        await session.commit()
    owners = {f"unit:{pk}": code for code, pk in world.units.items()}
    owners.update({f"rep:{pk}": code for code, pk in world.reps.items()})
    return sessions, actors, owners


def test_random_target_sequences_keep_every_split_whole(backend, db_url):
    loop = asyncio.new_event_loop()
    engine = db.create_engine(db_url)
    try:
        Targets.loop = loop
        Targets.sessions, Targets.actors, Targets.owners = loop.run_until_complete(_prepare(engine))
        Targets.succeeded, Targets.refused = Counter(), Counter()
        run_state_machine_as_test(
            Targets,
            settings=settings(
                max_examples=40,
                stateful_step_count=30,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
    finally:
        loop.run_until_complete(engine.dispose())
        loop.close()
    # the sequences reached every use-case, and the rule was put to the test
    for name in ("set", "allocate", "adjust", "rebalance", "propose", "approve", "lock"):
        assert Targets.succeeded[name] > 0, (name, Targets.succeeded)
    assert Targets.refused["PARENT_SUM_FIXED"] > 0, Targets.refused
    assert Targets.refused["INVALID_SPLIT"] > 0, Targets.refused
    print(dict(Targets.succeeded), dict(Targets.refused))
