"""Each hard filter at its edge, with the numbers of why, and the lead rules behind them."""

from __future__ import annotations

import pytest

from coaching.routing import (
    decide,
    is_high_potential,
    lead_needs,
    relaxation_level_for,
    required_flags,
)
from coaching.routing.lead_rules import matches
from coaching.routing.policy import Condition
from tests.support.routing import DEFAULT, lead, make_policy, rep, simple_policy


def only_reason(decision, rep_id):
    [reason] = decision.why_not(rep_id)
    return reason


@pytest.mark.parametrize(("load", "eligible"), [(13, True), (14, True), (15, False), (16, False)])
def test_capacity_left(load, eligible):
    decision = decide(lead(), [rep(1, capacity=15, open_load=load)], simple_policy())
    assert (decision.rep_id == 1) is eligible
    if not eligible:
        reason = only_reason(decision, 1)
        assert (reason.filter, reason.text()) == ("capacity_left", f"load {load}/15")
        assert decision.exclusions.capacity == ((1, load, 15),)
        assert decision.outcome == "fallback_queue"


def test_a_rep_with_no_capacity_is_never_eligible():
    decision = decide(lead(), [rep(1, capacity=0)], simple_policy())
    assert decision.rep_id is None and decision.why_not(1)[0].text() == "load 0/0"


@pytest.mark.parametrize(
    ("status", "filter_name", "text"),
    [("on_leave", "not_on_leave", "status on_leave"), ("inactive", "active", "status inactive")],
)
def test_status(status, filter_name, text):
    decision = decide(lead(), [rep(1, status=status), rep(2)], simple_policy())
    assert decision.rep_id == 2
    reason = only_reason(decision, 1)
    assert (reason.filter, reason.text()) == (filter_name, text)
    assert decision.exclusions.counts == {filter_name: 1}
    assert reason.text("zh") in ("休假中", "已离岗")


def test_territory():
    reps = [rep(1, territories={"shanghai"}), rep(2, territories={"chengdu", "xian"})]
    decision = decide(lead(territory="chengdu"), reps, simple_policy())
    assert decision.rep_id == 2
    assert only_reason(decision, 1).text() == "territory 'chengdu' not in ['shanghai']"
    assert decision.why_not(2) == ()


def test_a_lead_without_territory_skips_the_territory_filter_and_says_so():
    decision = decide(lead(territory=None), [rep(1, territories={"chengdu"})], simple_policy())
    assert decision.rep_id == 1
    assert decision.notes[0] == "the lead has no territory: the territory filter was not applied"


def test_certification_applies_only_to_the_leads_its_condition_names():
    reps = [rep(1, flags={"strategic_accounts"}), rep(2, open_load=0, capacity=100)]
    policy = make_policy(relaxation=[])
    small = decide(lead(estimated_value=199_999_999), reps, policy)
    big = decide(lead(estimated_value=200_000_000), reps, policy)
    assert small.eligible_count == 2 and big.eligible_count == 1 and big.rep_id == 1
    reason = only_reason(big, 2)
    assert reason.filter == "certification"
    assert reason.text() == "missing flag 'strategic_accounts'"
    assert big.exclusions.certification == {"strategic_accounts": (2,)}


def test_a_certification_filter_without_condition_applies_to_every_lead():
    filters = DEFAULT["filters"][:4] + [{"field": "certification", "flag": "trained"}]
    policy = make_policy(filters=filters, relaxation=[])
    decision = decide(lead(), [rep(1), rep(2, flags={"trained"})], policy)
    assert decision.rep_id == 2 and only_reason(decision, 1).detail == {"missing": ["trained"]}


@pytest.mark.parametrize(("score", "eligible"), [(39.9, False), (40, True), (41, True)])
def test_capability_minimum_on_the_needed_dimensions(score, eligible):
    capability = {"negotiation": score, "needs_discovery": 10}  # needs_discovery not needed
    needs = [{"dimension": "negotiation", "when": {"segment_in": ["smb"]}}]
    policy = make_policy(needs=needs, relaxation=[])
    decision = decide(lead(), [rep(1, capability=capability)], policy)
    assert decision.needs == ("negotiation",)
    assert (decision.rep_id == 1) is eligible
    if not eligible:
        reason = only_reason(decision, 1)
        assert reason.detail == {"minimum": 40.0, "below": {"negotiation": 39.9}}
        assert reason.text() == "capability below the minimum: negotiation 39.9 < 40"


