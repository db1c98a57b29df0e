"""Routing one lead: hard filters, relaxation while nobody passes, the weighted score, a
deterministic tie-break, the fallback, and a senior co-owner where the winner is weak.

Tie-break, in order: higher total (to 9 decimals), fewer recent assignments, lower load ratio
(open/capacity), lower rep_id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from coaching.routing.exclusions import Exclusions
from coaching.routing.explanation import (
    CoOwnerSuggestion,
    Decision,
    Fallback,
    Ranked,
    TermScore,
)
from coaching.routing.inputs import DIMENSIONS, STATUSES, Candidate, LeadFacts
from coaching.routing.lead_rules import LeadProfile, profile_of
from coaching.routing.policy import TERMS, Policy
from coaching.routing.table import (
    DIMENSION_INDEX,
    TIE_DECIMALS,
    CandidateTable,
    Ranking,
    as_table,
    rank,
    rank_order,
)

TOP = 5
NO_TERRITORY_NOTE = "the lead has no territory: the territory filter was not applied"


def decide(
    lead: LeadFacts,
    candidates: Iterable[Candidate] | CandidateTable,
    policy: Policy,
    *,
    exclude: frozenset[int] = frozenset(),
    relaxation_level: int = 0,
) -> Decision:
    """Route one lead. `exclude`: rep_ids that may not get it (e.g. the owner it is re-routed
    from); `relaxation_level`: how many of the policy's relaxation steps are already due (see
    `relaxation_level_for`). Further steps are tried in order while nobody is eligible; then
    the fallback owner, then the fallback queue. Every step taken is recorded in the decision."""
    table = as_table(candidates)
    profile = profile_of(lead, policy)
    ranking = rank(table, profile, policy, exclude=exclude, relaxation_level=relaxation_level)
    if ranking.order.size:
        return build_decision(lead, table, profile, policy, ranking, winner=int(ranking.order[0]))
    owner, fallback = fallback_choice(table, policy, ranking, exclude)
    return build_decision(lead, table, profile, policy, ranking, winner=owner, fallback=fallback)


def choose_co_owner(
    lead: LeadFacts,
    winner: Candidate,
    candidates: Iterable[Candidate] | CandidateTable,
    policy: Policy,
    *,
    exclude: frozenset[int] = frozenset(),
    relaxation_level: int = 0,
) -> CoOwnerSuggestion | None:
    """None when the lead gets no co-owner under the policy (not high-potential, needs nothing,
    or the winner scores at least the threshold in every needed dimension). Otherwise the
    dimension where the winner is weakest, and the senior to co-own: eligible for the lead
    (same filters and relaxation), capacity left, scoring at least the policy's minimum there;
    the highest score wins, then lower load ratio, fewer recent assignments, lower rep_id."""
    table = as_table(candidates)
    profile = profile_of(lead, policy)
    ranking = rank(table, profile, policy, exclude=exclude, relaxation_level=relaxation_level)
    scores = np.array([winner.capability.get(d, 0.0) for d in DIMENSIONS], dtype=float)
    return co_owner_among(table, profile, policy, ranking.eligible, scores, winner.rep_id)


def co_owner_among(
    table: CandidateTable,
    profile: LeadProfile,
    policy: Policy,
    eligible: np.ndarray,
    winner_scores: np.ndarray,
    winner_rep_id: int,
) -> CoOwnerSuggestion | None:
    rule = policy.co_owner
    wanted = rule.applies_to == "all" or (
        rule.applies_to == "high_potential" and profile.high_potential
    )
    if not wanted or not profile.needs:
        return None
    dimension = min(profile.needs, key=lambda d: winner_scores[DIMENSION_INDEX[d]])
    column = DIMENSION_INDEX[dimension]
    own = float(winner_scores[column])
    if own >= rule.threshold:
        return None
    strong = table.capability[:, column] >= rule.minimum
    pool = np.flatnonzero(
        eligible & strong & (table.levels == rule.level) & (table.rep_ids != winner_rep_id)
    )
    gap = f"the owner scores {own:g} in {dimension}, below {rule.threshold:g}"
    if not pool.size:
        reason = (
            f"{gap}, and no eligible {rule.level} rep with capacity left scores "
            f"{rule.minimum:g} or more there"
        )
        return CoOwnerSuggestion(dimension, own, rule.threshold, rule.minimum, None, None, reason)
    keys = (
        table.rep_ids[pool],
        table.recent[pool],
        table.load_ratio()[pool],
        -table.capability[pool, column],
    )
    pick = int(pool[np.lexsort(keys)[0]])
    score = float(table.capability[pick, column])
    rep_id = int(table.rep_ids[pick])
    reason = f"{gap}: {rule.level} rep {rep_id} ({score:g} there) co-owns the lead"
    return CoOwnerSuggestion(dimension, own, rule.threshold, rule.minimum, rep_id, score, reason)


def fallback_choice(
    table: CandidateTable,
    policy: Policy,
    ranking: Ranking,
    exclude: frozenset[int],
    open_load: np.ndarray | None = None,
) -> tuple[int | None, Fallback]:
    """Nobody eligible: the policy's fallback owner if active, not excluded and with capacity
    left (by `open_load`, default the table's), else the fallback queue; with the reason."""
    load = table.open_load if open_load is None else open_load
    counts = ", ".join(
        f"{name} {int(mask.sum())}" for name, mask in ranking.fails.items() if mask.any()
    )
    reason = f"nobody eligible after {len(ranking.relaxations)} relaxation step(s)"
    reason += f" (excluded: {counts})" if counts else " (no candidates)"
    owner = policy.fallback_owner
    if owner is None:
        return None, Fallback(reason, policy.fallback_queue)
    index = table.by_external_id.get(owner)
    if index is None:
        why = "is not among the candidates"
    else:
        candidate = table.candidates[index]
        if candidate.status != "active":
            why = f"is {candidate.status}"
        elif candidate.rep_id in exclude:
            why = "is excluded from this routing"
        elif load[index] >= candidate.capacity:
            why = f"is at capacity ({int(load[index])}/{candidate.capacity})"
        else:
            return index, Fallback(reason, None, owner, candidate.rep_id)
    reason += f"; the fallback owner {owner!r} {why}"
    return None, Fallback(reason, policy.fallback_queue, owner)


def build_decision(
    lead: LeadFacts,
    table: CandidateTable,
    profile: LeadProfile,
    policy: Policy,
    ranking: Ranking,
    *,
    winner: int | None,
    fallback: Fallback | None = None,
    winner_terms: Mapping[str, float] | None = None,
    method: str = "single",
    slot: int | None = None,
    exclusions: Exclusions | None = None,
) -> Decision:
    """The decision for `winner` (a table index; None with a queue fallback). `winner_terms`
    replaces the winner's terms as the ranking saw them (the batch scores by slot);
    `exclusions`, when given, those of `ranking` computed before (the batch shares them)."""
    weights = ranking.weights
    terms: tuple[TermScore, ...] = ()
    total = None
    co_owner = None
    if winner is not None:
        values = winner_terms or {t: float(ranking.terms[t][winner]) for t in TERMS}
        terms = tuple(TermScore(t, values[t], weights[t], values[t] * weights[t]) for t in TERMS)
        total = sum(term.contribution for term in terms)
        scores = table.capability[winner]
        co_owner = co_owner_among(
            table, profile, policy, ranking.eligible, scores, int(table.rep_ids[winner])
        )
    if exclusions is None:
        exclusions = exclusions_of(table, profile, policy, ranking)
    outcome = (
        "assigned"
        if fallback is None
        else "fallback_owner"
        if winner is not None
        else ("fallback_queue")
    )
    return Decision(
        policy_version=policy.version,
        lead_id=lead.lead_id,
        method=method,
        outcome=outcome,
        rep_id=None if winner is None else int(table.rep_ids[winner]),
        queue=fallback.queue if fallback is not None else None,
        slot=slot,
        total=total,
        terms=terms,
        top=tuple(
            Ranked(
                int(table.rep_ids[i]),
                float(ranking.totals[i]),
                {t: float(ranking.terms[t][i]) for t in TERMS},
            )
            for i in ranking.order[:TOP]
        ),
        candidate_count=len(table),
        eligible_count=int(ranking.eligible.sum()),
        exclusions=exclusions,
        relaxations=ranking.relaxations,
        fallback=fallback,
        high_potential=profile.high_potential,
        needs=profile.needs,
        co_owner=co_owner,
        tie_break=tie_break_note(table, ranking, winner) if fallback is None else None,
        weights_note=ranking.weights_note,
        notes=decision_notes(table, profile, ranking, winner),
        uncovered_segment=profile.segment if segment_uncovered(table, profile, ranking) else None,
    )


def segment_uncovered(table: CandidateTable, profile: LeadProfile, ranking: Ranking) -> bool:
    """No rep passing the lead's filters, capacity aside (a busy specialist still covers the
    segment), specialises in its segment."""
    may_take = np.ones(len(table), bool)
    for name, mask in ranking.fails.items():
        if name != "capacity_left":
            may_take &= ~mask
    return not bool((may_take & (table.proficiency(profile.segment) > 0)).any())


def decision_notes(
    table: CandidateTable, profile: LeadProfile, ranking: Ranking, winner: int | None
) -> tuple[str, ...]:
    """The territory note, the winner's win estimate as arithmetic, exploration when off, and
    the drift of any rep among the top five."""
    notes: tuple[str, ...] = (NO_TERRITORY_NOTE,) if profile.territory is None else ()
    estimate = ranking.estimate
    if winner is None or estimate is None:
        return notes
    notes += (estimate.arithmetic(winner),)
    scale = estimate.scale_note()
    if scale is not None:
        notes += (scale,)
    if estimate.exploration != "thompson":
        notes += (f"exploration {estimate.exploration}",)
    for i in ranking.order[:TOP]:
        drift = estimate.drift_note(int(i))
        if drift is not None:
            notes += (f"rep {int(table.rep_ids[i])}: {drift}",)
    return notes


def tie_break_note(table: CandidateTable, ranking: Ranking, winner: int | None) -> str | None:
    """When the runner-up has the same total: which tie-break key decided."""
    if winner is None or ranking.order.size < 2:
        return None
    others = ranking.order[ranking.order != winner]
    runner = int(rank_order(table, others, ranking.totals)[0])
    totals = np.round(ranking.totals[[winner, runner]], TIE_DECIMALS)
    if totals[0] != totals[1]:
        return None
    ratio = table.load_ratio()
    recent, load, capacity = table.recent, table.open_load, table.capacity
    head = f"tied with rep {table.rep_ids[runner]} at {ranking.totals[winner]:.4f}; won on"
    if recent[winner] != recent[runner]:
        return f"{head} fewer recent assignments ({recent[winner]} < {recent[runner]})"
    if ratio[winner] != ratio[runner]:
        return (
            f"{head} a lower load ({load[winner]}/{capacity[winner]} < "
            f"{load[runner]}/{capacity[runner]})"
        )
    return f"{head} the lower rep id"


def exclusions_of(
    table: CandidateTable, profile: LeadProfile, policy: Policy, ranking: Ranking
) -> Exclusions:
    """Per filter, which reps it excluded, with the numbers."""
    fails = ranking.fails
    counts = {name: int(mask.sum()) for name, mask in fails.items() if mask.any()}
    if not counts:
        return Exclusions()
    ids = table.rep_ids
    none = np.zeros(len(table), bool)

    def where(name: str) -> np.ndarray:
        return np.flatnonzero(fails.get(name, none))

    status = np.flatnonzero(fails.get("active", none) | fails.get("not_on_leave", none))
    territory, capacity = where("territory"), where("capacity_left")
    certification: dict[str, tuple[int, ...]] = {}
    if "certification" in counts:
        for flag in profile.flags:
            certification[flag] = tuple(ids[~table.holds(flag)].tolist())
    minimum = next((r.minimum for r in policy.filters if r.field == "capability_minimum"), None)
    capability: dict[str, tuple[tuple[int, float], ...]] = {}
    if "capability_minimum" in counts and minimum is not None:
        for dimension in profile.needs:
            below = table.below(dimension, minimum)
            if below:
                capability[dimension] = below
    listed = [ids[status].tolist(), ids[capacity].tolist()]
    return Exclusions(
        counts=counts,
        status=tuple(zip(listed[0], [STATUSES[s] for s in table.status[status]], strict=True)),
        lead_territory=profile.territory,
        territory=_outside(table, profile.territory, territory),
        capacity=tuple(
            zip(
                listed[1],
                table.open_load[capacity].tolist(),
                table.capacity[capacity].tolist(),
                strict=True,
            )
        ),
        certification=certification,
        capability_minimum=None if minimum is None else float(minimum),
        capability=capability,
        caller=tuple(ids[where("excluded")].tolist()),
    )


def _outside(
    table: CandidateTable, lead_territory: str | None, excluded: np.ndarray
) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """(rep, territories) of the reps the territory filter excluded: usually every rep not
    covering the lead's territory, which the table keeps."""
    if lead_territory is not None:
        outside = table.outside(lead_territory)
        if len(outside) == len(excluded):
            return outside
    return table.with_territories(excluded)
