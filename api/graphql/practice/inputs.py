"""GraphQL inputs of the practice sandbox, and each mutation's payload and error codes."""

from __future__ import annotations

import strawberry
from strawberry import relay

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
FinishPractice = mutation_types(
    "FinishPractice",
    "session",
    PracticeSessionNode,
    [*NOT_FOUND, PracticeError.NOT_YOUR_SESSION, PracticeError.SESSION_FINISHED],
    extra={"result": PracticeResult},
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


@strawberry.input
class StartPracticeInput:
    scenario: str = strawberry.field(description="A scenario id from `practiceScenarios`.")
    difficulty: PracticeDifficulty = PracticeDifficulty.NORMAL
    mode: PracticeMode = PracticeMode.TRAIN
    persona: str | None = strawberry.field(
        default=None, description="A persona id; default: drawn by the seed. Not in exams."
    )
    seed: int | None = strawberry.field(
        default=None,
        description="0..2147483647; the same seed and replies give the same customer. "
        "Default: random. Not in exams.",
    )
    engine: PracticeEngine = PracticeEngine.RULES
    language: str | None = strawberry.field(
        default=None, description="zh or en; default: the request's language."
    )


@strawberry.input
class RespondInPracticeInput:
    session: relay.GlobalID
    message: str = strawberry.field(description="What the rep says, 1–2,000 characters.")


@strawberry.input
class FinishPracticeInput:
    session: relay.GlobalID


@strawberry.input
class OverridePracticeVerdictInput:
    session: relay.GlobalID
    check_id: str = strawberry.field(description="A check id or a red-line id of the scenario.")
    passed: bool = strawberry.field(
        description="The ruling: the check passed; for a red line, it was not crossed."
    )
    reason: str
