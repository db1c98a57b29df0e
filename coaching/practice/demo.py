"""The demo company's practice: its newest reps have played role-plays through the rules
engine — strong, uneven and weak replies, in training and in exams — so a trainer finds real
transcripts, evidence and scores. Every session is played turn by turn through the service,
exactly as a rep would; only its dates are moved back over the last two weeks afterwards."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coaching.engines.base import state_from_json
from coaching.engines.customer import script_to_pass
from coaching.practice import rules as practice_rules
from coaching.practice import service
from coaching.practice.engines import Voices
from coaching.practice.models import PracticeMode, PracticeSession, PracticeTurn
from coaching.scenario import ScenarioSet
from coaching.scenario_model import Scenario
from domain.capability.models import CapabilityEvidence
from domain.org.access import actor_for
from domain.org.models import Rep, User
from domain.settings import Settings

NEW_REPS = 6
SESSIONS_PER_REP = 3
Quality = Literal["strong", "uneven", "weak"]
WEAK_LINES = {
    "zh": [
        "好的，我明白。",
        "这个我回去再确认一下。",
        "您说得对，价格确实不便宜。",
        "嗯，我们考虑一下。",
    ],
    "en": [
        "Okay, I see.",
        "Let me check and get back to you.",
        "Fair point.",
        "Hmm, let us think.",
    ],
}


async def seed_practice(
    sessions: async_sessionmaker[AsyncSession],
    scenarios: ScenarioSet,
    settings: Settings,
    seed: int,
    today: date,
    also: str | None = None,
    tick: Callable[[], None] | None = None,
) -> int:
    """Once (nothing happens when practice sessions exist): the sessions of the newest reps
    and of the rep `also` (an external id: the demo's rep login); how many. `tick` hears of
    each finished session."""
    async with sessions() as session:
        if await session.scalar(select(func.count()).select_from(PracticeSession)):
            return 0
        reps = list(
            await session.scalars(
                select(Rep).order_by(Rep.hire_date.desc(), Rep.id).limit(NEW_REPS)
            )
        )
        extra = await session.scalar(select(Rep).where(Rep.external_id == also))
        if extra is not None and extra not in reps:
            reps.append(extra)
    rng = random.Random(f"pacer-demo-practice:{seed}")
    voices = Voices(settings)
    played = 0
    with _exam_seeds(random.Random(f"pacer-demo-exams:{seed}")):
        for index, rep in enumerate(reps):
            quality: Quality = ("strong", "uneven", "weak")[index % 3]
            for number in range(SESSIONS_PER_REP):
                scenario = rng.choice(list(scenarios))
                last = number == SESSIONS_PER_REP - 1
                mode = PracticeMode.EXAM if last else PracticeMode.TRAIN
                language = "en" if index == 1 and number == 0 else "zh"
                session_id = await _play(
                    sessions, voices, scenarios, rep, scenario, mode, language, quality, rng
                )
                day = today - timedelta(days=rng.randint(1, 14))
                await _date_back(sessions, session_id, day)
                played += 1
                if tick is not None:
                    tick()
    await voices.aclose()
    return played


@contextlib.contextmanager
def _exam_seeds(rng: random.Random) -> Iterator[None]:
    """In an exam Pacer draws the customer's persona and seed itself, at random; while the
    demo plays, they are drawn from the demo's seed instead, so that a seed always gives the
    same sessions, scores and awards. Everything else runs as in any exam."""
    drawn = practice_rules.new_seed
    practice_rules.new_seed = lambda: rng.randrange(practice_rules.SEED_MAX)
    try:
        yield
    finally:
        practice_rules.new_seed = drawn


async def _play(
    sessions, voices, scenarios, rep, scenario: Scenario, mode, language, quality, rng
) -> int:
    async with sessions() as session:
        user = await session.scalar(select(User).where(User.rep_id == rep.id))
        actor = await actor_for(session, user)
        started = await service.start_practice(
            session,
            actor,
            scenarios,
            voices,
            scenario_id=scenario.id,
            difficulty=rng.choice(["easy", "normal", "normal", "hard"]),
            mode=mode,
            language=language,
            seed=None if mode is PracticeMode.EXAM else rng.randrange(1_000_000),
        )
        await session.commit()
        session_id, state = started.session.id, state_from_json(started.session.customer_state)
    said: set[str] = set()
    while not state.finished:
        message = _reply(scenario, state, quality, language, said, rng)
        async with sessions() as session:
            replied = await service.respond_in_practice(
                session, actor, scenarios, voices, session_id=session_id, message=message
            )
            await session.commit()
            state = state_from_json(replied.session.customer_state)
    return session_id


def _reply(scenario: Scenario, state, quality: Quality, language, said: set[str], rng) -> str:
    """Strong reps answer the objection on the table with its model answer and cover one more
    criterion; uneven ones answer only every other turn; weak ones never do."""
    answers_it = quality == "strong" or (quality == "uneven" and state.turn % 2 == 0)
    if not answers_it or state.current_objection is None:
        return rng.choice(WEAK_LINES[language])
    check_id = script_to_pass(scenario).get(state.current_objection)
    criterion = scenario.criterion_of(check_id) if check_id else None
    chosen = [criterion] if criterion is not None else []
    if quality == "strong":
        chosen += [c for c in scenario.criteria if c.id not in said and c not in chosen][:1]
    said.update(c.id for c in chosen)
    return " ".join(c.model_answer.get(language) for c in chosen) or rng.choice(
        WEAK_LINES[language]
    )


async def _date_back(sessions, session_id: int, day: date) -> None:
    """Spread the demo's sessions over the last fortnight, keeping each one's own pace; the
    capability evidence a session gave is dated that day too."""
    async with sessions() as session:
        row = await session.get(PracticeSession, session_id)
        shift = datetime.combine(day, time(10), tzinfo=UTC) - row.started_at.replace(tzinfo=UTC)
        row.started_at += shift
        if row.finished_at is not None:
            row.finished_at += shift
        for turn in await session.scalars(
            select(PracticeTurn).where(PracticeTurn.session_id == session_id)
        ):
            turn.created_at += shift
        await session.execute(
            update(CapabilityEvidence)
            .where(
                CapabilityEvidence.rep_id == row.rep_id,
                CapabilityEvidence.ref == f"practice:{session_id}",
            )
            .values(observed_on=day)
        )
        await session.commit()
