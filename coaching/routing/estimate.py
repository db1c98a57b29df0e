"""The pooled estimate of each rep's chance to win a lead: an empirical-Bayes hierarchy over
time-decayed outcomes, its Beta posterior, drift, and bounded Thompson exploration.

Outcomes are (won, closed) per rep, segment and source, each closed deal weighted
0.5^(age / half_life_days) (the service decays them; see `pool`). Every level is a factor on
its parent's rate, shrunk toward 1 with `m` pseudo-leads at the parent's rate p̄ = E / N:

    factor = (W + m·p̄) / (E + m·p̄)      i.e.  p̄ × factor = (W + m·p̄) / (N + m)

W, N: the level's decayed wins and closed leads; E: the wins its parent's rate expects of the
same leads (Σ closed × parent rate, cell by cell, so a rep who took harder leads is not blamed
for it). Segment and source use p̄ = p0.

    company   p0     = (W + m_company·default_rate) / (N + m_company)
    segment   g[s]   against p0                     (all reps)
    source    f[c]   against p0·g[s]                (all reps)
    unit      u[k]   against q = p0·g[s]·f[c]       (the rep's team)
    rep       ρ[r]   against q·u[k]                 (every segment and source)
    rep×seg   σ[r,s] against q·u[k]·ρ[r]            (the lead's segment)
    rep×src   τ[r,c] against q·u[k]·ρ[r]·σ[r,s]     (the lead's source)
    mean      μ = q[s,c] · u[k] · ρ[r] · σ[r,s] · τ[r,c]   (clipped to 0.001–0.999)

Uncertainty: each of the rep's factors is a Gamma posterior with shape a = W + m·p̄, so its
coefficient of variation is 1/√a; sd = μ·√(1/a_unit + 1/a_rep + 1/a_rep×seg + 1/a_rep×src)
(at most 95% of the Bernoulli sd √(μ(1−μ))). The posterior is the Beta with that mean and sd:
κ = μ(1−μ)/sd² − 1, α = μκ, β = (1−μ)κ.

Drift: over a recent window, the rep's closed leads (unweighted) expect E = Σ closed × μ wins
with variance V = Σ closed × μ(1−μ); z = (wins − E)/√V. The windows are the last 1, 2, 4 …
weeks up to `recent_days`; of those with at least `min_leads` closed, the lowest z counts (a
sudden fall shows first in the shortest). With z ≤ −`z` the rep has drifted and μ (and sd) is
multiplied by min(1, (wins + pseudo_wins)/(E + pseudo_wins)) of that window: the estimate
leans on the recent rate.

Exploration (Thompson): the conversion term is μ + clip(draw − μ, ±max_bonus) (±newcomer_bonus
for a rep with fewer than `newcomer_leads` decayed closed deals, so a new hire is tried), the
draw from each rep's Beta with a generator seeded by the policy's seed, the lead's profile and
the reps' load, so the same lead on the same state draws the same. With
`shrink_with_evidence` the bound fades as the rep's record grows: max_bonus·√(m/(m + n)), n
the rep's decayed closed deals, m the rep pseudo-leads (a rep with m deals gets 71% of it).

The term: μ + bonus ("rate"), or ("lift") (μ + bonus) / (2·base), base = p0·g[s]·f[c] the
company's rate for such a lead, clipped to 0..1: the company's rate scores 0.5 in any segment,
so the weight the policy gives conversion buys the same relative lift everywhere.

High-potential leads, and a table with no closed outcome at all (every posterior alike: draws
would only add noise): μ alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coaching.routing.estimate_drift import drift_of
from coaching.routing.estimate_lead import LeadEstimate, draw_seed, lead_estimate
from coaching.routing.policy import EstimateSettings

MIN_RATE, MAX_RATE = 0.001, 0.999
MAX_SD_SHARE = 0.95
"""The posterior sd is kept below this share of √(μ(1−μ)), so the Beta exists."""


@dataclass(frozen=True)
class Outcomes:
    """Decayed and recent outcomes as dense arrays: rep (table order) × segment × source."""

    segments: tuple[str, ...]
    sources: tuple[str, ...]
    won: np.ndarray
    closed: np.ndarray
    recent_won: np.ndarray
    recent_closed: np.ndarray
    """(reps, segments, sources, weeks): unweighted, week 0 = the last 7 days."""
    units: np.ndarray
    """Each rep's unit as a small integer (reps without a unit share one)."""


