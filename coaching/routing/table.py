"""The candidates as columns of numbers, so filters and terms run over every rep at once.

Reps are kept sorted by rep_id, which makes every result independent of the order the caller
listed them in. Per-lead lookups (a territory, a flag, a segment's proficiencies, the pooled
win-rate estimate and its posterior for a segment and source) are built on first use and cached
on the table; the exploration draw is made per lead and never cached.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from coaching.routing import estimate, terms
from coaching.routing.exclusions import DECIMALS
from coaching.routing.inputs import DIMENSIONS, STATUSES, Candidate
from coaching.routing.lead_rules import LeadProfile
from coaching.routing.policy import Policy

ACTIVE, ON_LEAVE, INACTIVE = (STATUSES.index(name) for name in ("active", "on_leave", "inactive"))
DIMENSION_INDEX = {dimension: i for i, dimension in enumerate(DIMENSIONS)}
TIE_DECIMALS = 9
"""Totals equal to this many decimals tie (float sums of the same terms may differ in the last
bits) and go to the tie-break."""


class CandidateTable:
    """The candidates sorted by rep_id, with their numbers as numpy arrays (index i = the i-th
    rep). Build it once to route many leads over the same reps (the batch does)."""

    def __init__(self, candidates: Iterable[Candidate]):
        ordered = sorted(candidates, key=lambda candidate: candidate.rep_id)
        self.candidates: tuple[Candidate, ...] = tuple(ordered)
        self.index = {candidate.rep_id: i for i, candidate in enumerate(ordered)}
        if len(self.index) != len(ordered):
            raise ValueError("two candidates share a rep_id")
        self.by_external_id = {c.external_id: i for i, c in enumerate(ordered) if c.external_id}
        self.rep_ids = np.array([c.rep_id for c in ordered], dtype=np.int64)
        codes = {status: i for i, status in enumerate(STATUSES)}
        self.status = np.array([codes[c.status] for c in ordered], dtype=np.int8)
        self.levels = np.array([c.level for c in ordered], dtype=object)
        self.capacity = np.array([c.capacity for c in ordered], dtype=np.int64)
        self.open_load = np.array([c.open_load for c in ordered], dtype=np.int64)
        self.recent = np.array([c.recent_assignments for c in ordered], dtype=np.int64)
        zeros = (0.0,) * len(DIMENSIONS)
        self.capability = np.array(
            [list(map(c.capability.get, DIMENSIONS, zeros)) for c in ordered], dtype=float
        ).reshape(len(ordered), len(DIMENSIONS))
        self._cache: dict[tuple, np.ndarray | tuple] = {}

    def with_load(self, open_load: np.ndarray, recent: np.ndarray) -> CandidateTable:
        """The same reps, and everything cached about them, with this open load and these
        recent assignments (index i = the i-th rep). Nothing cached depends on either."""
        view = copy.copy(self)
        view.open_load, view.recent = open_load, recent
        return view

    @property
    def territory_list(self) -> list[tuple[str, ...]]:
        """Each rep's territories, sorted (kept across `with_load` views)."""
        return self.cached(
            ("territory_list",), lambda: [tuple(sorted(c.territories)) for c in self.candidates]
        )

    def below(self, dimension: str, minimum: float) -> tuple[tuple[int, float], ...]:
        """(rep, score) of the reps scoring below the minimum in the dimension, the scores
        rounded as explanations keep them."""

        def build():
            scores = self.capability[:, DIMENSION_INDEX[dimension]]
            below = np.flatnonzero(scores < minimum)
            kept = np.round(scores[below], DECIMALS).tolist()
            return tuple(zip(self.rep_ids[below].tolist(), kept, strict=True))

        return self.cached(("below", dimension, minimum), build)

    def with_territories(self, indices: np.ndarray) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """(rep, the rep's territories) of the reps at these indices."""
        territories = self.territory_list
        pairs = zip(self.rep_ids[indices].tolist(), [territories[i] for i in indices], strict=True)
        return tuple(pairs)

    def outside(self, territory: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """`with_territories` of every rep not covering the territory."""
        return self.cached(
            ("outside", territory),
            lambda: self.with_territories(np.flatnonzero(~self.covers(territory))),
        )

    def __len__(self) -> int:
        return len(self.candidates)

    def cached(self, key: tuple, build):
        """The value built for `key` the first time it is asked for."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def covers(self, territory: str) -> np.ndarray:
        return self.cached(
            ("territory", territory),
            lambda: np.fromiter(
                (territory in c.territories for c in self.candidates), bool, len(self)
            ),
        )

    def holds(self, flag: str) -> np.ndarray:
        return self.cached(
            ("flag", flag),
            lambda: np.fromiter((flag in c.flags for c in self.candidates), bool, len(self)),
        )

    def proficiency(self, segment: str) -> np.ndarray:
        return self.cached(
            ("segment", segment),
            lambda: np.fromiter(
                (c.specialties.get(segment, 0) for c in self.candidates), float, len(self)
            ),
        )

    def outcomes(self) -> estimate.Outcomes:
        """Every rep's decayed and recent outcomes as dense arrays."""

        def build():
            units: dict[int | None, int] = {}
            codes = [units.setdefault(c.unit_id, len(units)) for c in self.candidates]
            return estimate.outcomes_of(self.candidates, np.array(codes, dtype=np.int64))

        return self.cached(("outcomes",), build)

    def estimate_fit(self, policy: Policy) -> estimate.Fit:
        """The pooled win-rate hierarchy over every rep (lead-independent)."""
        settings, rate = policy.estimate, policy.default_unit_rate
        return self.cached(
            ("estimate_fit", settings, rate),
            lambda: estimate.fit(self.outcomes(), settings, rate),
        )

    def posterior(self, policy: Policy, segment: str, source: str) -> dict:
        """Mean, sd and Beta parameters per rep for one segment and source (no exploration)."""
        settings, rate = policy.estimate, policy.default_unit_rate

        def build():
            values = estimate.for_lead(self.estimate_fit(policy), segment, source)
            return values | {"segment": segment, "source": source}

        return self.cached(("posterior", settings, rate, segment, source), build)

    def lead_estimate(self, profile: LeadProfile, policy: Policy) -> estimate.LeadEstimate:
        """The estimate for this lead, with its exploration draw (seeded by the policy's seed,
        the lead's profile and the reps' open load and recent assignments)."""
        salt = (int(self.open_load.sum()), int(self.recent.sum()), len(self))
        return estimate.lead_estimate(
            self.estimate_fit(policy),
            self.posterior(policy, profile.segment, profile.source),
            policy,
            high_potential=profile.high_potential,
            seed=estimate.draw_seed(policy, _profile_key(profile), salt),
        )

    def load_ratio(self, open_load: np.ndarray | None = None) -> np.ndarray:
        load = self.open_load if open_load is None else open_load
        return np.divide(load, self.capacity, out=np.ones(len(self)), where=self.capacity > 0)


def as_table(candidates: Iterable[Candidate] | CandidateTable) -> CandidateTable:
    return candidates if isinstance(candidates, CandidateTable) else CandidateTable(candidates)


def filter_failures(
    table: CandidateTable,
    profile: LeadProfile,
    policy: Policy,
    *,
    skip: frozenset[str] = frozenset(),
    excluded: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """filter name → which reps it excludes, for the policy's filters not in `skip`; the caller's
    exclusions come last as "excluded"."""
    fails: dict[str, np.ndarray] = {}

    def add(name: str, mask: np.ndarray) -> None:
        fails[name] = fails[name] | mask if name in fails else mask

    for rule in policy.filters:
        if rule.field in skip:
            continue
        if rule.field == "active":
            add("active", table.status == INACTIVE)
        elif rule.field == "not_on_leave":
            add("not_on_leave", table.status == ON_LEAVE)
        elif rule.field == "territory" and profile.territory is not None:
            add("territory", ~table.covers(profile.territory))
        elif rule.field == "capacity_left":
            add("capacity_left", table.open_load >= table.capacity)
        elif rule.field == "certification" and rule.flag in profile.flags:
            add("certification", ~table.holds(rule.flag))
        elif rule.field == "capability_minimum" and profile.needs:
            scores = table.capability[:, [DIMENSION_INDEX[d] for d in profile.needs]]
            add("capability_minimum", np.asarray((scores < rule.minimum).any(axis=1)))
    if excluded is not None and excluded.any():
        fails["excluded"] = excluded
    return fails


def _profile_key(profile: LeadProfile) -> tuple:
    return (
        profile.segment,
        profile.source,
        profile.territory,
        profile.needs,
        profile.flags,
        profile.high_potential,
    )


def static_terms(
    table: CandidateTable,
    profile: LeadProfile,
    policy: Policy,
    lead_estimate: estimate.LeadEstimate | None = None,
) -> dict:
    """The terms that do not change as a rep takes leads: specialty, capability (cached on the
    table by what they depend on) and conversion (the pooled estimate plus this lead's
    exploration bonus, see `coaching.routing.estimate`)."""
    segment, needs = profile.segment, profile.needs
    if lead_estimate is None:
        lead_estimate = table.lead_estimate(profile, policy)
    return {
        "specialty": table.cached(
            ("specialty_term", segment), lambda: terms.specialty_term(table.proficiency(segment))
        ),
        "capability": table.cached(
            ("capability_term", needs),
            lambda: terms.capability_term(table.capability[:, [DIMENSION_INDEX[d] for d in needs]]),
        ),
        "conversion": lead_estimate.term,
    }


def all_terms(
    table: CandidateTable,
    profile: LeadProfile,
    policy: Policy,
    lead_estimate: estimate.LeadEstimate | None = None,
) -> dict:
    return static_terms(table, profile, policy, lead_estimate) | {
        "load": terms.load_term(table.open_load, table.capacity),
        "fairness": terms.fairness_term(table.recent, policy.fairness_half_at),
    }


def rank_order(table: CandidateTable, indices: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """`indices` in the tie-break order: total desc, fewer recent assignments, lower load ratio,
    rep_id asc."""
    keys = (
        table.rep_ids[indices],
        table.load_ratio()[indices],
        table.recent[indices],
        -np.round(totals[indices], TIE_DECIMALS),
    )
    return indices[np.lexsort(keys)]


@dataclass(frozen=True)
class AppliedRelaxation:
    """A relaxation step in force for a decision, with how many reps were eligible once it
    applied. Cause: "requested" (the caller asked for this level, e.g. the SLA sweep after a
    wait), "nobody_eligible" (tried because nobody passed) or "batch_capacity" (a batch lead
    that found no slot left without it)."""

    step: int
    drop: str
    cause: str
    eligible_after: int


@dataclass(frozen=True)
class Ranking:
    """One lead scored over a table: the filters at the final relaxation level, who passed, in
    tie-break order, and every rep's terms and total."""

    level: int
    relaxations: tuple[AppliedRelaxation, ...]
    fails: dict[str, np.ndarray]
    eligible: np.ndarray
    order: np.ndarray
    terms: dict[str, np.ndarray]
    totals: np.ndarray
    weights: dict[str, float]
    weights_note: str | None
    estimate: estimate.LeadEstimate | None = None
    """The conversion term's arithmetic per rep: the pooled estimate, its sd, drift and the
    exploration bonus (`estimate.arithmetic(i)`, `estimate.drift_note(i)` for rep index i)."""


def dropped_filters(policy: Policy, level: int) -> frozenset[str]:
    return frozenset(step.drop for step in policy.relaxation[:level])


def rank(
    table: CandidateTable,
    profile: LeadProfile,
    policy: Policy,
    *,
    exclude: frozenset = frozenset(),
    relaxation_level: int = 0,
    requested_cause: str = "requested",
    lead_estimate: estimate.LeadEstimate | None = None,
) -> Ranking:
    """Filters, relaxing step by step while nobody passes, then the weighted score. The first
    `relaxation_level` steps are in force from the start, recorded with `requested_cause`."""
    excluded = np.isin(table.rep_ids, np.fromiter(exclude, np.int64, len(exclude)))

    def evaluate(level: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
        skip = dropped_filters(policy, level)
        fails = filter_failures(table, profile, policy, skip=skip, excluded=excluded)
        eligible = np.ones(len(table), bool)
        for mask in fails.values():
            eligible &= ~mask
        return fails, eligible

    steps = policy.relaxation
    level = max(0, min(relaxation_level, len(steps)))
    fails, eligible = evaluate(level)
    applied = [
        AppliedRelaxation(
            i,
            steps[i].drop,
            requested_cause,
            int((eligible if i + 1 == level else evaluate(i + 1)[1]).sum()),
        )
        for i in range(level)
    ]
    while not eligible.any() and level < len(steps):
        level += 1
        fails, eligible = evaluate(level)
        applied.append(
            AppliedRelaxation(
                level - 1, steps[level - 1].drop, "nobody_eligible", int(eligible.sum())
            )
        )
    weights, note = terms.effective_weights(policy)
    if lead_estimate is None:
        lead_estimate = table.lead_estimate(profile, policy)
    rep_terms = all_terms(table, profile, policy, lead_estimate)
    totals = terms.combine(rep_terms, weights) if len(table) else np.zeros(0)
    order = rank_order(table, np.flatnonzero(eligible), totals)
    return Ranking(
        level,
        tuple(applied),
        fails,
        eligible,
        order,
        rep_terms,
        totals,
        weights,
        note,
        lead_estimate,
    )
