"""Practice on the `llm` engine through GraphQL, against a scripted OpenAI-compatible server
on 127.0.0.1: the model's verdicts with the rep's words, model and fingerprint stored, the
verdict cache kept in the database, a garbage answer or a 429 falling back to `rules` with
the reason recorded (never a stuck session), and `practiceTurn` streaming the customer's
reply over a real websocket."""

from __future__ import annotations

import json

import httpx
import pytest

from coaching.engines import customer
from coaching.engines.base import pieces, signal_of
from coaching.engines.judge import judge_turn
from coaching.practice.rules import persona_for
from tests.support.graphql import run
from tests.support.live_app import received, serving, subscribed
from tests.support.practice import SCENARIO
from tests.support.scripted_llm import FINGERPRINT, MODEL, completion, error, judge_reply, streamed

CHECK = SCENARIO.criteria[0].checks[0]
TRACE = "engine fallbackReason model systemFingerprint responseFormat cached"
TURN = f"""number customerLine checks {{ checkId passed evidence {{ start end text }} }}
  judge {{ {TRACE} }} voice {{ {TRACE} }}"""
MESSAGE = "Before we talk price: what budget range do you have this year?"
QUOTE = "what budget range do you have this year"


@pytest.fixture
def app_settings(llm_server):
    return {
        "llm_model": MODEL,
        "llm_base_url": llm_server.base_url,
        "llm_timeout_seconds": 2,
        "llm_max_retries": 0,
    }


async def start_llm(api, server, language="en") -> dict:
    server.script(streamed("Hello. ", "Your price is too high."))
    started = await run(
        api,
        "startPractice",
        {"scenario": SCENARIO.id, "engine": "LLM", "language": language, "seed": 3},
        f"session {{ id engine model promptVersion transcript {{ {TURN} }} }} opening",
        as_="rep",
    )
    assert started["errors"] == []
    return started["session"]


async def respond(api, session_id, message=MESSAGE) -> dict:
    answer = await run(
        api,
        "respondInPractice",
        {"session": session_id, "message": message},
        f"turn {{ {TURN} }} feedback {{ passed {{ checkId evidence {{ text }} }} }}",
        as_="rep",
    )
    assert answer["errors"] == []
    return answer


async def test_the_model_voices_the_customer_and_judges_with_quotes(api, llm_server):
    session = await start_llm(api, llm_server)
    assert (session["engine"], session["model"]) == ("LLM", MODEL)
    opening = session["transcript"][0]
    assert opening["customerLine"] == "Hello. Your price is too high."
    assert opening["voice"]["engine"] == "LLM"
    assert opening["voice"]["systemFingerprint"] == FINGERPRINT
    llm_server.script(
        judge_reply(SCENARIO, MESSAGE, passed={CHECK.id: QUOTE}),
        streamed("Our budget is ", "around two hundred thousand."),
    )
    answer = await respond(api, session["id"])
    turn = answer["turn"]
    assert turn["customerLine"] == "Our budget is around two hundred thousand."
    assert turn["judge"] == {
        "engine": "LLM",
        "fallbackReason": None,
        "model": MODEL,
        "systemFingerprint": FINGERPRINT,
        "responseFormat": "json_schema",
        "cached": False,
    }
    passed = [c for c in turn["checks"] if c["passed"]]
    assert [c["checkId"] for c in passed] == [CHECK.id]
    evidence = passed[0]["evidence"]
    assert MESSAGE[evidence["start"] : evidence["end"]] == evidence["text"] == QUOTE
    # The customer's prompt never holds the rubric; the judge's does.
    customer_prompt = json.dumps(llm_server.requests[-1], ensure_ascii=False)
    judge_prompt = json.dumps(llm_server.requests[-2], ensure_ascii=False)
    assert CHECK.question.en in judge_prompt
    assert CHECK.question.en not in customer_prompt


async def test_a_verdict_is_cached_in_the_database(api, llm_server):
    first = await start_llm(api, llm_server)
    llm_server.script(judge_reply(SCENARIO, MESSAGE, passed={CHECK.id: QUOTE}), streamed("Go on."))
    await respond(api, first["id"])
    second = await start_llm(api, llm_server)
    asked = len(llm_server.requests)
    llm_server.script(streamed("Go on."))  # only the customer's line: the verdict is cached
    turn = (await respond(api, second["id"]))["turn"]
    assert len(llm_server.requests) == asked + 1
    assert turn["judge"]["cached"] is True and turn["judge"]["engine"] == "LLM"
    assert [c["checkId"] for c in turn["checks"] if c["passed"]] == [CHECK.id]


