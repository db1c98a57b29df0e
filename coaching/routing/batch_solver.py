"""The batch solver's working data and steps (see `coaching.routing.batch` for the method):
lead profiles, eligibility and static scores per profile, the slots taken so far, each lead's
outcome, and the explanation of each outcome on demand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from coaching.routing.batch_moment import Moments
from coaching.routing.estimate import LeadEstimate
from coaching.routing.explanation import Decision, Fallback
from coaching.routing.inputs import LeadFacts
from coaching.routing.lead_rules import LeadProfile, profile_of
from coaching.routing.policy import Policy
from coaching.routing.table import (
    CandidateTable,
    dropped_filters,
    filter_failures,
    static_terms,
)
from coaching.routing.terms import effective_weights, fairness_term, load_term


@dataclass(frozen=True)
class BatchAssignment:
    """Lead `index` (its position in the batch): its rep and slot, or its fallback; `total`
    is its score at that slot; `level` how many relaxation steps were in force."""

    index: int
    outcome: str
    rep_id: int | None
    queue: str | None
    slot: int | None
    total: float | None
    level: int
    fallback: Fallback | None = None


class BatchSolver:
    """The solver's working data: profiles, per (profile, level) eligibility and static scores,
    the slots taken so far, and the outcome of each lead."""

    def __init__(self, leads: Sequence[LeadFacts], table: CandidateTable, policy: Policy):
        self.leads, self.table, self.policy = list(leads), table, policy
        self.weights, _ = effective_weights(policy)
        ids: dict[LeadProfile, int] = {}
        self.profile_index = [ids.setdefault(profile_of(lead, policy), len(ids)) for lead in leads]
        self.profiles = list(ids)
        self.taken = np.zeros(len(table), np.int64)
        self.outcomes: dict[int, BatchAssignment] = {}
        self.blocks = 0
        self.exact = True
        self._eligible: dict[tuple[int, int], np.ndarray] = {}
        self._static: dict[int, np.ndarray] = {}
        self._estimates: dict[int, LeadEstimate] = {}
        self._moments: Moments | None = None
        self._moments_of = -1

    # --- scores ---------------------------------------------------------------------------

    def eligible(self, p: int, level: int) -> np.ndarray:
        """Who passes the filters in force at `level`, capacity aside (slots handle it)."""
        key = (p, level)
        if key not in self._eligible:
            skip = dropped_filters(self.policy, level) | {"capacity_left"}
            fails = filter_failures(self.table, self.profiles[p], self.policy, skip=skip)
            mask = np.ones(len(self.table), bool)
            for failed in fails.values():
                mask &= ~failed
            self._eligible[key] = mask
        return self._eligible[key]

    def lead_estimate(self, p: int) -> LeadEstimate:
        """The profile's estimate, drawn once: the table and its load do not change while
        the batch is solved and explained."""
        if p not in self._estimates:
            self._estimates[p] = self.table.lead_estimate(self.profiles[p], self.policy)
        return self._estimates[p]

    def static_total(self, p: int) -> np.ndarray:
        if p not in self._static:
            terms = static_terms(self.table, self.profiles[p], self.policy, self.lead_estimate(p))
            self._static[p] = sum(self.weights[t] * terms[t] for t in terms)
        return self._static[p]

    def slot_terms(self, reps: np.ndarray, slots: np.ndarray) -> dict[str, np.ndarray]:
        t = self.table
        return {
            "load": load_term(t.open_load[reps] + slots, t.capacity[reps]),
            "fairness": fairness_term(t.recent[reps] + slots, self.policy.fairness_half_at),
        }

    def slot_values(self, reps: np.ndarray, slots: np.ndarray) -> np.ndarray:
        terms = self.slot_terms(reps, slots)
        return self.weights["load"] * terms["load"] + self.weights["fairness"] * terms["fairness"]

    # --- solving --------------------------------------------------------------------------

    def remaining(self) -> np.ndarray:
        return np.maximum(self.table.capacity - self.table.open_load - self.taken, 0)

    def solve_level(self, pending: list[int], level: int, max_cells: int) -> list[int]:
        """Assign what can be assigned at this relaxation level; return the leads left."""
        groups: dict[int, list[int]] = defaultdict(list)
        for i in pending:
            groups[self.profile_index[i]].append(i)
        profiles = sorted(groups, key=lambda p: groups[p][0])
        reachable = np.array([self.eligible(p, level) for p in profiles]) & (self.remaining() > 0)
        n_p, n_r = reachable.shape
        rows, cols = np.nonzero(reachable)
        graph = coo_matrix((np.ones(rows.size), (rows, cols + n_p)), shape=(n_p + n_r,) * 2)
        _, label = connected_components(graph, directed=False)
        components: dict[int, list[int]] = defaultdict(list)
        for k, p in enumerate(profiles):
            if reachable[k].any():
                components[label[k]].extend(groups[p])
        for rows_of_component in sorted(components.values(), key=min):
            self.solve_rows(sorted(rows_of_component), level, max_cells, depth=0)
        return [i for i in pending if i not in self.outcomes]

    def solve_rows(self, rows: list[int], level: int, max_cells: int, depth: int) -> None:
        profiles = sorted({self.profile_index[i] for i in rows})
        local = {p: k for k, p in enumerate(profiles)}
        row_profile = np.array([local[self.profile_index[i]] for i in rows])
        eligible = np.array([self.eligible(p, level) for p in profiles]) & (self.remaining() > 0)
        takers = np.bincount(row_profile, minlength=len(profiles)) @ eligible
        reps = np.flatnonzero(takers)
        slots = np.minimum(self.remaining()[reps], takers[reps])
        if not reps.size:
            return
        if len(rows) * int(slots.sum()) > max_cells and len(rows) > 1:
            self.exact = False
            for part in self._split(rows, depth, max_cells // max(1, int(slots.sum()))):
                self.solve_rows(part, level, max_cells, depth + 1)
            return
        col_rep = np.repeat(reps, slots)
        col_slot = self.taken[col_rep] + (
            np.arange(col_rep.size) - np.repeat(np.cumsum(slots) - slots, slots)
        )
        static = np.array([self.static_total(p) for p in profiles])
        values = static[:, col_rep][row_profile] + self.slot_values(col_rep, col_slot)
        allowed = eligible[:, col_rep][row_profile]
        prohibitive = -2.0 * (len(rows) + 1)
        chosen_rows, chosen_cols = linear_sum_assignment(
            np.where(allowed, values, prohibitive), maximize=True
        )
        self.blocks += 1
        keep = allowed[chosen_rows, chosen_cols]
        chosen_rows, chosen_reps = chosen_rows[keep], col_rep[chosen_cols[keep]]
        # A rep's slots are renumbered in lead order: the sum of its slot terms is the same
        # whichever lead holds which slot, and equal scores may have left a gap the
        # renumbering closes (later slots never score higher).
        order = np.lexsort((chosen_rows, chosen_reps))
        chosen_rows, chosen_reps = chosen_rows[order], chosen_reps[order]
        starts = np.searchsorted(chosen_reps, chosen_reps)
        slots = self.taken[chosen_reps] + np.arange(chosen_reps.size) - starts
        totals = static[row_profile[chosen_rows], chosen_reps]
        totals = totals + self.slot_values(chosen_reps, slots)
        for row, rep, slot, total in zip(
            chosen_rows.tolist(), chosen_reps.tolist(), slots.tolist(), totals.tolist(), strict=True
        ):
            self.record(rows[row], rep, slot, level, total)
        self.taken += np.bincount(chosen_reps, minlength=len(self.taken))

    def _split(self, rows: list[int], depth: int, chunk: int) -> list[list[int]]:
        """By territory first (reps rarely span two); failing that, interleaved chunks, so
        each chunk has the mix of segments the whole has."""
        if depth == 0:
            groups: dict[str, list[int]] = defaultdict(list)
            for i in rows:
                groups[self.leads[i].territory or ""].append(i)
            if len(groups) > 1:
                return [groups[key] for key in sorted(groups)]
        parts = -(-len(rows) // max(1, chunk))
        return [rows[start::parts] for start in range(parts)]

    def give(self, lead: int, rep: int, level: int, total: float) -> None:
        self.record(lead, rep, int(self.taken[rep]), level, total)
        self.taken[rep] += 1

    def record(self, lead: int, rep: int, slot: int, level: int, total: float) -> None:
        rep_id = int(self.table.rep_ids[rep])
        self.outcomes[lead] = BatchAssignment(lead, "assigned", rep_id, None, slot, total, level)

    def fall_back(self, leads: list[int]) -> None:
        steps = len(self.policy.relaxation)
        reason = f"no eligible rep had a slot left in this batch after {steps} relaxation step(s)"
        owner = self.policy.fallback_owner
        index = self.table.by_external_id.get(owner) if owner else None
        for lead in leads:
            why = None
            if owner is not None and index is None:
                why = "is not among the candidates"
            elif index is not None and self.table.candidates[index].status != "active":
                why = f"is {self.table.candidates[index].status}"
            elif index is not None and self.remaining()[index] <= 0:
                why = "has no slot left"
            if index is not None and why is None:
                slot = int(self.taken[index])
                self.taken[index] += 1
                fallback = Fallback(reason, None, owner, int(self.table.rep_ids[index]))
                self.outcomes[lead] = BatchAssignment(
                    lead, "fallback_owner", fallback.owner_rep_id, None, slot, None, steps, fallback
                )
                continue
            full = reason + (f"; the fallback owner {owner!r} {why}" if why else "")
            fallback = Fallback(full, self.policy.fallback_queue, owner)
            self.outcomes[lead] = BatchAssignment(
                lead, "fallback_queue", None, fallback.queue, None, None, steps, fallback
            )

    def assignments(self) -> tuple[BatchAssignment, ...]:
        return tuple(self.outcomes[i] for i in range(len(self.leads)))

    # --- explanations ---------------------------------------------------------------------

    def decision(self, a: BatchAssignment, method: str) -> Decision:
        """Lead `a.index` explained as at the moment of its assignment (see
        `coaching.routing.batch_moment`); call once every lead has its outcome."""
        if self._moments is None or self._moments_of != len(self.outcomes):
            self._moments = Moments(self)
            self._moments_of = len(self.outcomes)
        return self._moments.decision(a, method)
