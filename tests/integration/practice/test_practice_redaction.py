"""Exam secrecy at the service level, without GraphQL: while an exam runs, what the practice
services and queries hand out (session views, turn views, results) carries no score, verdict
or judge trace; the stored rows keep them, and they show once the exam ends. A train session
shows everything while it runs."""

from __future__ import annotations

from coaching.practice import queries
from coaching.practice import service as practice_service
from coaching.practice.engines import Voices
from coaching.practice.models import PracticeMode, PracticeTurn
from domain.org import access
from domain.org.models import User
from domain.settings import load_settings
from tests.support.practice import PERSONA, SCENARIO, SCENARIOS


async def actors(db, world):
    rep = await access.actor_for(db, await db.get(User, world.users["rep"]))
    manager = await access.actor_for(db, await db.get(User, world.users["manager"]))
    return rep, manager


async def play_one_reply(sessions, world, mode: PracticeMode) -> int:
    voices = Voices(load_settings())
    async with sessions() as db:
        rep, _ = await actors(db, world)
        started = await practice_service.start_practice(
            db,
            rep,
            SCENARIOS,
            voices,
            scenario_id=SCENARIO.id,
            difficulty="normal",
            mode=mode,
            language="en",
            persona_id=PERSONA if mode is PracticeMode.TRAIN else None,
            seed=7 if mode is PracticeMode.TRAIN else None,
        )
        assert started.session_view.withheld is (mode is PracticeMode.EXAM)
        replied = await practice_service.respond_in_practice(
            db,
            rep,
            SCENARIOS,
            voices,
            session_id=started.session.id,
            message=SCENARIO.criteria[0].model_answer.en,
        )
        if mode is PracticeMode.EXAM:
            assert replied.session_view.withheld and replied.session_view.score is None
            assert replied.turn_view.verdict is None and replied.turn_view.judge_trace is None
            assert replied.feedback is None and replied.running is None
        else:
            assert not replied.session_view.withheld
            assert replied.turn_view.verdict == replied.turn.verdict is not None
        # The view is a copy: the row that is flushed keeps what the judge said.
        assert replied.turn.verdict is not None and replied.turn.judge_trace is not None
        await db.commit()
        return started.session.id


async def test_a_running_exam_hands_out_no_verdicts_scores_or_judge_traces(sessions, world):
    session_id = await play_one_reply(sessions, world, PracticeMode.EXAM)
    async with sessions() as db:
        rep, manager = await actors(db, world)
        for reader in (rep, manager):  # the secret holds for the trainer as well
            view = (await queries.sessions_by_ids(db, reader, [session_id]))[session_id]
            assert view.withheld and view.score is None and view.passed is None
            listed = await queries.list_practice(
                db, reader, queries.PracticeFilter(), first=10, after=None
            )
            assert [(v.id, v.withheld) for v in listed.items] == [(session_id, True)]
        turns = (await queries.transcripts_of(db, [session_id]))[session_id]
        assert [t.number for t in turns] == [0, 1]
        assert all(t.verdict is None and t.judge_trace is None for t in turns)
        assert all(t.customer_trace for t in turns)  # who voiced the customer is no secret
        assert queries.result_of(SCENARIOS, view, turns, []) is None
        stored = await db.get(PracticeTurn, turns[1].id)
        assert stored is not None and stored.verdict is not None and stored.judge_trace


async def test_a_finished_exam_shows_everything(sessions, world):
    session_id = await play_one_reply(sessions, world, PracticeMode.EXAM)
    async with sessions() as db:
        rep, manager = await actors(db, world)
        finished = await practice_service.finish_practice(db, rep, SCENARIOS, session_id=session_id)
        await db.commit()
    assert not finished.session_view.withheld
    assert finished.session_view.score == finished.session.score is not None
    async with sessions() as db:
        view = (await queries.sessions_by_ids(db, manager, [session_id]))[session_id]
        assert not view.withheld and view.score == finished.session.score
        turns = (await queries.transcripts_of(db, [session_id]))[session_id]
        assert turns[1].verdict is not None and turns[1].judge_trace is not None
        result = queries.result_of(SCENARIOS, view, turns, [])
        assert result is not None and result.score == view.score


async def test_a_running_train_session_shows_its_verdicts(sessions, world):
    session_id = await play_one_reply(sessions, world, PracticeMode.TRAIN)
    async with sessions() as db:
        rep, _ = await actors(db, world)
        view = (await queries.sessions_by_ids(db, rep, [session_id]))[session_id]
        assert not view.withheld
        turns = (await queries.transcripts_of(db, [session_id]))[session_id]
        assert turns[0].verdict is None  # the opening line is never judged
        assert turns[1].verdict is not None and turns[1].judge_trace is not None
