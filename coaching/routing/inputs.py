"""What routing decides on: the facts of one lead and of each candidate rep, as frozen data.

The service fills these from the database; routing itself never reads it. Money is in integer
minor units (fen, cents), like every amount in Pacer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

DIMENSIONS = (
    "needs_discovery",
    "negotiation",
    "solution_presentation",
    "objection_handling",
    "product_knowledge",
    "closing",
)
"""The capability dimensions, in the order explanations list them."""

LEVELS = ("junior", "mid", "senior")
STATUSES = ("active", "on_leave", "inactive")


def _frozen_mapping(value: Mapping | None) -> Mapping:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class LeadFacts:
    """One incoming lead. `territory` is the region/city code matched against the reps'
    territories (None: unknown, the territory filter is then skipped and the decision says so).
    `attributes` is the free-form intake payload the policy's conditions may look into."""

    segment: str
    territory: str | None = None
    source: str = "unknown"
    product_interests: frozenset[str] = frozenset()
    signals: frozenset[str] = frozenset()
    estimated_value: int | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    lead_id: str | int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "product_interests", frozenset(self.product_interests))
        object.__setattr__(self, "signals", frozenset(self.signals))
        object.__setattr__(self, "attributes", _frozen_mapping(self.attributes))


@dataclass(frozen=True)
class Candidate:
    """A rep who might own the lead, with everything the filters and terms read.

    - `specialties`: segment → proficiency 1–5; `capability`: dimension → 0–100 (a missing
      dimension counts as 0, so the service fills unknown ones with its default).
    - `conversion`: (segment, source) → (won, closed) over the policy's conversion window,
      each closed deal weighted 0.5^(age / half-life) (so the numbers may be fractions);
      `recent_conversion`: (segment, source, weeks ago) → (won, closed), unweighted, over
      the drift window (the last `drift.recent_days`; weeks ago 0 = the last 7 days). The
      pooled estimate (`coaching.routing.estimate`) reads both over every candidate, and the
      rep's unit from `unit_id`.
    - `unit_conversion`: no longer read (the estimate pools the unit's outcomes itself); kept
      so callers written for the windowed rate still build candidates.
    - `recent_assignments`: leads routed to the rep within the policy's fairness window.
    - `external_id`: the rep's external id, which the policy's fallback owner names.
    """

    rep_id: int
    unit_id: int | None = None
    level: str = "mid"
    status: str = "active"
    territories: frozenset[str] = frozenset()
    capacity: int = 0
    open_load: int = 0
    specialties: Mapping[str, int] = field(default_factory=dict)
    capability: Mapping[str, float] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    conversion: Mapping[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    unit_conversion: Mapping[tuple[str, str], float] = field(default_factory=dict)
    recent_assignments: int = 0
    external_id: str | None = None
    recent_conversion: Mapping[tuple[str, str, int], tuple[float, float]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        for name in ("territories", "flags"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        for name in (
            "specialties",
            "capability",
            "conversion",
            "unit_conversion",
            "recent_conversion",
        ):
            object.__setattr__(self, name, _frozen_mapping(getattr(self, name)))
        if self.status not in STATUSES:
            raise ValueError(f"rep {self.rep_id}: status {self.status!r} is not one of {STATUSES}")
        if self.level not in LEVELS:
            raise ValueError(f"rep {self.rep_id}: level {self.level!r} is not one of {LEVELS}")

    @property
    def capacity_left(self) -> int:
        return max(0, self.capacity - self.open_load)

    @property
    def load_ratio(self) -> float:
        return self.open_load / self.capacity if self.capacity > 0 else 1.0
