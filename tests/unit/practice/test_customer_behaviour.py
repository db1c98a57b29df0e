"""The rules customer behaves like a customer a trainer trusts (issue 16, item 4): it agrees
only when the score path allows a pass and otherwise says why not; it reacts to a red line and
does not agree afterwards as if nothing happened; it never says the same line twice in a row;
it answers what the rep asked when its own lines hold the fact; it never quotes the rep saying
what the rep did not say; tips cite only numbers the customer gave; only checks of objections
raised are scored as missed. No database."""

from __future__ import annotations

from pathlib import Path

import pytest

from coaching.engines.customer import (
    REACTIONS,
    RED_LINE_LOSS,
    CustomerState,
    TurnSignal,
    may_pass,
    raised_objections,
    respond,
    script_to_pass,
    start,
)
from coaching.engines.judge import TurnVerdict
from coaching.engines.scoring import running_score, score_session, uncounted_checks
from coaching.practice.rules import turn_feedback
from coaching.scenario import load_scenarios
from coaching.scenario_model import DIFFICULTY_LEVELS, Scenario, build_scenario
from tests.support.scenario_sample import minimal_scenario, text

SHIPPED = load_scenarios(strict=True)
B2B = SHIPPED["b2b_software_price"]


def sample(**changes) -> Scenario:
    data = minimal_scenario()
    data.update(changes)
    return build_scenario(data, Path("price_objection.json"), 80)


def every_check(scenario: Scenario) -> frozenset[str]:
    return frozenset(check.id for criterion in scenario.criteria for check in criterion.checks)


def addressing_only(scenario: Scenario, state: CustomerState, message: str = "") -> TurnSignal:
    """The one check that settles the objection on the table, nothing more."""
    current = state.current_objection
    checks = {script_to_pass(scenario)[current]} if current else set()
    return TurnSignal(frozenset(checks), message=message)


def settle_everything(scenario: Scenario, state: CustomerState) -> CustomerState:
    while state.current_objection is not None and not state.finished:
        state, _ = respond(scenario, state, addressing_only(scenario, state))
    return state


# --- agreement only when the score path allows a pass ------------------------------------------


def test_no_agreement_while_the_score_is_below_the_pass_mark_and_it_says_why_not():
    scenario = B2B  # settling each objection alone leaves discovery and closing unscored
    state, _ = start(scenario, "cfo", "easy", seed=0)
    lines = []
    while not state.finished:
        signal = addressing_only(scenario, state)
        if not signal.passed_checks:  # all settled: keep replying usefully, never enough
            signal = TurnSignal(frozenset({"disc_budget_range"}))
        state, line = respond(scenario, state, signal)
        lines.append((state, line))
    below = [(s, line) for s, line in lines if s.last_move == "hold" and not s.finished]
    assert below, "every objection settled below the pass mark must hold, not agree"
    assert state.outcome != "agreed"
    for held, line in below:
        assert running_score(scenario, held.passed, raised_objections(held)) < scenario.pass_mark
        # why not: a pushback of an objection that a missed check would settle (or the last)
        pushbacks = {p.en for o in scenario.objections for p in o.pushbacks}
        assert any(line.en.endswith(p) for p in pushbacks), line


def test_agreement_comes_once_the_checks_reach_the_pass_mark():
    scenario = B2B
    state, _ = start(scenario, "cfo", "easy", seed=0)
    state = settle_everything(scenario, state)
    assert not may_pass(scenario, state)
    while not state.finished:
        state, line = respond(scenario, state, TurnSignal(every_check(scenario)))
    assert state.outcome == "agreed" and line in scenario.closing_lines.agreed
    assert may_pass(scenario, state)


@pytest.mark.parametrize("scenario", list(SHIPPED), ids=lambda s: s.id)
@pytest.mark.parametrize("difficulty", DIFFICULTY_LEVELS)
def test_no_shipped_customer_agrees_with_a_failing_score(scenario, difficulty):
    for persona in scenario.personas:
        for seed in range(4):
            state, _ = start(scenario, persona.id, difficulty, seed)
            while not state.finished:
                state, _ = respond(scenario, state, addressing_only(scenario, state))
            if state.outcome == "agreed":
                verdict_score = running_score(scenario, state.passed, raised_objections(state))
                assert verdict_score >= scenario.pass_mark


# --- red lines -----------------------------------------------------------------------------------


