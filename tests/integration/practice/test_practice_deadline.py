"""The `llm` engine's turn deadline through GraphQL, on both databases: with a hung or rate-limiting
model and the default per-request timeout and retries, starting a session and answering a turn
each wait at most the deadline (plus 1 s, plus what the same start or turn costs on the rules
engine on this machine right now), then the rules engine answers and the stored traces say
why. The unit tests (tests/unit/practice/test_llm_deadline.py) time the engine alone."""

from __future__ import annotations

import asyncio
import time

import pytest

from coaching.engines.judge import judge_turn
from tests.support.graphql import run
from tests.support.practice import SCENARIO
from tests.support.scripted_llm import MODEL, Reply, error

DEADLINE = 1.5
SLACK = 1.0
TRACE = "engine fallbackReason fallbackDetail"
TURN = f"number customerLine judge {{ {TRACE} }} voice {{ {TRACE} }}"
MESSAGE = "Before we talk price: what budget range do you have this year?"


@pytest.fixture(autouse=True)
def warm_rules_judge():
    """The rules judge compiles a scenario's phrases on first use (a one-off cost of up to a
    second on a busy machine, paid after the deadline by the fallback): pay it before the
    clock starts, so the test measures the wait for the model."""
    judge_turn(SCENARIO, MESSAGE, "en")


@pytest.fixture
def app_settings(llm_server):
    return {
        "llm_model": MODEL,
        "llm_base_url": llm_server.base_url,
        "llm_timeout_seconds": 20,  # the defaults that made a hung turn cost ~2 minutes
        "llm_max_retries": 2,
        "llm_turn_deadline_seconds": DEADLINE,
    }


async def timed(api, name: str, input: dict, selection: str) -> tuple[dict, float]:
    began = time.monotonic()
    payload = await run(api, name, input, selection, as_="rep")
    took = time.monotonic() - began
    assert payload["errors"] == []
    return payload, took


async def start(api, engine: str = "LLM") -> tuple[dict, float]:
    started, took = await timed(
        api,
        "startPractice",
        {"scenario": SCENARIO.id, "engine": engine, "language": "en", "seed": 3},
        f"session {{ id transcript {{ {TURN} }} }}",
    )
    return started["session"], took


async def work_without_the_model(api) -> float:
    """What a start and a turn cost on the rules engine here and now (the database, GraphQL,
    a busy machine): the allowance above the deadline for work that is not waiting."""
    session, started = await start(api, engine="RULES")
    _, answered = await respond(api, session["id"])
    return max(started, answered)


async def respond(api, session_id) -> tuple[dict, float]:
    answer, took = await timed(
        api,
        "respondInPractice",
        {"session": session_id, "message": MESSAGE},
        f"turn {{ {TURN} }}",
    )
    return answer["turn"], took


async def test_a_hung_model_costs_a_start_and_a_turn_no_more_than_the_deadline(api, llm_server):
    own_work = await work_without_the_model(api)
    llm_server.script(*[Reply(delay=60.0, body={})] * 6)
    session, took = await start(api)
    assert took <= DEADLINE + SLACK + own_work
    opening = session["transcript"][0]
    assert (opening["voice"]["engine"], opening["voice"]["fallbackReason"]) == ("RULES", "deadline")
    assert opening["customerLine"]

    turn, took = await respond(api, session["id"])
    assert took <= DEADLINE + SLACK + own_work
    assert turn["number"] == 1 and turn["customerLine"]
    for trace in (turn["judge"], turn["voice"]):
        assert (trace["engine"], trace["fallbackReason"]) == ("RULES", "deadline")
        assert "deadline" in trace["fallbackDetail"]


async def test_retry_after_120_costs_a_turn_no_more_than_the_deadline(api, llm_server):
    own_work = await work_without_the_model(api)
    llm_server.script(*[error(429, "slow down", headers={"retry-after": "120"})] * 6)
    session, took = await start(api)
    assert took <= DEADLINE + SLACK + own_work
    turn, took = await respond(api, session["id"])
    assert took <= DEADLINE + SLACK + own_work
    for trace in (session["transcript"][0]["voice"], turn["judge"], turn["voice"]):
        assert (trace["engine"], trace["fallbackReason"]) == ("RULES", "rate_limited")
        assert "120 s" in trace["fallbackDetail"]


class TestWaitingOnTheModelHoldsNoOneUp:
    """A worker runs `PACER_MAX_RUNNING` requests at once; one waiting on the model hands its
    turn on, so with a single turn another request is answered while the model hangs."""

    @pytest.fixture
    def app_settings(self, llm_server):
        return {
            "llm_model": MODEL,
            "llm_base_url": llm_server.base_url,
            "llm_turn_deadline_seconds": 2.0,
            "max_running": 1,
        }

    async def test_another_request_is_answered_while_a_turn_waits_on_a_hung_model(
        self, api, llm_server
    ):
        llm_server.script(*[Reply(delay=60.0, body={})] * 6)
        practice = asyncio.create_task(start(api))
        await model_asked(llm_server, 0)  # the start is waiting on the model
        me = await api.data("{ me { login } }", as_="director")
        assert me["me"]["login"] == "director"
        assert not practice.done()
        session, _ = await practice
        assert session["transcript"][0]["voice"]["fallbackReason"] == "deadline"

    async def test_a_reply_waiting_for_the_session_another_reply_holds_holds_no_one_up(
        self, api, llm_server
    ):
        llm_server.script(*[Reply(delay=60.0, body={})] * 12)
        session, _ = await start(api)
        first = asyncio.create_task(respond(api, session["id"]))
        await model_asked(llm_server, len(llm_server.requests))  # the first reply waits on it
        second = asyncio.create_task(  # waits for the session the first reply holds
            run(api, "respondInPractice", {"session": session["id"], "message": MESSAGE},
                "turn { number }", as_="rep")
        )  # fmt: skip
        await asyncio.sleep(0.2)
        me = await api.data("{ me { login } }", as_="director")
        assert me["me"]["login"] == "director"
        assert not first.done()
        assert (await first)[0]["number"] == 1
        answered = await second
        if answered["errors"]:  # SQLite has no row locks: the later of two replies is refused
            assert [e["code"] for e in answered["errors"]] == ["CONCURRENT_REPLY"]
        else:
            assert answered["turn"]["number"] == 2


async def model_asked(llm_server, before: int) -> None:
    """Returns once the scripted model has had more than `before` requests."""
    while len(llm_server.requests) <= before:  # noqa: ASYNC110 (the server offers no event)
        await asyncio.sleep(0.02)
