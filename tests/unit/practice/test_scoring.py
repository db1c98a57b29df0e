"""Session scores from the judge's verdicts: partial credit, weights, capabilities, blockers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.engines.judge import CheckVerdict, Evidence, RedLineHit, TurnVerdict, judge_turn
from coaching.engines.scoring import (
    capability_scores,
    criterion_scores,
    score_session,
    weighted_score,
)
from coaching.scenario import load_scenarios


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios(strict=True)


def turn(scenario, passed=(), red_lines=()) -> TurnVerdict:
    """A verdict passing exactly `passed` (check ids), hitting `red_lines` (ids)."""
    checks = tuple(
        CheckVerdict(
            check.id,
            criterion.id,
            check.id in passed,
            Evidence(0, len(check.id), check.id) if check.id in passed else None,
        )
        for criterion in scenario.criteria
        for check in criterion.checks
    )
    hits = tuple(RedLineHit(line, Evidence(0, 1, "x")) for line in red_lines)
    return TurnVerdict(scenario.id, scenario.rubric_hash, "zh", checks, hits)


def all_check_ids(scenario):
    return [check.id for criterion in scenario.criteria for check in criterion.checks]


def test_partial_credit_is_the_share_of_checks_passed(scenarios):
    scenario = scenarios["b2b_software_price"]
    scores = {c.criterion_id: c for c in criterion_scores(scenario, ["disc_budget_range"])}
    assert scores["discovery"].passed == 1 and scores["discovery"].total == 3
    assert scores["discovery"].share == pytest.approx(1 / 3)
    assert scores["roi"].share == 0


def test_weights_are_normalised():
    assert weighted_score([(20, 1.0), (30, 0.0)]) == 40.0
    assert weighted_score([(2, 1.0), (3, 0.0)]) == 40.0
    assert weighted_score([(1, 0.5)]) == 50.0
    assert weighted_score([]) == 0.0


def test_overall_score_weighs_the_criteria(scenarios):
    scenario = scenarios["b2b_software_price"]
    # discovery (20) fully passed and roi (30) one of three: (20 + 10) / 100.
    result = score_session(
        scenario,
        [turn(scenario, ["disc_budget_range", "disc_baseline", "disc_decision", "roi_proof"])],
    )
    assert result.score == 30.0
    assert not result.passed


def test_a_check_passed_in_any_turn_stays_passed_with_its_first_evidence(scenarios):
    scenario = scenarios["nev_buyer"]
    first = judge_turn(scenario, "您不着急，慢慢考虑。")
    second = judge_turn(scenario, "Take your time, and shall we book a test drive?")
    third = judge_turn(scenario, "还有别的问题吗？")
    result = score_session(scenario, [first, second, third])
    by_id = {check.check_id: check for check in result.checks}
    assert by_id["cls_no_pressure"].turn == 0
    assert by_id["cls_no_pressure"].evidence.text == "不着急"
    assert by_id["cls_next_step"].turn == 1 and by_id["cls_next_step"].passed
    assert not by_id["nd_usage"].passed and by_id["nd_usage"].turn is None


def test_capabilities_group_criteria_by_weight(scenarios):
    scenario = scenarios["b2b_software_price"]
    criteria = criterion_scores(scenario, all_check_ids(scenario))
    capabilities = {c.capability: c for c in capability_scores(criteria)}
    assert set(capabilities) == {c.capability for c in scenario.criteria}
    assert all(c.score == 100.0 for c in capabilities.values())
    assert sum(c.weight for c in capabilities.values()) == sum(c.weight for c in scenario.criteria)


def test_capability_score_is_weighted_within_the_group():
    from coaching.engines.scoring import CriterionScore

    criteria = [
        CriterionScore("a", "negotiation", 30, 1, 1, 1.0),
        CriterionScore("b", "negotiation", 10, 0, 2, 0.0),
        CriterionScore("c", "closing", 5, 1, 2, 0.5),
    ]
    capabilities = {c.capability: c for c in capability_scores(criteria)}
    assert capabilities["negotiation"].score == 75.0
    assert capabilities["negotiation"].weight == 40
    assert capabilities["closing"].score == 50.0


def test_full_marks_pass_and_a_red_line_blocks_whatever_the_score(scenarios):
    scenario = scenarios["soe_procurement"]
    perfect = turn(scenario, all_check_ids(scenario))
    assert score_session(scenario, [perfect]).passed
    blocked = score_session(
        scenario, [perfect, turn(scenario, red_lines=["unauthorised_discount"])]
    )
    assert blocked.score == 100.0
    assert not blocked.passed
    assert [(b.red_line_id, b.turn) for b in blocked.blockers] == [("unauthorised_discount", 1)]


def test_pass_mark_is_inclusive(scenarios):
    scenario = scenarios["b2b_software_price"]
    # Everything but the 20-weight discovery criterion: exactly 80.
    passed = [c.id for crit in scenario.criteria if crit.id != "discovery" for c in crit.checks]
    result = score_session(scenario, [turn(scenario, passed)])
    assert result.score == 80.0 == scenario.pass_mark
    assert result.passed


def test_missed_checks_carry_the_model_answer(scenarios):
    scenario = scenarios["gatekeeper_cold_call"]
    result = score_session(scenario, [turn(scenario, ["introduce_self"])])
    missed = {m.check_id: m for m in result.missed}
    assert "introduce_self" not in missed
    assert len(missed) == len(all_check_ids(scenario)) - 1
    criterion = scenario.criterion_of("specific_reason")
    assert missed["specific_reason"].model_answer == criterion.model_answer
    assert missed["specific_reason"].question == scenario.check("specific_reason").question


def test_no_turns_scores_zero(scenarios):
    scenario = scenarios["renewal_upsell"]
    result = score_session(scenario, [])
    assert result.score == 0.0 and not result.passed and result.blockers == ()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 100), st.floats(0, 1)), max_size=10))
def test_weighted_score_is_between_0_and_100(parts):
    assert 0.0 <= weighted_score(parts) <= 100.0


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_score_in_range_and_monotone_in_passed_checks(scenarios, data):
    scenario = data.draw(st.sampled_from(list(scenarios)))
    ids = all_check_ids(scenario)
    smaller = data.draw(st.sets(st.sampled_from(ids)))
    larger = smaller | data.draw(st.sets(st.sampled_from(ids)))
    low = score_session(scenario, [turn(scenario, smaller)])
    high = score_session(scenario, [turn(scenario, larger)])
    assert 0.0 <= low.score <= high.score <= 100.0
    for small, large in zip(low.capabilities, high.capabilities, strict=True):
        assert small.score <= large.score
    if larger - smaller:
        extra = next(iter(larger - smaller))
        assert high.score > low.score or scenario.criterion_of(extra).weight == 0