def test_the_callers_exclusion():
    decision = decide(lead(), [rep(1), rep(2)], simple_policy(), exclude=frozenset({1}))
    assert decision.rep_id == 2
    assert only_reason(decision, 1).filter == "excluded"


def test_a_rep_failing_several_filters_is_listed_under_each():
    bad = rep(1, status="on_leave", territories={"xian"}, open_load=10)
    decision = decide(lead(), [bad, rep(2)], simple_policy())
    filters = [reason.filter for reason in decision.why_not(1)]
    assert filters == ["not_on_leave", "territory", "capacity_left"]
    assert decision.exclusions.counts == {"not_on_leave": 1, "territory": 1, "capacity_left": 1}
    assert decision.exclusions.rep_ids == (1,)


# --- what a lead needs ----------------------------------------------------------------------


def test_the_default_needs_rules():
    policy = make_policy()
    assert lead_needs(lead(signals={"battery_swap_interest"}), policy) == ("product_knowledge",)
    assert lead_needs(lead(product_interests={"suv"}), policy) == ("product_knowledge",)
    assert lead_needs(lead(segment="government"), policy) == ("needs_discovery",)
    assert lead_needs(lead(estimated_value=49_999_999), policy) == ()
    assert lead_needs(lead(estimated_value=50_000_000), policy) == ("negotiation",)
    both = lead(segment="rental", signals={"competitor_quote", "requested_quote"})
    assert lead_needs(both, policy) == ("solution_presentation", "objection_handling", "closing")


def test_high_potential_by_value_or_signal():
    policy = make_policy()
    assert is_high_potential(lead(estimated_value=50_000_000), policy)
    assert is_high_potential(lead(signals={"fleet_tender"}), policy)
    assert not is_high_potential(lead(estimated_value=49_999_999), policy)
    assert not is_high_potential(lead(), policy)


def test_required_flags():
    policy = make_policy()
    value = lead(segment="government", estimated_value=300_000_000)
    assert required_flags(value, policy) == ("government_procurement", "strategic_accounts")
    assert required_flags(lead(), policy) == ()


def test_conditions_hold_only_when_every_criterion_does():
    condition = Condition(
        segment_in=frozenset({"smb"}),
        source_in=frozenset({"web"}),
        attribute_equals=(("fleet_size", 20),),
    )
    assert matches(condition, lead(attributes={"fleet_size": 20}))
    assert not matches(condition, lead(attributes={"fleet_size": 21}))
    assert not matches(condition, lead(source="event", attributes={"fleet_size": 20}))
    assert not matches(condition, lead())
    assert matches(Condition(territory_in=frozenset({"shanghai"})), lead())
    assert not matches(Condition(has_product_interest=False), lead(product_interests={"suv"}))
    assert not matches(Condition(estimated_value_at_least=1), lead(estimated_value=None))
    assert matches(Condition(high_potential=True), lead(), high_potential=True)
    assert not matches(Condition(high_potential=True), lead())


def test_needs_may_depend_on_high_potential():
    needs = [{"dimension": "closing", "when": {"high_potential": True}}]
    policy = make_policy(needs=needs)
    assert lead_needs(lead(signals={"requested_quote"}), policy) == ("closing",)
    assert lead_needs(lead(), policy) == ()


@pytest.mark.parametrize(
    ("minutes", "attempts", "level"),
    [
        (0, 0, 0),
        (29, 0, 0),
        (30, 0, 1),
        (0, 1, 1),
        (119, 1, 1),
        (120, 0, 2),
        (0, 2, 2),
        (999, 9, 2),
    ],
)
def test_relaxation_level_for_the_sla_sweep(minutes, attempts, level):
    assert relaxation_level_for(make_policy(), waited_minutes=minutes, attempts=attempts) == level


def test_relaxation_steps_apply_in_order():
    steps = [{"drop": "certification"}, {"drop": "capability_minimum", "after_minutes": 10}]
    policy = make_policy(relaxation=steps)
    # the first step has no due time, so the second cannot be due either
    assert relaxation_level_for(policy, waited_minutes=60, attempts=5) == 0
