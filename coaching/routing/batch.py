"""Routing many leads at once under capacities: an assignment problem over capacity slots.

Each rep offers `capacity - open_load` slots; slot j is the rep's (j+1)-th new lead of the
batch, scored with the load and fairness the rep would have by then, so filling one rep costs
score and the solver spreads leads by itself. `scipy.optimize.linear_sum_assignment` maximises
the total score; an ineligible pair costs more than any set of scores can win back, so the
solver first assigns as many leads as can be assigned, then maximises their total. Leads left
over are tried again with the policy's relaxation steps in order, then go to the fallback.

Keeping the matrices small (10,000 leads over 2,000 reps would be 10,000 × ~20,000 slots,
1.6 GB of float64, and hours of solving):
- leads with the same profile (segment, source, territory, needs, flags) share one row of
  eligibility and scores, computed over all reps at once with numpy, and each term's array is
  cached by what it depends on (a segment, a segment and source, a set of needs);
- the lead–rep eligibility graph splits into connected components (usually one per territory
  or per group of territories that reps share), each solved on its own, which loses nothing;
- a rep offers at most as many slots as the component has leads it may take;
- a component still larger than `max_cells` lead × slot cells is split by the leads'
  territory, then into interleaved chunks of leads (each with the mix of the whole), solved
  one after another against the slots the earlier ones left: each block is optimal, the
  whole no longer provably so (`BatchResult.exact` says whether that happened).
The matrix is values where eligible, and a prohibitive −2·(rows+1) elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from coaching.routing.batch_solver import BatchAssignment, BatchSolver
from coaching.routing.explanation import Decision
from coaching.routing.inputs import Candidate, LeadFacts
from coaching.routing.policy import Policy
from coaching.routing.table import TIE_DECIMALS, CandidateTable, as_table

DEFAULT_MAX_CELLS = 4_000_000
"""Largest lead × slot matrix solved in one piece (32 MB of scores); see the module docstring."""


@dataclass(frozen=True)
class BatchResult:
    """Every lead's outcome, in the order of the leads given; `decision(i)` explains one."""

    assignments: tuple[BatchAssignment, ...]
    method: str
    """"batch" (the assignment solver) or "greedy" (the baseline)."""
    blocks: int
    """How many assignment problems were solved."""
    exact: bool
    """True unless a component was larger than max_cells and solved in pieces."""
    _solver: BatchSolver = field(repr=False, compare=False)

    @property
    def total_score(self) -> float:
        """The sum of the scores of the leads assigned by score (not the fallbacks)."""
        assigned = (a for a in self.assignments if a.outcome == "assigned")
        return float(sum(a.total for a in assigned if a.total is not None))

    @property
    def assigned_count(self) -> int:
        return sum(a.outcome == "assigned" for a in self.assignments)

    def new_leads(self) -> dict[int, int]:
        """rep_id → leads this batch gives the rep (fallback owner included)."""
        counts: dict[int, int] = defaultdict(int)
        for a in self.assignments:
            if a.rep_id is not None:
                counts[a.rep_id] += 1
        return dict(sorted(counts.items()))

    def decision(self, index: int) -> Decision:
        """The full explanation of lead `index`'s outcome (computed on demand) as at the
        moment of its assignment: every other lead of the batch in place, the winner at its
        slot and the top of the ranking, reps whose capacity other leads of the batch took in
        `passed_over` (see `coaching.routing.batch_moment`)."""
        return self._solver.decision(self.assignments[index], self.method)

    def decisions(self) -> list[Decision]:
        return [self.decision(i) for i in range(len(self.assignments))]


def assign_batch(
    leads: Sequence[LeadFacts],
    candidates: Iterable[Candidate] | CandidateTable,
    policy: Policy,
    *,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> BatchResult:
    """Assign every lead: by the assignment solver where a rep may take it, else the fallback."""
    solver = BatchSolver(leads, as_table(candidates), policy)
    pending = list(range(len(leads)))
    for level in range(len(policy.relaxation) + 1):
        if pending:
            pending = solver.solve_level(pending, level, max_cells)
    solver.fall_back(pending)
    return BatchResult(solver.assignments(), "batch", solver.blocks, solver.exact, solver)


def greedy_batch(
    leads: Sequence[LeadFacts],
    candidates: Iterable[Candidate] | CandidateTable,
    policy: Policy,
) -> BatchResult:
    """The baseline for tests and benchmarks: each lead in turn takes the best slot left
    (relaxing while it has none), with decide()'s tie-break."""
    state = BatchSolver(leads, as_table(candidates), policy)
    table = state.table
    left = []
    for i in range(len(leads)):
        for level in range(len(policy.relaxation) + 1):
            p = state.profile_index[i]
            open_now = table.open_load + state.taken
            reps = np.flatnonzero(state.eligible(p, level) & (open_now < table.capacity))
            if not reps.size:
                continue
            values = state.static_total(p)[reps] + state.slot_values(reps, state.taken[reps])
            ratio = open_now[reps] / table.capacity[reps]
            keys = (
                table.rep_ids[reps],
                ratio,
                table.recent[reps] + state.taken[reps],
                -np.round(values, TIE_DECIMALS),
            )
            best = int(np.lexsort(keys)[0])
            state.give(i, int(reps[best]), level, float(values[best]))
            break
        else:
            left.append(i)
    state.fall_back(left)
    return BatchResult(state.assignments(), "greedy", 0, True, state)
