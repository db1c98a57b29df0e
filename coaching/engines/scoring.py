"""Scores of a practice session from the judge's turn verdicts: plain functions, no engine.

DESIGN.md §6: the engine classifies, plain code weighs. Over the turns of a session:
- a check passed in any turn stays passed; its evidence is the first turn's that passed it;
- a criterion's score is the share of its checks passed (partial credit), 0..1;
- the overall score is the weighted mean of the criteria (weights normalised), 0..100;
- a capability's score is the weighted mean of its criteria, 0..100;
- a red line hit in any turn is a blocker: the session fails whatever the score;
- passed = overall >= pass mark and no blocker;
- each missed check comes with its criterion's model answer;
- only checks of objections actually raised are scored as missed: given the objections the
  customer raised (`raised`), a check that settles only objections never raised (it is in
  their `addressed_by`, and in no raised one's) counts only if passed — it leaves its
  criterion's total and the missed list otherwise, and a criterion left with no check to
  count leaves the weighting. `raised=None` counts every check.
Scores are rounded to two decimals, and the pass mark is compared with the rounded score
the rep sees.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from coaching.engines.judge import Evidence, TurnVerdict
from coaching.scenario_model import Scenario, Text


@dataclass(frozen=True)
class CheckResult:
    check_id: str
    criterion_id: str
    passed: bool
    evidence: Evidence | None
    turn: int | None
    """Index (0-based) of the first turn that passed the check."""
    counted: bool = True
    """False for a check missed that only settles objections never raised: not held
    against the rep."""


@dataclass(frozen=True)
class Blocker:
    red_line_id: str
    evidence: Evidence | None
    """None only when a trainer ruled the red line crossed without the judge seeing it."""
    turn: int | None


@dataclass(frozen=True)
class CriterionScore:
    criterion_id: str
    capability: str
    weight: float
    passed: int
    total: int
    share: float
    """passed / total, 0..1."""


@dataclass(frozen=True)
class CapabilityScore:
    capability: str
    weight: float
    """Sum of its criteria's weights."""
    score: float
    """0..100."""


@dataclass(frozen=True)
class MissedCheck:
    check_id: str
    criterion_id: str
    question: Text
    tip: Text | None
    model_answer: Text


@dataclass(frozen=True)
class SessionScore:
    checks: tuple[CheckResult, ...]
    criteria: tuple[CriterionScore, ...]
    capabilities: tuple[CapabilityScore, ...]
    score: float
    """Weighted overall score, 0..100."""
    pass_mark: int
    blockers: tuple[Blocker, ...]
    passed: bool
    missed: tuple[MissedCheck, ...]


def accumulate(
    scenario: Scenario, turns: Sequence[TurnVerdict]
) -> tuple[tuple[CheckResult, ...], tuple[Blocker, ...]]:
    """Every check of the scenario (in file order) with the first turn that passed it, and
    every red line hit (each red line once, at its first turn)."""
    first: dict[str, CheckResult] = {}
    blockers: dict[str, Blocker] = {}
    for turn, verdict in enumerate(turns):
        for check in verdict.checks:
            if check.passed and check.check_id not in first:
                first[check.check_id] = CheckResult(
                    check.check_id, check.criterion_id, True, check.evidence, turn
                )
        for hit in verdict.red_lines:
            blockers.setdefault(hit.red_line_id, Blocker(hit.red_line_id, hit.evidence, turn))
    results = tuple(
        first.get(check.id) or CheckResult(check.id, criterion.id, False, None, None)
        for criterion in scenario.criteria
        for check in criterion.checks
    )
    return results, tuple(blockers.values())


def uncounted_checks(scenario: Scenario, raised: Collection[str] | None) -> frozenset[str]:
    """Checks tied only to objections never raised (None: every check counts)."""
    if raised is None:
        return frozenset()
    settles: dict[str, set[str]] = {}
    for objection in scenario.objections:
        for check_id in objection.addressed_by:
            settles.setdefault(check_id, set()).add(objection.id)
    return frozenset(check for check, objections in settles.items() if not objections & {*raised})


