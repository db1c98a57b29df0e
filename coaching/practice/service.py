"""Practice use-cases: start a role-play, reply in it, finish it, and a trainer's rulings.

A rep practises for themselves; a trainer (manager, director or admin over the rep's unit)
reads the sessions and may overrule the judge. Every reply is one transaction: the turn,
the customer's new state and — when the customer ends the conversation — the final score
are written together, and two replies racing for the same turn cannot both land.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coaching.engines.base import (
    NO_EMIT,
    Emit,
    Line,
    signal_of,
    state_from_json,
    state_to_json,
    verdict_to_json,
)
from coaching.engines.judge import TurnVerdict
from coaching.engines.scoring import SessionScore
from coaching.practice import results, rules
from coaching.practice.engines import Voices, check_engine
from coaching.practice.errors import PracticeError
from coaching.practice.evidence import record_evidence
from coaching.practice.models import (
    PracticeMode,
    PracticeOutcome,
    PracticeSession,
    PracticeStatus,
    PracticeTurn,
)
from coaching.practice.queries import (
    overrides_of,
    scenario_of_session,
    turns_of,
    verdicts_of,
    visible_session,
)
from coaching.practice.views import (
    SessionView,
    TurnView,
    feedback_withheld,
    session_view,
    turn_view,
)
from coaching.scenario import ScenarioSet
from coaching.scenario_model import Scenario
from domain.db import utcnow
from domain.errors import Conflict, Forbidden, InvalidInput
from domain.kernel.actor import Actor
from domain.org.models import Rep
from domain.settings import Settings

START_RETRIES = 3


@dataclass(frozen=True)
class Started:
    session: PracticeSession
    opening: PracticeTurn

    @property
    def session_view(self) -> SessionView:
        """The session as the rep reads it (see views: a running exam keeps its secrets)."""
        return session_view(self.session)


@dataclass(frozen=True)
class Replied:
    session: PracticeSession
    turn: PracticeTurn
    feedback: rules.TurnFeedback | None
    """None in an exam."""
    running: SessionScore | None
    """The score so far; None in an exam."""
    result: SessionScore | None
    """Set when the customer ended the conversation with this turn."""

    @property
    def session_view(self) -> SessionView:
        return session_view(self.session)

    @property
    def turn_view(self) -> TurnView:
        """The turn as the rep reads it: no verdict nor judge trace while an exam runs."""
        return turn_view(self.turn, feedback_withheld(self.session))


@dataclass(frozen=True)
class Finished:
    session: PracticeSession
    result: SessionScore | None
    """None when the scenario's rubric changed since the session started."""

    @property
    def session_view(self) -> SessionView:
        return session_view(self.session)


# --- start -----------------------------------------------------------------------------------


