"""A batch lead's explanation as at the moment of its assignment.

The assignment solver places the leads of a batch together, so "the moment" of a lead is the
batch's outcome with every other lead in place: each rep carries the batch leads it got
besides this one (open load and recent assignments grow by them), the winner is scored at its
own slot. The ranking shown is over the reps that still had a slot then, and the winner is its
top: within a block solved exactly, a rep with a slot left scoring more would have been a
better assignment (its next slot scores no more than any earlier one, and the winner's slot
no less than its last), and where totals tie the winner is shown first, the tie-break note
saying the batch's total decided. Reps whose every slot went to other leads of the batch are
not in the ranking but in `Decision.passed_over` when they would have scored more than the
winner, each with the lead holding the slot this one would have taken ("capacity taken by
lead X in this batch"). Contributions sum to the winner's total, as in a single decision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from coaching.routing.decision import TOP, build_decision, exclusions_of
from coaching.routing.exclusions import Exclusions
from coaching.routing.explanation import Decision, PassedOver
from coaching.routing.table import TIE_DECIMALS, Ranking, rank, rank_order
from coaching.routing.terms import combine, fairness_term, load_term

if TYPE_CHECKING:
    from coaching.routing.batch_solver import BatchAssignment, BatchSolver

BATCH_TIE = "the batch's best total"
"""The tie-break key of a batch winner shown first among equal totals (the solver chose it for
the batch's total, not by the single-lead tie-break)."""


class Moments:
    """The explanations of one solved batch: the start-of-batch ranking per profile and level
    (filters other than capacity, static terms, exclusions) is shared, the rest is per lead."""

    def __init__(self, solver: BatchSolver):
        self.solver = solver
        table = solver.table
        self.final = np.zeros(len(table), np.int64)
        held: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for a in solver.outcomes.values():
            if a.rep_id is not None and a.slot is not None:
                rep = table.index[a.rep_id]
                self.final[rep] += 1
                held[rep].append((a.slot, a.index))
        self.last_held = {rep: max(slots) for rep, slots in held.items()}
        """rep → (slot, lead) of the last batch lead it got: the slot another lead would take."""
        self._start: dict[tuple[int, int], tuple[Ranking, Exclusions]] = {}

    def start(self, p: int, level: int) -> tuple[Ranking, Exclusions]:
        key = (p, level)
        if key not in self._start:
            s = self.solver
            ranking = rank(
                s.table,
                s.profiles[p],
                s.policy,
                relaxation_level=level,
                requested_cause="batch_capacity",
                lead_estimate=s.lead_estimate(p),
            )
            self._start[key] = (ranking, exclusions_of(s.table, s.profiles[p], s.policy, ranking))
        return self._start[key]

    def decision(self, a: BatchAssignment, method: str) -> Decision:
        s, table = self.solver, self.solver.table
        p = s.profile_index[a.index]
        start, start_exclusions = self.start(p, a.level)
        winner = None if a.rep_id is None else table.index[a.rep_id]
        others = self.final.copy()
        if winner is not None:
            others[winner] -= 1
        load, recent = table.open_load + others, table.recent + others
        if winner is not None and a.slot is not None:
            load[winner] = table.open_load[winner] + a.slot
            recent[winner] = table.recent[winner] + a.slot
        moment = table.with_load(load, recent)
        full = load >= table.capacity
        if winner is not None:
            full[winner] = False
        rep_terms = dict(start.terms) | {
            "load": load_term(load, table.capacity),
            "fairness": fairness_term(recent, s.policy.fairness_half_at),
        }
        totals = np.asarray(combine(rep_terms, start.weights), dtype=float)
        eligible = s.eligible(p, a.level) & ~full
        order = rank_order(moment, np.flatnonzero(eligible), totals)
        forced = _winner_first(order, totals, winner)
        fails = _with_capacity(start.fails, full, [f.field for f in s.policy.filters])
        ranking = replace(
            start, fails=fails, eligible=eligible, order=forced, terms=rep_terms, totals=totals
        )
        exclusions = _moment_exclusions(start_exclusions, table, fails, load)
        decision = build_decision(
            s.leads[a.index],
            moment,
            s.profiles[p],
            s.policy,
            ranking,
            winner=winner,
            fallback=a.fallback,
            method=method,
            slot=a.slot,
            exclusions=exclusions,
        )
        if winner is not None and a.fallback is None and forced[0] != order[0]:
            runner = int(table.rep_ids[order[0]])
            tie = f"tied with rep {runner} at {totals[winner]:.4f}; won on {BATCH_TIE}"
            decision = replace(decision, tie_break=tie)
        passed = self.passed_over(
            a, p, eligible_before=s.eligible(p, a.level) & full & (others > 0)
        )
        shown = passed[:TOP]
        return replace(decision, passed_over=tuple(shown), passed_over_count=len(passed))

    def passed_over(self, a: BatchAssignment, p: int, eligible_before: np.ndarray) -> list:
        """Eligible reps whose slots all went to other leads of the batch, scored as if this
        lead had taken the slot of their last one; those above the winner (all when nobody got
        the lead by score), best first."""
        s = self.solver
        reps = np.flatnonzero(eligible_before)
        if not reps.size:
            return []
        slots = np.array([self.last_held[int(r)][0] for r in reps])
        scores = s.static_total(p)[reps] + s.slot_values(reps, slots)
        bar = None if a.fallback is not None or a.total is None else a.total
        found = []
        for rep, score in zip(reps.tolist(), scores.tolist(), strict=True):
            if bar is not None and round(score, TIE_DECIMALS) <= round(bar, TIE_DECIMALS):
                continue
            holder = self.last_held[rep][1]
            lead_id = s.leads[holder].lead_id
            found.append(PassedOver(int(s.table.rep_ids[rep]), float(score), holder, lead_id))
        found.sort(key=lambda item: (-round(item.total, TIE_DECIMALS), item.rep_id))
        return found


def _winner_first(order: np.ndarray, totals: np.ndarray, winner: int | None) -> np.ndarray:
    """The ranking with the winner moved to the top when it ties the top's total (to the
    tie-break decimals); otherwise as it is."""
    if winner is None or not order.size or order[0] == winner:
        return order
    if round(totals[order[0]], TIE_DECIMALS) != round(totals[winner], TIE_DECIMALS):
        return order
    return np.concatenate(([winner], order[order != winner]))


def _with_capacity(
    fails: dict[str, np.ndarray], full: np.ndarray, policy_order: list[str]
) -> dict[str, np.ndarray]:
    """The start-of-batch filter failures with capacity as at the moment (the batch always
    holds reps to their capacity), in the policy's filter order, the caller's exclusions last."""
    merged = {name: mask for name, mask in fails.items() if name != "capacity_left"}
    if full.any():
        merged["capacity_left"] = full
    rank_of = {name: i for i, name in enumerate(policy_order)}
    return dict(sorted(merged.items(), key=lambda item: rank_of.get(item[0], len(rank_of))))


def _moment_exclusions(
    start: Exclusions, table, fails: dict[str, np.ndarray], load: np.ndarray
) -> Exclusions:
    full = np.flatnonzero(fails.get("capacity_left", np.zeros(len(table), bool)))
    capacity = tuple(
        zip(
            table.rep_ids[full].tolist(),
            load[full].tolist(),
            table.capacity[full].tolist(),
            strict=True,
        )
    )
    counts = {name: int(mask.sum()) for name, mask in fails.items() if mask.any()}
    return replace(start, counts=counts, capacity=capacity)
