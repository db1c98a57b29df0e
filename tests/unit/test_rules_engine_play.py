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

SCENARIOS = load_scenarios(strict=True).scenarios
WEAK = {
    "zh": "好的，我明白了，您再考虑考虑。",
    "en": "Okay, I see. Take your time to think about it.",
}


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


def model_answers(scenario, language: str):
    """Each turn: the model answer of the criterion that addresses the objection on the
    table, together with the next criterion's not yet given — a strong rep covers the
    whole rubric by the time the customer is won."""
    script = customer.script_to_pass(scenario)
    unsaid = list(scenario.criteria)

    def reply(state) -> str:
        chosen = []
        if state.current_objection is not None:
            chosen.append(scenario.criterion_of(script[state.current_objection]))
        chosen += [c for c in unsaid if c not in chosen][:1]
        for criterion in chosen:
            if criterion in unsaid:
                unsaid.remove(criterion)
        return " ".join(c.model_answer.get(language) for c in chosen or scenario.criteria[:1])

    return reply


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
