"""Who may confirm a business coefficient, and when a confirmation is refused; no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.errors import Conflict, Forbidden
from domain.kernel.actor import Actor, Role
from domain.targets.models import BusinessCoefficient
from domain.targets.planning.confirmations import Confirmer, check_confirmation, may_confirm

COMPANY, REGION = "/1/", "/1/2/"


def actor(*roles: Role, scope: str | None = COMPANY) -> Actor:
    return Actor(user_id=7, roles=frozenset(r.value for r in roles), scope_path=scope)


def coefficient(director: bool = False, regional: bool = False) -> BusinessCoefficient:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    return BusinessCoefficient(
        name="春节前45天",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 2, 14),
        multiplier=0.8,
        segment="manufacturing",
        director_confirmed_at=at if director else None,
        regional_confirmed_at=at if regional else None,
    )


@pytest.mark.parametrize(
    ("who", "capacity", "kind", "allowed"),
    [
        (actor(Role.DIRECTOR), Confirmer.DIRECTOR, "company", True),
        (actor(Role.DIRECTOR, scope=REGION), Confirmer.DIRECTOR, "region", False),
        (actor(Role.ADMIN, scope=None), Confirmer.DIRECTOR, None, False),
        (actor(Role.DIRECTOR, scope=REGION), Confirmer.REGIONAL_HEAD, "region", True),
        (actor(Role.MANAGER, scope=REGION), Confirmer.REGIONAL_HEAD, "region", True),
        (actor(Role.MANAGER, scope="/1/2/3/"), Confirmer.REGIONAL_HEAD, "team", False),
        (actor(Role.DIRECTOR), Confirmer.REGIONAL_HEAD, "company", False),
        (actor(Role.REP, scope=REGION), Confirmer.REGIONAL_HEAD, "region", False),
    ],
)
def test_the_director_is_company_wide_and_the_regional_head_heads_a_region(
    who, capacity, kind, allowed
):
    assert may_confirm(who, capacity, kind) is allowed


def test_refusals_come_in_order_and_name_the_capacity():
    with pytest.raises(Forbidden) as refused:
        check_confirmation(coefficient(director=True), Confirmer.REGIONAL_HEAD, may=False)
    assert refused.value.code == "NOT_A_CONFIRMER" and "大区负责人" in refused.value.message_zh
    with pytest.raises(Conflict) as twice:
        check_confirmation(coefficient(director=True), Confirmer.DIRECTOR, may=True)
    assert twice.value.code == "ALREADY_CONFIRMED" and twice.value.field == "capacity"
    check_confirmation(coefficient(director=True), Confirmer.REGIONAL_HEAD, may=True)


def test_a_coefficient_is_confirmed_only_with_both():
    assert not coefficient().confirmed
    assert not coefficient(director=True).confirmed
    assert not coefficient(regional=True).confirmed
    assert coefficient(director=True, regional=True).confirmed
