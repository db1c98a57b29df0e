"""GraphQL types of the practice sandbox: scenarios, sessions, turns, and what a rep learns
from them (the feedback after a reply, a finished session's result, the evidence and red
lines both quote).

Everything a rep reads comes in the request's language (or, for the customer's lines, the
session's). While an exam runs, its verdicts, scores and tips are withheld (null)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.labels import graphql_enum
from api.core.relay import OrmNode
from api.graphql.org.types import RepNode, UserNode, display_user
from coaching.engines.base import EngineTrace, verdict_from_json
from coaching.engines.judge import Evidence
from coaching.engines.scoring import SessionScore
from coaching.practice import models, queries, rules
from coaching.practice.models import (
    PracticeDifficulty,
    PracticeEngine,
    PracticeMode,
    PracticeOutcome,
    PracticeStatus,
)
from coaching.scenario_model import Scenario, Text


def _say(info: Info, text: Text | None) -> str | None:
    return None if text is None else text.get(info.context.language)


def scenario_of(info: Info, scenario_id: str) -> Scenario | None:
    return info.context.scenarios.get(scenario_id)


@strawberry.type(description="The rep's own words that showed a check, at [start, end).")
class PracticeEvidence:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, evidence: Evidence | None) -> PracticeEvidence | None:
        return (
            None
            if evidence is None
            else cls(start=evidence.start, end=evidence.end, text=evidence.text)
        )


@strawberry.type(description="A red line crossed, with the words that crossed it.")
class PracticeRedLineHit:
    red_line_id: str
    title: str
    explanation: str
    evidence: PracticeEvidence | None


def red_line_hit(
    info: Info, scenario: Scenario | None, red_line_id: str, evidence: Evidence | None
) -> PracticeRedLineHit:
    red_lines = scenario.red_lines if scenario is not None else ()
    red_line = next((r for r in red_lines if r.id == red_line_id), None)
    return PracticeRedLineHit(
        red_line_id=red_line_id,
        title=_say(info, red_line.title) if red_line else red_line_id,
        explanation=_say(info, red_line.explanation) if red_line else "",
        evidence=PracticeEvidence.of(evidence),
    )


@strawberry.type(description="A check passed, with the rep's words.")
class PracticePassedCheck:
    check_id: str
    criterion_id: str
    question: str
    evidence: PracticeEvidence | None
    turn: int | None = strawberry.field(description="The rep's reply number that passed it.")


@strawberry.type(description="A check not passed, with what to say instead.")
class PracticeMissedCheck:
    check_id: str
    criterion_id: str
    question: str
    tip: str | None
    model_answer: str | None = strawberry.field(description="In the session's language.")


@strawberry.type(description="Feedback right after a reply (train mode only).")
class PracticeFeedback:
    passed: list[PracticePassedCheck]
    missed: list[PracticeMissedCheck] = strawberry.field(
        description="Open checks of the criteria that answer the objection on the table."
    )
    tip: str | None
    red_lines: list[PracticeRedLineHit]

    @classmethod
    def of(
        cls, info: Info, scenario: Scenario, feedback: rules.TurnFeedback, spoken: str
    ) -> PracticeFeedback:
        return cls(
            passed=[
                PracticePassedCheck(
                    check_id=p.check_id,
                    criterion_id=p.criterion_id,
                    question=_say(info, p.question),
                    evidence=PracticeEvidence.of(p.evidence),
                    turn=None,
                )
                for p in feedback.passed
            ],
            missed=[_missed(info, scenario, check.id, spoken) for check in feedback.missed],
            tip=_say(info, feedback.tip),
            red_lines=[red_line_hit(info, scenario, i, e) for i, e in feedback.red_lines],
        )


def _missed(info: Info, scenario: Scenario, check_id: str, spoken: str) -> PracticeMissedCheck:
    """Labels in the reader's language; the model answer in the session's (`spoken`): it is
    what the rep could have said to this customer."""
    check, criterion = scenario.check(check_id), scenario.criterion_of(check_id)
    return PracticeMissedCheck(
        check_id=check_id,
        criterion_id=criterion.id,
        question=_say(info, check.question),
        tip=_say(info, check.tip),
        model_answer=criterion.model_answer.get(spoken),
    )


@strawberry.type(description="Partial credit on one criterion: the share of its checks passed.")
class PracticeCriterionScore:
    criterion_id: str
    title: str
    capability: str
    weight: float
    passed: int
    total: int
    score: float = strawberry.field(description="0..100.")


@strawberry.type(description="The weighted score of one capability dimension, 0..100.")
class PracticeCapabilityScore:
    capability: str
    weight: float
    score: float


@strawberry.type(description="A finished session's scores, with trainers' rulings applied.")
class PracticeResult:
    score: float = strawberry.field(description="0..100, weighted over the criteria.")
    pass_mark: int
    passed: bool = strawberry.field(description="score ≥ pass mark and no red line crossed.")
    criteria: list[PracticeCriterionScore]
    capabilities: list[PracticeCapabilityScore]
    passed_checks: list[PracticePassedCheck]
    missed_checks: list[PracticeMissedCheck]
    blockers: list[PracticeRedLineHit] = strawberry.field(
        description="Red lines crossed: each fails the session whatever the score."
    )

    @classmethod
    def of(
        cls, info: Info, scenario: Scenario, result: SessionScore, spoken: str
    ) -> PracticeResult:
        titles = {c.id: _say(info, c.title) for c in scenario.criteria}
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
                    question=_say(info, scenario.check(c.check_id).question),
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


graphql_enum(PracticeMode, "train shows feedback every turn; exam only at the end. 练习模式。")
graphql_enum(PracticeStatus, "active → finished. 练习状态。")
graphql_enum(PracticeOutcome, "How the conversation ended. 对话结果。")
graphql_enum(PracticeDifficulty, "How cooperative the simulated customer is. 难度。")
graphql_enum(PracticeEngine, "Who plays the customer and judges the replies. 引擎。")


@strawberry.type(description="A persona the simulated customer can play.")
class PracticePersona:
    id: str
    role: str
    temperament: str


@strawberry.type(description="One yes/no check of a criterion.")
class PracticeCheck:
    id: str
    question: str


@strawberry.type(description="What the judge scores, with its checks.")
class PracticeCriterion:
    id: str
    title: str
    capability: str
    weight: float
    checks: list[PracticeCheck]


@strawberry.type(description="A role-play scenario from the scenario files. 练习场景。")
class PracticeScenario:
    id: str
    version: int
    title: str
    situation: str
    goal: str
    industry: str
    pass_mark: int
    min_turns: int
    max_turns: int
    personas: list[PracticePersona]
    criteria: list[PracticeCriterion]

    @classmethod
    def of(cls, scenario: Scenario, language: str) -> PracticeScenario:
        return cls(
            id=scenario.id,
            version=scenario.version,
            title=scenario.title.get(language),
            situation=scenario.situation.get(language),
            goal=scenario.goal.get(language),
            industry=scenario.industry,
            pass_mark=scenario.pass_mark,
            min_turns=scenario.turn_limits.min,
            max_turns=scenario.turn_limits.max,
            personas=[
                PracticePersona(
                    id=p.id,
                    role=p.role.get(language),
                    temperament=p.temperament.get(language),
                )
                for p in scenario.personas
            ],
            criteria=[
                PracticeCriterion(
                    id=c.id,
                    title=c.title.get(language),
                    capability=c.capability,
                    weight=c.weight,
                    checks=[
                        PracticeCheck(id=k.id, question=k.question.get(language)) for k in c.checks
                    ],
                )
                for c in scenario.criteria
            ],
        )


@strawberry.type(description="How an engine produced a verdict or a line.")
class PracticeEngineTrace:
    engine: PracticeEngine = strawberry.field(description="`rules` after a fallback.")
    fallback_reason: str | None = strawberry.field(
        description="Why the language model's output was not used: timeout, rate_limited, "
        "malformed_json, schema_invalid, invented_quote, …"
    )
    fallback_detail: str | None
    model: str | None
    system_fingerprint: str | None
    prompt_version: str | None
    response_format: str | None
    cached: bool

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> PracticeEngineTrace | None:
        if data is None:
            return None
        trace = EngineTrace.from_json(data)
        return cls(
            engine=PracticeEngine(trace.engine),
            fallback_reason=trace.fallback_reason,
            fallback_detail=trace.fallback_detail,
            model=trace.model,
            system_fingerprint=trace.system_fingerprint,
            prompt_version=trace.prompt_version,
            response_format=trace.response_format,
            cached=trace.cached,
        )


@strawberry.type(description="The judge on one check in one reply.")
class PracticeCheckVerdict:
    check_id: str
    criterion_id: str
    passed: bool
    evidence: PracticeEvidence | None


@strawberry.type(
    description="One exchange: the rep's reply (none on turn 0), the judge on it "
    "and the customer's line. Verdicts are null while an exam runs."
)
class PracticeTurn:
    number: int
    rep_message: str | None
    customer_line: str
    created_at: datetime
    checks: list[PracticeCheckVerdict] | None
    red_lines: list[PracticeRedLineHit] | None
    judge: PracticeEngineTrace | None
    voice: PracticeEngineTrace | None = strawberry.field(
        description="Who voiced the customer's line."
    )

    @classmethod
    def of(cls, info: Info, row: models.PracticeTurn, withheld: bool) -> PracticeTurn:
        checks = red_lines = None
        if row.verdict is not None and not withheld:
            verdict = verdict_from_json(row.verdict)
            scenario = scenario_of(info, verdict.scenario_id)
            checks = [
                PracticeCheckVerdict(
                    check_id=c.check_id,
                    criterion_id=c.criterion_id,
                    passed=c.passed,
                    evidence=PracticeEvidence.of(c.evidence),
                )
                for c in verdict.checks
            ]
            red_lines = [
                red_line_hit(info, scenario, hit.red_line_id, hit.evidence)
                for hit in verdict.red_lines
            ]
        return cls(
            number=row.number,
            rep_message=row.rep_message,
            customer_line=row.customer_line,
            created_at=row.created_at,
            checks=checks,
            red_lines=red_lines,
            judge=None if withheld else PracticeEngineTrace.of(row.judge_trace),
            voice=PracticeEngineTrace.of(row.customer_trace),
        )


@strawberry.type(
    description="A trainer's ruling on one check or red line; the engine's "
    "verdict is kept beside it."
)
class PracticeVerdictOverride:
    check_id: str = strawberry.field(description="A check id or a red-line id.")
    engine_passed: bool = strawberry.field(
        description="The engine's verdict: passed (for a red line: not crossed)."
    )
    passed: bool = strawberry.field(description="The trainer's ruling.")
    reason: str
    at: datetime

    @strawberry.field
    async def by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.user_id)


@strawberry.type(name="PracticeSession", description="One role-play of a rep. 练习记录。")
class PracticeSessionNode(OrmNode):
    _model = models.PracticeSession
    _loader = "practice_session"

    id: relay.NodeID[int]
    scenario_id: str
    scenario_version: int
    rubric_hash: str = strawberry.field(description="The rubric version the judge used.")
    pass_mark: int
    persona_id: str
    difficulty: PracticeDifficulty
    mode: PracticeMode
    attempt: int = strawberry.field(
        description="1 for the rep's first session of this scenario in this mode, 2 for the next …"
    )
    engine: PracticeEngine
    model: str | None
    prompt_version: str | None
    language: str
    seed: int = strawberry.field(description="The same seed and replies replay the same customer.")
    status: PracticeStatus
    outcome: PracticeOutcome | None
    turns_taken: int
    started_at: datetime
    finished_at: datetime | None

    @strawberry.field(description="0..100 once finished; null while an exam runs.")
    def score(self) -> float | None:
        return None if queries.feedback_withheld(self) else self.score

    @strawberry.field(description="Pass or fail once finished.")
    def passed(self) -> bool | None:
        return None if queries.feedback_withheld(self) else self.passed

    @strawberry.field
    def scenario(self, info: Info) -> PracticeScenario | None:
        found = scenario_of(info, self.scenario_id)
        return None if found is None else PracticeScenario.of(found, info.context.language)

    @strawberry.field
    async def rep(self, info: Info) -> RepNode | None:
        return await info.context.loaders.rep.load(self.rep_id)

    @strawberry.field(description="Every turn, oldest first.")
    async def transcript(self, info: Info) -> list[PracticeTurn]:
        turns = await info.context.loaders.practice_turns.load(self.id)
        withheld = queries.feedback_withheld(self)
        return [PracticeTurn.of(info, turn, withheld) for turn in turns]

    @strawberry.field(description="Trainers' rulings, oldest first.")
    async def overrides(self, info: Info) -> list[PracticeVerdictOverride]:
        return await info.context.loaders.practice_overrides.load(self.id)

    @strawberry.field(description="Scores, checks and blockers; null until finished.")
    async def result(self, info: Info) -> PracticeResult | None:
        if self.status != PracticeStatus.FINISHED.value:
            return None
        turns = await info.context.loaders.practice_turns.load(self.id)
        overrides = await info.context.loaders.practice_overrides.load(self.id)
        result = queries.result_of(info.context.scenarios, self, turns, overrides)
        scenario = scenario_of(info, self.scenario_id)
        return None if result is None else PracticeResult.of(info, scenario, result, self.language)


@strawberry.type
class PracticeSessionConnection(relay.Connection[PracticeSessionNode]):
    total_count: int


@strawberry.type(description="One turn played again.")
class PracticeReplayedTurn:
    number: int
    stored_line: str
    replayed_line: str | None = strawberry.field(
        description="Null when the language model voiced the line: only its state replays."
    )
    same_line: bool
    same_verdict: bool
    same_state: bool


@strawberry.type(description="A session played again from its seed and the rep's messages.")
class PracticeReplay:
    identical: bool
    turns: list[PracticeReplayedTurn]
