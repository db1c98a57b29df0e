"""Pure capability rules: dimensions and their labels, recency weights, confidence, tiers,
combining the three sources into one score, and customer ratings as evidence. No database.

How a score is made (per rep and dimension, as of a day):
- every observation weighs `0.5 ** (age_days / half_life)` times its count of observations
  (a deal-quality row stands for the deals behind it);
- per source, the value is the weighted mean of its observations and its effective count
  `n` the sum of their weights;
- sources combine by `SOURCE_WEIGHTS[source] * n / (n + CONFIDENCE_K)`, normalised: a
  source speaks louder the more (and the more recent) evidence it has;
- the confidence is `N / (N + CONFIDENCE_K)` over every source's effective count `N`;
- the tier follows the score: ≥90 expert, ≥75 proficient, ≥50 developing, else novice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.capability.errors import CapabilityError
from domain.capability.models import CapabilitySource, CapabilityTier
from domain.errors import InvalidInput

DEFAULT_DIMENSIONS: dict[str, tuple[str, str]] = {
    "needs_discovery": ("需求深挖", "Needs discovery"),
    "negotiation": ("谈判张力", "Negotiation"),
    "solution_presentation": ("方案呈现", "Solution presentation"),
    "objection_handling": ("异议处理", "Objection handling"),
    "product_knowledge": ("产品知识", "Product knowledge"),
    "closing": ("促成", "Closing"),
}
DIMENSION_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_DIMENSIONS = 20

SOURCE_WEIGHTS: dict[str, float] = {
    CapabilitySource.DEALS.value: 0.40,  # outcomes with real customers weigh the most
    CapabilitySource.RATING.value: 0.35,  # what customers say about the rep
    CapabilitySource.PRACTICE.value: 0.25,  # the sandbox: simulated customers
}
CONFIDENCE_K = 5.0
"""Effective observations at which confidence reaches one half."""
TIER_FLOORS = (
    (90.0, CapabilityTier.EXPERT),
    (75.0, CapabilityTier.PROFICIENT),
    (50.0, CapabilityTier.DEVELOPING),
)
DEFAULT_RATING_DIMENSIONS = {
    "follow_up": ("needs_discovery", "solution_presentation", "product_knowledge"),
    "opportunity": ("negotiation", "objection_handling", "closing"),
}
"""What a rating that names no dimension speaks to: an interaction shows how the rep listens
and presents; a deal how they negotiate, handle objections and close."""


# --- dimensions -------------------------------------------------------------------------


def check_dimensions(values: Sequence[str]) -> tuple[str, ...]:
    """A configured list of dimensions: 1–20 unique codes like `needs_discovery`."""
    if not values:
        raise ValueError("give at least one dimension")
    if len(values) > MAX_DIMENSIONS:
        raise ValueError(f"give at most {MAX_DIMENSIONS} dimensions")
    for value in values:
        if not isinstance(value, str) or not DIMENSION_CODE.match(value):
            raise ValueError(
                f"{value!r} is not a dimension code: use 1-40 lower-case letters, digits "
                "and '_', starting with a letter"
            )
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"dimension(s) named twice: {', '.join(repeated)}")
    return tuple(values)


def dimension_labels(code: str) -> tuple[str, str]:
    """(zh, en) of a dimension; a configured dimension without built-in labels reads as its
    code with spaces."""
    if code in DEFAULT_DIMENSIONS:
        return DEFAULT_DIMENSIONS[code]
    words = code.replace("_", " ")
    return words, words[:1].upper() + words[1:]


def dimension_label(code: str, language: str) -> str:
    zh, en = dimension_labels(code)
    return en if language == "en" else zh


def check_dimension(code: str, configured: Sequence[str], field: str = "dimension") -> str:
    if code not in configured:
        known = ", ".join(configured)
        raise InvalidInput(
            CapabilityError.UNKNOWN_DIMENSION,
            f"没有能力维度 {code!r}（可选：{known}）",
            f"There is no capability dimension {code!r} (choose one of {known})",
            field,
        )
    return code


# --- scores -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    source: str
    value: float
    """0..100."""
    observed_on: date
    count: int = 1
    """How many observations the row stands for (e.g. the deals of a deal-quality row)."""


@dataclass(frozen=True)
class SourceScore:
    source: str
    value: float
    weight: float
    """Share of this source in the score, 0..1; the shares sum to 1."""
    observations: int

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "value": self.value,
            "weight": self.weight,
            "observations": self.observations,
        }


@dataclass(frozen=True)
class Combined:
    score: float | None
    """0..100 rounded to one decimal; None without evidence."""
    confidence: float
    observations: int
    sources: tuple[SourceScore, ...]


def recency_weight(age_days: float, half_life_days: float) -> float:
    """1 today, ½ after one half-life, ¼ after two; evidence from a later day counts as new."""
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


def confidence(effective_observations: float, k: float = CONFIDENCE_K) -> float:
    """n / (n + k): 0 without evidence, ½ at k observations, towards 1 with more."""
    n = max(effective_observations, 0.0)
    return n / (n + k)


def tier(score: float | None) -> CapabilityTier | None:
    if score is None:
        return None
    for floor, named in TIER_FLOORS:
        if score >= floor:
            return named
    return CapabilityTier.NOVICE


def combine(observations: Iterable[Observation], as_of: date, half_life_days: float) -> Combined:
    """One dimension's score from its observations of every source."""
    by_source: dict[str, list[tuple[float, Observation]]] = {}
    for item in observations:
        weight = recency_weight((as_of - item.observed_on).days, half_life_days) * item.count
        by_source.setdefault(item.source, []).append((weight, item))
    parts = []
    for source, items in by_source.items():
        effective = sum(weight for weight, _ in items)
        if effective <= 0:  # so old that nothing is left of it
            continue
        value = sum(weight * item.value for weight, item in items) / effective
        raw = sum(item.count for _, item in items)
        parts.append(
            (source, value, effective, raw, SOURCE_WEIGHTS[source] * confidence(effective))
        )
    total = sum(loudness for *_, loudness in parts)
    if total <= 0:
        return Combined(None, 0.0, 0, ())
    score = sum(value * loudness for _, value, _, _, loudness in parts) / total
    sources = tuple(
        SourceScore(source, round(value, 1), round(loudness / total, 3), raw)
        for source, value, _, raw, loudness in sorted(parts, key=lambda part: part[0])
    )
    effective_total = sum(effective for _, _, effective, _, _ in parts)
    return Combined(
        score=round(min(100.0, max(0.0, score)), 1),
        confidence=round(confidence(effective_total), 3),
        observations=sum(raw for _, _, _, raw, _ in parts),
        sources=sources,
    )


