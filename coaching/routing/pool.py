"""The candidates as one process keeps them between decisions, so routing a lead costs a
statement or three rather than reading every rep, score and closed deal again.

What is kept, and when it is read again (see `domain.leads.changes` for the counters):
- the roster (reps, territories, specialties, capability scores, milestone flags): when
  `routing_roster` moved;
- the conversion history (deals won and lost per rep, segment and source over the policy's
  window, which starts at the beginning of a UTC day): when `routing_outcomes` moved, the
  roster changed, or the window moved to another day;
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
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

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
        key = (roster.counter, counters[OUTCOMES], window)
        built = self._built
        if built is None or built.key != key:
            per_rep, unit_rates = await _conversion(session, roster.candidates, window)
            table = CandidateTable(
                replace(
                    c,
                    conversion=per_rep.get(c.rep_id, {}),
                    unit_conversion=unit_rates.get(c.unit_id, {}),
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


async def _conversion(session: AsyncSession, reps: tuple[Candidate, ...], since: datetime):
    """(won, closed) per rep and (segment, source) since the window's start, and each unit's
    win rate per (segment, source) — the prior a rep's thin history is shrunk toward."""
    won = case((Opportunity.stage == Stage.WON.value, 1), else_=0)
    rows = await session.execute(
        select(
            Opportunity.owner_rep_id,
            Account.segment,
            func.coalesce(Opportunity.source_lead, "unknown"),
            func.sum(won),
            func.count(),
        )
        .join(Account, Account.id == Opportunity.account_id)
        .where(
            Opportunity.stage.in_((Stage.WON.value, Stage.LOST.value)),
            Opportunity.stage_entered_at >= since,
        )
        .group_by(Opportunity.owner_rep_id, Account.segment, Opportunity.source_lead)
    )
    unit_of = {rep.rep_id: rep.unit_id for rep in reps}
    per_rep: dict[int, dict[tuple[str, str], tuple[int, int]]] = defaultdict(dict)
    per_unit: dict[int, dict[tuple[str, str], list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for rep_id, segment, source, wins, total in rows:
        per_rep[rep_id][(segment, source)] = (int(wins), int(total))
        unit = unit_of.get(rep_id)
        if unit is not None:
            tally = per_unit[unit][(segment, source)]
            tally[0] += int(wins)
            tally[1] += int(total)
    rates = {
        unit: {key: wins / total for key, (wins, total) in tallies.items() if total}
        for unit, tallies in per_unit.items()
    }
    return per_rep, rates


async def _recent_assignments(session: AsyncSession, since: datetime) -> dict[int, int]:
    rows = await session.execute(
        select(RoutingDecision.rep_id, func.count())
        .where(RoutingDecision.decided_at >= since, RoutingDecision.rep_id.is_not(None))
        .group_by(RoutingDecision.rep_id)
    )
    return {rep_id: count for rep_id, count in rows if rep_id is not None}


__all__ = ["CandidatePool", "conversion_window_start"]
