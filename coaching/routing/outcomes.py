"""Did a re-run of the queue change anything for a lead? A queued lead is checked again on
every batch; a new decision is stored only when its outcome differs from the last one.

The outcome of a decision that leaves a lead queued is the policy version, the queue and the
filter that stops it: the reps are passed through the policy's filters in the policy's
order, and the filter after which nobody is left is what the lead waits on — "territory"
for a region nobody covers, "capacity_left" when the reps who cover it are full,
"not_on_leave" when they are away … A rep who was eligible but whose slots other leads of
the same batch took counts as at capacity, as they are once the batch is stored.

So a rep elsewhere filling up, freeing up or going on leave changes nothing for a lead that
waits on its own region's reps, and a freed slot changes the outcome of the one lead that
takes it, not of those still waiting; the lead's own reps all going away does. The numbers
(loads, counts, scores) drift from run to run and are not part of the outcome: the stored
decision keeps them as they were when it was made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coaching.routing.exclusions import Exclusions
from coaching.routing.explanation import Decision

CAPACITY = "capacity_left"
NO_CANDIDATES = "no_candidates"


@dataclass(frozen=True)
class QueueOutcome:
    """Why a lead stays in a queue, without the numbers."""

    policy_version: str
    queue: str
    waits_on: str
    """The filter after which no rep was left (`capacity_left` for slots taken in a batch,
    `no_candidates` when there were no reps at all)."""


def queue_outcome(decision: Decision) -> QueueOutcome | None:
    """None when the decision puts the lead with a rep (an outcome that is always stored)."""
    if decision.rep_id is not None or decision.queue is None:
        return None
    return QueueOutcome(decision.policy_version, decision.queue, waits_on(decision))


def waits_on(decision: Decision) -> str:
    if decision.eligible_count > 0:
        return CAPACITY  # (decisions stored before policy 2026.1 counted eligibility at the
        # start of the batch: eligible then, slots taken by other leads)
    if decision.candidate_count == 0:
        return NO_CANDIDATES
    return emptying_filter(decision.exclusions)


def emptying_filter(exclusions: Exclusions) -> str:
    """Nobody was eligible, so every candidate is among the excluded: take them through the
    filters in the policy's order (that of `counts`) and name the one that leaves nobody."""
    failing: dict[str, set[int]] = defaultdict(set)
    for rep in exclusions.rep_ids:
        for reason in exclusions.reasons(rep):
            failing[reason.filter].add(rep)
    remaining = set(exclusions.rep_ids)
    for name in exclusions.counts:
        remaining -= failing[name]
        if not remaining:
            return name
    return next(reversed(list(exclusions.counts)), NO_CANDIDATES)


def stored(explanation: Mapping[str, Any] | None) -> Decision | None:
    """A stored explanation read back; None when it cannot be (then the outcome counts as
    changed and the new decision is stored)."""
    try:
        return Decision.from_json(explanation) if explanation else None
    except (KeyError, TypeError, ValueError):
        return None


def same_queue_outcome(previous: Decision | None, current: Decision) -> bool:
    """True when both decisions leave the lead in the same queue for the same reason: the
    current one need not be stored."""
    if previous is None:
        return False
    now = queue_outcome(current)
    return now is not None and now == queue_outcome(previous)
