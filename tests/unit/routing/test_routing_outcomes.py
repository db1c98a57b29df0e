"""When a re-run of the queue changes a queued lead's outcome (and so stores a decision):
assigned, another queue, another policy, another filter it waits on; loads and counts that
drift from run to run, reps elsewhere filling up, freeing up or going on leave, and a slot
taken by another lead of the same batch change nothing."""

from __future__ import annotations

import json

from coaching.routing import assign_batch, decide
from coaching.routing.outcomes import queue_outcome, same_queue_outcome, stored
from tests.support.routing import lead, make_policy, rep, simple_policy

POLICY = simple_policy()


def shanghai_full(**elsewhere) -> list:
    """Two Shanghai reps at capacity, two reps in Chengdu."""
    return [
        rep(1, capacity=3, open_load=3),
        rep(2, capacity=5, open_load=5),
        rep(3, territories={"chengdu"}, **elsewhere),
        rep(4, territories={"chengdu"}),
    ]


def test_a_lead_waiting_for_the_same_reasons_is_unchanged_whatever_the_numbers():
    before = decide(lead(), shanghai_full(), POLICY)
    assert before.queue == "routing-triage"
    assert queue_outcome(before).waits_on == "capacity_left"
    # Other loads, a rep elsewhere full or on leave: still the same two obstacles.
    reps = shanghai_full(open_load=10, status="on_leave")
    reps[0] = rep(1, capacity=4, open_load=7)
    after = decide(lead(), reps, POLICY)
    assert after.to_json() != before.to_json()  # the stored numbers differ …
    assert same_queue_outcome(before, after)  # … the outcome does not


def test_a_stored_explanation_compares_like_the_decision_it_came_from():
    before = decide(lead(), shanghai_full(), POLICY)
    again = stored(json.loads(json.dumps(before.to_json())))
    assert same_queue_outcome(again, decide(lead(), shanghai_full(), POLICY))
    assert stored(None) is None and stored({"outcome": "assigned"}) is None
    assert not same_queue_outcome(None, before)


def test_being_assigned_is_always_a_change():
    before = decide(lead(), shanghai_full(), POLICY)
    reps = shanghai_full()
    reps[0] = rep(1, capacity=4, open_load=3)
    after = decide(lead(), reps, POLICY)
    assert after.rep_id == 1 and queue_outcome(after) is None
    assert not same_queue_outcome(before, after)
    assert not same_queue_outcome(after, after)  # an assignment is never skipped


def test_another_reason_to_wait_is_a_change():
    before = decide(lead(), shanghai_full(), POLICY)
    on_leave = [rep(1, status="on_leave"), rep(2, status="on_leave"), *shanghai_full()[2:]]
    after = decide(lead(), on_leave, POLICY)
    assert queue_outcome(after).waits_on == "territory"  # nobody left who covers Shanghai
    assert not same_queue_outcome(before, after)
    nobody_covers = decide(lead(territory="beijing"), shanghai_full(), POLICY)
    assert queue_outcome(nobody_covers).waits_on == "territory"
    assert not same_queue_outcome(before, nobody_covers)
    everyone_away = [rep(i, status="on_leave") for i in (1, 2)]
    away = decide(lead(territory="beijing"), everyone_away, POLICY)
    assert queue_outcome(away).waits_on == "not_on_leave"
    no_reps = decide(lead(), [], POLICY)
    assert queue_outcome(no_reps).waits_on == "no_candidates"
    assert not same_queue_outcome(before, no_reps)


def test_reps_elsewhere_freeing_up_change_nothing_for_a_lead_nobody_covers():
    """Every rep fails the territory and capacity filters; one frees up: the lead from a
    region nobody covers still waits on territory."""
    all_full = [*shanghai_full(open_load=10, capacity=10)[:3], rep(4, capacity=1, open_load=1)]
    before = decide(lead(territory="beijing"), all_full, POLICY)
    after = decide(lead(territory="beijing"), shanghai_full(), POLICY)
    assert before.exclusions.counts["capacity_left"] == 4
    assert queue_outcome(before).waits_on == queue_outcome(after).waits_on == "territory"
    assert same_queue_outcome(before, after)


def test_another_queue_or_policy_is_a_change():
    before = decide(lead(), shanghai_full(), POLICY)
    other_queue = simple_policy(fallback={"queue": "shanghai-desk"})
    assert not same_queue_outcome(before, decide(lead(), shanghai_full(), other_queue))
    newer = simple_policy(version="2099.1")
    assert not same_queue_outcome(before, decide(lead(), shanghai_full(), newer))


def test_a_slot_taken_by_another_lead_of_the_batch_counts_as_capacity():
    """Three leads, one free slot: the two left over wait as if the rep were full, which is
    how the next run finds it, so that run stores nothing for them."""
    reps = shanghai_full()
    reps[0] = rep(1, capacity=4, open_load=3)
    batch = assign_batch([lead(lead_id=i) for i in range(3)], reps, POLICY).decisions()
    assert [d.rep_id for d in batch] == [1, None, None]
    # at the moment of its assignment rep 1 is full: its slot went to the first lead
    assert batch[1].eligible_count == 0 and (1, 4, 4) in batch[1].exclusions.capacity
    assert [(p.rep_id, p.lead_index, p.lead_id) for p in batch[1].passed_over] == [(1, 0, 0)]
    full = shanghai_full()
    full[0] = rep(1, capacity=4, open_load=4)
    next_run = assign_batch([lead(lead_id=i) for i in (1, 2)], full, POLICY).decisions()
    assert all(same_queue_outcome(b, n) for b, n in zip(batch[1:], next_run, strict=True))
    assert same_queue_outcome(decide(lead(), full, POLICY), next_run[0])


def test_relaxed_filters_do_not_make_a_difference_between_intake_and_batch():
    policy = make_policy()  # certification and capability minimum, relaxed step by step
    single = decide(lead(segment="government"), shanghai_full(), policy)
    batch = assign_batch([lead(segment="government")] * 2, shanghai_full(), policy).decisions()
    assert single.relaxations != batch[0].relaxations  # causes differ …
    assert same_queue_outcome(single, batch[0])  # … the reasons to wait do not