@pytest.mark.parametrize(
    ("judge", "reason"),
    [
        (completion("Sure! The rep did well."), "malformed_json"),
        (error(429, "slow down"), "rate_limited"),
    ],
)
async def test_a_bad_answer_falls_back_to_rules_and_says_why(api, llm_server, judge, reason):
    session = await start_llm(api, llm_server)
    llm_server.script(judge, error(500, "customer down"))
    answer = await respond(api, session["id"])
    turn = answer["turn"]
    assert turn["judge"]["engine"] == "RULES" and turn["judge"]["fallbackReason"] == reason
    assert turn["voice"]["engine"] == "RULES" and turn["voice"]["fallbackReason"] == "http_error"
    rules_verdict = judge_turn(SCENARIO, MESSAGE, "en")
    assert [c["checkId"] for c in turn["checks"] if c["passed"]] == list(
        rules_verdict.passed_check_ids
    )
    # The rules machine's own line stands in, and the session goes on.
    state, _ = customer.start(SCENARIO, persona_for(SCENARIO, 3), "normal", 3)
    _, line = customer.respond(SCENARIO, state, signal_of(rules_verdict, MESSAGE))
    assert turn["customerLine"] == line.en
    llm_server.script(judge_reply(SCENARIO, "Thanks."), streamed("Fine."))
    assert (await respond(api, session["id"], "Thanks."))["turn"]["number"] == 2


async def test_engines_on_offer(api):
    engines = await api.data("{ practiceEngines }", as_="rep")
    assert engines["practiceEngines"] == ["RULES", "LLM"]


STREAM = """subscription($i: RespondInPracticeInput!) { practiceTurn(input: $i) {
  delta done { turn { number customerLine } errors { code } } } }"""


async def events_until_done(socket) -> list[dict]:
    events = []
    while True:
        message = (await received(socket, 1))[0]
        assert message["type"] == "next", message
        event = message["payload"]["data"]["practiceTurn"]
        events.append(event)
        if event["done"] is not None:
            return events


async def test_practice_turn_streams_the_model_s_reply(db_url, engine, world, llm_server):
    settings = {"llm_model": MODEL, "llm_base_url": llm_server.base_url, "llm_max_retries": 0}
    async with serving(db_url, engine, **settings) as port:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            llm_server.script(streamed("Hi."))
            started = await http.post(
                "/graphql",
                json={
                    "query": 'mutation { startPractice(input: {scenario: "b2b_software_price", '
                    'engine: LLM, language: "en"}) { session { id } } }'
                },
                headers={"Authorization": f"Bearer {world.tokens['rep']}"},
            )
        session_id = started.json()["data"]["startPractice"]["session"]["id"]
        llm_server.script(judge_reply(SCENARIO, MESSAGE), streamed("We ", "have ", "a budget."))
        variables = {"i": {"session": session_id, "message": MESSAGE}}
        async with subscribed(port, world.tokens["rep"], STREAM, variables) as socket:
            events = await events_until_done(socket)
            complete = (await received(socket, 1))[0]
    deltas = [e["delta"] for e in events[:-1]]
    assert len(deltas) == 3 and "".join(deltas) == "We have a budget."  # as they were produced
    assert events[-1]["done"]["turn"] == {"number": 1, "customerLine": "We have a budget."}
    assert complete["type"] == "complete"


async def test_practice_turn_streams_the_rules_engine_sentence_by_sentence(db_url, engine, world):
    async with serving(db_url, engine) as port:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            started = await http.post(
                "/graphql",
                json={
                    "query": 'mutation { startPractice(input: {scenario: "b2b_software_price", '
                    'language: "zh"}) { session { id } } }'
                },
                headers={"Authorization": f"Bearer {world.tokens['rep']}"},
            )
        session_id = started.json()["data"]["startPractice"]["session"]["id"]
        variables = {"i": {"session": session_id, "message": "您好"}}
        async with subscribed(port, world.tokens["rep"], STREAM, variables) as socket:
            events = await events_until_done(socket)
        async with subscribed(
            port, world.tokens["rep"], STREAM, {"i": {**variables["i"], "message": " "}}
        ) as socket:  # noqa: E501
            refused = await events_until_done(socket)
    line = events[-1]["done"]["turn"]["customerLine"]
    assert [e["delta"] for e in events[:-1]] == pieces(line)
    assert "".join(e["delta"] for e in events[:-1]) == line
    assert refused == [
        {"delta": None, "done": {"turn": None, "errors": [{"code": "MESSAGE_EMPTY"}]}}
    ]
