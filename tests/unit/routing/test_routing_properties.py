"""Invariants of routing over random reps and leads (DESIGN §7: what routing must never do)."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.routing import (
    Candidate,
    Decision,
    assign_batch,
    decide,
    greedy_batch,
)
from coaching.routing.policy import TERMS
from coaching.routing.terms import ALL_ZERO_NOTE
from tests.support.routing import candidates, lead, leads, make_policy, rep, simple_policy

POLICIES = {"default": make_policy(), "simple": simple_policy()}
policies = st.sampled_from(sorted(POLICIES)).map(POLICIES.get)


def with_load(candidate: Candidate, open_load: int, recent: int) -> Candidate:
    fields = {name: getattr(candidate, name) for name in Candidate.__dataclass_fields__}
    return Candidate(**(fields | {"open_load": open_load, "recent_assignments": recent}))


def route_one_by_one(batch, reps, policy):
    """decide() lead after lead, each winner's load and recent count growing as the service's
    would; returns the decisions and the reps as they end."""
    reps = {r.rep_id: r for r in reps}
    decisions = []
    for the_lead in batch:
        decision = decide(the_lead, list(reps.values()), policy)
        decisions.append(decision)
        if decision.rep_id is not None:
            r = reps[decision.rep_id]
            reps[r.rep_id] = with_load(r, r.open_load + 1, r.recent_assignments + 1)
    return decisions, reps


def assert_never_unassigned(decision: Decision) -> None:
    assert decision.rep_id is not None or (decision.queue and decision.fallback is not None)
    if decision.outcome != "assigned":
        assert decision.fallback.reason


@settings(max_examples=40, deadline=None)
@given(st.lists(leads(), min_size=1, max_size=15), candidates(), policies)
def test_one_by_one_nobody_goes_over_capacity_or_absent(batch, reps, policy):
    start = {r.rep_id: r for r in reps}
    decisions, end = route_one_by_one(batch, reps, policy)
    for decision in decisions:
        assert_never_unassigned(decision)
        if decision.rep_id is not None:
            assert start[decision.rep_id].status == "active"
    for rep_id, r in end.items():
        given_now = r.open_load - start[rep_id].open_load
        assert given_now == 0 or r.open_load <= r.capacity


@settings(max_examples=40, deadline=None)
@given(st.lists(leads(), min_size=1, max_size=25), candidates(), policies)
def test_the_batch_never_goes_over_capacity_or_to_an_absent_rep(batch, reps, policy):
    result = assign_batch(batch, reps, policy)
    by_id = {r.rep_id: r for r in reps}
    for rep_id, count in result.new_leads().items():
        assert by_id[rep_id].status == "active"
        assert by_id[rep_id].open_load + count <= by_id[rep_id].capacity
    assert len(result.assignments) == len(batch)
    for a in result.assignments:
        assert a.rep_id is not None or (a.queue and a.fallback is not None)
    for i in range(min(3, len(batch))):
        assert_never_unassigned(result.decision(i))


@settings(max_examples=40, deadline=None)
@given(
    leads(),
    candidates(),
    policies,
    st.randoms(use_true_random=False),
    st.frozensets(st.integers(1, 500), max_size=3),
    st.integers(0, 3),
)
def test_same_inputs_same_decision_in_any_candidate_order(the_lead, reps, policy, rnd, out, level):
    first = decide(the_lead, reps, policy, exclude=out, relaxation_level=level)
    shuffled = list(reps)
    rnd.shuffle(shuffled)
    again = decide(the_lead, shuffled, policy, exclude=out, relaxation_level=level)
    assert json.dumps(again.to_json()) == json.dumps(first.to_json())
    assert Decision.from_json(json.loads(json.dumps(first.to_json()))).to_json() == first.to_json()
    if first.rep_id is not None and first.outcome == "assigned":
        assert first.rep_id not in out and not first.why_not(first.rep_id)


@settings(max_examples=25, deadline=None)
@given(st.lists(leads(), min_size=1, max_size=12), candidates(), st.randoms(use_true_random=False))
def test_the_batch_is_deterministic_in_any_candidate_order(batch, reps, rnd):
    shuffled = list(reps)
    rnd.shuffle(shuffled)
    policy = POLICIES["default"]
    assert assign_batch(batch, reps, policy).assignments == (
        assign_batch(batch, shuffled, policy).assignments
    )


@settings(max_examples=30, deadline=None)
@given(st.lists(leads(), min_size=1, max_size=10), candidates())
def test_all_zero_weights_do_not_crash_and_fall_back_to_fairness(batch, reps):
    policy = make_policy(weights=dict.fromkeys(TERMS, 0))
    for decision in route_one_by_one(batch, reps, policy)[0]:
        assert decision.weights_note == ALL_ZERO_NOTE
        if decision.outcome == "assigned":
            assert {t.term: t.weight for t in decision.terms} == {
                t: float(t == "fairness") for t in TERMS
            }
    result = assign_batch(batch, reps, policy)
    assert all(0 <= (a.total or 0) <= 1 for a in result.assignments)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6), st.integers(1, 40), st.integers(0, 3))
def test_a_bulk_of_identical_leads_spreads_over_identical_reps(n_reps, n_leads, recent):
    reps = [rep(i, capacity=50, recent_assignments=recent) for i in range(1, n_reps + 1)]
    batch = [lead()] * n_leads
    counts = [r.open_load for r in route_one_by_one(batch, reps, simple_policy())[1].values()]
    assert max(counts) - min(counts) <= 1
    solved = assign_batch(batch, reps, simple_policy()).new_leads()
    spread = [solved.get(r.rep_id, 0) for r in reps]
    assert max(spread) - min(spread) <= 1


@settings(max_examples=30, deadline=None)
@given(st.lists(leads(), min_size=5, max_size=30), candidates(min_size=2, max_size=8))
def test_a_bulk_import_never_lands_on_one_rep_beyond_its_capacity(batch, reps):
    result = assign_batch(batch, reps, POLICIES["simple"])
    greedy = greedy_batch(batch, reps, POLICIES["simple"])
    for outcome in (result, greedy):
        for rep_id, count in outcome.new_leads().items():
            r = next(r for r in reps if r.rep_id == rep_id)
            assert count <= r.capacity - r.open_load


def open_market(reps):
    """The same reps, all active and covering every territory: everyone may take every lead."""
    out = []
    for r in reps:
        fields = {name: getattr(r, name) for name in Candidate.__dataclass_fields__}
        territories = {"shanghai", "chengdu", "beijing"}
        out.append(Candidate(**(fields | {"status": "active", "territories": territories})))
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(leads(), min_size=1, max_size=30), candidates(min_size=1, max_size=10))
def test_the_batch_total_is_never_below_greedy(batch, reps):
    policy = POLICIES["simple"]
    reps = open_market(reps)
    solved, greedy = assign_batch(batch, reps, policy), greedy_batch(batch, reps, policy)
    assert solved.assigned_count == greedy.assigned_count  # both fill min(leads, slots)
    assert solved.total_score >= greedy.total_score - 1e-9


@settings(max_examples=40, deadline=None)
@given(st.lists(leads(), min_size=1, max_size=30), candidates(min_size=1, max_size=10))
def test_with_filters_the_batch_assigns_more_or_scores_no_less(batch, reps):
    policy = POLICIES["simple"]
    solved, greedy = assign_batch(batch, reps, policy), greedy_batch(batch, reps, policy)
    assert solved.assigned_count >= greedy.assigned_count
    if solved.assigned_count == greedy.assigned_count:
        assert solved.total_score >= greedy.total_score - 1e-9


def test_greedy_and_solver_agree_on_a_large_random_market():
    rng = random.Random(5)
    reps = [
        rep(
            i,
            capacity=rng.randint(0, 5),
            open_load=rng.randint(0, 2),
            specialties={rng.choice(["smb", "rental", "government"]): rng.randint(1, 5)},
            territories={rng.choice(["shanghai", "chengdu"])},
        )
        for i in range(1, 41)
    ]
    batch = [
        lead(
            segment=rng.choice(["smb", "rental", "government"]),
            territory=rng.choice(["shanghai", "chengdu"]),
        )
        for _ in range(150)
    ]
    solved, greedy = (
        assign_batch(batch, reps, simple_policy()),
        greedy_batch(batch, reps, simple_policy()),
    )
    assert solved.assigned_count >= greedy.assigned_count
    assert solved.total_score >= greedy.total_score - 1e-9
    assert solved.total_score == pytest.approx(
        sum(d.total for d in solved.decisions() if d.outcome == "assigned")
    )
