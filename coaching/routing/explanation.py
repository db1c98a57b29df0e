"""A routing decision and its explanation, as frozen data that round-trips through JSON.

`Decision.to_json()` gives a dict of JSON types only (store it, show it); `Decision.from_json`
reads it back. `Decision.explain(language, reps)` and `Decision.why_not(rep_id)` (whose reasons
have `.text(language)`) put the numbers into sentences in English ("en") or Chinese ("zh"); the
fallback reason, tie-break, co-owner reason and notes are stored as an English record, which
`coaching.routing.sentences` reads back into either language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from coaching.routing.exclusions import Exclusions, Reason, rounded
from coaching.routing.table import AppliedRelaxation

OUTCOMES = ("assigned", "fallback_owner", "fallback_queue")
_number = rounded


@dataclass(frozen=True)
class TermScore:
    """One term of the winner: its value 0..1, its normalised weight, value × weight."""

    term: str
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Ranked:
    """A candidate among the top five: total and each term's value."""

    rep_id: int
    total: float
    terms: Mapping[str, float]


@dataclass(frozen=True)
class PassedOver:
    """Batch only: an eligible rep who would have scored `total` for this lead (more than the
    winner, or anything when nobody got it by score) but had no slot left, because the batch
    gave it to other leads; `lead_index` (position in the batch, 0-based) and `lead_id` name
    the one holding the slot this lead would have taken."""

    rep_id: int
    total: float
    lead_index: int
    lead_id: str | int | None = None


@dataclass(frozen=True)
class Fallback:
    """Why nobody was chosen by score, and who got the lead instead: the policy's fallback
    owner (`owner_rep_id`) or, when the owner cannot take it, the named queue."""

    reason: str
    queue: str | None
    owner_external_id: str | None = None
    owner_rep_id: int | None = None


@dataclass(frozen=True)
class CoOwnerSuggestion:
    """The winner scores `winner_score` < `threshold` in `dimension`, which the lead needs: a
    senior co-owner scoring ≥ `minimum` there is `rep_id` (None when nobody qualifies, see
    `reason`)."""

    dimension: str
    winner_score: float
    threshold: float
    minimum: float
    rep_id: int | None
    score: float | None
    reason: str


@dataclass(frozen=True)
class Decision:
    policy_version: str
    outcome: str
    """"assigned" (by score), "fallback_owner" or "fallback_queue"; never unassigned."""
    rep_id: int | None
    queue: str | None
    total: float | None
    terms: tuple[TermScore, ...]
    top: tuple[Ranked, ...]
    candidate_count: int
    eligible_count: int
    exclusions: Exclusions
    relaxations: tuple[AppliedRelaxation, ...]
    fallback: Fallback | None
    high_potential: bool
    needs: tuple[str, ...]
    co_owner: CoOwnerSuggestion | None
    lead_id: str | int | None = None
    method: str = "single"
    """"single" (decide), "batch" (assign_batch) or "greedy" (greedy_batch)."""
    slot: int | None = None
    """Batch only: the winner's how-manieth new lead of the batch this is (0 = first)."""
    tie_break: str | None = None
    weights_note: str | None = None
    notes: tuple[str, ...] = ()
    passed_over: tuple[PassedOver, ...] = ()
    """Batch only: the best-scoring reps (at most five) passed over because other leads of the
    batch took their capacity; `passed_over_count` counts them all."""
    passed_over_count: int = 0
    uncovered_segment: str | None = None
    """The lead's segment when no eligible rep (capacity aside) specialises in it."""

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome {self.outcome!r} is not one of {OUTCOMES}")
        if self.rep_id is None and self.queue is None:
            raise ValueError("a decision names an owner or a queue; never an unassigned lead")

    @property
    def owner_rep_ids(self) -> tuple[int, ...]:
        """The owner, then the co-owner when one was found."""
        co = self.co_owner.rep_id if self.co_owner else None
        return tuple(rep for rep in (self.rep_id, co) if rep is not None)

    def to_json(self) -> dict[str, Any]:
        return {
            "policy_version": self.policy_version,
            "lead_id": self.lead_id,
            "method": self.method,
            "outcome": self.outcome,
            "rep_id": self.rep_id,
            "queue": self.queue,
            "slot": self.slot,
            "total": _number(self.total),
            "terms": [
                {
                    "term": t.term,
                    "value": _number(t.value),
                    "weight": _number(t.weight),
                    "contribution": _number(t.contribution),
                }
                for t in self.terms
            ],
            "weights_note": self.weights_note,
            "tie_break": self.tie_break,
            "top": [
                {
                    "rep_id": r.rep_id,
                    "total": _number(r.total),
                    "terms": {k: _number(v) for k, v in r.terms.items()},
                }
                for r in self.top
            ],
            "candidate_count": self.candidate_count,
            "eligible_count": self.eligible_count,
            "exclusions": self.exclusions.to_json(),
            "relaxations": [
                {
                    "step": r.step,
                    "drop": r.drop,
                    "cause": r.cause,
                    "eligible_after": r.eligible_after,
                }
                for r in self.relaxations
            ],
            "fallback": None if self.fallback is None else _fields(self.fallback),
            "high_potential": self.high_potential,
            "needs": list(self.needs),
            "co_owner": None if self.co_owner is None else _fields(self.co_owner),
            "notes": list(self.notes),
            "passed_over": [_fields(p) for p in self.passed_over],
            "passed_over_count": self.passed_over_count,
            "uncovered_segment": self.uncovered_segment,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        return cls(
            policy_version=data["policy_version"],
            lead_id=data.get("lead_id"),
            method=data["method"],
            outcome=data["outcome"],
            rep_id=data["rep_id"],
            queue=data["queue"],
            slot=data.get("slot"),
            total=data["total"],
            terms=tuple(TermScore(**t) for t in data["terms"]),
            weights_note=data.get("weights_note"),
            tie_break=data.get("tie_break"),
            top=tuple(Ranked(r["rep_id"], r["total"], dict(r["terms"])) for r in data["top"]),
            candidate_count=data["candidate_count"],
            eligible_count=data["eligible_count"],
            exclusions=Exclusions.from_json(data["exclusions"]),
            relaxations=tuple(AppliedRelaxation(**r) for r in data["relaxations"]),
            fallback=Fallback(**data["fallback"]) if data["fallback"] else None,
            high_potential=data["high_potential"],
            needs=tuple(data["needs"]),
            co_owner=CoOwnerSuggestion(**data["co_owner"]) if data["co_owner"] else None,
            notes=tuple(data.get("notes", ())),
            passed_over=tuple(PassedOver(**p) for p in data.get("passed_over", ())),
            passed_over_count=data.get("passed_over_count", 0),
            uncovered_segment=data.get("uncovered_segment"),
        )

    def why_not(self, rep_id: int) -> tuple[Reason, ...]:
        """The filters that kept a rep from this lead (empty: the rep was eligible)."""
        return self.exclusions.reasons(rep_id)

    def explain(
        self,
        language: str = "en",
        reps: Mapping[int, Any] | None = None,
        cover: str | None = None,
    ) -> list[str]:
        """The decision in a few sentences, for the people it concerns, in Chinese ("zh") or
        English ("en"); `reps` (rep_id → `sentences.RepLabel`) names the reps, `cover` is the
        co-owner cover note stored beside the explanation. See `coaching.routing.sentences`."""
        from coaching.routing import sentences  # it reads this module's classes

        return sentences.explain(self, language, reps, cover)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return _number(value)
    return value


def _fields(item: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(item, f.name)) for f in fields(item)}
