"""The `rules` engine's simulated customer: rules, determinism, every shipped scenario."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.engines.customer import (
    ADDRESSED_GAIN,
    HELPFUL_GAIN,
    REACTIONS,
    RED_LINE_LOSS,
    CustomerState,
    TurnSignal,
    respond,
    script_to_pass,
    start,
)
from coaching.scenario import load_scenarios
from coaching.scenario_model import DIFFICULTY_LEVELS, Scenario, Text, build_scenario
from domain.errors import DomainError
from tests.support.scenario_sample import minimal_scenario

SHIPPED = load_scenarios(strict=True)
EMPTY = TurnSignal(frozenset(), frozenset())


def sample() -> Scenario:
    return build_scenario(minimal_scenario(), Path("price_objection.json"), 80)


def passing(*checks: str) -> TurnSignal:
    return TurnSignal(frozenset(checks), frozenset())


def perfect_reply(scenario: Scenario, state: CustomerState) -> TurnSignal:
    """Address the objection on the table; with none left, pass every check (the customer
    agrees only once the score path allows a pass)."""
    script = script_to_pass(scenario)
    if state.current_objection is not None:
        return passing(script[state.current_objection])
    return passing(*(check.id for criterion in scenario.criteria for check in criterion.checks))


def play(scenario: Scenario, state: CustomerState, reply) -> list[tuple[CustomerState, Text]]:
    turns = []
    while not state.finished:
        state, line = respond(scenario, state, reply(scenario, state))
        turns.append((state, line))
        assert len(turns) <= scenario.turn_limits.max
    return turns


# --- start ------------------------------------------------------------------------------------


def test_start_sets_the_difficulty_numbers_and_raises_the_first_objection():
    scenario = sample()
    state, line = start(scenario, "it_head", "normal", seed=7)
    assert (state.scenario_id, state.scenario_version) == ("price_objection", 1)
    assert (state.persona_id, state.difficulty, state.seed, state.turn) == (
        "it_head",
        "normal",
        7,
        0,
    )
    assert (state.trust, state.patience, state.progress) == (40, 4, 0)
    assert state.current_objection is not None and len(state.queue) == 1
    assert len({state.current_objection, *state.queue}) == 2
    assert not state.finished and state.outcome is None
    assert isinstance(line, Text) and line.zh and line.en
    phrasings = scenario.objection(state.current_objection).phrasings
    assert any(line.en.endswith(p.en) and line.zh.endswith(p.zh) for p in phrasings)
    assert line.en.startswith("Why so expensive?")


def test_state_is_immutable():
    state, _ = start(sample(), "buyer", "easy", seed=1)
    with pytest.raises(FrozenInstanceError):
        state.trust = 100  # type: ignore[misc]


def test_difficulties_differ_only_by_their_numbers():
    scenario = sample()
    easy, _ = start(scenario, "buyer", "easy", seed=3)
    hard, _ = start(scenario, "buyer", "hard", seed=3)
    assert easy.trust == 60 and hard.trust == 40
    assert len(hard.queue) + 1 == 4 and len(easy.queue) + 1 == 2


def test_weight_zero_objection_is_never_raised():
    scenario = sample()  # cfo: price weighs 2, timing 0
    for seed in range(30):
        state, _ = start(scenario, "cfo", "hard", seed=seed)
        raised = {state.current_objection, *state.queue}
        assert "timing" not in raised and len(raised) == 3


@pytest.mark.parametrize(
    ("persona", "difficulty", "code"),
    [("nobody", "easy", "UNKNOWN_PERSONA"), ("cfo", "nightmare", "UNKNOWN_DIFFICULTY")],
)
def test_start_rejects_unknown_persona_and_difficulty(persona, difficulty, code):
    with pytest.raises(DomainError) as caught:
        start(sample(), persona, difficulty, seed=1)
    assert caught.value.code == code
    assert caught.value.message("zh") and caught.value.message("en")


# --- respond ----------------------------------------------------------------------------------


def test_addressing_the_objection_raises_trust_and_the_next_objection():
    scenario = sample()
    state, _ = start(scenario, "buyer", "normal", seed=5)
    first, second = state.current_objection, state.queue[0]
    after, line = respond(scenario, state, passing(script_to_pass(scenario)[first]))
    assert after.turn == 1 and after.last_move == "addressed"
    assert after.trust == state.trust + ADDRESSED_GAIN and after.progress == 1
    assert after.addressed == (first,) and after.current_objection == second
    assert after.queue == () and after.patience == state.patience
    assert line.en.startswith("Fair enough.")
    assert any(line.en.endswith(p.en) for p in scenario.objection(second).phrasings)


def test_other_checks_help_a_little_and_the_objection_stays():
    scenario = sample()
    state, _ = start(scenario, "buyer", "normal", seed=5)
    script = script_to_pass(scenario)
    other = next(c for o, c in script.items() if o != state.current_objection)
    after, line = respond(scenario, state, passing(other, "not_a_check"))
    assert after.last_move == "helpful" and after.trust == state.trust + HELPFUL_GAIN
    assert after.current_objection == state.current_objection and after.progress == 1
    assert line in scenario.objection(state.current_objection).phrasings


def test_passing_nothing_costs_patience_and_gets_a_pushback():
    scenario = sample()
    state, _ = start(scenario, "buyer", "normal", seed=5)
    after, line = respond(scenario, state, EMPTY)
    assert after.last_move == "ignored" and after.patience == state.patience - 1
    assert after.trust == state.trust and after.pushbacks == 1
    assert line in scenario.objection(state.current_objection).pushbacks


def test_a_red_line_costs_trust_even_when_the_reply_addresses_the_objection():
    scenario = sample()
    state, _ = start(scenario, "buyer", "normal", seed=5)
    check = script_to_pass(scenario)[state.current_objection]
    after, line = respond(
        scenario, state, TurnSignal(frozenset({check}), frozenset({"unauthorised_discount"}))
    )
    assert after.last_move == "red_line" and after.trust == state.trust - RED_LINE_LOSS
    assert after.addressed == () and after.current_objection == state.current_objection
    # A reaction to the red line, then the pushback.
    assert any(line.en.startswith(reaction.en) for reaction in REACTIONS)
    pushbacks = scenario.objection(state.current_objection).pushbacks
    assert any(line.en.endswith(pushback.en) for pushback in pushbacks)


def test_running_out_of_patience_declines_and_refuses_more_turns():
    scenario = sample()
    state, _ = start(scenario, "buyer", "normal", seed=5)
    for _ in range(4):
        state, line = respond(scenario, state, EMPTY)
    assert state.finished and state.outcome == "declined" and state.patience == 0
    assert line in scenario.closing_lines.declined
    with pytest.raises(DomainError) as caught:
        respond(scenario, state, EMPTY)
    assert caught.value.code == "SESSION_FINISHED"


def test_no_agreement_before_the_minimum_turns():
    scenario = sample()  # easy: 2 objections, trust 60 → 90 after both; min 3 turns
    state, _ = start(scenario, "buyer", "easy", seed=2)
    turns = play(scenario, state, perfect_reply)
    assert [s.outcome for s, _ in turns] == [None, None, "agreed"]
    assert [s.last_move for s, _ in turns] == ["addressed", "addressed", "helpful"]
    assert turns[-1][1] in scenario.closing_lines.agreed


def test_a_state_from_another_scenario_is_refused():
    state, _ = start(sample(), "buyer", "easy", seed=2)
    with pytest.raises(DomainError) as caught:
        respond(SHIPPED["b2b_software_price"], state, EMPTY)
    assert caught.value.code == "SCENARIO_MISMATCH"


def test_script_to_pass_names_an_addressing_check_for_every_objection():
    for scenario in SHIPPED:
        script = script_to_pass(scenario)
        assert set(script) == {o.id for o in scenario.objections}
        for objection in scenario.objections:
            assert script[objection.id] in objection.addressed_by
            assert scenario.check(script[objection.id]) is not None


# --- determinism ------------------------------------------------------------------------------

SIGNALS = [passing("ask_budget"), EMPTY, passing("quantify_roi", "offer_case"), EMPTY]


def transcript(scenario: Scenario, seed: int, signals=SIGNALS, persona="it_head"):
    state, line = start(scenario, persona, "hard", seed)
    out = [(state, line)]
    for signal in signals:
        if state.finished:
            break
        state, line = respond(scenario, state, signal)
        out.append((state, line))
    return out


def test_same_inputs_give_the_same_states_and_lines():
    assert transcript(sample(), 11) == transcript(sample(), 11)
    scenario = SHIPPED["soe_procurement"]
    first, _ = start(scenario, "tech_chief", "hard", 4)
    signals = [perfect_reply(scenario, first), EMPTY, passing("no_such_check")]
    once = transcript(scenario, 4, signals, "tech_chief")
    assert once == transcript(scenario, 4, signals, "tech_chief") and len(once) == 4
    assert transcript(scenario, 5, signals, "tech_chief") != once


def test_different_seeds_give_different_objection_orders():
    for scenario in SHIPPED:
        persona = scenario.personas[0].id
        orders = set()
        for seed in range(20):
            state, _ = start(scenario, persona, "hard", seed)
            orders.add((state.current_objection, *state.queue))
        assert len(orders) > 1, scenario.id


def test_the_global_random_is_not_used():
    import random

    random.seed(1)
    first = transcript(sample(), 3)
    random.seed(2)
    assert transcript(sample(), 3) == first


# --- properties -------------------------------------------------------------------------------

ALL_IDS = sorted(
    {c.id for s in SHIPPED for crit in s.criteria for c in crit.checks}
    | {"ask_budget", "ask_timeline", "quantify_roi", "offer_case", "unknown_check"}
)
RED_LINES = sorted({r.id for s in SHIPPED for r in s.red_lines} | {"unauthorised_discount"})
SCENARIOS = [sample(), *SHIPPED]

signal_strategy = st.builds(
    TurnSignal,
    st.frozensets(st.sampled_from(ALL_IDS), max_size=4),
    st.frozensets(st.sampled_from(RED_LINES), max_size=1),
)


@settings(max_examples=200, deadline=None)
@given(
    index=st.integers(0, len(SCENARIOS) - 1),
    persona_index=st.integers(0, 2),
    difficulty=st.sampled_from(DIFFICULTY_LEVELS),
    seed=st.integers(0, 2**32),
    signals=st.lists(signal_strategy, min_size=40, max_size=40),
    addressing=st.lists(st.booleans(), min_size=40, max_size=40),
)
def test_random_conversations_keep_the_invariants(
    index, persona_index, difficulty, seed, signals, addressing
):
    scenario = SCENARIOS[index]
    state, _ = start(scenario, scenario.personas[persona_index].id, difficulty, seed)
    limits = scenario.turn_limits
    for signal, address in zip(signals, addressing, strict=True):
        if address and state.current_objection is not None:  # mix in replies that address
            signal = TurnSignal(
                signal.passed_checks | perfect_reply(scenario, state).passed_checks,
                signal.red_lines,
            )
        previous = state
        state, line = respond(scenario, state, signal)
        assert isinstance(line, Text) and line.zh and line.en
        assert state.turn == previous.turn + 1 <= limits.max
        assert 0 <= state.trust <= 100 and state.patience >= 0
        if state.outcome == "agreed":
            assert state.turn >= limits.min
            assert state.trust >= scenario.difficulties.get(difficulty).trust_to_agree
        if state.finished:
            break
    assert state.finished and state.outcome in ("agreed", "declined", "turn_limit")
    with pytest.raises(DomainError) as caught:
        respond(scenario, state, EMPTY)
    assert caught.value.code == "SESSION_FINISHED"


# --- every shipped scenario, every difficulty -------------------------------------------------

CASES = [(s.id, level) for s in SHIPPED for level in DIFFICULTY_LEVELS]


@pytest.mark.parametrize(("scenario_id", "difficulty"), CASES)
def test_perfect_replies_reach_agreed(scenario_id, difficulty):
    scenario = SHIPPED[scenario_id]
    for persona in scenario.personas:
        for seed in range(5):
            state, _ = start(scenario, persona.id, difficulty, seed)
            turns = play(scenario, state, perfect_reply)
            final = turns[-1][0]
            assert final.outcome == "agreed", (persona.id, seed, final)
            assert final.turn >= scenario.turn_limits.min
            assert final.current_objection is None and final.queue == ()


@pytest.mark.parametrize(("scenario_id", "difficulty"), CASES)
def test_empty_replies_never_agree(scenario_id, difficulty):
    scenario = SHIPPED[scenario_id]
    for persona in scenario.personas:
        state, _ = start(scenario, persona.id, difficulty, seed=1)
        turns = play(scenario, state, lambda _s, _st: EMPTY)
        final = turns[-1][0]
        assert final.outcome in ("declined", "turn_limit")
        assert turns[-1][1] in scenario.closing_lines.declined
        assert all(s.outcome != "agreed" for s, _ in turns)
