"""GraphQL types of the practice sandbox: scenarios, sessions, turns, trainers' rulings and
replays. What a rep learns from them (feedback, results, evidence, red lines) is in
result_types.

Everything a rep reads comes in the request's language (or, for the customer's lines, the
session's). Sessions and turns arrive as views (coaching.practice.views): while an exam
runs, its verdicts, scores and judge traces are already withheld (null)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.labels import graphql_enum
from api.core.relay import OrmNode
from api.graphql.org.types import RepNode, UserNode, display_user
from api.graphql.practice.result_types import PracticeEvidence, PracticeRedLineHit, red_line_hit
from api.graphql.practice.result_types import (  # re-exported: the payloads name them here
    PracticeFeedback as PracticeFeedback,
)
from api.graphql.practice.result_types import (
    PracticeResult as PracticeResult,
)
from coaching.engines.base import EngineTrace, verdict_from_json
from coaching.practice import queries, views
from coaching.practice.models import (
    PracticeDifficulty,
    PracticeEngine,
    PracticeMode,
    PracticeOutcome,
    PracticeStatus,
)
from coaching.scenario_model import Scenario


def scenario_of(info: Info, scenario_id: str) -> Scenario | None:
    return info.context.scenarios.get(scenario_id)


graphql_enum(PracticeMode, "train shows feedback every turn; exam only at the end. 练习模式。")
graphql_enum(PracticeStatus, "active → finished. 练习状态。")
graphql_enum(PracticeOutcome, "How the conversation ended. 对话结果。")
graphql_enum(PracticeDifficulty, "How cooperative the simulated customer is. 难度。")
graphql_enum(PracticeEngine, "Who plays the customer and judges the replies. 引擎。")


@strawberry.type(description="A persona the simulated customer can play.")
class PracticePersona:
    id: str = strawberry.field(
        description="Stable id within the scenario; pass it as `personaId` to choose this persona."
    )
    role: str = strawberry.field(
        description="Who the customer is, e.g. the buyer's procurement head, in your language."
    )
    temperament: str = strawberry.field(
        description="How the customer behaves in the conversation, in your language."
    )


@strawberry.type(description="One yes/no check of a criterion.")
class PracticeCheck:
    id: str = strawberry.field(description="Stable id within the scenario.")
    question: str = strawberry.field(
        description="The yes/no question the judge answers, in your language."
    )


@strawberry.type(description="What the judge scores, with its checks.")
class PracticeCriterion:
    id: str = strawberry.field(description="Stable id within the scenario.")
    title: str = strawberry.field(description="What is judged, in your language.")
    capability: str = strawberry.field(
        description="The capability dimension code this criterion gives evidence for."
    )
    weight: float = strawberry.field(
        description="Its weight in the session's score (relative to the other criteria)."
    )
    checks: list[PracticeCheck] = strawberry.field(
        description="The yes/no checks; the criterion scores the share passed."
    )


@strawberry.type(description="A role-play scenario from the scenario files. 练习场景。")
class PracticeScenario:
    id: str = strawberry.field(description="Stable key; the scenario file is named `<id>.json`.")
    version: int = strawberry.field(
        description="Raised when the rubric changes; sessions keep the version they were scored "
        "with."
    )
    title: str = strawberry.field(description="The scenario's title, in your language.")
    situation: str = strawberry.field(
        description="What the rep is told before the first line, in your language."
    )
    goal: str = strawberry.field(description="What a good conversation achieves, in your language.")
    industry: str = strawberry.field(description="Industry code, e.g. `saas` or `medical_devices`.")
    pass_mark: int = strawberry.field(description="The score (0..100) a session needs to pass.")
    min_turns: int = strawberry.field(description="Rep turns before the customer may agree.")
    max_turns: int = strawberry.field(description="Rep turns before the session ends.")
    personas: list[PracticePersona] = strawberry.field(
        description="Personas the customer can play."
    )
    criteria: list[PracticeCriterion] = strawberry.field(description="What the judge scores.")

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
    fallback_detail: str | None = strawberry.field(
        description="More on the fallback (e.g. the error), if any."
    )
    model: str | None = strawberry.field(
        description="The language model's name; null for the rules engine."
    )
    system_fingerprint: str | None = strawberry.field(
        description="The `system_fingerprint` the model endpoint returned, if any."
    )
    prompt_version: str | None = strawberry.field(
        description="The prompt version used with the language model; null for rules."
    )
    response_format: str | None = strawberry.field(
        description="`json_schema` or `json_object` as asked of the model; null for rules."
    )
    cached: bool = strawberry.field(
        description="True when the verdict came from the cache of earlier identical judgements."
    )
    red_lines_added: list[str] = strawberry.field(
        description="Red-line ids the language model's second look added to the rules judge's "
        "hits (the rules' hits always stand); empty for the rules engine."
    )

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
            red_lines_added=list(trace.red_lines_added),
        )


@strawberry.type(description="The judge on one check in one reply.")
class PracticeCheckVerdict:
    check_id: str = strawberry.field(description="The check judged.")
    criterion_id: str = strawberry.field(description="The criterion the check belongs to.")
    passed: bool = strawberry.field(description="Whether the reply passed the check.")
    evidence: PracticeEvidence | None = strawberry.field(
        description="The rep's own words that passed it; null when not passed."
    )


@strawberry.type(
    description="One exchange: the rep's reply (none on turn 0), the judge on it "
    "and the customer's line. Verdicts are null while an exam runs."
)
class PracticeTurn:
    number: int = strawberry.field(
        description="0 for the customer's opening line, then 1, 2, … per reply."
    )
    rep_message: str | None = strawberry.field(description="The rep's reply; null on turn 0.")
    customer_line: str = strawberry.field(
        description="What the customer said, in the session's language."
    )
    created_at: datetime = strawberry.field(description="When the turn was recorded.")
    checks: list[PracticeCheckVerdict] | None = strawberry.field(
        description="The judge on each check for this reply; null on turn 0 and while an exam runs."
    )
    red_lines: list[PracticeRedLineHit] | None = strawberry.field(
        description="Red lines this reply crossed; null on turn 0 and while an exam runs."
    )
    judge: PracticeEngineTrace | None = strawberry.field(
        description="How the judge produced its verdict; null on turn 0 and while an exam runs."
    )
    voice: PracticeEngineTrace | None = strawberry.field(
        description="Who voiced the customer's line."
    )

    @classmethod
    def of(cls, info: Info, row: views.TurnView) -> PracticeTurn:
        checks = red_lines = None
        if row.verdict is not None:
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
            judge=PracticeEngineTrace.of(row.judge_trace),
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
    reason: str = strawberry.field(description="Why the trainer ruled so.")
    at: datetime = strawberry.field(description="When the ruling was made.")

    @strawberry.field(description="The trainer; null when outside your scope.")
    async def by(self, info: Info) -> UserNode | None:
        return await display_user(info, self.user_id)


@strawberry.type(name="PracticeSession", description="One role-play of a rep. 练习记录。")
class PracticeSessionNode(OrmNode):
    _model = views.SessionView
    _loader = "practice_session"

    id: relay.NodeID[int]
    scenario_id: str = strawberry.field(description="The scenario played.")
    scenario_version: int = strawberry.field(
        description="The scenario's version when the session started."
    )
    rubric_hash: str = strawberry.field(description="The rubric version the judge used.")
    pass_mark: int = strawberry.field(
        description="The score needed to pass, frozen when the session started."
    )
    persona_id: str = strawberry.field(description="The persona the customer plays.")
    difficulty: PracticeDifficulty = strawberry.field(
        description="How cooperative the customer is."
    )
    mode: PracticeMode = strawberry.field(description="TRAIN or EXAM.")
    attempt: int = strawberry.field(
        description="1 for the rep's first session of this scenario in this mode, 2 for the next …"
    )
    engine: PracticeEngine = strawberry.field(
        description="The engine chosen for the session (a turn may fall back to rules; see each "
        "turn's trace)."
    )
    model: str | None = strawberry.field(
        description="The language model chosen; null for the rules engine."
    )
    prompt_version: str | None = strawberry.field(
        description="The prompt version frozen for the session; null for rules."
    )
    language: str = strawberry.field(description="The session's language: `zh` or `en`.")
    seed: int = strawberry.field(description="The same seed and replies replay the same customer.")
    status: PracticeStatus = strawberry.field(description="ACTIVE or FINISHED.")
    outcome: PracticeOutcome | None = strawberry.field(
        description="How the conversation ended; null while active."
    )
    turns_taken: int = strawberry.field(description="Replies the rep has sent so far.")
    started_at: datetime = strawberry.field(description="When the session started.")
    finished_at: datetime | None = strawberry.field(
        description="When it finished; null while active."
    )
    score: float | None = strawberry.field(
        description="0..100 once finished; null while an exam runs."
    )
    passed: bool | None = strawberry.field(description="Pass or fail once finished.")

    @strawberry.field(description="The scenario as it stands now; null if its file is gone.")
    def scenario(self, info: Info) -> PracticeScenario | None:
        found = scenario_of(info, self.scenario_id)
        return None if found is None else PracticeScenario.of(found, info.context.language)

    @strawberry.field(description="The rep who practises; null when outside your scope.")
    def rep(self, info: Info) -> RepNode | None:
        return info.context.loaders.related("rep", self.rep_id)

    @strawberry.field(description="Every turn, oldest first.")
    async def transcript(self, info: Info) -> list[PracticeTurn]:
        turns = await info.context.loaders.practice_turns.load(self.id)
        return [PracticeTurn.of(info, turn) for turn in turns]

    @strawberry.field(description="Trainers' rulings, oldest first.")
    def overrides(self, info: Info) -> list[PracticeVerdictOverride]:
        return info.context.loaders.related("practice_overrides", self.id)

    @strawberry.field(description="Scores, checks and blockers; null until finished.")
    async def result(self, info: Info) -> PracticeResult | None:
        if self.status != PracticeStatus.FINISHED.value:
            return None
        turns = await info.context.loaders.practice_turns.load(self.id)
        overrides = await info.context.loaders.practice_overrides.load(self.id)
        result = queries.result_of(info.context.scenarios, self, turns, overrides)
        scenario = scenario_of(info, self.scenario_id)
        return None if result is None else PracticeResult.of(info, scenario, result, self.language)


@strawberry.type(description="A page of practice sessions.")
class PracticeSessionConnection(relay.Connection[PracticeSessionNode]):
    total_count: int = strawberry.field(
        description="How many sessions match the filters, over all pages."
    )


@strawberry.type(description="One turn played again.")
class PracticeReplayedTurn:
    number: int = strawberry.field(description="The turn's number.")
    stored_line: str = strawberry.field(description="The customer's line as recorded.")
    replayed_line: str | None = strawberry.field(
        description="Null when the language model voiced the line: only its state replays."
    )
    same_line: bool = strawberry.field(
        description="The replayed line equals the stored one (true when the model voiced it)."
    )
    same_verdict: bool = strawberry.field(
        description="The judge's verdict equals the stored one (model verdicts are taken as "
        "stored)."
    )
    same_state: bool = strawberry.field(
        description="The customer's state (trust, patience, objections) equals the stored one."
    )


@strawberry.type(description="A session played again from its seed and the rep's messages.")
class PracticeReplay:
    identical: bool = strawberry.field(
        description="Every turn replayed the same line, verdict and state."
    )
    turns: list[PracticeReplayedTurn] = strawberry.field(description="Each turn, in order.")
