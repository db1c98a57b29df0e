"""Deal quality as capability evidence: pure functions, no database.

Per calendar quarter, a rep's closed deals in one segment are compared with those of every
rep of the same org unit in that segment (the rep included):
- win rate (won / closed) → closing and negotiation;
- high-margin share (high-margin won / won) → negotiation and solution_presentation;
- cycle time (days from creation to signing, at least 1; faster is better) → needs_discovery.
Each comparison is a ratio r (rep ÷ unit; unit ÷ rep for cycle time; 1 when the unit has
nothing to compare with) turned into 0–100 by `60 + 40 × (r − 1)`, clamped: matching the unit
scores 60, one and a half times as good 80, twice as good 100, half as good 40. A dimension fed
by two metrics takes their mean; the row counts the deals behind its metrics.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

METRIC_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "win_rate": ("closing", "negotiation"),
    "high_margin_share": ("negotiation", "solution_presentation"),
    "cycle_time": ("needs_discovery",),
}


@dataclass(frozen=True)
class ClosedDeal:
    rep_id: int
    unit_id: int
    segment: str
    won: bool
    high_margin: bool = False
    cycle_days: int = 1
    """Days from creation to signing (won deals), at least 1."""


@dataclass(frozen=True)
class DealEvidence:
    rep_id: int
    segment: str
    dimension: str
    value: float
    observations: int
    metrics: dict[str, dict[str, float]]
    """Per metric behind the value: {rep, unit, score, deals}."""


@dataclass(frozen=True)
class Period:
    key: str
    """`2026Q4`."""
    start: date
    end: date


def relative_score(ratio: float) -> float:
    return round(min(100.0, max(0.0, 60.0 + 40.0 * (ratio - 1.0))), 1)


def _ratio(rep: float, unit: float) -> float:
    return rep / unit if unit > 0 else 1.0


def _metrics(mine: Sequence[ClosedDeal], peers: Sequence[ClosedDeal]) -> dict[str, dict]:
    """The rep's metrics against the unit's, each with its score and the deals behind it."""
    won, peers_won = [d for d in mine if d.won], [d for d in peers if d.won]
    found = {}
    rep_rate, unit_rate = len(won) / len(mine), len(peers_won) / len(peers)
    found["win_rate"] = (rep_rate, unit_rate, _ratio(rep_rate, unit_rate), len(mine))
    if won:
        rep_share = sum(d.high_margin for d in won) / len(won)
        unit_share = sum(d.high_margin for d in peers_won) / len(peers_won)
        found["high_margin_share"] = (
            rep_share,
            unit_share,
            _ratio(rep_share, unit_share),
            len(won),
        )
        rep_days = sum(max(d.cycle_days, 1) for d in won) / len(won)
        unit_days = sum(max(d.cycle_days, 1) for d in peers_won) / len(peers_won)
        found["cycle_time"] = (rep_days, unit_days, _ratio(unit_days, rep_days), len(won))
    return {
        name: {"rep": round(rep, 3), "unit": round(unit, 3), "score": relative_score(r), "deals": n}
        for name, (rep, unit, r, n) in found.items()
    }


def deal_quality(deals: Iterable[ClosedDeal], dimensions: Sequence[str]) -> list[DealEvidence]:
    """Evidence per rep, segment and configured dimension from one period's closed deals."""
    peers: dict[tuple[int, str], list[ClosedDeal]] = {}
    mine: dict[tuple[int, int, str], list[ClosedDeal]] = {}
    for deal in deals:
        peers.setdefault((deal.unit_id, deal.segment), []).append(deal)
        mine.setdefault((deal.rep_id, deal.unit_id, deal.segment), []).append(deal)
    evidence = []
    for (rep_id, unit_id, segment), own in sorted(mine.items()):
        metrics = _metrics(own, peers[(unit_id, segment)])
        for dimension in dimensions:
            feeding = {
                name: found
                for name, found in metrics.items()
                if dimension in METRIC_DIMENSIONS.get(name, ())
            }
            if not feeding:
                continue
            value = sum(found["score"] for found in feeding.values()) / len(feeding)
            evidence.append(
                DealEvidence(
                    rep_id=rep_id,
                    segment=segment,
                    dimension=dimension,
                    value=round(value, 1),
                    observations=max(found["deals"] for found in feeding.values()),
                    metrics=feeding,
                )
            )
    return evidence


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    following = (
        date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    )
    return Period(f"{day.year}Q{(first_month - 1) // 3 + 1}", start, following - timedelta(days=1))


def recent_quarters(as_of: date, count: int) -> list[Period]:
    """The quarter of `as_of` (ending on `as_of`) and the `count - 1` before it, oldest first."""
    periods = []
    day = as_of
    for _ in range(count):
        quarter = quarter_of(day)
        periods.append(Period(quarter.key, quarter.start, min(quarter.end, as_of)))
        day = quarter.start - timedelta(days=1)
    return periods[::-1]
