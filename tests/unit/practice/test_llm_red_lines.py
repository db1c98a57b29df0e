"""The red lines' second look by the `llm` engine (issue 16, item 2), against a scripted
OpenAI-compatible server over real HTTP: the rules judge goes first and its hits always stand;
the model may add a red line the rules missed, quoting the rep's exact words; on any failure
or timeout the rules verdict stands and the trace says why."""

from __future__ import annotations

import pytest

from coaching.engines.base import EngineTrace
from coaching.engines.judge import judge_turn
from coaching.engines.llm import LlmConfig, LlmEngine
from coaching.engines.llm_cache import MemoryVerdictCache
from coaching.engines.llm_prompts import EXAMPLES_SHOWN, judge_messages
from coaching.scenario import load_scenarios
from tests.support.scripted_llm import Reply, error, judge_reply, scripted_llm

SCENARIO = load_scenarios(strict=True)["b2b_software_price"]
CROSSES = "我们保证提效30%，上线就见效。"
"""Crosses `invented_numbers` by the rules (an absolute guarantee)."""
SUBTLE = "Between the two of us, the number on the quote is not the number you will pay."
"""Hints at an off-list price in words the rules do not list."""
QUOTE = "the number on the quote is not the number you will pay"


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

    def make(base_url: str, cache=None, **config) -> LlmEngine:
        config = {"model": "pacer-test-model", "timeout_seconds": 5.0, "max_retries": 0, **config}
        engine = LlmEngine(LlmConfig(base_url=base_url, **config), cache=cache)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        await engine.aclose()


def test_the_sample_replies_are_what_they_claim_for_the_rules_judge():
    assert {hit.red_line_id for hit in judge_turn(SCENARIO, CROSSES).red_lines} == {
        "invented_numbers"
    }
    assert judge_turn(SCENARIO, SUBTLE).red_lines == ()


async def test_the_model_never_removes_a_rules_hit(server, make_engine):
    server.script(judge_reply(SCENARIO, CROSSES))  # the model sees no red line
    judgement = await make_engine(server.base_url).judge(SCENARIO, CROSSES, "zh", [])

    rules = judge_turn(SCENARIO, CROSSES, "zh")
    assert judgement.trace.engine == "llm" and judgement.trace.red_lines_added == ()
    assert judgement.verdict.red_lines == rules.red_lines


async def test_the_model_may_add_a_red_line_with_the_rep_s_exact_words(server, make_engine):
    server.script(judge_reply(SCENARIO, SUBTLE, red_lines={"unauthorised_discount": QUOTE}))
    judgement = await make_engine(server.base_url).judge(SCENARIO, SUBTLE, "en", [])

    (hit,) = judgement.verdict.red_lines
    assert hit.red_line_id == "unauthorised_discount"
    assert SUBTLE[hit.evidence.start : hit.evidence.end] == hit.evidence.text == QUOTE
    assert judgement.trace.engine == "llm"
    assert judgement.trace.red_lines_added == ("unauthorised_discount",)


async def test_the_same_red_line_twice_keeps_the_rules_evidence(server, make_engine):
    server.script(judge_reply(SCENARIO, CROSSES, red_lines={"invented_numbers": "上线就见效"}))
    judgement = await make_engine(server.base_url).judge(SCENARIO, CROSSES, "zh", [])

    rules = judge_turn(SCENARIO, CROSSES, "zh")
    assert judgement.verdict.red_lines == rules.red_lines
    assert judgement.trace.red_lines_added == ()


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (judge_reply(SCENARIO, CROSSES, red_lines={"fake_deadline": "只到今天"}), "invented_quote"),
        (error(500, "boom", {"x-should-retry": "false"}), "http_error"),
        (Reply(delay=3.0, body={}), "deadline"),
    ],
    ids=["invented quote", "server error", "hung"],
)
async def test_on_any_failure_the_rules_verdict_stands_and_the_trace_says_so(
    server, make_engine, reply, reason
):
    server.script(reply)
    engine = make_engine(server.base_url, turn_deadline_seconds=0.5)

    judgement = await engine.judge(SCENARIO, CROSSES, "zh", [])

    assert judgement.verdict == judge_turn(SCENARIO, CROSSES, "zh")
    assert judgement.trace.engine == "rules"
    assert judgement.trace.fallback_reason == reason, judgement.trace.fallback_detail
    assert judgement.trace.red_lines_added == ()


async def test_a_cached_verdict_gets_the_same_second_look(server, make_engine):
    cache = MemoryVerdictCache()
    server.script(judge_reply(SCENARIO, SUBTLE, red_lines={"unauthorised_discount": QUOTE}))
    engine = make_engine(server.base_url, cache=cache)
    first = await engine.judge(SCENARIO, SUBTLE, "en", [])
    again = await engine.judge(SCENARIO, SUBTLE, "en", [])

    assert len(server.requests) == 1 and again.trace.cached
    assert again.verdict == first.verdict
    assert again.trace.red_lines_added == ("unauthorised_discount",)


def test_the_trace_keeps_the_added_red_lines_through_json():
    trace = EngineTrace(engine="llm", model="m", red_lines_added=("fake_deadline",))
    data = trace.to_json()
    assert data["red_lines_added"] == ["fake_deadline"]
    assert EngineTrace.from_json(data) == trace
    older = {key: value for key, value in data.items() if key != "red_lines_added"}
    assert EngineTrace.from_json(older).red_lines_added == ()


def test_the_judge_prompt_shows_a_few_examples_of_a_long_red_line():
    red_line = SCENARIO.red_lines[0]
    assert len(red_line.indicators.en) > EXAMPLES_SHOWN
    prompt = "\n".join(m["content"] for m in judge_messages(SCENARIO, SUBTLE, "en"))
    shown = [phrase for phrase in red_line.indicators.en if f'"{phrase}"' in prompt]
    assert red_line.indicators.en[:EXAMPLES_SHOWN] == tuple(shown[:EXAMPLES_SHOWN])
    assert f'"{red_line.indicators.en[-1]}"' not in prompt
