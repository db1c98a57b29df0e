"""Who hears a live alert announcement: the subtree a subscriber narrowed to, the units they
manage, and a rep's own alerts. No database."""

from __future__ import annotations

from domain.alerts.live import message_in_scope
from domain.kernel.actor import Actor, Role

ADMIN = Actor(1, frozenset({Role.ADMIN.value}))
EAST_MANAGER = Actor(2, frozenset({Role.MANAGER.value}), scope_path="/1/2/")
REP = Actor(3, frozenset({Role.REP.value}), scope_path="/1/2/5/", rep_id=7, rep_unit_id=5)
INTAKE = Actor(4, frozenset({Role.INTAKE.value}))


def message(path: str, rep_id: int | None = None) -> dict:
    return {"alert_id": 1, "unit_path": path, "rep_id": rep_id}


def test_a_manager_hears_their_subtree_only():
    assert message_in_scope(EAST_MANAGER, None, message("/1/2/"))
    assert message_in_scope(EAST_MANAGER, None, message("/1/2/5/", rep_id=7))
    assert not message_in_scope(EAST_MANAGER, None, message("/1/3/"))
    assert not message_in_scope(EAST_MANAGER, None, message("/1/"))


def test_an_admin_of_the_whole_company_hears_everything():
    assert message_in_scope(ADMIN, None, message("/1/"))
    assert message_in_scope(ADMIN, None, message("/1/3/9/", rep_id=8))


def test_a_rep_hears_their_own_alerts_and_nobody_elses():
    assert message_in_scope(REP, None, message("/1/2/5/", rep_id=7))
    assert not message_in_scope(REP, None, message("/1/2/5/", rep_id=8))
    assert not message_in_scope(REP, None, message("/1/2/5/"))


def test_a_login_without_a_rep_or_a_subtree_hears_nothing():
    assert not message_in_scope(INTAKE, None, message("/1/", rep_id=None))
    assert not message_in_scope(INTAKE, None, message("/1/2/", rep_id=7))


def test_narrowing_to_a_subtree_drops_the_rest_of_the_scope():
    assert message_in_scope(ADMIN, "/1/2/", message("/1/2/5/"))
    assert not message_in_scope(ADMIN, "/1/2/", message("/1/3/"))
    assert not message_in_scope(EAST_MANAGER, "/1/2/5/", message("/1/2/6/"))
    assert not message_in_scope(REP, "/1/3/", message("/1/2/5/", rep_id=7))