async def start_practice(
    session: AsyncSession,
    actor: Actor,
    scenarios: ScenarioSet,
    voices: Voices,
    *,
    scenario_id: str,
    difficulty: str,
    mode: PracticeMode,
    language: str,
    persona_id: str | None = None,
    seed: int | None = None,
    engine: str = "rules",
    emit: Emit = NO_EMIT,
) -> Started:
    settings = voices.settings
    rep = await _practising_rep(session, actor)
    scenario = scenarios.get(scenario_id)
    if scenario is None:
        known = ", ".join(scenarios.ids)
        raise InvalidInput(
            PracticeError.UNKNOWN_SCENARIO,
            f"没有场景 {scenario_id!r}（可选：{known}）",
            f"There is no scenario {scenario_id!r} (choose one of {known})",
            "scenario",
        )
    check_engine(engine, settings)
    if mode is PracticeMode.EXAM:
        for name, value in (("seed", seed), ("persona", persona_id)):
            if value is not None:
                raise InvalidInput(
                    PracticeError.NOT_IN_EXAM,
                    "考试由系统随机选择客户角色和种子",
                    "In an exam Pacer draws the persona and the seed; leave them out",
                    name,
                )
    seed = rules.new_seed() if seed is None else rules.check_seed(seed)
    persona_id = persona_id or rules.persona_for(scenario, seed)
    language = rules.session_language(language)
    voice = voices.engine(engine, session).turn()  # one deadline for the start
    opened = await voice.open(scenario, persona_id, difficulty, seed, language, emit)
    row = None
    for _ in range(START_RETRIES):
        row = PracticeSession(
            rep_id=rep.id,
            unit_id=rep.unit_id,
            started_by_user_id=actor.user_id,
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            rubric_hash=scenario.rubric_hash,
            pass_mark=scenario.pass_mark,
            persona_id=persona_id,
            difficulty=difficulty,
            mode=mode.value,
            attempt=await _next_attempt(session, rep.id, scenario.id, mode, settings),
            engine=engine,
            model=opened.trace.model or (settings.llm_model if engine == "llm" else None),
            prompt_version=opened.trace.prompt_version,
            language=language,
            seed=seed,
            customer_state=state_to_json(opened.state),
        )
        try:
            async with session.begin_nested():
                session.add(row)
            break
        except IntegrityError:  # another start took this attempt number; count again
            row = None
    if row is None:
        raise Conflict(
            PracticeError.STARTED_TWICE,
            "同一时刻开始了另一场相同的练习，请重试",
            "Another session of this scenario started at the same moment; try again",
            "scenario",
        )
    opening = PracticeTurn(
        session_id=row.id,
        number=0,
        customer_line=opened.line,
        customer_trace=opened.trace.to_json(),
        state=state_to_json(opened.state),
    )
    session.add(opening)
    await session.flush()
    return Started(row, opening)


async def _practising_rep(session: AsyncSession, actor: Actor) -> Rep:
    rep = await session.get(Rep, actor.rep_id) if actor.rep_id is not None else None
    if rep is None:
        raise Forbidden(
            PracticeError.NOT_A_REP,
            "只有关联了销售代表的账号才能练习",
            "Only a login linked to a rep can practise",
            None,
        )
    return rep


async def _next_attempt(
    session: AsyncSession, rep_id: int, scenario_id: str, mode: PracticeMode, settings: Settings
) -> int:
    taken = (
        await session.execute(
            select(func.coalesce(func.max(PracticeSession.attempt), 0)).where(
                PracticeSession.rep_id == rep_id,
                PracticeSession.scenario_id == scenario_id,
                PracticeSession.mode == mode.value,
            )
        )
    ).scalar_one()
    if mode is PracticeMode.EXAM and taken >= settings.practice_exam_attempts:
        limit = settings.practice_exam_attempts
        raise Conflict(
            PracticeError.EXAM_ATTEMPTS_USED,
            f"该场景的 {limit} 次考试机会已用完",
            f"All {limit} exam attempts of this scenario are used",
            "scenario",
        )
    return taken + 1


# --- reply -----------------------------------------------------------------------------------


