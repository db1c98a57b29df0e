"""The candidates as one process keeps them between decisions, so routing a lead costs a
statement or three rather than reading every rep, score and closed deal again.

What is kept, and when it is read again (see `domain.leads.changes` for the counters):
- the roster (reps, territories, specialties, capability scores, milestone flags): when
  `routing_roster` moved;
- the conversion history (deals won and lost per rep, segment and source over the policy's
  window, which starts at the beginning of a UTC day), read as counts per week of close
  (one grouped statement) and decayed here by the policy's half-life; the last weeks also
  unweighted, for drift: when `routing_outcomes` moved, the roster changed, or the window
  moved to another day;
- open leads per rep and recent assignments: when `routing_load` moved because of someone
  else, or the fairness window moved by more than `RECENT_DRIFT`. A transaction that routes
  through this pool and commits with no other change to the load in between applies its own
  changes (from the counter's journal) without reading again.

Every decision starts with one statement reading the three counters, so a change committed
by any worker process is seen by the next decision everywhere.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

import numpy as np
from sqlalchemy import case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.routing.estimate import decay_weight
from coaching.routing.inputs import DIMENSIONS, Candidate
from coaching.routing.policy import Policy
from coaching.routing.table import CandidateTable
from domain import changes
from domain.capability.service import current_scores, flags_of
from domain.kernel.time import as_utc
from domain.leads.changes import COUNTERS, LOAD, OPEN_LEAD_STAGES, OUTCOMES, ROSTER
from domain.leads.models import RoutingDecision
from domain.org.models import Rep, RepSpecialty, RepTerritory
from domain.pipeline.models import Account, Opportunity
from domain.pipeline.stages import Stage

UNKNOWN_SCORE = 50.0
"""A dimension nobody has measured yet counts as 'developing': neither a reason to exclude a
rep from a lead that needs it nor a claim of strength."""
RECENT_DRIFT = timedelta(seconds=60)
"""How far the fairness window may have moved before recent assignments are counted again."""


@dataclass(frozen=True)
class Roster:
    counter: int
    candidates: tuple[Candidate, ...]
    """Every rep, without conversion history, load or recent assignments."""


@dataclass(frozen=True)
class Built:
    key: tuple
    table: CandidateTable
    """The roster with its conversion history; load and recent assignments at zero."""


@dataclass(frozen=True)
class Load:
    counter: int
    fairness_since: datetime
    open_load: np.ndarray
    recent: np.ndarray
    table: CandidateTable


class CandidatePool:
    """One per process (it lives on the `Router`)."""

    def __init__(self) -> None:
        self._roster: Roster | None = None
        self._built: Built | None = None
        self._load: Load | None = None

    async def table(self, session: AsyncSession, policy: Policy, now: datetime) -> CandidateTable:
        """Every rep as a routing candidate, current as of this transaction's first read."""
        counters = await changes.read(session, COUNTERS)
        roster = self._roster
        if roster is None or roster.counter != counters[ROSTER]:
            roster = self._roster = Roster(counters[ROSTER], await _roster(session))
        window = conversion_window_start(now, policy.conversion_window_days)
        key = (roster.counter, counters[OUTCOMES], window, _outcome_settings(policy))
        built = self._built
        if built is None or built.key != key:
            decayed, recent = await _conversion(session, policy, now)
            table = CandidateTable(
                replace(
                    c,
                    conversion=decayed.get(c.rep_id, {}),
                    recent_conversion=recent.get(c.rep_id, {}),
                )
                for c in roster.candidates
            )
            built = self._built = Built(key, table)
        fairness_since = as_utc(now) - timedelta(days=policy.fairness_window_days)
        load = self._load
        if (
            load is None
            or load.table is not built.table
            or load.counter != counters[LOAD]
            or abs(load.fairness_since - fairness_since) > RECENT_DRIFT
        ):
            open_load = _per_rep(built.table, await _open_leads(session))
            recent = _per_rep(built.table, await _recent_assignments(session, fairness_since))
            load = self._load = Load(counters[LOAD], fairness_since, open_load, recent, built.table)
        return built.table.with_load(load.open_load, load.recent)

    def follow(self, session: AsyncSession) -> None:
        """Once this session commits, apply its own changes to the load when nobody else's
        came in between (otherwise the next decision reads the load again)."""
        seen = self._load

        def apply(raised: dict[str, int], journal: dict[str, Tally | None]) -> None:
            load, own = self._load, journal.get(LOAD, Tally())
            if load is None or load is not seen or raised.get(LOAD) != load.counter + 1:
                return
            if own is None:  # changed by a statement: read the load again
                return
            open_load, recent = load.open_load.copy(), load.recent.copy()
            index = load.table.index
            for (kind, rep_id), amount in own.items():
                if rep_id in index:
                    target = open_load if kind == "open" else recent
                    target[index[rep_id]] += amount
            self._load = replace(load, counter=raised[LOAD], open_load=open_load, recent=recent)

        changes.after_commit(session, apply)


def conversion_window_start(now: datetime, window_days: int) -> datetime:
    """The conversion window covers the last `window_days` whole UTC days and today."""
    day = as_utc(now).date() - timedelta(days=window_days)
    return datetime.combine(day, time(), tzinfo=UTC)


def _per_rep(table: CandidateTable, counts: dict[int, int]) -> np.ndarray:
    values = np.zeros(len(table), dtype=np.int64)
    for rep_id, count in counts.items():
        position = table.index.get(rep_id)
        if position is not None:
            values[position] = count
    return values


