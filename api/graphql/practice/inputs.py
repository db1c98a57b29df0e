"""GraphQL inputs of the practice sandbox, and each mutation's payload and error codes."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.core.descriptions import describe_payload
from api.core.errors import ApiError, mutation_types
from api.graphql.practice.types import (
    PracticeFeedback,
    PracticeResult,
    PracticeSessionNode,
    PracticeTurn,
)
from coaching.engines.errors import EngineError
from coaching.practice.errors import PracticeError
from coaching.practice.models import (
    PracticeDifficulty,
    PracticeEngine,
    PracticeMode,
)
from domain.kernel.errors import KernelError

NOT_FOUND = [PracticeError.PRACTICE_NOT_FOUND, ApiError.INVALID_ID]
StartPractice = mutation_types(
    "StartPractice",
    "session",
    PracticeSessionNode,
    [
        PracticeError.UNKNOWN_SCENARIO,
        EngineError.UNKNOWN_PERSONA,
        PracticeError.ENGINE_NOT_CONFIGURED,
        PracticeError.NOT_IN_EXAM,
        PracticeError.INVALID_SEED,
        PracticeError.INVALID_LANGUAGE,
        PracticeError.EXAM_ATTEMPTS_USED,
        PracticeError.STARTED_TWICE,
        PracticeError.NOT_A_REP,  # a login with the rep role but no rep record
    ],
    extra={"opening": str},
)
describe_payload(StartPractice, opening="The customer's opening line, in the session's language.")
RespondInPractice = mutation_types(
    "RespondInPractice",
    "turn",
    PracticeTurn,
    [
        *NOT_FOUND,
        PracticeError.NOT_YOUR_SESSION,
        PracticeError.SESSION_FINISHED,
        PracticeError.MESSAGE_EMPTY,
        PracticeError.MESSAGE_TOO_LONG,
        PracticeError.SCENARIO_CHANGED,
        PracticeError.CONCURRENT_REPLY,
        PracticeError.ENGINE_NOT_CONFIGURED,  # the session's engine was unconfigured since
    ],
    extra={
        "session": PracticeSessionNode,
        "feedback": PracticeFeedback,
        "running_score": float,
        "result": PracticeResult,
    },
)
describe_payload(
    RespondInPractice,
    session="The session after this reply.",
    feedback="What this reply passed and missed, with a tip; null in an exam.",
    running_score="The score so far, 0..100; null in an exam.",
    result="The session's result when the customer ended the conversation with this reply; "
    "null otherwise.",
)
FinishPractice = mutation_types(
    "FinishPractice",
    "session",
    PracticeSessionNode,
    [*NOT_FOUND, PracticeError.NOT_YOUR_SESSION, PracticeError.SESSION_FINISHED],
    extra={"result": PracticeResult},
)
describe_payload(
    FinishPractice,
    result="Scores, checks and blockers; null when the scenario's rubric changed since the "
    "session started.",
)
OverridePracticeVerdict = mutation_types(
    "OverridePracticeVerdict",
    "session",
    PracticeSessionNode,
    [
        *NOT_FOUND,
        PracticeError.NOT_A_TRAINER,
        PracticeError.SESSION_ACTIVE,
        KernelError.REQUIRED,
        KernelError.TOO_LONG,
        PracticeError.UNKNOWN_CHECK,
        PracticeError.SCENARIO_CHANGED,
    ],
    extra={"result": PracticeResult},
)
describe_payload(OverridePracticeVerdict, result="The result with the ruling applied.")


@strawberry.input(description="Start a role-play session (a rep).")
class StartPracticeInput:
    scenario: str = strawberry.field(description="A scenario id from `practiceScenarios`.")
    difficulty: PracticeDifficulty = strawberry.field(
        default=PracticeDifficulty.NORMAL,
        description="How cooperative the customer is; default NORMAL.",
    )
    mode: PracticeMode = strawberry.field(
        default=PracticeMode.TRAIN,
        description="TRAIN (feedback every turn) or EXAM (only at the end); default TRAIN.",
    )
    persona: str | None = strawberry.field(
        default=None, description="A persona id; default: drawn by the seed. Not in exams."
    )
    seed: int | None = strawberry.field(
        default=None,
        description="0..2147483647; the same seed and replies give the same customer. "
        "Default: random. Not in exams.",
    )
    engine: PracticeEngine = strawberry.field(
        default=PracticeEngine.RULES,
        description="Who plays the customer and judges: RULES (offline, default) or LLM.",
    )
    language: str | None = strawberry.field(
        default=None, description="zh or en; default: the request's language."
    )


@strawberry.input(description="The rep's next reply in a session.")
class RespondInPracticeInput:
    session: relay.GlobalID = strawberry.field(description="The practice session.")
    message: str = strawberry.field(description="What the rep says, 1–2,000 characters.")


@strawberry.input(description="End a session and score it.")
class FinishPracticeInput:
    session: relay.GlobalID = strawberry.field(description="The practice session.")


@strawberry.input(description="A trainer's ruling on one check or red line of a finished session.")
class OverridePracticeVerdictInput:
    session: relay.GlobalID = strawberry.field(description="The practice session.")
    check_id: str = strawberry.field(description="A check id or a red-line id of the scenario.")
    passed: bool = strawberry.field(
        description="The ruling: the check passed; for a red line, it was not crossed."
    )
    reason: str = strawberry.field(description="Why; kept beside the engine's verdict.")
