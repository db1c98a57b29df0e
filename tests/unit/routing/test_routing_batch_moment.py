"""Batch decisions explain themselves as at the moment of each lead's assignment: the winner
tops the ranking shown, contributions sum to its score, and a better-scoring rep left out is
named with the lead of the batch that took its capacity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.routing import Decision, assign_batch, greedy_batch
from coaching.routing.batch_moment import BATCH_TIE
from tests.support.routing import candidates, lead, leads, make_policy, rep, simple_policy

POLICIES = {"default": make_policy(), "simple": simple_policy()}
SPECIALTY_ONLY = simple_policy(
    weights={"specialty": 1, "capability": 0, "load": 0, "conversion": 0, "fairness": 0}
)


def check_truthful(result, batch, reps) -> int:
    """Every invariant of a truthful batch explanation; returns how many passed-over reps
    were named (so a test can tell it saw some)."""
    by_id = {r.rep_id: r for r in reps}
    named = 0
    for a, decision in zip(result.assignments, result.decisions(), strict=True):
        Decision.from_json(decision.to_json())  # stored and read back
        if decision.outcome == "assigned":
            assert decision.top[0].rep_id == decision.rep_id
            assert decision.total == pytest.approx(sum(t.contribution for t in decision.terms))
            assert decision.total == pytest.approx(a.total)
            assert all(r.total <= decision.total + 1e-9 for r in decision.top)
            assert all(p.total > decision.total - 1e-9 for p in decision.passed_over)
        for p in decision.passed_over:
            holder = result.assignments[p.lead_index]
            assert p.lead_index != a.index and holder.rep_id == p.rep_id
            assert p.lead_id == batch[p.lead_index].lead_id
            given_by_batch = result.new_leads()[p.rep_id]
            assert by_id[p.rep_id].open_load + given_by_batch >= by_id[p.rep_id].capacity
            named += 1
        assert decision.passed_over_count >= len(decision.passed_over)
    return named


@settings(max_examples=60, deadline=None)
@given(
    st.lists(leads(), min_size=1, max_size=30),
    candidates(min_size=1, max_size=10),
    st.sampled_from(sorted(POLICIES)),
    st.sampled_from([None, 6, 40]),
)
def test_the_winner_tops_the_ranking_shown_in_every_batch(batch, reps, policy, max_cells):
    batch = [lead_with_id(item, i) for i, item in enumerate(batch)]
    kwargs = {} if max_cells is None else {"max_cells": max_cells}
    result = assign_batch(batch, reps, POLICIES[policy], **kwargs)
    greedy = greedy_batch(batch, reps, POLICIES[policy])
    check_truthful(result, batch, reps)
    check_truthful(greedy, batch, reps)
    assert len(result.decisions()) == len(greedy.decisions()) == len(batch)


def lead_with_id(item, i):
    fields = {name: getattr(item, name) for name in item.__dataclass_fields__}
    return type(item)(**(fields | {"lead_id": f"L{i}"}))


def test_a_scarce_specialist_taken_by_another_lead_is_named():
    """The rental lead needs the only rental specialist; the smb lead, which scores the
    specialist higher, is told its capacity went to the rental lead."""
    x = rep(1, capacity=1, specialties={"smb": 5, "rental": 5})
    y = rep(2, capacity=1, specialties={"smb": 4})
    batch = [lead(segment="smb", lead_id="A"), lead(segment="rental", lead_id="B")]
    result = assign_batch(batch, [x, y], SPECIALTY_ONLY)
    smb = result.decision(0)
    assert smb.rep_id == 2 and smb.top[0].rep_id == 2
    assert [(p.rep_id, p.lead_id, p.lead_index) for p in smb.passed_over] == [(1, "B", 1)]
    assert smb.passed_over[0].total == pytest.approx(1.0)
    assert smb.passed_over[0].total > smb.total
    assert (1, 1, 1) in smb.exclusions.capacity
    assert check_truthful(result, batch, [x, y]) == 1
    en = " ".join(smb.explain("en"))
    zh = " ".join(smb.explain("zh"))
    assert "rep #1 would have scored 1.000 but was passed over: capacity taken by lead B" in en
    assert "销售 #1本可得分 1.000，但其名额已被本批次的线索 B 占用" in zh


def test_the_later_slots_of_a_rep_are_shown_with_their_load():
    reps = [rep(1, capacity=4), rep(2, capacity=4)]
    batch = [lead(lead_id=i) for i in range(4)]
    result = assign_batch(batch, reps, simple_policy())
    for decision in result.decisions():
        shown = {r.rep_id: r for r in decision.top}
        winner = shown[decision.rep_id]
        other = shown[3 - decision.rep_id]
        # two leads each: the other rep carries both of its own, the winner its slot's
        assert other.terms["load"] == pytest.approx(0.5)
        assert winner.terms["load"] == pytest.approx(1 - decision.slot / 4)
        assert decision.top[0].rep_id == decision.rep_id


def test_a_tie_the_batch_broke_is_said_so():
    """Equal totals everywhere: the winner is still shown first, and the tie note says what
    decided (the batch's total where the single-lead tie-break would have picked another)."""
    reps = [rep(i, capacity=3, recent_assignments=i) for i in (1, 2, 3)]
    result = assign_batch([lead(lead_id=i) for i in range(6)], reps, SPECIALTY_ONLY)
    notes = []
    for decision in result.decisions():
        assert decision.top[0].rep_id == decision.rep_id
        assert decision.tie_break is not None
        notes.append(decision.tie_break)
        zh = " ".join(decision.explain("zh"))
        assert "同分" in zh and "batch" not in zh
    assert any(BATCH_TIE in note for note in notes)


def test_leads_left_over_name_who_took_the_slots():
    reps = [rep(1, capacity=1), rep(2, capacity=1)]
    batch = [lead(lead_id=f"L{i}") for i in range(3)]
    result = assign_batch(batch, reps, simple_policy())
    queued = result.decision(2)
    assert queued.outcome == "fallback_queue" and queued.eligible_count == 0
    assert {p.rep_id for p in queued.passed_over} == {1, 2}
    assert {p.lead_id for p in queued.passed_over} == {"L0", "L1"}
    assert queued.passed_over_count == 2


def test_more_passed_over_than_shown_are_counted_in_words():
    reps = [rep(i, capacity=1, specialties={"smb": 5}) for i in range(1, 8)]
    reps.append(rep(8, capacity=1))
    batch = [lead(lead_id=i) for i in range(8)]
    result = assign_batch(batch, reps, SPECIALTY_ONLY)
    last = next(d for d in result.decisions() if d.rep_id == 8)
    assert last.passed_over_count == 7 and len(last.passed_over) == 5
    assert "2 more reps would have scored more" in " ".join(last.explain("en"))
    assert "另有 2 名得分更高的销售" in " ".join(last.explain("zh"))
