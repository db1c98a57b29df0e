"""Persona facts and red-line reactions (issue 16, item 4): the customer answers what the rep
asked when its persona lists the fact, in either language ("how many seats", "多少个账号",
"多少人用"), and never makes up one it lacks; a red line gets the scenario's own reaction, trust
falls, and no later turn agrees as if nothing happened. No database."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.engines.customer import (
    RED_LINE_LOSS,
    TurnSignal,
    numbers_in,
    respond,
    script_to_pass,
    start,
)
from coaching.engines.customer_facts import NO_FACT, TOPIC_CUES, asked_topics
from coaching.scenario import load_scenarios
from coaching.scenario_model import FACT_TOPICS, build_scenario, rubric_hash
from tests.support.scenario_sample import minimal_scenario, phrases, text, write_scenario

SHIPPED = load_scenarios(strict=True)
B2B = SHIPPED["b2b_software_price"]


def with_facts(facts: list[dict], persona: str = "buyer", **red_line) -> tuple:
    data = minimal_scenario()
    next(p for p in data["personas"] if p["id"] == persona)["facts"] = facts
    data["red_lines"][0].update(red_line)
    return data, build_scenario(data, Path("price_objection.json"), 80)


SEATS = {"topic": "seats", "answer": {"zh": "我们一共45个人用。", "en": "45 people will use it."}}
BUDGET = {"topic": "budget", "answer": {"zh": "预算12万。", "en": "The budget is 120,000."}}


def first_reply(scenario, message: str, persona: str = "buyer", signal: TurnSignal | None = None):
    state, _ = start(scenario, persona, "normal", seed=3)
    signal = signal or TurnSignal(message=message)
    return respond(scenario, state, TurnSignal(signal.passed_checks, signal.red_lines, message))


# --- answering the question asked --------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "How many seats would you need?",
        "Roughly how many users will log in every day?",
        "And what's your headcount on the support team?",
        "你们大概需要多少个账号？",
        "平时多少人用这个系统？",
        "团队里有几个人会用到？",
    ],
)
def test_a_seats_question_in_either_language_gets_the_fact(message):
    _, scenario = with_facts([SEATS, BUDGET])
    _, line = first_reply(scenario, message)
    assert line.zh.startswith("我们一共45个人用。") and line.en.startswith("45 people will use it.")
    assert "预算12万" not in line.zh  # only what was asked


def test_two_questions_get_both_answers_in_the_persona_s_order():
    _, scenario = with_facts([BUDGET, SEATS])
    _, line = first_reply(scenario, "What's the budget, and how many seats?")
    assert line.en.startswith("The budget is 120,000. 45 people will use it.")


@pytest.mark.parametrize(
    "message", ["When do you want to go live?", "你们希望什么时候上线？", "What's the timeline?"]
)
def test_a_fact_the_persona_lacks_is_never_made_up(message):
    _, scenario = with_facts([SEATS, BUDGET])
    _, line = first_reply(scenario, message)
    assert line.zh.startswith(NO_FACT.zh) and line.en.startswith(NO_FACT.en)
    rest = line.en[len(NO_FACT.en) :]
    spoken = {
        n
        for o in scenario.objections
        for t in (*o.phrasings, *o.pushbacks)
        for n in numbers_in(t.en)
    }
    assert numbers_in(rest) <= spoken | numbers_in(NO_FACT.en)


@pytest.mark.parametrize(
    "message",
    [
        "We have 60 seats on the professional plan.",
        "我们的方案按坐席收费，性价比很高。",
        "Whenever you're ready, I can send the proposal.",
    ],
)
def test_a_statement_asks_nothing(message):
    _, scenario = with_facts([SEATS, BUDGET])
    _, line = first_reply(scenario, message)
    assert "45" not in line.en and NO_FACT.en not in line.en


def test_a_topic_of_its_own_is_asked_by_the_file_s_phrases():
    fact = {
        "topic": "warehouse",
        "answer": text("Our warehouse is in Kunshan"),
        "asked_by": phrases(["仓库在哪"], ["where … warehouse"]),
    }
    _, scenario = with_facts([fact])
    assert asked_topics("Where is your main warehouse?", scenario.persona("buyer").facts) == [
        "warehouse"
    ]
    _, line = first_reply(scenario, "你们仓库在哪儿？")
    assert line.zh.startswith("Our warehouse is in Kunshan（中文）")


def test_every_built_in_topic_has_cues_in_both_languages():
    assert set(TOPIC_CUES) == set(FACT_TOPICS)
    assert all(cues.zh and cues.en for cues in TOPIC_CUES.values())


def test_every_shipped_persona_lists_facts_of_built_in_topics_once():
    for scenario in SHIPPED:
        for persona in scenario.personas:
            topics = [fact.topic for fact in persona.facts]
            assert topics and len(set(topics)) == len(topics), (scenario.id, persona.id)
            assert set(topics) <= set(FACT_TOPICS)


@pytest.mark.parametrize(
    ("message", "language"),
    [("你们客服有多少个坐席？", "zh"), ("How many agents do you have?", "en")],
)
def test_a_shipped_customer_answers_its_seats(message, language):
    _, line = first_reply(B2B, message, persona="cs_director")
    assert "60" in line.get(language)


# --- the file's rules ---------------------------------------------------------------------------


def test_a_repeated_topic_and_an_unknown_one_without_phrases_are_problems(tmp_path):
    data, _ = with_facts([SEATS, SEATS, {"topic": "warehouse", "answer": text("Kunshan")}])
    write_scenario(tmp_path, data)
    found = {(p.path, p.message.split(",")[0]) for p in load_scenarios(tmp_path).problems}
    assert ("$.personas[2].facts[1].topic", "repeated topic 'seats'") in found
    assert any(path == "$.personas[2].facts[2].topic" and "built-in" in m for path, m in found)


# --- red lines ----------------------------------------------------------------------------------

REACTION = {"zh": "你这折扣谁批的？", "en": "Who approved that discount?"}


def test_the_reactions_are_part_of_the_schema_but_not_of_the_rubric(tmp_path):
    data, _ = with_facts([], reactions=[REACTION])
    write_scenario(tmp_path, data)
    loaded = load_scenarios(tmp_path)
    assert loaded.ok, loaded.problems
    plain = minimal_scenario()
    assert loaded["price_objection"].rubric_hash == rubric_hash(plain)
    assert loaded["price_objection"].red_lines[0].reactions[0].en == REACTION["en"]


def test_a_red_line_gets_the_file_s_reaction_and_trust_falls_visibly():
    _, scenario = with_facts([], reactions=[REACTION])
    state, _ = start(scenario, "buyer", "normal", seed=3)
    crossed, line = respond(
        scenario, state, TurnSignal(red_lines=frozenset({"unauthorised_discount"}))
    )
    assert line.zh.startswith(REACTION["zh"]) and line.en.startswith(REACTION["en"])
    assert crossed.trust == max(0, state.trust - RED_LINE_LOSS)


@pytest.mark.parametrize("scenario", list(SHIPPED), ids=lambda s: s.id)
def test_every_shipped_red_line_reacts_with_its_own_lines(scenario):
    for red_line in scenario.red_lines:
        assert red_line.reactions, red_line.id
        state, _ = start(scenario, scenario.personas[0].id, "easy", seed=1)
        _, line = respond(scenario, state, TurnSignal(red_lines=frozenset({red_line.id})))
        assert any(
            line.en.startswith(r.en) and line.zh.startswith(r.zh) for r in red_line.reactions
        )


@settings(max_examples=40, deadline=None)
@given(
    scenario_id=st.sampled_from(list(SHIPPED.ids)),
    seed=st.integers(0, 10_000),
    later=st.lists(st.sampled_from(["address", "all", "nothing"]), min_size=1, max_size=12),
)
def test_after_a_red_line_no_later_turn_agrees(scenario_id, seed, later):
    scenario = SHIPPED[scenario_id]
    state, _ = start(scenario, scenario.personas[0].id, "easy", seed)
    red_line = scenario.red_lines[0]
    state, _ = respond(scenario, state, TurnSignal(red_lines=frozenset({red_line.id})))
    every = frozenset(c.id for crit in scenario.criteria for c in crit.checks)
    for move in later:
        if state.finished:
            break
        current = state.current_objection
        checks = {
            "address": frozenset({script_to_pass(scenario)[current]} if current else ()),
            "all": every,
            "nothing": frozenset(),
        }[move]
        state, line = respond(scenario, state, TurnSignal(checks))
        if state.last_move == "hold" and not state.finished:
            assert any(r.en in line.en for r in red_line.reactions)
    assert state.outcome != "agreed"