def test_a_red_line_gets_a_reaction_and_no_agreement_afterwards():
    scenario = sample()
    state, _ = start(scenario, "buyer", "easy", seed=1)
    crossed, line = respond(
        scenario, state, TurnSignal(frozenset(), frozenset({"unauthorised_discount"}))
    )
    assert crossed.trust == state.trust - RED_LINE_LOSS
    assert any(line.en.startswith(reaction.en) for reaction in REACTIONS)
    # Two turns later everything is settled and every check passed: still no agreement.
    state = settle_everything(scenario, crossed)
    while not state.finished:
        state, line = respond(scenario, state, TurnSignal(every_check(scenario)))
        if not state.finished:
            assert state.last_move == "hold"
            assert any(line.en.endswith(reaction.en) for reaction in REACTIONS)
    assert state.outcome != "agreed"


def test_a_scenario_s_own_reactions_are_used():
    data = minimal_scenario()
    data["red_lines"][0]["reactions"] = [text("Now I doubt your whole offer.")]
    scenario = build_scenario(data, Path("price_objection.json"), 80)
    state, _ = start(scenario, "buyer", "easy", seed=1)
    _, line = respond(scenario, state, TurnSignal(red_lines=frozenset({"unauthorised_discount"})))
    assert line.en.startswith("Now I doubt your whole offer. (English)")


# --- never the same line twice in a row -------------------------------------------------------


@pytest.mark.parametrize("scenario", [sample(), *SHIPPED], ids=lambda s: s.id)
def test_never_the_same_line_back_to_back(scenario):
    for persona in scenario.personas:
        for seed in range(6):
            state, previous = start(scenario, persona.id, "hard", seed)
            signals = [TurnSignal(), TurnSignal(frozenset({"no_such_check"}))]
            turn = 0
            while not state.finished:
                signal = (
                    signals[turn % 2]
                    if turn % 3
                    else TurnSignal(frozenset(next(iter(every_check(scenario))).split()))
                )
                state, line = respond(scenario, state, signal)
                assert line != previous, (scenario.id, persona.id, seed, state.turn)
                previous, turn = line, turn + 1


def test_a_single_pushback_is_not_repeated_either():
    scenario = sample()  # every objection has one pushback
    state, previous = start(scenario, "buyer", "normal", seed=2)
    for _ in range(3):
        state, line = respond(scenario, state, TurnSignal())
        assert line != previous
        previous = line


# --- answering what the rep asked ------------------------------------------------------------


BUDGET = next(p for o in B2B.objections if o.id == "no_budget" for p in o.phrasings if "15" in p.zh)


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("你们今年这块的预算范围大概是多少？", "zh"),
        ("What budget range do you have this year?", "en"),
    ],
)
def test_the_budget_is_answered_when_the_rep_asks(message, language):
    state, _ = start(B2B, "cfo", "normal", seed=0)
    _, line = respond(B2B, state, TurnSignal(frozenset({"disc_budget_range"}), message=message))
    assert line.get(language).startswith(BUDGET.get(language))


def test_nothing_is_volunteered_when_the_rep_does_not_ask():
    state, _ = start(B2B, "cfo", "normal", seed=0)
    _, line = respond(B2B, state, TurnSignal(message="We have a great product for you."))
    assert BUDGET.en not in line.en


# --- no words put in the rep's mouth ------------------------------------------------------------

QUOTING = next(
    p for o in B2B.objections if o.id == "roi_doubt" for p in o.phrasings if "20" in p.zh
)


def test_the_customer_never_quotes_a_figure_the_rep_did_not_give():
    for persona in B2B.personas:
        for seed in range(40):
            state, line = start(B2B, persona.id, "hard", seed)
            assert QUOTING.zh not in line.zh and QUOTING.en not in line.en
            while not state.finished:
                signal = TurnSignal(frozenset({"disc_budget_range"}), message="Noted.")
                state, line = respond(B2B, state, signal)
                assert QUOTING.zh not in line.zh and QUOTING.en not in line.en


def test_the_customer_may_quote_a_figure_the_rep_gave():
    said = False
    for seed in range(40):
        state, _ = start(B2B, "cfo", "hard", seed)
        if state.current_objection != "roi_doubt":
            continue
        message = "我们的客户平均能提效20%。"
        state, line = respond(
            B2B, state, TurnSignal(frozenset({"disc_budget_range"}), message=message)
        )
        assert "20" in state.rep_claims
        said = said or QUOTING.zh in line.zh
    assert said


# --- tips cite only the customer's numbers -----------------------------------------------------


def empty_verdict(scenario: Scenario) -> TurnVerdict:
    return TurnVerdict(scenario.id, scenario.rubric_hash, "zh", (), ())


