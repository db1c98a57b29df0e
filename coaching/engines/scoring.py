"""Scores of a practice session from the judge's turn verdicts: plain functions, no engine.

DESIGN.md §6: the engine classifies, plain code weighs. Over the turns of a session:
- a check passed in any turn stays passed; its evidence is the first turn's that passed it;
- a criterion's score is the share of its checks passed (partial credit), 0..1;
- the overall score is the weighted mean of the criteria (weights normalised), 0..100;
- a capability's score is the weighted mean of its criteria, 0..100;
- a red line hit in any turn is a blocker: the session fails whatever the score;
- passed = overall >= pass mark and no blocker;
- each missed check comes with its criterion's model answer.
Scores are rounded to two decimals, and the pass mark is compared with the rounded score
the rep sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


def criterion_scores(
    scenario: Scenario, passed_check_ids: Iterable[str]
) -> tuple[CriterionScore, ...]:
    """Partial credit per criterion: the share of its checks passed."""
    passed_ids = set(passed_check_ids)
    scores = []
    for criterion in scenario.criteria:
        passed = sum(1 for check in criterion.checks if check.id in passed_ids)
        total = len(criterion.checks)
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


def capability_scores(criteria: Sequence[CriterionScore]) -> tuple[CapabilityScore, ...]:
    """Criteria grouped by capability (in order of first appearance), weighted within."""
    groups: dict[str, list[CriterionScore]] = {}
    for criterion in criteria:
        groups.setdefault(criterion.capability, []).append(criterion)
    return tuple(
        CapabilityScore(
            capability,
            sum(item.weight for item in items),
            weighted_score((item.weight, item.share) for item in items),
        )
        for capability, items in groups.items()
    )


def missed_checks(scenario: Scenario, passed_check_ids: Iterable[str]) -> tuple[MissedCheck, ...]:
    passed_ids = set(passed_check_ids)
    return tuple(
        MissedCheck(check.id, criterion.id, check.question, check.tip, criterion.model_answer)
        for criterion in scenario.criteria
        for check in criterion.checks
        if check.id not in passed_ids
    )


def score_session(scenario: Scenario, turns: Sequence[TurnVerdict]) -> SessionScore:
    """The session's scores from its turns' verdicts, in order."""
    return score_results(scenario, *accumulate(scenario, turns))


def score_results(
    scenario: Scenario, checks: Sequence[CheckResult], blockers: Sequence[Blocker]
) -> SessionScore:
    """The scores from every check's result and the blockers (e.g. after a trainer's
    overrides changed some of them)."""
    checks, blockers = tuple(checks), tuple(blockers)
    passed_ids = [check.check_id for check in checks if check.passed]
    criteria = criterion_scores(scenario, passed_ids)
    score = weighted_score((criterion.weight, criterion.share) for criterion in criteria)
    return SessionScore(
        checks=checks,
        criteria=criteria,
        capabilities=capability_scores(criteria),
        score=score,
        pass_mark=scenario.pass_mark,
        blockers=blockers,
        passed=score >= scenario.pass_mark and not blockers,
        missed=missed_checks(scenario, passed_ids),
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
    "score_results",
    "score_session",
    "weighted_score",
]
