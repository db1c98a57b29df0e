"""The red lines' second look through GraphQL on the `llm` engine, against a scripted
OpenAI-compatible server on 127.0.0.1 (issue 16, item 2): a red line the model adds shows in
the turn with the rep's exact words and in the judge trace's `redLinesAdded`; the rules' hit
stands when the model sees none; a failing model leaves the rules verdict, and says so. Both
databases."""

from __future__ import annotations

import pytest

from coaching.engines.judge import judge_turn
from tests.support.graphql import run
from tests.support.practice import SCENARIO
from tests.support.scripted_llm import MODEL, error, judge_reply, streamed

TURN = """number redLines { redLineId evidence { start end text } }
  judge { engine fallbackReason redLinesAdded }"""
SUBTLE = "Honestly, the figure on paper is not what you will end up paying."
QUOTE = "the figure on paper is not what you will end up paying"
CROSSES = "I can promise you will save at least 20% in the first year, guaranteed."


@pytest.fixture
def app_settings(llm_server):
    return {
        "llm_model": MODEL,
        "llm_base_url": llm_server.base_url,
        "llm_timeout_seconds": 2,
        "llm_max_retries": 0,
    }


async def turn_on_llm(api, server, message: str, *judge) -> dict:
    server.script(streamed("Your price is too high."))
    started = await run(
        api,
        "startPractice",
        {"scenario": SCENARIO.id, "engine": "LLM", "language": "en", "seed": 3},
        "session { id }",
        as_="rep",
    )
    assert started["errors"] == []
    server.script(*judge, streamed("Hm."))
    answer = await run(
        api,
        "respondInPractice",
        {"session": started["session"]["id"], "message": message},
        f"turn {{ {TURN} }}",
        as_="rep",
    )
    assert answer["errors"] == []
    return answer["turn"]


async def test_a_red_line_the_rules_missed_is_added_with_the_rep_s_words(api, llm_server):
    assert judge_turn(SCENARIO, SUBTLE).red_lines == ()
    turn = await turn_on_llm(
        api,
        llm_server,
        SUBTLE,
        judge_reply(SCENARIO, SUBTLE, red_lines={"unauthorised_discount": QUOTE}),
    )
    (hit,) = turn["redLines"]
    evidence = hit["evidence"]
    assert hit["redLineId"] == "unauthorised_discount"
    assert SUBTLE[evidence["start"] : evidence["end"]] == evidence["text"] == QUOTE
    assert turn["judge"] == {
        "engine": "LLM",
        "fallbackReason": None,
        "redLinesAdded": ["unauthorised_discount"],
    }


async def test_the_rules_hit_stands_when_the_model_sees_none(api, llm_server):
    ruled = [hit.red_line_id for hit in judge_turn(SCENARIO, CROSSES).red_lines]
    assert ruled
    turn = await turn_on_llm(api, llm_server, CROSSES, judge_reply(SCENARIO, CROSSES))
    assert [hit["redLineId"] for hit in turn["redLines"]] == ruled
    assert turn["judge"]["redLinesAdded"] == []


async def test_a_failing_model_leaves_the_rules_verdict_and_says_so(api, llm_server):
    ruled = [hit.red_line_id for hit in judge_turn(SCENARIO, CROSSES).red_lines]
    turn = await turn_on_llm(api, llm_server, CROSSES, error(500, "boom"))
    assert [hit["redLineId"] for hit in turn["redLines"]] == ruled
    assert turn["judge"] == {
        "engine": "RULES",
        "fallbackReason": "http_error",
        "redLinesAdded": [],
    }