def criterion_scores(
    scenario: Scenario, passed_check_ids: Iterable[str], uncounted: Collection[str] = ()
) -> tuple[CriterionScore, ...]:
    """Partial credit per criterion: the share of its checks passed, out of the checks that
    count (a check in `uncounted` counts only when passed)."""
    passed_ids = set(passed_check_ids)
    scores = []
    for criterion in scenario.criteria:
        passed = sum(1 for check in criterion.checks if check.id in passed_ids)
        total = sum(
            1 for check in criterion.checks if check.id in passed_ids or check.id not in uncounted
        )
        scores.append(
            CriterionScore(
                criterion.id,
                criterion.capability,
                criterion.weight,
                passed,
                total,
                passed / total if total else 0.0,
            )
        )
    return tuple(scores)


def weighted_score(parts: Iterable[tuple[float, float]]) -> float:
    """0..100 from (weight, share 0..1) pairs, weights normalised; 0 when nothing weighs."""
    parts = list(parts)
    total_weight = sum(weight for weight, _ in parts)
    if total_weight <= 0:
        return 0.0
    value = 100 * sum(weight * share for weight, share in parts) / total_weight
    return round(min(100.0, max(0.0, value)), 2)


def _weighing(criteria: Iterable[CriterionScore]) -> list[tuple[float, float]]:
    """(weight, share) of the criteria that have a check to count."""
    return [(criterion.weight, criterion.share) for criterion in criteria if criterion.total]


def capability_scores(criteria: Sequence[CriterionScore]) -> tuple[CapabilityScore, ...]:
    """Criteria grouped by capability (in order of first appearance), weighted within."""
    groups: dict[str, list[CriterionScore]] = {}
    for criterion in criteria:
        groups.setdefault(criterion.capability, []).append(criterion)
    return tuple(
        CapabilityScore(
            capability,
            sum(item.weight for item in items if item.total),
            weighted_score(_weighing(items)),
        )
        for capability, items in groups.items()
    )


def missed_checks(
    scenario: Scenario, passed_check_ids: Iterable[str], uncounted: Collection[str] = ()
) -> tuple[MissedCheck, ...]:
    passed_ids = set(passed_check_ids)
    return tuple(
        MissedCheck(check.id, criterion.id, check.question, check.tip, criterion.model_answer)
        for criterion in scenario.criteria
        for check in criterion.checks
        if check.id not in passed_ids and check.id not in uncounted
    )


def running_score(
    scenario: Scenario, passed_check_ids: Iterable[str], raised: Collection[str] | None = None
) -> float:
    """The overall score (0..100) of the checks passed so far, as `score_results` weighs it."""
    uncounted = uncounted_checks(scenario, raised)
    return weighted_score(_weighing(criterion_scores(scenario, passed_check_ids, uncounted)))


def score_session(
    scenario: Scenario, turns: Sequence[TurnVerdict], raised: Collection[str] | None = None
) -> SessionScore:
    """The session's scores from its turns' verdicts, in order."""
    return score_results(scenario, *accumulate(scenario, turns), raised=raised)


def score_results(
    scenario: Scenario,
    checks: Sequence[CheckResult],
    blockers: Sequence[Blocker],
    raised: Collection[str] | None = None,
) -> SessionScore:
    """The scores from every check's result and the blockers (e.g. after a trainer's
    overrides changed some of them); `raised`: the objections the customer raised (None:
    every check counts)."""
    uncounted = uncounted_checks(scenario, raised)
    checks = tuple(
        replace(check, counted=False)
        if not check.passed and check.check_id in uncounted
        else replace(check, counted=True)
        if not check.counted
        else check
        for check in checks
    )
    blockers = tuple(blockers)
    passed_ids = [check.check_id for check in checks if check.passed]
    criteria = criterion_scores(scenario, passed_ids, uncounted)
    score = weighted_score(_weighing(criteria))
    return SessionScore(
        checks=checks,
        criteria=criteria,
        capabilities=capability_scores(criteria),
        score=score,
        pass_mark=scenario.pass_mark,
        blockers=blockers,
        passed=score >= scenario.pass_mark and not blockers,
        missed=missed_checks(scenario, passed_ids, uncounted),
    )


__all__ = [
    "Blocker",
    "CapabilityScore",
    "CheckResult",
    "CriterionScore",
    "MissedCheck",
    "SessionScore",
    "accumulate",
    "capability_scores",
    "criterion_scores",
    "missed_checks",
    "running_score",
    "score_results",
    "score_session",
    "uncounted_checks",
    "weighted_score",
]
