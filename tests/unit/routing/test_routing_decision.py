"""One lead's decision: score, tie-break, relaxation, fallback, co-owner, the stored explanation."""

from __future__ import annotations

import json

import pytest

from coaching.routing import DIMENSIONS, Decision, choose_co_owner, decide
from coaching.routing.lead_rules import profile_of
from coaching.routing.policy import TERMS
from coaching.routing.table import CandidateTable, rank
from coaching.routing.terms import ALL_ZERO_NOTE
from tests.support.routing import DEFAULT, lead, make_policy, rep, simple_policy


def test_the_best_total_wins_and_its_terms_add_up():
    reps = [
        rep(1, specialties={"smb": 2}),
        rep(2, specialties={"smb": 5}, conversion={("smb", "web"): (8, 10)}),
        rep(3, specialties={"smb": 4}, open_load=9),
    ]
    decision = decide(lead(lead_id="L-1"), reps, simple_policy())
    assert decision.rep_id == 2 and decision.outcome == "assigned"
    assert decision.policy_version == DEFAULT["version"] and decision.lead_id == "L-1"
    assert [t.term for t in decision.terms] == list(TERMS)
    assert sum(t.contribution for t in decision.terms) == pytest.approx(decision.total)
    by_term = {t.term: t for t in decision.terms}
    assert by_term["specialty"].value == 1.0 and by_term["specialty"].weight == 0.15
    # the pooled estimate: rep 2's 8 of 10 lifts them above the company rate, the others
    # (no history) sit below it; the value is the posterior mean plus the exploration bonus,
    # read as lift over twice the company's rate for such a lead
    table = CandidateTable(reps)
    estimate = rank(table, profile_of(lead(lead_id="L-1"), simple_policy()), simple_policy())
    assert estimate.estimate is not None
    mean, bonus = estimate.estimate.mean, estimate.estimate.bonus
    base = estimate.estimate.base
    assert by_term["conversion"].value == pytest.approx(min(1, (mean[1] + bonus[1]) / (2 * base)))
    assert mean[1] > mean[0] == mean[2]
    assert abs(bonus[1]) <= simple_policy().estimate.exploration.max_bonus
    # rep 3's specialty (4 of 5, weight 0.15) outweighs their load (9 of 10, weight 0.05)
    assert [r.rep_id for r in decision.top] == [2, 3, 1]
    assert [r.total for r in decision.top] == sorted((r.total for r in decision.top), reverse=True)
    assert decision.top[0].total == pytest.approx(decision.total)
    assert decision.eligible_count == 3 and decision.candidate_count == 3


def test_the_top_five_only():
    decision = decide(lead(), [rep(i) for i in range(1, 9)], simple_policy())
    assert len(decision.top) == 5 and decision.eligible_count == 8


# --- tie-break: total desc, fewer recent assignments, lower load ratio, rep_id asc ----------


def zero_but_specialty():
    return simple_policy(
        weights={"specialty": 1, "capability": 0, "load": 0, "conversion": 0, "fairness": 0}
    )


def test_tie_break_fewer_recent_assignments_first():
    reps = [rep(1, recent_assignments=3), rep(2, recent_assignments=2, open_load=9)]
    decision = decide(lead(), reps, zero_but_specialty())
    assert decision.rep_id == 2
    assert decision.tie_break.endswith("won on fewer recent assignments (2 < 3)")


def test_tie_break_then_lower_load_ratio():
    reps = [
        rep(1, open_load=5, capacity=10),
        rep(2, open_load=3, capacity=4),
        rep(3, open_load=4, capacity=10),
    ]
    decision = decide(lead(), reps, zero_but_specialty())
    assert decision.rep_id == 3 and [r.rep_id for r in decision.top] == [3, 1, 2]
    assert "a lower load (4/10 < 5/10)" in decision.tie_break


def test_tie_break_then_lower_rep_id():
    decision = decide(lead(), [rep(7), rep(3), rep(5)], zero_but_specialty())
    assert decision.rep_id == 3 and decision.tie_break.endswith("the lower rep id")


def test_no_tie_break_note_without_a_tie():
    reps = [rep(1, specialties={"smb": 5}), rep(2)]
    assert decide(lead(), reps, zero_but_specialty()).tie_break is None


def test_all_zero_weights_rank_by_fairness_and_say_so():
    policy = simple_policy(weights=dict.fromkeys(TERMS, 0))
    reps = [rep(1, recent_assignments=4, specialties={"smb": 5}), rep(2, recent_assignments=1)]
    decision = decide(lead(), reps, policy)
    assert decision.rep_id == 2 and decision.weights_note == ALL_ZERO_NOTE
    assert {t.term: t.weight for t in decision.terms}["fairness"] == 1.0
    assert decision.explain()[-1] == (
        "Every weight in the policy is zero: the reps were ranked by fairness alone"
    )


