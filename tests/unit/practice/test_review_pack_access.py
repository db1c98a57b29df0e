"""Who may read a rep's review pack on a routing decision: the rep and their trainers; and
no pack at all where no co-owner was added. No database: those answers need no query."""

from __future__ import annotations

import pytest

from coaching.practice.review_pack import co_owner_review_pack, shown_to
from domain.kernel.actor import Actor, Role

OWNER = Actor(1, frozenset({Role.REP.value}), rep_id=7)
OTHER_REP = Actor(2, frozenset({Role.REP.value}), rep_id=8)
INTAKE = Actor(3, frozenset({Role.INTAKE.value}))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DIRECTOR, Role.MANAGER])
def test_trainers_and_the_rep_see_the_pack(role):
    assert shown_to(Actor(4, frozenset({role.value}), scope_path="/1/"), 7)
    assert shown_to(OWNER, 7)


def test_other_reps_and_intake_do_not():
    assert not shown_to(OTHER_REP, 7)
    assert not shown_to(INTAKE, 7)


async def test_no_pack_without_a_co_owner_or_for_an_outsider():
    # Answered before any query: the session is never touched.
    assert await co_owner_review_pack(None, OWNER, None, 7, None) is None
    assert await co_owner_review_pack(None, OTHER_REP, None, 7, "negotiation") is None
