"""The `llm` engine's turn deadline against a scripted OpenAI-compatible server over real HTTP:
a hung endpoint, a 429 with `Retry-After: 120`, slow answers and a stalled stream never keep
a turn (judge and customer) or a session start longer than the deadline plus 1 s, at the
default per-request timeout and retries; the turn still answers, from the rules engine, with
the reason recorded."""

from __future__ import annotations

import time
from email.utils import format_datetime

import httpx
import openai
import pytest

from coaching.engines import customer
from coaching.engines.base import Line, RulesEngine, signal_of
from coaching.engines.judge import judge_turn
from coaching.engines.llm import LlmConfig, LlmEngine, retry_wait
from coaching.scenario import load_scenarios
from domain.settings import Settings
from tests.support.scripted_llm import Reply, error, judge_reply, scripted_llm, streamed

SCENARIO = next(s for s in load_scenarios(strict=True).scenarios if s.id == "b2b_software_price")
PERSONA, DIFFICULTY, SEED = "cfo", "normal", 7
MESSAGE = "I hear you. What budget have you set aside this year?"
DEADLINE = 1.5
SLACK = 1.0
"""What the brief allows past the deadline."""
HUNG = Reply(delay=60.0, body={})


@pytest.fixture(scope="module", autouse=True)
def warm_rules_judge():
    """The rules judge compiles a scenario's phrases on first use (a one-off cost paid after
    the deadline by the fallback): pay it before any clock starts."""
    judge_turn(SCENARIO, MESSAGE, "en")


@pytest.fixture(scope="module")
def running_server():
    with scripted_llm() as running:
        yield running


@pytest.fixture
def server(running_server):
    running_server.reset()
    yield running_server
    running_server.reset()


@pytest.fixture
async def make_engine():
    engines: list[LlmEngine] = []

    def make(base_url: str, **config) -> LlmEngine:
        """The defaults that made a hung turn cost ~123 s (20 s timeout, 2 retries), with a
        short deadline."""
        config = {"model": "m", "turn_deadline_seconds": DEADLINE, **config}
        engine = LlmEngine(LlmConfig(base_url=base_url, **config))
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        await engine.aclose()


def opening_state():
    return customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)[0]


async def play_turn(engine: LlmEngine):
    """One practice turn as the service plays it: one deadline, the judge then the customer."""
    voice = engine.turn()
    began = time.monotonic()
    judged = await voice.judge(SCENARIO, MESSAGE, "en", [])
    answered = await voice.reply(
        SCENARIO, opening_state(), signal_of(judged.verdict), [Line("rep", MESSAGE)], "en"
    )
    return judged, answered, time.monotonic() - began


async def rules_line(verdict=None) -> str:
    """The rules customer's line after `verdict` (default: the rules judge's)."""
    verdict = verdict or judge_turn(SCENARIO, MESSAGE, "en")
    answered = await RulesEngine().reply(SCENARIO, opening_state(), signal_of(verdict), [], "en")
    return answered.line


async def test_a_hung_endpoint_costs_a_turn_no_more_than_the_deadline(server, make_engine):
    server.script(*[HUNG] * 6)
    judged, answered, took = await play_turn(make_engine(server.base_url))

    assert took <= DEADLINE + SLACK
    assert (judged.trace.engine, judged.trace.fallback_reason) == ("rules", "deadline")
    assert judged.verdict == judge_turn(SCENARIO, MESSAGE, "en")
    assert (answered.trace.engine, answered.trace.fallback_reason) == ("rules", "deadline")
    assert answered.line == await rules_line()
    assert "1.5 s deadline" in (answered.trace.fallback_detail or "")
    # The judge used up the budget: the customer's line was not even asked for.
    assert len(server.requests) == 1


async def test_a_hung_endpoint_costs_a_session_start_no_more_than_the_deadline(server, make_engine):
    server.script(*[HUNG] * 3)
    emitted: list[str] = []

    async def emit(piece: str) -> None:
        emitted.append(piece)

    began = time.monotonic()
    opened = (
        await make_engine(server.base_url)
        .turn()
        .open(SCENARIO, PERSONA, DIFFICULTY, SEED, "en", emit)
    )
    assert time.monotonic() - began <= DEADLINE + SLACK
    assert opened.trace.fallback_reason == "deadline"
    assert opened.line == customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)[1].en
    assert "".join(emitted).replace(" ", "") == opened.line.replace(" ", "")


