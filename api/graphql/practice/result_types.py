"""GraphQL types of what a rep learns from practice: the feedback after a reply, a finished
session's result, and the evidence and red lines both quote.

Labels come in the request's language; a model answer in the session's (it is what the rep
could have said to this customer)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from coaching.engines.judge import Evidence
from coaching.engines.scoring import SessionScore
from coaching.practice import rules
from coaching.scenario_model import Scenario, Text


def say(info: Info, text: Text | None) -> str | None:
    return None if text is None else text.get(info.context.language)


@strawberry.type(description="The rep's own words that showed a check, at [start, end).")
class PracticeEvidence:
    start: int = strawberry.field(description="Offset of the first character in the rep's message.")
    end: int = strawberry.field(description="Offset just past the last character.")
    text: str = strawberry.field(description="The quoted words, exactly as the rep wrote them.")

    @classmethod
    def of(cls, evidence: Evidence | None) -> PracticeEvidence | None:
        return (
            None
            if evidence is None
            else cls(start=evidence.start, end=evidence.end, text=evidence.text)
        )


@strawberry.type(description="A red line crossed, with the words that crossed it.")
class PracticeRedLineHit:
    red_line_id: str = strawberry.field(description="The red line's id in the scenario.")
    title: str = strawberry.field(description="What must never be said, in your language.")
    explanation: str = strawberry.field(description="Why it fails the session, in your language.")
    evidence: PracticeEvidence | None = strawberry.field(
        description="The rep's words that crossed it, if quoted."
    )


def red_line_hit(
    info: Info, scenario: Scenario | None, red_line_id: str, evidence: Evidence | None
) -> PracticeRedLineHit:
    red_lines = scenario.red_lines if scenario is not None else ()
    red_line = next((r for r in red_lines if r.id == red_line_id), None)
    return PracticeRedLineHit(
        red_line_id=red_line_id,
        title=say(info, red_line.title) if red_line else red_line_id,
        explanation=say(info, red_line.explanation) if red_line else "",
        evidence=PracticeEvidence.of(evidence),
    )


@strawberry.type(description="A check passed, with the rep's words.")
class PracticePassedCheck:
    check_id: str = strawberry.field(description="The check passed.")
    criterion_id: str = strawberry.field(description="The criterion it belongs to.")
    question: str = strawberry.field(description="The check's yes/no question, in your language.")
    evidence: PracticeEvidence | None = strawberry.field(
        description="The rep's words that passed it."
    )
    turn: int | None = strawberry.field(description="The rep's reply number that passed it.")


@strawberry.type(description="A check not passed, with what to say instead.")
class PracticeMissedCheck:
    check_id: str = strawberry.field(description="The check not passed.")
    criterion_id: str = strawberry.field(description="The criterion it belongs to.")
    question: str = strawberry.field(description="The check's yes/no question, in your language.")
    tip: str | None = strawberry.field(
        description="A hint from the scenario, in your language; null when it has none."
    )
    model_answer: str | None = strawberry.field(description="In the session's language.")


@strawberry.type(description="Feedback right after a reply (train mode only).")
class PracticeFeedback:
    passed: list[PracticePassedCheck] = strawberry.field(description="Checks this reply passed.")
    missed: list[PracticeMissedCheck] = strawberry.field(
        description="Open checks of the criteria that answer the objection on the table."
    )
    tip: str | None = strawberry.field(
        description="A hint for the next reply: the first open check's tip, else its question."
    )
    red_lines: list[PracticeRedLineHit] = strawberry.field(
        description="Red lines this reply crossed."
    )

    @classmethod
    def of(
        cls, info: Info, scenario: Scenario, feedback: rules.TurnFeedback, spoken: str
    ) -> PracticeFeedback:
        return cls(
            passed=[
                PracticePassedCheck(
                    check_id=p.check_id,
                    criterion_id=p.criterion_id,
                    question=say(info, p.question),
                    evidence=PracticeEvidence.of(p.evidence),
                    turn=None,
                )
                for p in feedback.passed
            ],
            missed=[_missed(info, scenario, check.id, spoken) for check in feedback.missed],
            tip=say(info, feedback.tip),
            red_lines=[red_line_hit(info, scenario, i, e) for i, e in feedback.red_lines],
        )


def _missed(info: Info, scenario: Scenario, check_id: str, spoken: str) -> PracticeMissedCheck:
    """Labels in the reader's language; the model answer in the session's (`spoken`): it is
    what the rep could have said to this customer."""
    check, criterion = scenario.check(check_id), scenario.criterion_of(check_id)
    return PracticeMissedCheck(
        check_id=check_id,
        criterion_id=criterion.id,
        question=say(info, check.question),
        tip=say(info, check.tip),
        model_answer=criterion.model_answer.get(spoken),
    )


@strawberry.type(description="Partial credit on one criterion: the share of its checks passed.")
class PracticeCriterionScore:
    criterion_id: str = strawberry.field(description="The criterion scored.")
    title: str = strawberry.field(description="Its title, in your language.")
    capability: str = strawberry.field(
        description="The capability dimension code it gives evidence for."
    )
    weight: float = strawberry.field(description="Its weight in the session's score.")
    passed: int = strawberry.field(description="Checks passed.")
    total: int = strawberry.field(description="Checks in the criterion.")
    score: float = strawberry.field(description="0..100.")


@strawberry.type(description="The weighted score of one capability dimension, 0..100.")
class PracticeCapabilityScore:
    capability: str = strawberry.field(description="The capability dimension code.")
    weight: float = strawberry.field(description="The summed weight of its criteria.")
    score: float = strawberry.field(
        description="The weighted mean of its criteria's scores, 0..100."
    )


@strawberry.type(description="A finished session's scores, with trainers' rulings applied.")
class PracticeResult:
    score: float = strawberry.field(description="0..100, weighted over the criteria.")
    pass_mark: int = strawberry.field(
        description="The score needed to pass, frozen when the session started."
    )
    passed: bool = strawberry.field(description="score ≥ pass mark and no red line crossed.")
    criteria: list[PracticeCriterionScore] = strawberry.field(
        description="The score of each criterion."
    )
    capabilities: list[PracticeCapabilityScore] = strawberry.field(
        description="The score of each capability dimension the scenario exercises."
    )
    passed_checks: list[PracticePassedCheck] = strawberry.field(
        description="Every check passed, with the reply that passed it."
    )
    missed_checks: list[PracticeMissedCheck] = strawberry.field(
        description="Every check not passed, with a tip and a model answer."
    )
    blockers: list[PracticeRedLineHit] = strawberry.field(
        description="Red lines crossed: each fails the session whatever the score."
    )

    @classmethod
    def of(
        cls, info: Info, scenario: Scenario, result: SessionScore, spoken: str
    ) -> PracticeResult:
        titles = {c.id: say(info, c.title) for c in scenario.criteria}
        return cls(
            score=result.score,
            pass_mark=result.pass_mark,
            passed=result.passed,
            criteria=[
                PracticeCriterionScore(
                    criterion_id=c.criterion_id,
                    title=titles[c.criterion_id],
                    capability=c.capability,
                    weight=c.weight,
                    passed=c.passed,
                    total=c.total,
                    score=round(100 * c.share, 2),
                )
                for c in result.criteria
            ],
            capabilities=[
                PracticeCapabilityScore(capability=c.capability, weight=c.weight, score=c.score)
                for c in result.capabilities
            ],
            passed_checks=[
                PracticePassedCheck(
                    check_id=c.check_id,
                    criterion_id=c.criterion_id,
                    question=say(info, scenario.check(c.check_id).question),
                    evidence=PracticeEvidence.of(c.evidence),
                    turn=None if c.turn is None else c.turn + 1,
                )
                for c in result.checks
                if c.passed
            ],
            missed_checks=[_missed(info, scenario, m.check_id, spoken) for m in result.missed],
            blockers=[
                red_line_hit(info, scenario, b.red_line_id, b.evidence) for b in result.blockers
            ],
        )