async def _roster(session: AsyncSession) -> tuple[Candidate, ...]:
    reps = (
        await session.execute(
            select(
                Rep.id, Rep.unit_id, Rep.level, Rep.status, Rep.capacity, Rep.external_id
            ).order_by(Rep.id)
        )
    ).all()
    ids = [rep.id for rep in reps]
    territories: dict[int, set[str]] = defaultdict(set)
    for rep_id, territory in await session.execute(
        select(RepTerritory.rep_id, RepTerritory.territory)
    ):
        territories[rep_id].add(territory)
    specialties: dict[int, dict[str, int]] = defaultdict(dict)
    for rep_id, segment, proficiency in await session.execute(
        select(RepSpecialty.rep_id, RepSpecialty.segment, RepSpecialty.proficiency)
    ):
        specialties[rep_id][segment] = proficiency
    scores = await current_scores(session, ids)
    flags = await flags_of(session, ids)
    unknown = dict.fromkeys(DIMENSIONS, UNKNOWN_SCORE)
    return tuple(
        Candidate(
            rep_id=rep.id,
            unit_id=rep.unit_id,
            level=rep.level,
            status=rep.status,
            territories=frozenset(territories.get(rep.id, ())),
            capacity=rep.capacity,
            specialties=specialties.get(rep.id, {}),
            capability={**unknown, **scores.get(rep.id, {})},
            flags=flags.get(rep.id, frozenset()),
            external_id=rep.external_id,
        )
        for rep in reps
    )


async def _open_leads(session: AsyncSession) -> dict[int, int]:
    rows = await session.execute(
        select(Opportunity.owner_rep_id, func.count())
        .where(Opportunity.stage.in_(OPEN_LEAD_STAGES))
        .group_by(Opportunity.owner_rep_id)
    )
    return dict(rows.all())


def _outcome_settings(policy: Policy) -> tuple:
    return (
        policy.conversion_window_days,
        policy.estimate.half_life_days,
        policy.estimate.drift.recent_days,
    )


def week_starts(now: datetime, window_days: int) -> list[datetime]:
    """The start of each week of close, newest first: week b covers the 7 days ending
    7·b days before the end of today (UTC); the last one reaches back to the window's start."""
    end = conversion_window_start(now, 0) + timedelta(days=1)
    weeks = -(-(window_days + 1) // 7)
    return [end - timedelta(days=7 * (b + 1)) for b in range(weeks)]


def week_age_days(week: int) -> float:
    """The age the decay gives week `week` (its middle, from the end of today)."""
    return 7 * week + 3.5


async def outcome_weeks(session: AsyncSession, since: datetime, starts: list[datetime]):
    """(rep, segment, source, week, won, closed) for deals closed since `since`, one grouped
    statement: the week of close is a CASE over the week starts, in a subquery so both
    databases group by it."""
    won = case((Opportunity.stage == Stage.WON.value, 1), else_=0)
    whens = [(Opportunity.stage_entered_at >= start, b) for b, start in enumerate(starts[:-1])]
    week = case(*whens, else_=len(starts) - 1) if whens else literal(0)
    closed = (
        select(
            Opportunity.owner_rep_id.label("rep_id"),
            Account.segment.label("segment"),
            func.coalesce(Opportunity.source_lead, "unknown").label("source"),
            week.label("week"),
            won.label("won"),
        )
        .join(Account, Account.id == Opportunity.account_id)
        .where(
            Opportunity.stage.in_((Stage.WON.value, Stage.LOST.value)),
            Opportunity.stage_entered_at >= since,
            Opportunity.owner_rep_id.is_not(None),
        )
        .subquery()
    )
    rows = await session.execute(
        select(
            closed.c.rep_id,
            closed.c.segment,
            closed.c.source,
            closed.c.week,
            func.sum(closed.c.won),
            func.count(),
        ).group_by(closed.c.rep_id, closed.c.segment, closed.c.source, closed.c.week)
    )
    return rows.all()


async def _conversion(session: AsyncSession, policy: Policy, now: datetime):
    """Per rep: (segment, source) → (won, closed) decayed by week of close over the policy's
    window, and (segment, source, week) → (won, closed) unweighted for the drift window."""
    since = conversion_window_start(now, policy.conversion_window_days)
    starts = week_starts(now, policy.conversion_window_days)
    half_life = policy.estimate.half_life_days
    recent_weeks = -(-policy.estimate.drift.recent_days // 7)
    decayed: dict[int, dict[tuple[str, str], tuple[float, float]]] = defaultdict(dict)
    recent: dict[int, dict[tuple[str, str, int], tuple[float, float]]] = defaultdict(dict)
    for rep_id, segment, source, week, wins, total in await outcome_weeks(session, since, starts):
        week, wins, total = int(week), int(wins or 0), int(total)
        weight = float(decay_weight(week_age_days(week), half_life))
        old_won, old_total = decayed[rep_id].get((segment, source), (0.0, 0.0))
        decayed[rep_id][(segment, source)] = (old_won + weight * wins, old_total + weight * total)
        if week < recent_weeks:
            recent[rep_id][(segment, source, week)] = (float(wins), float(total))
    return decayed, recent


async def _recent_assignments(session: AsyncSession, since: datetime) -> dict[int, int]:
    rows = await session.execute(
        select(RoutingDecision.rep_id, func.count())
        .where(RoutingDecision.decided_at >= since, RoutingDecision.rep_id.is_not(None))
        .group_by(RoutingDecision.rep_id)
    )
    return {rep_id: count for rep_id, count in rows if rep_id is not None}


__all__ = ["CandidatePool", "conversion_window_start", "outcome_weeks", "week_starts"]