async def test_a_retry_after_past_the_deadline_is_not_waited(server, make_engine):
    too_long = error(429, "slow down", headers={"retry-after": "120"})
    server.script(*[too_long] * 6)
    judged, answered, took = await play_turn(make_engine(server.base_url))

    assert took <= SLACK  # no point waiting for a retry that cannot come in time
    for trace in (judged.trace, answered.trace):
        assert (trace.engine, trace.fallback_reason) == ("rules", "rate_limited")
        assert "a retry in 120 s would end past the 1.5 s deadline" in (trace.fallback_detail or "")
    assert len(server.requests) == 2  # one try each, no retry


async def test_retries_that_fit_in_the_deadline_are_made(server, make_engine):
    brief = error(429, "slow down", headers={"retry-after-ms": "50"})
    server.script(brief, judge_reply(SCENARIO, MESSAGE), brief, streamed("Fine, go on."))
    judged, answered, _ = await play_turn(make_engine(server.base_url))

    assert judged.trace.engine == "llm" and answered.trace.engine == "llm"
    assert answered.line == "Fine, go on."
    assert len(server.requests) == 4


async def test_slow_answers_share_one_deadline(server, make_engine):
    # Each answer alone fits in the deadline; the two of them do not.
    server.script(
        Reply(delay=1.0, body=judge_reply(SCENARIO, MESSAGE).body),
        Reply(delay=1.0, stream=streamed("Too late.").stream),
    )
    judged, answered, took = await play_turn(make_engine(server.base_url, timeout_seconds=20))

    assert took <= DEADLINE + SLACK
    assert judged.trace.engine == "llm"
    assert (answered.trace.engine, answered.trace.fallback_reason) == ("rules", "deadline")
    assert answered.line == await rules_line(judged.verdict)


async def test_each_turn_has_its_own_deadline(server, make_engine):
    engine = make_engine(server.base_url)
    server.script(Reply(delay=1.0, body=judge_reply(SCENARIO, MESSAGE).body))
    first = await engine.turn().judge(SCENARIO, MESSAGE, "en", [])
    server.script(Reply(delay=1.0, body=judge_reply(SCENARIO, "Thanks.").body))
    second = await engine.turn().judge(SCENARIO, "Thanks.", "en", [])
    assert first.trace.engine == second.trace.engine == "llm"


async def test_a_stalled_stream_ends_at_the_deadline_with_the_rules_line(server, make_engine):
    server.script(
        Reply(stream=streamed("Well, ", "let me ", "think", " about it.").stream, chunk_delay=0.6)
    )
    emitted: list[str] = []

    async def emit(piece: str) -> None:
        emitted.append(piece)

    began = time.monotonic()
    answered = (
        await make_engine(server.base_url)
        .turn()
        .reply(
            SCENARIO,
            opening_state(),
            signal_of(judge_turn(SCENARIO, MESSAGE, "en")),
            [],
            "en",
            emit,
        )
    )
    assert time.monotonic() - began <= DEADLINE + SLACK
    assert answered.trace.fallback_reason == "deadline"
    assert emitted and emitted[0] == "Well,"  # part of the model's line went out …
    assert answered.line == await rules_line()  # … the rules line is the one that stands
    assert len(server.requests) == 1  # a stream already heard is never asked again


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "120"}, 120.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "soon"}, 2.0),  # unreadable: the backoff of a third try
        ({}, 2.0),
    ],
)
def test_retry_wait_reads_the_server_s_headers_else_backs_off(headers, wait):
    assert retry_wait(rate_limited(headers), 2) == pytest.approx(wait)


def test_retry_wait_reads_an_http_date():
    from datetime import UTC, datetime, timedelta

    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= retry_wait(rate_limited({"retry-after": when}), 0) <= 90


def test_the_backoff_doubles_up_to_8_seconds():
    assert [retry_wait(rate_limited({}), n) for n in range(6)] == [0.5, 1, 2, 4, 8, 8]


def test_the_deadline_comes_from_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("PACER_LLM_TURN_DEADLINE_SECONDS", "7.5")
    config = LlmConfig.of(Settings(llm_model="m"))
    assert config is not None and config.turn_deadline_seconds == 7.5
    monkeypatch.delenv("PACER_LLM_TURN_DEADLINE_SECONDS")
    assert LlmConfig.of(Settings(llm_model="m")).turn_deadline_seconds == 15  # type: ignore[union-attr]


def rate_limited(headers: dict[str, str]) -> openai.RateLimitError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(429, headers=headers, request=request)
    return openai.RateLimitError("slow down", response=response, body=None)