async def respond_in_practice(
    session: AsyncSession,
    actor: Actor,
    scenarios: ScenarioSet,
    voices: Voices,
    *,
    session_id: int,
    message: str,
    emit: Emit = NO_EMIT,
) -> Replied:
    row = await _own_active(session, actor, session_id)
    taken = row.turns_taken  # what this reply answers; another reply may land meanwhile
    message = rules.clean_message(message)
    scenario = scenario_of_session(scenarios, row)
    by_session = await turns_of(session, [row.id])
    turns, verdicts = by_session.get(row.id, []), verdicts_of(by_session, row.id)
    voice = voices.engine(row.engine, session).turn()  # one deadline: judge and customer
    state = state_from_json(row.customer_state)
    transcript = _transcript(turns)
    judged = await voice.judge(scenario, message, row.language, transcript)
    answered = await voice.reply(
        scenario,
        state,
        signal_of(judged.verdict, message),
        [*transcript, Line("rep", message)],
        row.language,
        emit,
    )
    number = taken + 1
    claimed = cast(
        "CursorResult[Any]",
        await session.execute(
            update(PracticeSession)
            .where(PracticeSession.id == row.id, PracticeSession.turns_taken == taken)
            .values(turns_taken=number, customer_state=state_to_json(answered.state))
        ),
    )
    if claimed.rowcount != 1:
        raise Conflict(
            PracticeError.CONCURRENT_REPLY,
            "另一条回复刚刚被处理，请刷新后再发",
            "Another reply to this session was just taken; reload and send again",
            "session",
        )
    turn = PracticeTurn(
        session_id=row.id,
        number=number,
        rep_message=message,
        customer_line=answered.line,
        verdict=verdict_to_json(judged.verdict),
        judge_trace=judged.trace.to_json(),
        customer_trace=answered.trace.to_json(),
        state=state_to_json(answered.state),
    )
    session.add(turn)
    await session.flush()
    await session.refresh(row)
    verdicts.append(judged.verdict)
    result = None
    if answered.state.finished:
        result = await _close(session, row, scenario, verdicts, answered.state.outcome)
    if row.mode == PracticeMode.EXAM.value:
        return Replied(row, turn, None, None, result)
    passed_before = frozenset(check for v in verdicts[:-1] for check in v.passed_check_ids)
    customer_said = [line.text for line in transcript if line.speaker == "customer"]
    feedback = rules.turn_feedback(
        scenario,
        judged.verdict,
        state.current_objection,
        passed_before,
        [*customer_said, answered.line],
    )
    running = result or results.score(scenario, verdicts, {}, row)
    return Replied(row, turn, feedback, running, result)


async def _own_active(session: AsyncSession, actor: Actor, session_id: int) -> PracticeSession:
    row = await visible_session(session, actor, session_id, lock=True)
    if row.rep_id != actor.rep_id:
        raise Forbidden(
            PracticeError.NOT_YOUR_SESSION,
            "只能在自己的练习里回复",
            "Only the rep who practises can reply in this session",
            "session",
        )
    if row.status != PracticeStatus.ACTIVE.value:
        raise Conflict(
            PracticeError.SESSION_FINISHED,
            "这场练习已经结束，请开始新的练习",
            "This practice session has finished; start a new one",
            "session",
        )
    return row


def _transcript(turns: Sequence[PracticeTurn]) -> list[Line]:
    lines: list[Line] = []
    for turn in turns:
        if turn.rep_message is not None:
            lines.append(Line("rep", turn.rep_message))
        lines.append(Line("customer", turn.customer_line))
    return lines


# --- finish ----------------------------------------------------------------------------------


async def finish_practice(
    session: AsyncSession, actor: Actor, scenarios: ScenarioSet, *, session_id: int
) -> Finished:
    row = await _own_active(session, actor, session_id)
    verdicts = verdicts_of(await turns_of(session, [row.id]), row.id)
    scenario = scenarios.get(row.scenario_id)
    if scenario is None or scenario.rubric_hash != row.rubric_hash:
        # The rubric it was judged by is gone: close it unscored rather than leave it stuck.
        _mark_finished(row, PracticeOutcome.ENDED.value, None)
        return Finished(row, None)
    state = state_from_json(row.customer_state)
    result = await _close(session, row, scenario, verdicts, state.outcome or "ended")
    return Finished(row, result)


async def _close(
    session: AsyncSession,
    row: PracticeSession,
    scenario: Scenario,
    verdicts: Sequence[TurnVerdict],
    outcome: str | None,
) -> SessionScore:
    overrides = (await overrides_of(session, [row.id])).get(row.id, [])
    result = results.score(scenario, verdicts, results.rulings(overrides), row)
    _mark_finished(row, outcome, result)
    await session.flush()
    await record_evidence(session, row, result)
    return result


def _mark_finished(row: PracticeSession, outcome: str | None, result: SessionScore | None) -> None:
    row.status = PracticeStatus.FINISHED.value
    row.outcome = outcome
    row.finished_at = utcnow()
    row.score = None if result is None else result.score
    row.passed = None if result is None else result.passed