def test_a_tip_citing_numbers_the_customer_never_gave_is_passed_over():
    own_numbers = B2B.check("roi_own_numbers")
    assert own_numbers is not None and own_numbers.tip is not None and "60" in own_numbers.tip.zh
    feedback = turn_feedback(B2B, empty_verdict(B2B), "too_expensive", frozenset(), ["太贵了。"])
    assert feedback.tip is not None and feedback.tip != own_numbers.tip
    assert "60" not in feedback.tip.zh and "8,500" not in feedback.tip.zh
    given = ["我们60个坐席，人均每月8,500元。"]
    feedback = turn_feedback(B2B, empty_verdict(B2B), "too_expensive", frozenset(), given)
    assert feedback.tip == own_numbers.tip


def test_without_a_transcript_the_tip_is_as_before():
    feedback = turn_feedback(B2B, empty_verdict(B2B), "too_expensive", frozenset())
    assert feedback.tip == B2B.check("roi_own_numbers").tip  # type: ignore[union-attr]


# --- only checks of objections raised are scored as missed -----------------------------------


def passing_verdict(scenario: Scenario, *check_ids: str) -> TurnVerdict:
    from coaching.engines.judge import CheckVerdict, Evidence

    checks = tuple(
        CheckVerdict(
            c.id, crit.id, c.id in check_ids, Evidence(0, 1, "x") if c.id in check_ids else None
        )
        for crit in scenario.criteria
        for c in crit.checks
    )
    return TurnVerdict(scenario.id, scenario.rubric_hash, "en", checks, ())


def test_a_check_of_an_objection_never_raised_is_not_missed():
    verdicts = [passing_verdict(B2B, "disc_budget_range")]
    everything = score_session(B2B, verdicts)
    raised = score_session(B2B, verdicts, raised=("too_expensive",))
    missed_all = {m.check_id for m in everything.missed}
    missed_raised = {m.check_id for m in raised.missed}
    # competitor_cheaper, roi_doubt, no_budget, just_discount never came up:
    unraised = {"obj_like_for_like", "roi_proof", "neg_phased", "neg_trade"}
    assert unraised <= missed_all and not unraised & missed_raised
    # too_expensive did: its checks are still missed
    assert {"roi_own_numbers", "neg_tiers"} <= missed_raised
    options = {c.criterion_id: c.total for c in raised.criteria}["options"]
    assert options == 1  # neg_tiers only: neg_phased and neg_trade settle unraised objections
    assert uncounted_checks(B2B, ("too_expensive",)) == frozenset(unraised)
    uncounted = {c.check_id for c in raised.checks if not c.counted}
    assert uncounted == unraised


def test_a_check_of_an_unraised_objection_still_counts_when_passed():
    verdicts = [passing_verdict(B2B, "obj_like_for_like")]
    raised = score_session(B2B, verdicts, raised=("too_expensive",))
    objections = next(c for c in raised.criteria if c.criterion_id == "objections")
    assert (objections.passed, objections.total) == (1, 2)


def test_every_check_counts_without_the_raised_objections():
    verdicts = [passing_verdict(B2B)]
    assert len(score_session(B2B, verdicts).missed) == len(every_check(B2B))
    assert uncounted_checks(B2B, None) == frozenset()


def test_a_criterion_with_nothing_to_count_leaves_the_weighting():
    scenario = sample()
    # Only 'price' raised: ask_timeline (timing) and offer_case (risk) and ask_budget (budget)
    # settle objections never raised; quantify_roi is the only check left to count.
    verdicts = [passing_verdict(scenario, "quantify_roi")]
    result = score_session(scenario, verdicts, raised=("price",))
    assert result.score == 100.0
    discovery = next(c for c in result.criteria if c.criterion_id == "discovery")
    assert discovery.total == 0


def test_a_state_stored_before_the_new_fields_still_loads():
    from coaching.engines.base import state_from_json, state_to_json

    state, _ = start(B2B, "cfo", "normal", seed=0)
    state, _ = respond(B2B, state, TurnSignal(frozenset({"disc_budget_range"}), message="20%?"))
    stored = state_to_json(state)
    assert state_from_json(stored) == state
    old = {k: v for k, v in stored.items() if k not in ("passed", "red_lines", "rep_claims")}
    loaded = state_from_json({**old, "last_line": ""})
    assert (loaded.passed, loaded.red_lines, loaded.rep_claims) == ((), (), ())
    respond(B2B, loaded, TurnSignal())  # and plays on
