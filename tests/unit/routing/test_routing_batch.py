"""Batch routing: the assignment solver over capacity slots, against a brute force and greedy."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.routing import DIMENSIONS, Decision, assign_batch, greedy_batch, lead_needs
from coaching.routing.lead_rules import profile_of
from coaching.routing.table import CandidateTable
from coaching.routing.terms import (
    capability_term,
    effective_weights,
    fairness_term,
    load_term,
    specialty_term,
)
from tests.support.routing import candidates, lead, leads, make_policy, rep, simple_policy


def test_identical_leads_spread_evenly_over_identical_reps():
    reps = [rep(i, capacity=20) for i in range(1, 6)]
    result = assign_batch([lead()] * 23, reps, simple_policy())
    assert sorted(result.new_leads().values()) == [4, 4, 5, 5, 5]
    assert result.assigned_count == 23 and result.exact and result.method == "batch"


def test_capacity_is_respected_and_the_rest_goes_to_the_fallback():
    reps = [rep(1, capacity=3, open_load=1), rep(2, capacity=2), rep(3, status="on_leave")]
    result = assign_batch([lead(lead_id=i) for i in range(7)], reps, simple_policy())
    assert result.new_leads() == {1: 2, 2: 2}
    queued = [a for a in result.assignments if a.outcome == "fallback_queue"]
    assert len(queued) == 3 and all(a.queue == "routing-triage" for a in queued)
    assert queued[0].fallback.reason == (
        "no eligible rep had a slot left in this batch after 0 relaxation step(s)"
    )
    decision = result.decision(queued[0].index)
    assert decision.outcome == "fallback_queue" and decision.lead_id == queued[0].index


def test_the_fallback_owner_takes_leftovers_while_it_has_slots():
    policy = simple_policy(fallback={"owner": "R009", "queue": "triage"})
    reps = [rep(1, capacity=1), rep(9, territories={"beijing"}, capacity=2)]
    result = assign_batch([lead()] * 5, reps, policy)
    assert [a.outcome for a in result.assignments].count("fallback_owner") == 2
    assert result.new_leads() == {1: 1, 9: 2}
    last = result.assignments[-1]
    assert last.outcome == "fallback_queue"
    assert last.fallback.reason.endswith("the fallback owner 'R009' has no slot left")


def test_the_solver_beats_greedy_where_greedy_takes_the_scarce_specialist():
    policy = simple_policy(
        weights={"specialty": 1, "capability": 0, "load": 0, "conversion": 0, "fairness": 0}
    )
    x = rep(1, capacity=1, specialties={"smb": 5, "rental": 5})
    y = rep(2, capacity=1, specialties={"smb": 4})
    batch = [lead(segment="smb"), lead(segment="rental")]
    greedy = greedy_batch(batch, [x, y], policy)
    solved = assign_batch(batch, [x, y], policy)
    assert [a.rep_id for a in greedy.assignments] == [1, 2]
    assert [a.rep_id for a in solved.assignments] == [2, 1]
    assert solved.total_score == pytest.approx(1.8) and greedy.total_score == pytest.approx(1.0)


def test_the_solver_assigns_as_many_leads_as_possible_before_scoring_them():
    policy = simple_policy(
        weights={"specialty": 1, "capability": 0, "load": 0, "conversion": 0, "fairness": 0}
    )
    x = rep(1, capacity=1, territories={"shanghai", "chengdu"}, specialties={"smb": 5, "rental": 1})
    y = rep(2, capacity=1)
    batch = [lead(segment="smb"), lead(segment="rental", territory="chengdu")]
    # x alone can take the Chengdu lead: giving x the Shanghai lead (1.0) would leave it queued
    solved = assign_batch(batch, [x, y], policy)
    assert [a.rep_id for a in solved.assignments] == [2, 1]
    assert solved.assigned_count == 2 and solved.total_score == pytest.approx(0.2)
    greedy = greedy_batch(batch, [x, y], policy)
    assert greedy.assigned_count == 1 and greedy.total_score == pytest.approx(1.0)


def test_leads_nobody_certified_can_take_are_assigned_after_relaxation():
    policy = make_policy()
    strong = dict.fromkeys(DIMENSIONS, 80)
    reps = [rep(1, capability=strong), rep(2, capability=strong)]
    big = lead(estimated_value=300_000_000)  # needs the strategic_accounts flag
    result = assign_batch([big, lead()], reps, policy)
    assert [a.level for a in result.assignments] == [1, 0]
    decision = result.decision(0)
    assert [(r.drop, r.cause) for r in decision.relaxations] == [
        ("certification", "batch_capacity")
    ]


def test_each_lead_has_a_full_json_decision():
    reps = [rep(1, capacity=2), rep(2, capacity=2, open_load=1), rep(3, territories={"xian"})]
    result = assign_batch([lead(lead_id=f"L{i}") for i in range(4)], reps, simple_policy())
    decisions = result.decisions()
    assert [d.rep_id for d in decisions] == [a.rep_id for a in result.assignments]
    for decision, assignment in zip(decisions, result.assignments, strict=True):
        assert decision.method == "batch" and decision.slot == assignment.slot
        assert decision.total == pytest.approx(assignment.total, abs=1e-12)
        data = decision.to_json()
        assert Decision.from_json(json.loads(json.dumps(data))).to_json() == data
    # the second lead given to rep 1 is scored with the load it had by then
    second = next(d for d in decisions if d.rep_id == 1 and d.slot == 1)
    assert {t.term: t.value for t in second.terms}["load"] == pytest.approx(0.5)  # 1/2


def test_splitting_a_large_component_still_respects_every_rule():
    reps = [rep(i, capacity=3, territories={"shanghai", "chengdu"}) for i in range(1, 9)]
    batch = [
        lead(territory=t, segment=s)
        for t in ("shanghai", "chengdu")
        for s in ("smb", "rental", "government")
    ] * 3
    whole = assign_batch(batch, reps, simple_policy())
    split = assign_batch(batch, reps, simple_policy(), max_cells=40)
    assert whole.exact and not split.exact and split.blocks > whole.blocks
    assert split.assigned_count == whole.assigned_count == 18
    assert max(split.new_leads().values()) <= 3
    assert split.total_score <= whole.total_score + 1e-9


# --- against a brute force -----------------------------------------------------------------


def oracle_value(policy, the_lead, candidate, slot, reps):
    """The score of giving `the_lead` to `candidate` as its (slot+1)-th new lead, computed
    straight from the term functions."""
    weights, _ = effective_weights(policy)
    needs = lead_needs(the_lead, policy)
    # the pooled estimate (and its exploration draw) is over every rep of the batch's table
    table = CandidateTable(reps)
    estimate = table.lead_estimate(profile_of(the_lead, policy), policy)
    terms = {
        "specialty": specialty_term(candidate.specialties.get(the_lead.segment, 0)),
        "capability": capability_term([candidate.capability.get(d, 0) for d in needs]),
        "load": load_term(candidate.open_load + slot, candidate.capacity),
        "conversion": estimate.term[table.index[candidate.rep_id]],
        "fairness": fairness_term(candidate.recent_assignments + slot, policy.fairness_half_at),
    }
    return sum(weights[t] * float(v) for t, v in terms.items())


def oracle_eligible(the_lead, candidate):
    return candidate.status == "active" and (
        the_lead.territory is None or the_lead.territory in candidate.territories
    )


def brute_force(batch, reps, policy):
    """The best (assigned count, total) over every assignment that respects capacity."""
    best = (0, 0.0)
    options = [[None] + [r for r in reps if oracle_eligible(the_lead, r)] for the_lead in batch]
    for choice in itertools.product(*options):
        counts: dict[int, int] = {}
        total, ok = 0.0, True
        for the_lead, candidate in zip(batch, choice, strict=True):
            if candidate is None:
                continue
            slot = counts.get(candidate.rep_id, 0)
            if candidate.open_load + slot >= candidate.capacity:
                ok = False
                break
            counts[candidate.rep_id] = slot + 1
            total += oracle_value(policy, the_lead, candidate, slot, reps)
        if ok:
            assigned = sum(c is not None for c in choice)
            if (assigned, total) > (best[0], best[1] + 1e-9):
                best = (assigned, total)
    return best


@settings(max_examples=60, deadline=None)
@given(st.lists(leads(), min_size=1, max_size=4), candidates(min_size=1, max_size=3))
def test_the_solver_finds_the_brute_force_optimum(batch, reps):
    policy = simple_policy()
    result = assign_batch(batch, reps, policy)
    count, total = brute_force(batch, reps, policy)
    assert result.assigned_count == count
    assert result.total_score == pytest.approx(total, abs=1e-9)
    # and the solver's own bookkeeping matches the oracle's scores
    by_id = {r.rep_id: r for r in reps}
    for a in result.assignments:
        if a.outcome == "assigned":
            expected = oracle_value(policy, batch[a.index], by_id[a.rep_id], a.slot, reps)
            assert a.total == pytest.approx(expected, abs=1e-12)
