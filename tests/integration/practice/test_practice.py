"""Practice sessions through GraphQL: a role-play played to a pass and to a fail, the same
lines the rules engine gives offline, train feedback with the rep's words as evidence, exams
that keep their verdicts until the end and limit attempts, trainers' rulings that keep the
engine's verdict, replay, and every error code of every practice mutation."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from api.graphql.practice import inputs as practice_api
from coaching.engines import customer
from coaching.engines.base import RulesEngine, signal_of
from coaching.engines.judge import judge_turn
from coaching.engines.scoring import uncounted_checks
from coaching.practice import service as practice_service
from coaching.practice.engines import Voices
from coaching.practice.models import PracticeMode, PracticeSession, PracticeTurn
from domain.errors import DomainError
from domain.org import access
from domain.org.models import User
from domain.settings import load_settings
from tests.support.codes import untested_codes
from tests.support.db import count_statements
from tests.support.graphql import gid, run
from tests.support.practice import (
    RESULT,
    SCENARIO,
    SCENARIOS,
    SESSION,
    override,
    respond,
    start,
)
from tests.support.rep_replies import WEAK, model_answers


def codes(payload) -> list[str]:
    return [error["code"] for error in payload["errors"]]


async def play_through(api, session: dict, replies, language="en", as_="rep"):
    """Send the reply the local rules engine's state calls for, until the customer is done;
    checks every customer line against the engine run offline with the same seed."""
    state, opening = customer.start(SCENARIO, session["persona"], "normal", session["seed"])
    assert session["transcript"][0]["customerLine"] == opening.get(language)
    answers = []
    while not state.finished:
        message = replies(state)
        verdict = judge_turn(SCENARIO, message, language)
        state, line = customer.respond(SCENARIO, state, signal_of(verdict, message))
        answer = await respond(api, session["id"], message, as_=as_)
        assert answer["errors"] == []
        assert answer["turn"]["customerLine"] == line.get(language)
        answers.append((message, verdict, answer))
    return state, answers


async def test_a_train_session_played_to_a_pass(api):
    started = await start(api)
    session = started["session"]
    assert started["errors"] == []
    assert started["opening"] == session["transcript"][0]["customerLine"]
    assert (session["mode"], session["engine"], session["status"]) == ("TRAIN", "RULES", "ACTIVE")
    assert (session["attempt"], session["seed"], session["rep"]["externalId"]) == (1, 7, "r1")
    state, answers = await play_through(api, session, model_answers(SCENARIO, "en"))
    assert state.outcome == "agreed"
    for message, verdict, answer in answers:
        fed = answer["feedback"]
        assert [p["checkId"] for p in fed["passed"]] == list(verdict.passed_check_ids)
        for passed in fed["passed"]:  # the rep's own words, verbatim
            evidence = passed["evidence"]
            assert message[evidence["start"] : evidence["end"]] == evidence["text"]
        assert answer["runningScore"] is not None
    last = answers[-1][2]
    assert last["session"]["status"] == "FINISHED" and last["session"]["outcome"] == "AGREED"
    assert last["result"]["passed"] is True
    assert last["result"]["score"] >= last["result"]["passMark"] == SCENARIO.pass_mark
    assert last["session"]["score"] == last["result"]["score"]
    # Nothing more can be said in a finished session, and it cannot be finished twice.
    assert codes(await respond(api, session["id"], "One more thing")) == ["SESSION_FINISHED"]
    again = await run(
        api, "finishPractice", {"session": session["id"]}, "errors { code }", as_="rep"
    )
    assert codes(again) == ["SESSION_FINISHED"]


async def test_weak_replies_fail_with_model_answers_for_every_miss(api):
    session = (await start(api, persona=SCENARIO.personas[1].id))["session"]
    state, answers = await play_through(api, session, lambda state: WEAK["en"])
    assert state.outcome in ("declined", "turn_limit")
    result = answers[-1][2]["result"]
    assert result["passed"] is False and result["score"] < SCENARIO.pass_mark
    missed = {m["checkId"]: m["modelAnswer"] for m in result["missedChecks"]}
    every_check = {check.id for criterion in SCENARIO.criteria for check in criterion.checks}
    # Checks that only settle objections the customer never raised are not held against the rep.
    unraised = uncounted_checks(SCENARIO, customer.raised_objections(state))
    assert set(missed) == every_check - unraised
    for criterion in SCENARIO.criteria:
        for check in criterion.checks:
            if check.id not in unraised:
                assert missed[check.id] == criterion.model_answer.en
    assert answers[0][2]["feedback"]["tip"]  # a tip when nothing passed


async def test_finishing_early_scores_what_was_said(api):
    session = (await start(api, language="zh"))["session"]
    message = SCENARIO.criteria[0].model_answer.zh
    answer = await respond(api, session["id"], message)
    assert answer["feedback"]["passed"]
    finished = await run(
        api,
        "finishPractice",
        {"session": session["id"]},
        f"session {{ status outcome score passed }} result {{ {RESULT} }} errors {{ code }}",
        as_="rep",
    )
    assert finished["session"]["status"] == "FINISHED" and finished["session"]["outcome"] == "ENDED"
    result = finished["result"]
    assert result["score"] == finished["session"]["score"] > 0
    assert result["passed"] is False
    first = next(c for c in result["criteria"] if c["criterionId"] == SCENARIO.criteria[0].id)
    assert first["passed"] >= 1 and first["title"] == SCENARIO.criteria[0].title.zh
    assert {c["turn"] for c in result["passedChecks"]} == {1}


async def test_an_exam_withholds_feedback_until_it_ends_and_limits_attempts(api):
    started = await run(
        api,
        "startPractice",
        {"scenario": SCENARIO.id, "mode": "EXAM", "language": "en"},
        f"session {{ {SESSION} }} errors {{ code }}",
        as_="rep",
    )
    session = started["session"]
    assert session["mode"] == "EXAM" and session["attempt"] == 1
    answer = await respond(api, session["id"], SCENARIO.criteria[0].model_answer.en)
    assert answer["errors"] == []
    assert answer["feedback"] is None and answer["runningScore"] is None
    assert answer["turn"]["checks"] is None
    query = f"query($id: ID!) {{ node(id: $id) {{ ... on PracticeSession {{ {SESSION} }} }} }}"
    seen = (await api.data(query, {"id": session["id"]}, as_="rep"))["node"]
    assert seen["score"] is None and all(t["checks"] is None for t in seen["transcript"])
    replay = "query($s: ID!) { practiceReplay(session: $s) { identical } }"
    hidden = await api(replay, {"s": session["id"]}, as_="rep")
    assert hidden["errors"][0]["extensions"]["code"] == "SESSION_ACTIVE"
    finished = await run(
        api, "finishPractice", {"session": session["id"]}, f"result {{ {RESULT} }}", as_="rep"
    )
    assert finished["result"]["criteria"]
    seen = (await api.data(query, {"id": session["id"]}, as_="rep"))["node"]
    assert seen["score"] is not None and seen["transcript"][1]["checks"] is not None
    for attempt in (2, 3):
        again = await run(
            api,
            "startPractice",
            {"scenario": SCENARIO.id, "mode": "EXAM"},
            "session { attempt } errors { code }",
            as_="rep",
        )
        assert again["session"]["attempt"] == attempt
    refused = await run(
        api,
        "startPractice",
        {"scenario": SCENARIO.id, "mode": "EXAM"},
        "errors { code field }",
        as_="rep",
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("EXAM_ATTEMPTS_USED", "scenario")
    ]
    # Training is never limited.
    assert (await start(api))["session"]["attempt"] == 1


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"scenario": "no_such_scenario"}, "UNKNOWN_SCENARIO", "scenario"),
        ({"persona": "nobody"}, "UNKNOWN_PERSONA", "personaId"),
        ({"engine": "LLM"}, "ENGINE_NOT_CONFIGURED", "engine"),
        ({"seed": -1}, "INVALID_SEED", "seed"),
        ({"language": "fr"}, "INVALID_LANGUAGE", "language"),
        ({"mode": "EXAM"}, "NOT_IN_EXAM", "seed"),
        ({"mode": "EXAM", "seed": None}, "NOT_IN_EXAM", "persona"),
    ],
)
async def test_start_refuses_bad_input(api, overrides, code, field):
    refused = await start(api, **overrides)
    assert refused["session"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [(code, field)]
    assert refused["errors"][0]["message"]
    listed = await api.data("{ practiceSessions { totalCount } }", as_="rep")
    assert listed["practiceSessions"]["totalCount"] == 0


async def test_replies_refused_and_nothing_written(api, sessions, lead):
    session = (await start(api))["session"]
    assert codes(await respond(api, session["id"], "   \n ")) == ["MESSAGE_EMPTY"]
    assert codes(await respond(api, session["id"], "价" * 10_000)) == ["MESSAGE_TOO_LONG"]
    missing = gid("PracticeSession", 999_999)
    assert codes(await respond(api, missing, "hello")) == ["PRACTICE_NOT_FOUND"]
    assert codes(await respond(api, gid("Rep", 1), "hello")) == ["INVALID_ID"]
    # The lead manages Shanghai and sees r1's session, but cannot reply in it.
    assert codes(await respond(api, session["id"], "hello", as_="lead")) == ["NOT_YOUR_SESSION"]
    # Another rep's session does not exist for r1.
    theirs = (await start(api, as_="lead"))["session"]
    assert codes(await respond(api, theirs["id"], "hello")) == ["PRACTICE_NOT_FOUND"]
    query = f"query($id: ID!) {{ node(id: $id) {{ ... on PracticeSession {{ {SESSION} }} }} }}"
    seen = (await api.data(query, {"id": session["id"]}, as_="rep"))["node"]
    assert seen["turnsTaken"] == 0 and len(seen["transcript"]) == 1
    # A scenario file that changed under a running session: a clear code, and the session
    # can still be finished (unscored) instead of staying stuck.
    async with sessions() as db:
        await db.execute(update(PracticeSession).values(rubric_hash="0" * 64))
        await db.commit()
    assert codes(await respond(api, session["id"], "hello")) == ["SCENARIO_CHANGED"]
    closed = await run(
        api,
        "finishPractice",
        {"session": session["id"]},
        "session { status score } result { score } errors { code }",
        as_="rep",
    )
    assert closed["session"] == {"status": "FINISHED", "score": None} and closed["result"] is None


async def test_finish_refusals(api, lead):
    session = (await start(api))["session"]
    finish = "errors { code }"
    for who, sid, code in [
        ("lead", session["id"], "NOT_YOUR_SESSION"),
        ("rep", gid("PracticeSession", 999_999), "PRACTICE_NOT_FOUND"),
        ("rep", gid("Rep", 1), "INVALID_ID"),
    ]:
        refused = await run(api, "finishPractice", {"session": sid}, finish, as_=who)
        assert codes(refused) == [code]


async def test_a_trainer_overrules_the_judge_and_both_verdicts_stay(api, lead):
    session = (await start(api))["session"]
    await respond(api, session["id"], WEAK["en"])
    missed_check = SCENARIO.criteria[0].checks[0].id
    assert codes(await override(api, session["id"], missed_check)) == ["SESSION_ACTIVE"]
    finished = await run(
        api, "finishPractice", {"session": session["id"]}, f"result {{ {RESULT} }}", as_="rep"
    )
    before = finished["result"]["score"]
    ruled = await override(api, session["id"], missed_check)
    assert ruled["errors"] == []
    assert ruled["result"]["score"] > before == 0
    assert ruled["session"]["score"] == ruled["result"]["score"]
    assert ruled["session"]["overrides"] == [
        {
            "checkId": missed_check,
            "enginePassed": False,
            "passed": True,
            "reason": "heard it on the call",
            "by": {"login": "manager"},
        }
    ]
    assert missed_check in {c["checkId"] for c in ruled["result"]["passedChecks"]}
    query = f"query($id: ID!) {{ node(id: $id) {{ ... on PracticeSession {{ {SESSION} }} }} }}"
    seen = (await api.data(query, {"id": session["id"]}, as_="manager"))["node"]
    engine_said = {c["checkId"]: c["passed"] for c in seen["transcript"][1]["checks"]}
    assert engine_said[missed_check] is False  # the engine's verdict is kept
    # The latest ruling is in force.
    back = await override(api, session["id"], missed_check, passed=False, reason="on review, no")
    assert back["result"]["score"] == before and len(back["session"]["overrides"]) == 2
    for check_id, reason, who, code, field in [
        (missed_check, "ok", "lead", None, None),  # the lead manages r1: allowed
        ("no_such_check", "x", "manager", "UNKNOWN_CHECK", "checkId"),
        (missed_check, "  ", "manager", "REQUIRED", "reason"),
        (missed_check, "x" * 501, "manager", "TOO_LONG", "reason"),
    ]:
        answer = await override(api, session["id"], check_id, reason=reason, as_=who)
        expected = [] if code is None else [(code, field)]
        assert [(e["code"], e["field"]) for e in answer["errors"]] == expected
    own = (await start(api, as_="lead"))["session"]
    await run(api, "finishPractice", {"session": own["id"]}, "errors { code }", as_="lead")
    assert codes(await override(api, own["id"], missed_check, as_="lead")) == ["NOT_A_TRAINER"]
    assert codes(await override(api, gid("Rep", 1), missed_check)) == ["INVALID_ID"]
    missing = gid("PracticeSession", 999_999)
    assert codes(await override(api, missing, missed_check)) == ["PRACTICE_NOT_FOUND"]


async def test_a_trainer_clears_a_red_line_the_judge_saw(api, sessions):
    red_line = SCENARIO.red_lines[0]
    session = (await start(api))["session"]
    crossing = red_line.indicators.en[0].replace("{percent}", "20%").replace("{number}", "8")
    await respond(api, session["id"], f"Fine, {crossing}.")
    finished = await run(
        api, "finishPractice", {"session": session["id"]}, f"result {{ {RESULT} }}", as_="rep"
    )
    assert [b["redLineId"] for b in finished["result"]["blockers"]] == [red_line.id]
    cleared = await override(api, session["id"], red_line.id, reason="said in jest, retracted")
    assert cleared["result"]["blockers"] == []
    assert cleared["session"]["overrides"][0]["enginePassed"] is False
    async with sessions() as db:
        await db.execute(update(PracticeSession).values(rubric_hash="0" * 64))
        await db.commit()
    assert codes(await override(api, session["id"], red_line.id)) == ["SCENARIO_CHANGED"]


async def test_a_session_replays_identically_and_a_tampered_one_does_not(api, sessions):
    session = (await start(api))["session"]
    await play_through(api, session, model_answers(SCENARIO, "en"))
    replay = """query($s: ID!) { practiceReplay(session: $s) { identical
      turns { number sameLine sameVerdict sameState replayedLine storedLine } } }"""
    replayed = (await api.data(replay, {"s": session["id"]}, as_="manager"))["practiceReplay"]
    assert replayed["identical"] is True
    assert all(t["replayedLine"] == t["storedLine"] for t in replayed["turns"])
    async with sessions() as db:
        await db.execute(
            update(PracticeTurn).where(PracticeTurn.number == 2).values(customer_line="edited")
        )
        await db.commit()
    replayed = (await api.data(replay, {"s": session["id"]}, as_="manager"))["practiceReplay"]
    assert replayed["identical"] is False
    assert [t["number"] for t in replayed["turns"] if not t["sameLine"]] == [2]


async def test_scenarios_engines_and_session_lists(api, lead):
    zh = await api.data("{ practiceScenarios { id title personas { id role } criteria { id } } }")
    assert len(zh["practiceScenarios"]) == len(SCENARIOS) >= 8
    by_id = {s["id"]: s for s in zh["practiceScenarios"]}
    assert by_id[SCENARIO.id]["title"] == SCENARIO.title.zh
    en = await api.data("{ practiceScenarios { id title } }", headers={"Accept-Language": "en"})
    assert {s["id"]: s["title"] for s in en["practiceScenarios"]}[SCENARIO.id] == SCENARIO.title.en
    assert (await api.data("{ practiceEngines }", as_="rep"))["practiceEngines"] == ["RULES"]
    await start(api)
    await start(api, as_="lead")
    listed = "query($m: PracticeMode) { practiceSessions(mode: $m) { totalCount edges { node { rep { externalId } } } } }"  # noqa: E501
    mine = (await api.data(listed, as_="rep"))["practiceSessions"]
    assert [e["node"]["rep"]["externalId"] for e in mine["edges"]] == ["r1"]
    team = (await api.data(listed, as_="manager"))["practiceSessions"]
    assert sorted(e["node"]["rep"]["externalId"] for e in team["edges"]) == ["r1", "r2"]
    exams = (await api.data(listed, {"m": "EXAM"}, as_="manager"))["practiceSessions"]
    assert exams["totalCount"] == 0


def test_every_practice_error_code_is_tested():
    assert untested_codes(practice_api, __name__) == {}


async def test_two_starts_racing_for_one_attempt_number(api, monkeypatch):
    await start(api)

    async def always_the_first(*args):
        return 1

    monkeypatch.setattr(practice_service, "_next_attempt", always_the_first)
    refused = await start(api)
    assert codes(refused) == ["STARTED_TWICE"]
    listed = await api.data("{ practiceSessions { totalCount } }", as_="rep")
    assert listed["practiceSessions"]["totalCount"] == 1


class Interfering(RulesEngine):
    """Another reply lands while this one is being judged."""

    def __init__(self, db):
        self.db = db

    async def judge(self, scenario, message, language, transcript):
        await self.db.execute(
            update(PracticeSession).values(turns_taken=PracticeSession.turns_taken + 1)
        )
        return await super().judge(scenario, message, language, transcript)


async def test_a_reply_racing_another_is_refused_whole(api, monkeypatch):
    session = (await start(api))["session"]
    monkeypatch.setattr(Voices, "engine", lambda voices, name, db: Interfering(db))
    assert codes(await respond(api, session["id"], "hello")) == ["CONCURRENT_REPLY"]
    monkeypatch.undo()
    query = f"query($id: ID!) {{ node(id: $id) {{ ... on PracticeSession {{ {SESSION} }} }} }}"
    seen = (await api.data(query, {"id": session["id"]}, as_="rep"))["node"]
    assert seen["turnsTaken"] == 0 and len(seen["transcript"]) == 1


async def test_only_a_login_linked_to_a_rep_practises(sessions, world):
    async with sessions() as db:
        admin = await access.actor_for(db, await db.get(User, world.users["admin"]))
        with pytest.raises(DomainError) as refused:
            await practice_service.start_practice(
                db,
                admin,
                SCENARIOS,
                Voices(load_settings()),
                scenario_id=SCENARIO.id,
                difficulty="normal",
                mode=PracticeMode.TRAIN,
                language="zh",
            )
    assert refused.value.code == "NOT_A_REP"


LISTED = f"""query($first: Int!) {{ practiceSessions(first: $first) {{ edges {{ node {{
  {SESSION} overrides {{ checkId by {{ login }} }} result {{ {RESULT} }} }} }} }} }}"""


async def test_listing_sessions_with_transcripts_and_results_is_constant(api, engine, lead):
    for _ in range(6):
        session = (await start(api))["session"]
        await respond(api, session["id"], SCENARIO.criteria[0].model_answer.en)
        await run(api, "finishPractice", {"session": session["id"]}, "errors { code }", as_="rep")
        await override(api, session["id"], SCENARIO.criteria[1].checks[0].id)
    counts = {}
    for first in (2, 5):  # neither page holds every session: both count them
        with count_statements(engine) as counter:
            data = await api.data(LISTED, {"first": first}, as_="manager")
        edges = data["practiceSessions"]["edges"]
        assert len(edges) == first and all(e["node"]["result"]["criteria"] for e in edges)
        assert all(len(e["node"]["overrides"]) == 1 for e in edges)
        counts[first] = counter.count
    assert counts[2] == counts[5] <= 12, counts
