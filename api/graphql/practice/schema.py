"""The practice sandbox in GraphQL: scenarios, a rep's role-plays, trainers' rulings, and
`practiceTurn`, which streams the customer's reply as it is produced."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.descriptions import After, First
from api.core.errors import perform, read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id, page_args, to_connection
from api.graphql.practice.inputs import (
    FinishPractice,
    FinishPracticeInput,
    OverridePracticeVerdict,
    OverridePracticeVerdictInput,
    RespondInPractice,
    RespondInPracticeInput,
    StartPractice,
    StartPracticeInput,
)
from api.graphql.practice.result_types import PracticeFeedback, PracticeResult
from api.graphql.practice.types import (
    PracticeReplay,
    PracticeReplayedTurn,
    PracticeScenario,
    PracticeSessionConnection,
    PracticeTurn,
    scenario_of,
)
from coaching.practice import queries, rulings, service
from coaching.practice.engines import available_engines
from coaching.practice.models import (
    PracticeEngine,
    PracticeMode,
    PracticeStatus,
)
from domain.kernel.actor import Role


@strawberry.type(description="A piece of the customer's line, then the whole turn.")
class PracticeTurnEvent:
    delta: str | None = strawberry.field(description="The next piece of the customer's line.")
    done: RespondInPractice.payload | None = strawberry.field(  # type: ignore[valid-type]
        description="The turn, as `respondInPractice` answers it; the last event."
    )


def _session_id(global_id: relay.GlobalID) -> int:
    return decode_id(global_id, "PracticeSession", "session")


def _context_args(info: Info) -> tuple[Any, Any]:
    return info.context.scenarios, info.context.voices


async def _respond(info: Info, input: RespondInPracticeInput, emit=service.NO_EMIT):
    scenarios, voices = _context_args(info)

    def to_payload(replied: service.Replied) -> dict[str, Any]:
        scenario = scenario_of(info, replied.session.scenario_id)
        return {
            "turn": PracticeTurn.of(info, replied.turn_view),
            "session": replied.session_view,
            "feedback": replied.feedback
            and PracticeFeedback.of(info, scenario, replied.feedback, replied.session.language),
            "running_score": replied.running and replied.running.score,
            "result": replied.result
            and PracticeResult.of(info, scenario, replied.result, replied.session.language),
        }

    return await perform(
        info,
        RespondInPractice,
        lambda session, actor: service.respond_in_practice(
            session,
            actor,
            scenarios,
            voices,
            session_id=_session_id(input.session),
            message=input.message,
            emit=emit,
        ),
        to_payload,
    )


def _finished_payload(info: Info):
    def to_payload(finished: service.Finished) -> dict[str, Any]:
        scenario = scenario_of(info, finished.session.scenario_id)
        result = finished.result and PracticeResult.of(
            info, scenario, finished.result, finished.session.language
        )
        return {"session": finished.session_view, "result": result}

    return to_payload


@strawberry.type
class PracticeQuery:
    @strawberry.field(extensions=allow(), description="The role-play scenarios on offer.")
    def practice_scenarios(self, info: Info) -> list[PracticeScenario]:
        return [PracticeScenario.of(s, info.context.language) for s in info.context.scenarios]

    @strawberry.field(extensions=allow(), description="Engines you can start a session on.")
    def practice_engines(self, info: Info) -> list[PracticeEngine]:
        return [PracticeEngine(name) for name in available_engines(info.context.settings)]

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Practice sessions in your scope (a rep sees their own), oldest first.",
    )
    async def practice_sessions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        rep_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Only sessions of this Rep.")
        ] = None,
        scenario: Annotated[
            str | None, strawberry.argument(description="Only sessions of this scenario id.")
        ] = None,
        mode: Annotated[
            PracticeMode | None,
            strawberry.argument(description="Only TRAIN or only EXAM sessions."),
        ] = None,
        status: Annotated[
            PracticeStatus | None,
            strawberry.argument(description="Only ACTIVE or only FINISHED sessions."),
        ] = None,
    ) -> PracticeSessionConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            where = queries.PracticeFilter(
                rep_id=decode_id(rep_id, "Rep", "rep_id"),
                scenario_id=scenario,
                mode=mode,
                status=status,
            )
            return await queries.list_practice(session, actor, where, first=size, after=after_id)

        return to_connection(PracticeSessionConnection, await read(info, use_case))

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Play a session again from its seed and the rep's messages, and compare.",
    )
    async def practice_replay(
        self,
        info: Info,
        session: Annotated[
            relay.GlobalID, strawberry.argument(description="The practice session to replay.")
        ],
    ) -> PracticeReplay:
        replayed = await read(
            info,
            lambda db, actor: queries.replay_practice(
                db, actor, info.context.scenarios, session_id=_session_id(session)
            ),
        )
        return PracticeReplay(
            identical=replayed.identical,
            turns=[PracticeReplayedTurn(**vars(turn)) for turn in replayed.turns],
        )


@strawberry.type
class PracticeMutation:
    @strawberry.mutation(
        extensions=allow(Role.REP),
        description="Start a role-play: the session and the customer's opening line.",
    )
    async def start_practice(self, info: Info, input: StartPracticeInput) -> StartPractice.payload:
        scenarios, voices = _context_args(info)

        def to_payload(started: service.Started) -> dict[str, Any]:
            return {"session": started.session_view, "opening": started.opening.customer_line}

        return await perform(
            info,
            StartPractice,
            lambda session, actor: service.start_practice(
                session,
                actor,
                scenarios,
                voices,
                scenario_id=input.scenario,
                difficulty=input.difficulty.value,
                mode=input.mode,
                language=input.language or info.context.language,
                persona_id=input.persona,
                seed=input.seed,
                engine=input.engine.value,
            ),
            to_payload,
        )

    @strawberry.mutation(
        extensions=allow(Role.REP),
        description="Reply in your session: the customer's answer and, in train mode, the "
        "checks passed and missed with evidence, the running score and a tip.",
    )
    async def respond_in_practice(
        self, info: Info, input: RespondInPracticeInput
    ) -> RespondInPractice.payload:
        return await _respond(info, input)

    @strawberry.mutation(
        extensions=allow(Role.REP),
        description="End your session: scores per criterion and capability, the checks "
        "passed and missed (with the model answer), blockers, pass or fail.",
    )
    async def finish_practice(
        self, info: Info, input: FinishPracticeInput
    ) -> FinishPractice.payload:
        scenarios, _ = _context_args(info)
        return await perform(
            info,
            FinishPractice,
            lambda session, actor: service.finish_practice(
                session, actor, scenarios, session_id=_session_id(input.session)
            ),
            _finished_payload(info),
        )

    @strawberry.mutation(
        extensions=allow(Role.ADMIN, Role.DIRECTOR, Role.MANAGER),
        description="Overrule the judge on one check or red line of a finished session, "
        "with a reason. The engine's verdict is kept; the score is recomputed.",
    )
    async def override_practice_verdict(
        self, info: Info, input: OverridePracticeVerdictInput
    ) -> OverridePracticeVerdict.payload:
        scenarios, _ = _context_args(info)
        return await perform(
            info,
            OverridePracticeVerdict,
            lambda session, actor: rulings.override_verdict(
                session,
                actor,
                scenarios,
                session_id=_session_id(input.session),
                check_id=input.check_id,
                passed=input.passed,
                reason=input.reason,
            ),
            _finished_payload(info),
        )


@strawberry.type
class PracticeSubscription:
    @strawberry.subscription(
        extensions=allow(Role.REP),
        description="`respondInPractice` that streams: the customer's line piece by piece as "
        "the engine produces it, then the whole turn.",
    )
    async def practice_turn(
        self,
        info: Info,
        input: Annotated[
            RespondInPracticeInput,
            strawberry.argument(description="The reply, as for `respondInPractice`."),
        ],
    ) -> AsyncGenerator[PracticeTurnEvent, None]:
        pieces: asyncio.Queue[str] = asyncio.Queue()

        async def emit(piece: str) -> None:
            await pieces.put(piece)

        turn = asyncio.ensure_future(_respond(info, input, emit))
        try:
            while not (turn.done() and pieces.empty()):
                waiting = asyncio.ensure_future(pieces.get())
                await asyncio.wait({turn, waiting}, return_when=asyncio.FIRST_COMPLETED)
                if waiting.done():
                    yield PracticeTurnEvent(delta=waiting.result(), done=None)
                else:
                    waiting.cancel()
            yield PracticeTurnEvent(delta=None, done=turn.result())
        finally:
            if not turn.done():
                turn.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await turn