@dataclass(frozen=True)
class Fit:
    """The hierarchy fitted over every rep (it does not depend on the lead)."""

    company: float
    segment: dict[str, float]
    source: dict[str, float]
    unit: np.ndarray
    rep: np.ndarray
    rep_segment: np.ndarray
    """(reps, segments) over `outcomes.segments`."""
    rep_source: np.ndarray
    """(reps, sources) over `outcomes.sources`."""
    shape_unit: np.ndarray
    shape_rep: np.ndarray
    shape_rep_segment: np.ndarray
    shape_rep_source: np.ndarray
    recent_won: np.ndarray
    recent_closed: np.ndarray
    recent_expected: np.ndarray
    recent_weeks: np.ndarray
    """The window (in weeks) with the lowest z, among those with enough closed leads."""
    drift_z: np.ndarray
    drifted: np.ndarray
    drift_factor: np.ndarray
    """1 where the rep has not drifted."""
    outcomes: Outcomes
    settings: EstimateSettings


def outcomes_of(candidates, units: np.ndarray) -> Outcomes:
    """Dense arrays from each candidate's `conversion` and `recent_conversion`."""
    keys: set[tuple[str, str]] = set()
    weeks = 1
    for c in candidates:
        keys.update(c.conversion)
        for segment, source, week in c.recent_conversion:
            keys.add((segment, source))
            weeks = max(weeks, week + 1)
    segments = tuple(sorted({s for s, _ in keys}))
    sources = tuple(sorted({c for _, c in keys}))
    cell = {(s, c): (i, j) for i, s in enumerate(segments) for j, c in enumerate(sources)}
    shape = (len(candidates), len(segments), len(sources))
    won, closed = np.zeros(shape), np.zeros(shape)
    recent_won, recent_closed = np.zeros((*shape, weeks)), np.zeros((*shape, weeks))
    for r, candidate in enumerate(candidates):
        for key, (w, n) in candidate.conversion.items():
            i, j = cell[key]
            won[r, i, j], closed[r, i, j] = w, n
        for (segment, source, week), (w, n) in candidate.recent_conversion.items():
            i, j = cell[segment, source]
            recent_won[r, i, j, week], recent_closed[r, i, j, week] = w, n
    return Outcomes(segments, sources, won, closed, recent_won, recent_closed, units=units)


def _factors(won, expected, pseudo):
    won, expected = np.asarray(won, float), np.asarray(expected, float)
    denominator = expected + pseudo
    out = np.ones(np.broadcast(won, denominator).shape)
    np.divide(won + pseudo, denominator, out=out, where=denominator > 0)
    return out


def fit(outcomes: Outcomes, settings: EstimateSettings, default_rate: float) -> Fit:
    """The hierarchy over every rep (see the module's arithmetic)."""
    W, N = outcomes.won, outcomes.closed
    n_reps = W.shape[0]
    p0 = (W.sum() + settings.company * default_rate) / (N.sum() + settings.company)
    p0 = float(np.clip(p0, MIN_RATE, MAX_RATE))
    pseudo = {name: getattr(settings, name) * p0 for name in ("segment", "source", "unit")}
    g = _factors(W.sum(axis=(0, 2)), N.sum(axis=(0, 2)) * p0, pseudo["segment"])
    expected_source = (N.sum(axis=0) * (p0 * g)[:, None]).sum(axis=0)
    f = _factors(W.sum(axis=(0, 1)), expected_source, pseudo["source"])
    q = p0 * g[:, None] * f[None, :]  # (segments, sources)
    expected = N * q[None]  # (reps, segments, sources) at the company's rates
    units = outcomes.units
    n_units = int(units.max()) + 1 if n_reps else 0
    unit_won = np.bincount(units, W.sum(axis=(1, 2)), n_units)
    unit_expected = np.bincount(units, expected.sum(axis=(1, 2)), n_units)
    unit_closed = np.bincount(units, N.sum(axis=(1, 2)), n_units)
    pseudo["unit"] = _pseudo(unit_expected, unit_closed, p0, settings, "unit")
    unit_shape = unit_won + pseudo["unit"]
    u = _factors(unit_won, unit_expected, pseudo["unit"])[units] if n_reps else np.ones(0)
    expected = expected * u[:, None, None]
    rep_pseudo = _pseudo(expected.sum(axis=(1, 2)), N.sum(axis=(1, 2)), p0, settings, "rep")
    rho = _factors(W.sum(axis=(1, 2)), expected.sum(axis=(1, 2)), rep_pseudo)
    expected = expected * rho[:, None, None]
    rs_pseudo = _pseudo(expected.sum(axis=2), N.sum(axis=2), p0, settings, "rep_segment")
    sigma = _factors(W.sum(axis=2), expected.sum(axis=2), rs_pseudo)
    expected = expected * sigma[:, :, None]
    rc_pseudo = _pseudo(expected.sum(axis=1), N.sum(axis=1), p0, settings, "rep_source")
    tau = _factors(W.sum(axis=1), expected.sum(axis=1), rc_pseudo)
    mean = np.clip(expected_rate(q, u, rho, sigma, tau), MIN_RATE, MAX_RATE)
    drift = drift_of(outcomes.recent_won, outcomes.recent_closed, mean, settings.drift)
    return Fit(
        company=p0,
        segment=dict(zip(outcomes.segments, g.tolist(), strict=True)),
        source=dict(zip(outcomes.sources, f.tolist(), strict=True)),
        unit=u,
        rep=rho,
        rep_segment=sigma,
        rep_source=tau,
        shape_unit=unit_shape[units] if n_reps else np.ones(0),
        shape_rep=W.sum(axis=(1, 2)) + rep_pseudo,
        shape_rep_segment=W.sum(axis=2) + rs_pseudo,
        shape_rep_source=W.sum(axis=1) + rc_pseudo,
        recent_won=drift.recent_won,
        recent_closed=drift.recent_closed,
        recent_expected=drift.recent_expected,
        recent_weeks=drift.recent_weeks,
        drift_z=drift.z,
        drifted=drift.drifted,
        drift_factor=drift.factor,
        outcomes=outcomes,
        settings=settings,
    )


