"""One lead's estimate per rep: the posterior for its segment and source, the exploration
bonus drawn on it (bounded, reproducible, off for high-potential leads), the conversion term
(rate or lift) and the arithmetic a decision quotes (see `coaching.routing.estimate`)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coaching.routing.policy import Policy

if TYPE_CHECKING:
    from coaching.routing.estimate import Fit


@dataclass(frozen=True)
class LeadEstimate:
    """The estimate for one lead's segment and source, per rep (table order): the arithmetic
    the decision can quote, and the conversion term after exploration."""

    segment: str
    source: str
    company: float
    segment_factor: float
    source_factor: float
    base: float
    """p0 · g[segment] · f[source]: the company's rate for such a lead."""
    unit: np.ndarray
    rep: np.ndarray
    rep_segment: np.ndarray
    rep_source: np.ndarray
    mean: np.ndarray
    """μ after any drift correction."""
    sd: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    drifted: np.ndarray
    drift_factor: np.ndarray
    drift_z: np.ndarray
    recent_won: np.ndarray
    recent_closed: np.ndarray
    recent_expected: np.ndarray
    recent_weeks: np.ndarray
    bonus: np.ndarray
    """The exploration bonus (zero when off or for a high-potential lead)."""
    exploration: str
    """"thompson", "off (high-potential lead)", "off (no outcomes yet)" or "off"."""
    seed: int | None
    scale: str = "rate"
    """"rate" (the term is the estimate) or "lift" (over twice `base`)."""

    @property
    def term(self) -> np.ndarray:
        if self.scale == "lift":
            return np.clip((self.mean + self.bonus) / (2 * self.base), 0, 1)
        return np.clip(self.mean + self.bonus, 0, 1)

    def scale_note(self) -> str | None:
        """How the term is read from the estimate, when not as the rate itself."""
        if self.scale != "lift":
            return None
        return f"conversion term = (estimate + exploration) / (2 × {self.base:.3f})"

    def arithmetic(self, i: int) -> str:
        """One rep's estimate as a line of arithmetic (English record, for the explanation)."""
        line = (
            f"win estimate {self.mean[i]:.3f} ± {self.sd[i]:.3f} = company {self.company:.3f}"
            f" × segment {self.segment_factor:.2f} × source {self.source_factor:.2f}"
            f" × team {self.unit[i]:.2f} × rep {self.rep[i]:.2f}"
            f" × rep in {self.segment} {self.rep_segment[i]:.2f}"
            f" × rep from {self.source} {self.rep_source[i]:.2f}"
        )
        if self.drifted[i]:
            line += f" × drift {self.drift_factor[i]:.2f}"
        if self.bonus[i]:
            line += f"; exploration {self.bonus[i]:+.3f}"
        return line

    def drift_note(self, i: int) -> str | None:
        """Why the rep counts as drifted, with the numbers (None when not)."""
        if not self.drifted[i]:
            return None
        return (
            f"results of the last {self.recent_weeks[i]} week(s) below the estimate: "
            f"{self.recent_won[i]:g} won of {self.recent_closed[i]:g} closed against "
            f"{self.recent_expected[i]:.1f} expected "
            f"(z {self.drift_z[i]:.1f}); the estimate is scaled by {self.drift_factor[i]:.2f}"
        )


def draw_seed(policy: Policy, key: tuple, salt: tuple[int, ...]) -> int:
    """A reproducible seed: the policy's, the lead's profile, the reps' state."""
    text = repr((policy.estimate.exploration.seed, key, salt)).encode()
    return zlib.crc32(text)


def lead_estimate(
    model: Fit,
    posterior: dict,
    policy: Policy,
    *,
    high_potential: bool,
    seed: int,
) -> LeadEstimate:
    """The lead's estimate with the exploration bonus drawn (or not)."""
    rule = policy.estimate.exploration
    mean = posterior["mean"]
    if rule.method == "none" or rule.max_bonus <= 0:
        exploration, used_seed = "off", None
        bonus = np.zeros(len(mean))
    elif not model.outcomes.closed.any():
        exploration, used_seed = "off (no outcomes yet)", None
        bonus = np.zeros(len(mean))
    elif high_potential:
        exploration, used_seed = "off (high-potential lead)", None
        bonus = np.zeros(len(mean))
    else:
        exploration, used_seed = "thompson", seed
        rng = np.random.default_rng(seed)
        draw = rng.beta(posterior["alpha"], posterior["beta"]) if len(mean) else mean
        history = model.outcomes.closed.sum(axis=(1, 2))
        bound = np.full(len(mean), rule.max_bonus)
        if rule.shrink_with_evidence:
            m = model.settings.rep
            bound = rule.max_bonus * np.sqrt(m / np.maximum(m + history, 1e-12))
        cap = np.where(history < rule.newcomer_leads, rule.newcomer_bonus, bound)
        bonus = np.clip(draw - mean, -cap, cap)
    return LeadEstimate(
        segment=posterior["segment"],
        source=posterior["source"],
        company=model.company,
        segment_factor=float(posterior["segment_factor"]),
        source_factor=float(posterior["source_factor"]),
        base=float(posterior["base"]),
        unit=model.unit,
        rep=model.rep,
        rep_segment=posterior["rep_segment"],
        rep_source=posterior["rep_source"],
        mean=mean,
        sd=posterior["sd"],
        alpha=posterior["alpha"],
        beta=posterior["beta"],
        drifted=model.drifted,
        drift_factor=model.drift_factor,
        drift_z=model.drift_z,
        recent_won=model.recent_won,
        recent_closed=model.recent_closed,
        recent_expected=model.recent_expected,
        recent_weeks=model.recent_weeks,
        bonus=bonus,
        exploration=exploration,
        seed=used_seed,
        scale=policy.estimate.term,
    )
