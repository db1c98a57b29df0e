"""The scoring terms, each a value in 0..1 where more is better for winning the lead.

Every function takes plain numbers or numpy arrays of them (the solver scores thousands of reps
at once with the same code a unit test feeds single numbers).
"""

from __future__ import annotations

import numpy as np

from coaching.routing.policy import TERMS, Policy

ALL_ZERO_NOTE = "every weight in the policy is zero: the reps were ranked by fairness alone"


def specialty_term(proficiency):
    """Proficiency 1–5 in the lead's segment → 0.2–1.0; no specialty there (0) → 0."""
    return np.clip(np.asarray(proficiency, dtype=float), 0, 5) / 5


def capability_term(scores):
    """Mean fit over the dimensions the lead needs: `scores` is (..., needed) on 0–100.
    A lead that needs nothing fits everyone equally (1.0), so the term does not rank them."""
    scores = np.asarray(scores, dtype=float)
    if scores.shape[-1] == 0:
        return np.ones(scores.shape[:-1])
    return np.clip(scores, 0, 100).mean(axis=-1) / 100


def load_term(open_load, capacity):
    """Room left: 1 − open/capacity, so an idle rep scores 1 and a full one 0 (capacity 0 → 0)."""
    open_load = np.asarray(open_load, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    ratio = np.divide(
        open_load,
        capacity,
        out=np.ones(np.broadcast(open_load, capacity).shape),
        where=capacity > 0,
    )
    return np.clip(1 - ratio, 0, 1)


def conversion_term(won, total, unit_rate, k):
    """The windowed win rate routing used before the pooled estimate: the rep's rate for the
    segment and source, shrunk toward the unit's mean when the history is thin:
    (won + k·unit_rate) / (total + k). With k = 0 and no history the unit rate stands in.
    The router now scores conversion with `coaching.routing.estimate` (pooled over company,
    team, rep, rep × segment and rep × source, time-decayed, with exploration); this is the
    same Beta shrinkage for a single level, kept for callers and tests of that formula."""
    won = np.asarray(won, dtype=float)
    total = np.asarray(total, dtype=float)
    unit_rate = np.clip(np.asarray(unit_rate, dtype=float), 0, 1)
    denominator = total + k
    numerator = won + k * unit_rate
    shape = np.broadcast(numerator, denominator).shape
    rate = np.divide(
        numerator,
        denominator,
        out=np.broadcast_to(unit_rate, shape).astype(float),
        where=denominator > 0,
    )
    return np.clip(rate, 0, 1)


def fairness_term(recent, half_at):
    """Fewer leads lately scores higher: half_at / (half_at + recent); 1 for none, 0.5 at
    half_at recent assignments."""
    recent = np.maximum(np.asarray(recent, dtype=float), 0)
    return half_at / (half_at + recent)


def effective_weights(policy: Policy) -> tuple[dict[str, float], str | None]:
    """The policy's weights normalised to sum 1, and a note when they had to be replaced:
    all zero would make every total 0, so fairness alone ranks (and the decision says so)."""
    raw = dict(policy.weights)
    total = sum(raw.values())
    if total <= 0:
        return {term: (1.0 if term == "fairness" else 0.0) for term in TERMS}, ALL_ZERO_NOTE
    return {term: raw[term] / total for term in TERMS}, None


def combine(values: dict, weights: dict[str, float]):
    """The weighted sum of the terms (each array or number), in TERMS order."""
    total: float | np.ndarray = 0.0
    for term in TERMS:
        total = total + weights[term] * np.asarray(values[term], dtype=float)
    return total