def _pseudo(expected, closed, p0: float, settings: EstimateSettings, level: str):
    """The level's pseudo wins: the policy's m pseudo-leads at the parent's rate for the
    group's leads (E / N; p0 where the group has none). Then p̄ × factor =
    (W + m·p̄) / (N + m): the group's rate shrunk toward its parent's, as a Beta would."""
    expected, closed = np.asarray(expected, float), np.asarray(closed, float)
    parent = np.full(expected.shape, p0)
    np.divide(expected, closed, out=parent, where=closed > 0)
    return getattr(settings, level) * parent


def expected_rate(q, u, rho, sigma, tau):
    """μ[r, s, c] = q[s, c] · u[r] · ρ[r] · σ[r, s] · τ[r, c]."""
    return q[None] * (u * rho)[:, None, None] * sigma[:, :, None] * tau[:, None, :]


def for_lead(model: Fit, segment: str, source: str) -> dict[str, np.ndarray | float]:
    """Mean, sd, Beta α/β and the factors for one segment and source (before exploration)."""
    outcomes = model.outcomes
    n_reps = len(model.rep)
    g = model.segment.get(segment, 1.0)
    f = model.source.get(source, 1.0)
    if segment in outcomes.segments:
        column = outcomes.segments.index(segment)
        sigma = model.rep_segment[:, column]
        shape_rs = model.shape_rep_segment[:, column]
    else:
        sigma = np.ones(n_reps)
        shape_rs = np.full(n_reps, model.settings.rep_segment * model.company)
    if source in outcomes.sources:
        column = outcomes.sources.index(source)
        tau = model.rep_source[:, column]
        shape_rc = model.shape_rep_source[:, column]
    else:
        tau = np.ones(n_reps)
        shape_rc = np.full(n_reps, model.settings.rep_source * model.company)
    base = float(np.clip(model.company * g * f, MIN_RATE, MAX_RATE))
    raw = np.clip(base * model.unit * model.rep * sigma * tau, MIN_RATE, MAX_RATE)
    shapes = (model.shape_unit, model.shape_rep, shape_rs, shape_rc)
    cv2 = sum(_inverse(shape) for shape in shapes)
    mean = np.clip(raw * model.drift_factor, MIN_RATE, MAX_RATE)
    sd = np.minimum(mean * np.sqrt(cv2), MAX_SD_SHARE * np.sqrt(mean * (1 - mean)))
    kappa = mean * (1 - mean) / np.maximum(sd, 1e-12) ** 2 - 1
    return {
        "segment_factor": g,
        "source_factor": f,
        "base": base,
        "rep_segment": sigma,
        "rep_source": tau,
        "mean": mean,
        "sd": sd,
        "alpha": mean * kappa,
        "beta": (1 - mean) * kappa,
    }


def _inverse(shape: np.ndarray) -> np.ndarray:
    out = np.full(shape.shape, np.inf)
    np.divide(1.0, shape, out=out, where=shape > 0)
    return out


def decay_weight(age_days, half_life_days: float):
    """0.5^(age / half_life): 1 today, ½ at the half-life, ¼ at twice it."""
    return np.power(0.5, np.maximum(np.asarray(age_days, float), 0) / half_life_days)


__all__ = [
    "Fit",
    "LeadEstimate",
    "Outcomes",
    "decay_weight",
    "draw_seed",
    "fit",
    "for_lead",
    "lead_estimate",
    "outcomes_of",
]