# --- relaxation and fallback -------------------------------------------------------------------


def certified_policy(**changes):
    filters = DEFAULT["filters"][:4] + [
        {"field": "certification", "flag": "strategic_accounts"},
        {"field": "capability_minimum", "minimum": 60},
    ]
    needs = [{"dimension": "negotiation", "when": {"segment_in": ["smb"]}}]
    return make_policy(**({"filters": filters, "needs": needs} | changes))


def test_relaxation_steps_are_tried_in_order_while_nobody_is_eligible():
    weak = dict.fromkeys(DIMENSIONS, 50)
    reps = [rep(1, capability=weak), rep(2, capability=weak, flags={"strategic_accounts"})]
    decision = decide(lead(), reps, certified_policy())
    assert decision.rep_id in (1, 2) and decision.outcome == "assigned"
    assert [(r.step, r.drop, r.cause) for r in decision.relaxations] == [
        (0, "certification", "nobody_eligible"),
        (1, "capability_minimum", "nobody_eligible"),
    ]
    assert [r.eligible_after for r in decision.relaxations] == [0, 2]
    assert (
        "Relaxation step 1: dropped the required certification because nobody was eligible; "
        "0 eligible after it"
    ) in decision.explain()


def test_relaxation_stops_at_the_first_step_that_finds_someone():
    reps = [rep(1, capability=dict.fromkeys(DIMENSIONS, 80))]
    decision = decide(lead(), reps, certified_policy())
    assert decision.rep_id == 1
    assert [(r.drop, r.eligible_after) for r in decision.relaxations] == [("certification", 1)]


def test_a_requested_relaxation_level_is_recorded():
    reps = [rep(1, capability=dict.fromkeys(DIMENSIONS, 80), flags={"strategic_accounts"})]
    decision = decide(lead(), reps, certified_policy(), relaxation_level=2)
    assert [(r.drop, r.cause) for r in decision.relaxations] == [
        ("certification", "requested"),
        ("capability_minimum", "requested"),
    ]
    assert decide(lead(), reps, certified_policy(), relaxation_level=9).relaxations == (
        decision.relaxations
    )


def test_nobody_eligible_goes_to_the_fallback_queue_with_the_reason():
    decision = decide(lead(), [rep(1, open_load=10), rep(2, status="on_leave")], make_policy())
    assert decision.outcome == "fallback_queue" and decision.rep_id is None
    assert decision.queue == "routing-triage" and decision.total is None
    assert decision.fallback.reason == (
        "nobody eligible after 2 relaxation step(s) (excluded: not_on_leave 1, capacity_left 1)"
    )
    assert decision.explain()[0] == (
        "Sent to queue routing-triage: nobody was eligible after 2 relaxation steps"
    )
    assert len(decision.relaxations) == 2


def test_no_candidates_at_all_goes_to_the_queue():
    decision = decide(lead(), [], make_policy())
    assert decision.queue == "routing-triage" and "(no candidates)" in decision.fallback.reason


def test_the_fallback_owner_takes_the_lead_when_able():
    policy = simple_policy(fallback={"owner": "R009", "queue": "triage"})
    owner = rep(9, territories={"beijing"})
    decision = decide(lead(), [rep(1, open_load=10), owner], policy)
    assert decision.outcome == "fallback_owner" and decision.rep_id == 9 and decision.queue is None
    assert decision.fallback.owner_rep_id == 9 and decision.total is not None
    assert decision.explain()[0].startswith("Assigned to the fallback owner #9: score ")


@pytest.mark.parametrize(
    ("owner", "why"),
    [
        (rep(9, status="on_leave"), "is on_leave"),
        (rep(9, open_load=10, territories={"beijing"}), "is at capacity (10/10)"),
        (rep(8, external_id="R008"), "is not among the candidates"),
    ],
)
def test_a_fallback_owner_who_cannot_take_it_leaves_it_to_the_queue(owner, why):
    policy = simple_policy(fallback={"owner": "R009", "queue": "triage"})
    reps = [rep(1, open_load=10), owner] if owner.rep_id == 9 else [rep(1, open_load=10)]
    decision = decide(lead(), reps, policy)
    assert decision.outcome == "fallback_queue" and decision.queue == "triage"
    assert decision.fallback.reason.endswith(f"the fallback owner 'R009' {why}")


def test_an_excluded_fallback_owner_is_not_used():
    policy = simple_policy(fallback={"owner": "R009", "queue": "triage"})
    decision = decide(lead(), [rep(9)], policy, exclude=frozenset({9}))
    assert decision.queue == "triage" and "is excluded" in decision.fallback.reason


# --- co-owner ------------------------------------------------------------------------------


def high_value_lead():
    return lead(estimated_value=60_000_000)  # high-potential, needs negotiation


