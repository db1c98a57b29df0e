"""Every shipped scenario played through the rules engine — the rep's words judged, the judge's
findings driving the simulated customer, the turns scored: scripted strong replies (the
scenario's own model answers) reach agreement and a pass; weak replies never pass, and a
red line fails a session whatever its score."""

from __future__ import annotations

import pytest

from coaching.engines import customer
from coaching.engines.judge import TurnVerdict, judge_turn
from coaching.engines.scoring import score_session
from coaching.scenario import load_scenarios
from tests.support.rep_replies import WEAK, model_answers

SCENARIOS = load_scenarios(strict=True).scenarios


def play(scenario, replies, language: str, difficulty: str = "normal", seed: int = 1):
    """Send the reply chosen for each state until the customer is done; the verdicts."""
    persona = scenario.personas[0].id
    state, _ = customer.start(scenario, persona, difficulty, seed)
    verdicts: list[TurnVerdict] = []
    while not state.finished:
        verdict = judge_turn(scenario, replies(state), language)
        verdicts.append(verdict)
        signal = customer.TurnSignal(
            frozenset(verdict.passed_check_ids),
            frozenset(hit.red_line_id for hit in verdict.red_lines),
        )
        state, _ = customer.respond(scenario, state, signal)
    return state, verdicts


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_model_answers_win_the_customer_and_pass(scenario, language):
    state, verdicts = play(scenario, model_answers(scenario, language), language)
    result = score_session(scenario, verdicts)
    assert state.outcome == "agreed"
    assert result.blockers == ()
    assert result.passed, (result.score, [m.check_id for m in result.missed])


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_weak_replies_lose_the_customer_and_fail(scenario, language):
    state, verdicts = play(scenario, lambda state: WEAK[language], language)
    result = score_session(scenario, verdicts)
    assert state.outcome in ("declined", "turn_limit")
    assert not result.passed and result.score < scenario.pass_mark


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_a_red_line_fails_a_session_with_a_passing_score(scenario):
    good = model_answers(scenario, "zh")
    _, verdicts = play(scenario, good, "zh")
    line = scenario.red_lines[0].indicators.get("zh")[0]
    crossing = line.replace("{number}", "8").replace("{percent}", "20%")
    verdicts.append(judge_turn(scenario, f"这样吧，{crossing}。", "zh"))
    result = score_session(scenario, verdicts)
    assert result.score >= scenario.pass_mark
    assert [b.red_line_id for b in result.blockers] == [scenario.red_lines[0].id]
    assert not result.passed


def test_the_same_seed_and_replies_give_the_same_session():
    scenario = SCENARIOS[0]
    first = play(scenario, model_answers(scenario, "en"), "en", seed=7)
    again = play(scenario, model_answers(scenario, "en"), "en", seed=7)
    assert first == again
