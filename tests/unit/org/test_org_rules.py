from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict, InvalidInput
from domain.kernel.actor import Actor, Role
from domain.kernel.text import clean_slug, clean_text
from domain.kernel.time import as_utc
from domain.org import rules
from domain.org.models import OrgUnitKind

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def actor(*roles: Role, scope: str | None = None, rep_id=None, rep_unit_id=None):
    return Actor(1, frozenset(r.value for r in roles), scope, rep_id, rep_unit_id)


def test_paths():
    assert rules.child_path(None, 1) == "/1/"
    assert rules.child_path("/1/4/", 9) == "/1/4/9/"
    assert rules.path_depth("/1/") == 0 and rules.path_depth("/1/4/9/") == 2
    assert rules.ancestor_ids("/1/4/9/") == [1, 4, 9]


def test_scope_of_each_role():
    assert actor(Role.ADMIN).sees_whole_company
    assert not actor(Role.ADMIN, scope="/1/2/").sees_whole_company
    director = actor(Role.DIRECTOR, scope="/1/2/")
    assert director.manages_path("/1/2/") and director.manages_path("/1/2/5/")
    assert not director.manages_path("/1/3/") and not director.manages_path("/1/")
    # "/1/2/" must not match "/1/20/": paths end with a slash for this reason
    assert not director.manages_path("/1/20/")
    assert actor(Role.REP, rep_id=3, rep_unit_id=5).subtree_path is None
    assert not actor(Role.INTAKE).manages_path("/1/")


def test_parent_kind_rules():
    rules.check_parent_kind(OrgUnitKind.COMPANY, has_parent=False)
    rules.check_parent_kind(OrgUnitKind.TEAM, has_parent=True)
    with pytest.raises(InvalidInput) as company:
        rules.check_parent_kind(OrgUnitKind.COMPANY, has_parent=True)
    assert company.value.code == "COMPANY_WITH_PARENT"
    with pytest.raises(InvalidInput) as orphan:
        rules.check_parent_kind(OrgUnitKind.REGION, has_parent=False)
    assert (orphan.value.code, orphan.value.field) == ("PARENT_REQUIRED", "parent_id")


def test_move_rules():
    rules.check_move("/1/2/", 1, "/1/3/")
    with pytest.raises(Conflict) as root:
        rules.check_move("/1/", None, "/1/2/")
    assert root.value.code == "CANNOT_MOVE_ROOT"
    for target in ("/1/2/", "/1/2/7/"):
        with pytest.raises(Conflict) as cycle:
            rules.check_move("/1/2/", 1, target)
        assert cycle.value.code == "CYCLE"
    rules.check_move("/1/2/", 1, "/1/20/")  # a sibling whose id starts alike is fine


@st.composite
def trees(draw):
    """A random tree as parent links (node 0 is the root) plus a move to try."""
    size = draw(st.integers(2, 12))
    parents = {0: None}
    for node in range(1, size):
        parents[node] = draw(st.integers(0, node - 1))
    return parents, draw(st.integers(1, size - 1)), draw(st.integers(0, size - 1))


def path_of(parents, node) -> str:
    chain = []
    while node is not None:
        chain.append(node + 1)  # database ids start at 1
        node = parents[node]
    return "/" + "/".join(str(n) for n in reversed(chain)) + "/"


@given(trees())
def test_move_is_refused_exactly_when_it_would_make_a_cycle(case):
    parents, unit, new_parent = case
    ancestors_of_target, node = set(), new_parent
    while node is not None:
        ancestors_of_target.add(node)
        node = parents[node]
    makes_cycle = unit in ancestors_of_target
    try:
        rules.check_move(path_of(parents, unit), parents[unit], path_of(parents, new_parent))
        refused = False
    except Conflict:
        refused = True
    assert refused == makes_cycle


@pytest.mark.parametrize("value", ["East.SH", "  rep_01 ", "a", "x-y.z"])
def test_clean_slug_accepts(value):
    assert clean_slug(value, "code") == value.strip().lower()


@pytest.mark.parametrize("value", ["", "has space", "中文", "-lead", "x" * 41, "a/b"])
def test_clean_slug_refuses(value):
    with pytest.raises(InvalidInput) as caught:
        clean_slug(value, "code")
    assert (caught.value.code, caught.value.field) == ("INVALID_CODE", "code")


def test_clean_text_collapses_whitespace_and_checks_length():
    assert clean_text("  华东   大区 ", "name") == "华东 大区"
    with pytest.raises(InvalidInput, match="REQUIRED"):
        clean_text(" \t ", "name")
    with pytest.raises(InvalidInput, match="TOO_LONG"):
        clean_text("x" * 121, "name")


def test_rep_value_checks():
    rules.check_capacity(0)
    rules.check_capacity(rules.MAX_CAPACITY)
    for bad in (-1, rules.MAX_CAPACITY + 1):
        with pytest.raises(InvalidInput, match="INVALID_CAPACITY"):
            rules.check_capacity(bad)
    rules.check_hire_date(date(2027, 6, 1), date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="INVALID_HIRE_DATE"):
        rules.check_hire_date(date(2028, 1, 1), date(2026, 11, 20))
    assert rules.clean_specialties({"Government": 5}) == {"government": 5}
    with pytest.raises(InvalidInput, match="INVALID_PROFICIENCY"):
        rules.clean_specialties({"smb": 6})


@pytest.mark.parametrize(
    ("roles", "scope", "rep", "code"),
    [
        (set(), False, False, "ROLES_REQUIRED"),
        ({"manager"}, False, False, "SCOPE_REQUIRED"),
        ({"director"}, False, False, "SCOPE_REQUIRED"),
        ({"rep"}, False, False, "REP_REQUIRED"),
        ({"intake"}, False, True, "REP_ROLE_REQUIRED"),
        ({"admin"}, False, False, None),
        ({"manager", "rep"}, True, True, None),
    ],
)
def test_role_scope_rules(roles, scope, rep, code):
    if code is None:
        rules.check_role_scope(roles, scope, rep)
    else:
        with pytest.raises(InvalidInput) as caught:
            rules.check_role_scope(roles, scope, rep)
        assert caught.value.code == code


def test_tokens_are_random_and_hashed():
    first, second = rules.new_token_secret(), rules.new_token_secret()
    assert first != second and first.startswith(rules.TOKEN_PREFIX) and len(first) > 40
    assert rules.hash_token(first) == rules.hash_token(first) != rules.hash_token(second)
    assert len(rules.hash_token(first)) == 64 and first not in rules.hash_token(first)


def test_token_refusal():
    assert rules.token_refusal(None, None, True, NOW) is None
    assert rules.token_refusal(NOW + timedelta(seconds=1), None, True, NOW) is None
    assert rules.token_refusal(NOW, None, True, NOW) == "expired"
    naive_past = (NOW - timedelta(days=1)).replace(tzinfo=None)  # as SQLite returns it
    assert rules.token_refusal(naive_past, None, True, NOW) == "expired"
    assert rules.token_refusal(None, NOW, True, NOW) == "revoked"
    assert rules.token_refusal(None, None, False, NOW) == "user inactive"
    with pytest.raises(InvalidInput, match="INVALID_EXPIRY"):
        rules.check_expiry(NOW - timedelta(minutes=1), NOW)


def test_as_utc_converts_aware_moments():
    from zoneinfo import ZoneInfo

    shanghai = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert as_utc(shanghai) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert as_utc(shanghai).utcoffset() == timedelta(0)
    assert as_utc(datetime(2026, 1, 1, 12)) == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert as_utc(None) is None
