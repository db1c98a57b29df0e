"""The pool reads closed deals as counts per rep, segment, source and week of close (one grouped
statement), decays them by the policy's half-life, keeps the last weeks unweighted for drift,
and keeps the read until `routing_outcomes` moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coaching.routing.estimate import decay_weight
from coaching.routing.pool import CandidatePool, week_age_days, week_starts
from coaching.routing.service import Router
from domain.org.models import OrgUnit, Rep, RepTerritory
from domain.pipeline.models import Account, Opportunity
from domain.settings import load_settings
from tests.support.db import count_statements

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


async def seed(sessions) -> int:
    async with sessions() as session:
        session.add(OrgUnit(id=1, code="co", name="Co", kind="company", path="/1/", depth=0))
        for rep_id in (1, 2):
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


def closed(account: int, owner: int, stage: str, days_ago: float, source: str | None = "web"):
    at = NOW - timedelta(days=days_ago)
    extra: dict = {}
    if stage == "won":
        extra = {"won_amount": 100, "won_on": at.date()}
    elif stage == "lost":
        extra = {"loss_reason_code": "price"}
    return Opportunity(account_id=account, owner_rep_id=owner, title="t", amount=100,
                       expected_close=date(2027, 1, 1), stage=stage, source_lead=source,
                       stage_entered_at=at, **extra)  # fmt: skip


async def test_the_pool_reads_decayed_outcomes_per_week_and_recent_ones_unweighted(
    sessions, engine
):
    account = await seed(sessions)
    async with sessions() as session:
        session.add_all(
            [
                closed(account, 1, "won", 0.2),  # this week
                closed(account, 1, "lost", 1),  # this week
                closed(account, 1, "won", 10),  # week 1
                closed(account, 1, "won", 92),  # week 13
                closed(account, 1, "won", 800),  # before the 730-day window
                closed(account, 2, "lost", 3, source=None),  # "unknown" source
                closed(account, 2, "lead", 3),  # open: not an outcome
            ]
        )
        await session.commit()
    policy = Router.of(load_settings()).policy
    half_life = policy.estimate.half_life_days
    assert policy.conversion_window_days == 730 and half_life == 730
    pool = CandidatePool()
    async with sessions() as session:
        table = await pool.table(session, policy, NOW)
    one, two = table.candidates

    def weight(week: int) -> float:
        return float(decay_weight(week_age_days(week), half_life))

    won, total = one.conversion[("smb", "web")]
    assert won == pytest.approx(weight(0) + weight(1) + weight(13))
    assert total == pytest.approx(2 * weight(0) + weight(1) + weight(13))
    # a deal 13 weeks (~94 days) old weighs 0.5^(91 / 730) ≈ 0.92 of this week's
    assert weight(13) / weight(0) == pytest.approx(0.5 ** (91 / 730))
    assert one.recent_conversion == {("smb", "web", 0): (1.0, 2.0), ("smb", "web", 1): (1.0, 1.0)}
    assert two.conversion == {("smb", "unknown"): (0.0, pytest.approx(weight(0)))}
    assert two.recent_conversion == {("smb", "unknown", 0): (0.0, 1.0)}
    fit = table.estimate_fit(policy)
    assert fit.rep[0] > fit.rep[1]  # the rep who wins is estimated above the one who lost

    # kept until routing_outcomes moves
    with count_statements(engine) as counted:
        async with sessions() as session:
            again = await pool.table(session, policy, NOW)
    assert counted.count == 1 and again.candidates is table.candidates
    async with sessions() as session:
        session.add(closed(account, 2, "won", 0.1))
        await session.commit()
    async with sessions() as session:
        fresh = await pool.table(session, policy, NOW)
    assert fresh.candidates[1].recent_conversion[("smb", "web", 0)] == (1.0, 1.0)


def test_the_weeks_of_close_end_with_today_and_reach_back_over_the_window():
    starts = week_starts(NOW, 365)
    assert len(starts) == 53 and starts[0] == datetime(2026, 11, 28, tzinfo=UTC)
    assert starts[-1] <= datetime(2026, 12, 4, tzinfo=UTC) - timedelta(days=365)
    assert week_starts(NOW, 1) == [datetime(2026, 11, 28, tzinfo=UTC)]
    assert week_age_days(0) == 3.5 and week_age_days(13) == 94.5