def co_owner_reps():
    weak = dict.fromkeys(DIMENSIONS, 90) | {"negotiation": 45}
    return [
        rep(1, capability=weak, specialties={"smb": 5}, conversion={("smb", "web"): (9, 10)}),
        rep(2, level="senior", capability=dict.fromkeys(DIMENSIONS, 80), open_load=5),
        rep(3, level="senior", capability=dict.fromkeys(DIMENSIONS, 85), open_load=8),
        rep(4, level="senior", capability=dict.fromkeys(DIMENSIONS, 95), open_load=10),
        rep(5, level="mid", capability=dict.fromkeys(DIMENSIONS, 99)),
    ]


def test_a_weak_winner_on_a_high_potential_lead_gets_a_senior_co_owner():
    decision = decide(high_value_lead(), co_owner_reps(), simple_policy())
    assert decision.rep_id == 1 and decision.high_potential and decision.needs == ("negotiation",)
    co = decision.co_owner
    # 4 is full, 5 is not senior: 3 scores highest of the rest
    assert (co.dimension, co.winner_score, co.rep_id, co.score) == ("negotiation", 45, 3, 85)
    assert decision.owner_rep_ids == (1, 3)
    assert co.reason == (
        "the owner scores 45 in negotiation, below 60: senior rep 3 (85 there) co-owns the lead"
    )


def test_no_co_owner_when_no_senior_qualifies():
    reps = co_owner_reps()[:1] + [rep(2, level="senior", capability={"negotiation": 70})]
    co = decide(high_value_lead(), reps, simple_policy()).co_owner
    assert co.rep_id is None and co.dimension == "negotiation"
    assert co.reason.endswith("no eligible senior rep with capacity left scores 75 or more there")


def test_no_co_owner_for_an_ordinary_lead_or_a_strong_winner():
    reps = co_owner_reps()
    assert decide(lead(), reps, simple_policy()).co_owner is None  # not high-potential
    strong = [rep(1, capability=dict.fromkeys(DIMENSIONS, 60))] + reps[1:]
    assert decide(high_value_lead(), strong, simple_policy()).co_owner is None  # 60 is enough
    never = simple_policy(co_owner=DEFAULT["co_owner"] | {"applies_to": "none"})
    assert decide(high_value_lead(), reps, never).co_owner is None


def test_the_co_owner_dimension_is_the_winners_weakest_needed_one():
    policy = simple_policy(co_owner=DEFAULT["co_owner"] | {"applies_to": "all"})
    winner = rep(1, capability=dict.fromkeys(DIMENSIONS, 90) | {"negotiation": 55, "closing": 30})
    senior = rep(2, level="senior", capability=dict.fromkeys(DIMENSIONS, 80))
    shopper = lead(estimated_value=60_000_000, signals={"requested_quote"})
    co = choose_co_owner(shopper, winner, [winner, senior], policy)
    assert (co.dimension, co.winner_score, co.rep_id) == ("closing", 30, 2)


# --- the stored explanation ------------------------------------------------------------------


def test_the_decision_is_json_and_reads_back():
    reps = co_owner_reps() + [rep(6, territories={"chengdu"}), rep(7, status="inactive")]
    decision = decide(high_value_lead(), reps, simple_policy(), exclude=frozenset({5}))
    data = decision.to_json()
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    again = Decision.from_json(json.loads(text))
    assert again.to_json() == data
    assert again.why_not(6)[0].text() == "territory 'shanghai' not in ['chengdu']"
    assert data["exclusions"]["counts"] == {
        "active": 1,
        "territory": 1,
        "capacity_left": 1,
        "excluded": 1,
    }
    assert data["co_owner"]["rep_id"] == 3 and data["needs"] == ["negotiation"]


def test_a_queue_decision_is_json_too():
    decision = decide(lead(), [rep(1, open_load=10)], make_policy())
    assert Decision.from_json(json.loads(json.dumps(decision.to_json()))) == decision


def test_a_decision_is_never_unassigned():
    with pytest.raises(ValueError, match="never an unassigned lead"):
        Decision.from_json(decide(lead(), [rep(1)], simple_policy()).to_json() | {"rep_id": None})


def test_the_explanation_in_both_languages():
    reps = [rep(1, specialties={"smb": 5}), rep(2, open_load=10)]
    decision = decide(lead(), reps, simple_policy())
    english, chinese = decision.explain("en"), decision.explain("zh")
    assert english[0].startswith("Assigned to rep #1: ") and "specialty 1.00×0.15" in english[0]
    assert english[1:3] == ["1 of 2 candidates were eligible", "Excluded: 1 at capacity"]
    assert chinese[0].startswith("分配给销售 #1") and chinese[1] == "2 名候选人中 1 名符合条件"
    assert chinese[2] == "排除：负载已满 1 名"
    assert decision.why_not(2)[0].text("zh") == "负载已满 10/10"
