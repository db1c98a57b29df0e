"""Visibility clauses are built once per actor (domain/kernel/actor.py, `per_actor`): the same
caller gets the same clause, any difference in who they are gets its own. No database."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql

from domain.alerts.service import alert_visible
from domain.kernel.actor import Actor, Role
from domain.org.service import rep_visible
from domain.pipeline.service import opportunity_visible


def sql(clause) -> str:
    compiled = clause.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return str(compiled)


actors = st.builds(
    Actor,
    user_id=st.integers(1, 5),
    roles=st.frozensets(st.sampled_from([role.value for role in Role]), max_size=2),
    scope_path=st.sampled_from([None, "/1/", "/1/2/", "/1/3/"]),
    rep_id=st.sampled_from([None, 7, 8]),
    rep_unit_id=st.sampled_from([None, 2, 3]),
)


@given(actors, actors)
def test_an_actors_clause_is_built_once_and_says_what_a_fresh_one_would(first, second):
    for visible in (alert_visible, opportunity_visible, rep_visible):
        assert visible(first) is visible(dataclasses.replace(first))  # an equal, new Actor
        for actor in (first, second):
            fresh = visible.__wrapped__(actor)  # type: ignore[attr-defined]
            assert sql(visible(actor)) == sql(fresh)


def test_a_managers_clause_names_their_subtree_and_a_reps_their_own_rows():
    manager = Actor(2, frozenset({Role.MANAGER.value}), scope_path="/1/2/")
    rep = Actor(3, frozenset({Role.REP.value}), scope_path="/1/2/5/", rep_id=7, rep_unit_id=5)
    assert "'/1/2/'" in sql(alert_visible(manager))
    assert "alert.rep_id = 7" in sql(alert_visible(rep))
    assert "'/1/2/5/'" not in sql(alert_visible(rep))  # a rep manages no subtree
