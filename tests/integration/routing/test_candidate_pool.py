"""The change counters and routing's per-process candidates: a counter moves with the
transaction that changes what it watches (and only then), its journal counts open leads and
assignments, and a pool answers from memory until a counter moves — whoever moved it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from coaching.routing.pool import CandidatePool, conversion_window_start
from coaching.routing.service import Router, intake_lead
from domain import changes
from domain.leads.changes import COUNTERS, LOAD, OUTCOMES, ROSTER
from domain.leads.rules import Contact, IntakeItem
from domain.org.models import OrgUnit, Rep, RepTerritory
from domain.pipeline.models import Account, Opportunity
from domain.settings import load_settings
from tests.support.db import count_statements
from tests.support.world import BOOTSTRAP


async def seed(sessions, reps: int = 3) -> int:
    """Three active reps covering "sh" and one account (its id)."""
    async with sessions() as session:
        session.add(OrgUnit(id=1, code="co", name="Co", kind="company", path="/1/", depth=0))
        for rep_id in range(1, reps + 1):
            session.add(
                Rep(
                    id=rep_id,
                    external_id=f"r{rep_id}",
                    name=f"Rep {rep_id}",
                    unit_id=1,
                    level="mid",
                    hire_date=date(2024, 1, 1),
                    capacity=5,
                )  # fmt: skip
            )
            session.add(RepTerritory(rep_id=rep_id, territory="sh"))
        account = Account(name="Acme", segment="smb", region="sh", owner_rep_id=1)
        session.add(account)
        await session.commit()
        return account.id


async def counters(sessions) -> dict[str, int]:
    async with sessions() as session:
        return await changes.read(session, COUNTERS)


def open_lead(account: int, owner: int, stage: str = "lead") -> Opportunity:
    return Opportunity(account_id=account, owner_rep_id=owner, title="t", amount=100,
                       expected_close=date(2027, 1, 1), stage=stage)  # fmt: skip


async def test_a_counter_moves_once_per_commit_with_a_relevant_change_and_never_on_rollback(
    sessions,
):
    account = await seed(sessions)
    before = await counters(sessions)
    assert before[ROSTER] >= 1  # the seeding added reps
    async with sessions() as session:
        session.add(Account(name="New", segment="smb", region="sh", owner_rep_id=1))
        await session.commit()  # a new account has no history: nothing routing reads
    assert await counters(sessions) == before
    async with sessions() as session:
        rep = await session.get(Rep, 2)
        rep.status, rep.capacity = "on_leave", 7  # two changes, one commit
        await session.commit()
    assert await counters(sessions) == before | {ROSTER: before[ROSTER] + 1}
    async with sessions() as session:
        (await session.get(Rep, 3)).status = "inactive"
        await session.flush()
        await session.rollback()
    assert (await counters(sessions))[ROSTER] == before[ROSTER] + 1
    async with sessions() as session:
        (await session.get(Account, account)).segment = "rental"  # the history moves segment
        await session.commit()
    assert (await counters(sessions))[OUTCOMES] == before[OUTCOMES] + 1


async def test_the_load_journal_counts_open_leads_as_they_come_move_and_go(sessions):
    account = await seed(sessions)
    journals = []
    async with sessions() as session:
        changes.after_commit(session, lambda raised, journal: journals.append((raised, journal)))
        first, second = open_lead(account, 1), open_lead(account, 2, stage="qualified")
        session.add_all([first, second])
        await session.flush()
        first.owner_rep_id = 3  # moved from rep 1 to rep 3 in the same transaction
        await session.flush()
        second.stage = "contacted"  # back into an open-lead stage: counts for rep 2
        await session.commit()
    ((raised, journal),) = journals
    assert set(raised) == {LOAD}
    assert {key: n for key, n in journal[LOAD].items() if n} == {("open", 3): 1, ("open", 2): 1}
    async with sessions() as session:
        changes.after_commit(session, lambda raised, journal: journals.append((raised, journal)))
        await session.execute(update(Opportunity).values(stage="qualified"))
        await session.commit()
    raised, journal = journals[-1]
    assert raised[LOAD] == journals[0][0][LOAD] + 1
    assert journal[LOAD] is None  # a statement: nobody counted what it changed


async def test_a_pool_answers_from_memory_until_another_process_changes_a_rep(sessions, engine):
    account = await seed(sessions)
    mine, theirs = CandidatePool(), CandidatePool()
    policy = Router.of(load_settings()).policy
    now = datetime.now(UTC)
    async with sessions() as session:
        table = await mine.table(session, policy, now)
        assert list(table.status) == [0, 0, 0]
    with count_statements(engine) as counted:
        async with sessions() as session:
            again = await mine.table(session, policy, now)
    assert counted.count == 1  # the counters only
    assert again.candidates is table.candidates
    async with sessions() as session:  # "another worker"
        (await session.get(Rep, 2)).status = "on_leave"
        session.add(open_lead(account, 3))
        await session.commit()
    async with sessions() as session:
        fresh = await mine.table(session, policy, now)
        reference = await theirs.table(session, policy, now)
    assert [c.status for c in fresh.candidates] == ["active", "on_leave", "active"]
    assert fresh.open_load.tolist() == reference.open_load.tolist() == [0, 0, 1]


async def test_routing_applies_its_own_commit_and_stays_equal_to_a_fresh_read(sessions, engine):
    await seed(sessions)
    router = Router.of(load_settings())
    for number in range(4):
        async with sessions() as session:
            item = IntakeItem(external_id=f"L{number}", source="web", segment="smb",
                              region="sh", contact=Contact(phone="+86 138 0000 0000"))  # fmt: skip
            routed = await intake_lead(session, BOOTSTRAP, router, item)
            await session.commit()
        assert routed.decision.rep_id is not None
    with count_statements(engine) as counted:
        async with sessions() as session:
            cached = await router.pool.table(session, router.policy, datetime.now(UTC))
    assert counted.count == 1  # its own commits were applied, nothing read again
    async with sessions() as session:
        fresh = await CandidatePool().table(session, router.policy, datetime.now(UTC))
    assert cached.open_load.tolist() == fresh.open_load.tolist()
    assert cached.recent.tolist() == fresh.recent.tolist()
    assert sum(fresh.open_load.tolist()) == 4


def test_the_conversion_window_starts_at_the_beginning_of_a_utc_day():
    late = datetime(2026, 12, 4, 23, 59, tzinfo=UTC)
    assert conversion_window_start(late, 180) == datetime(2026, 6, 7, tzinfo=UTC)
    shanghai_morning = datetime(2026, 12, 5, 7, 0, tzinfo=UTC) - timedelta(hours=8)
    assert conversion_window_start(shanghai_morning, 1) == datetime(2026, 12, 3, tzinfo=UTC)