def check_score(score: float, field: str = "score") -> float:
    if not 0 <= score <= 100:
        raise InvalidInput(
            CapabilityError.INVALID_SCORE,
            "分数必须在 0 到 100 之间",
            "The score must be between 0 and 100",
            field,
        )
    return round(score, 1)


# --- customer ratings -------------------------------------------------------------------


def check_rating(rating: int, field: str = "rating") -> int:
    if not 1 <= rating <= 5:
        raise InvalidInput(
            CapabilityError.INVALID_RATING,
            "评分必须是 1 到 5 的整数",
            "The rating must be a whole number from 1 to 5",
            field,
        )
    return rating


def rating_value(rating: int) -> float:
    """1 → 0, 3 → 50, 5 → 100."""
    return (rating - 1) * 25.0


def rating_dimensions(
    named: Sequence[str] | None, subject: str, configured: Sequence[str]
) -> tuple[str, ...]:
    """The dimensions a rating speaks to: those it names (each configured), else the default
    ones of its subject (`follow_up` or `opportunity`) that are configured, else all."""
    if named:
        for code in named:
            check_dimension(code, configured, "dimensions")
        return tuple(dict.fromkeys(named))
    defaults = tuple(code for code in DEFAULT_RATING_DIMENSIONS[subject] if code in configured)
    return defaults or tuple(configured)


def check_day(day: date | None, today: date, field: str = "as_of") -> date:
    """The day a refresh or an evaluation runs as of: today by default, never a day to come."""
    if day is None:
        return today
    if day > today:
        raise InvalidInput(
            CapabilityError.DAY_IN_FUTURE,
            "不能按尚未到来的日期计算",
            "A day that has not come yet cannot be used",
            field,
        )
    return day


def weak_dimensions(
    scores: Mapping[str, float | None], configured: Sequence[str], threshold: float
) -> tuple[str, ...]:
    """The configured dimensions whose effective score is below the gap threshold, in order
    (a dimension without a score is unknown, not weak)."""
    return tuple(
        code for code in configured if (score := scores.get(code)) is not None and score < threshold
    )
