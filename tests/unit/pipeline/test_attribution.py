from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.pipeline.attribution import effectiveness, moved_within
from domain.pipeline.models import FollowUpType

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def days(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_moved_within_the_window_only():
    assert moved_within([days(3)], T0, 7)
    assert not moved_within([days(8)], T0, 7)
    assert not moved_within([days(-1)], T0, 7)  # before the follow-up: not its doing


def test_effectiveness_against_the_baseline():
    first_any = {1: T0, 2: T0, 3: T0, 4: T0}
    whitepaper = {1: T0, 2: days(1)}
    moves = {1: [days(2)], 2: [days(20)], 3: [days(1)], 4: []}
    result = effectiveness(FollowUpType.WHITEPAPER_SENT, 7, whitepaper, first_any, moves)
    assert (result.with_type, result.moved_with) == (2, 1)
    assert (result.without_type, result.moved_without) == (2, 1)
    assert result.rate_with == 0.5 and result.lift == 0.0
    none = effectiveness(FollowUpType.VISIT, 7, {}, first_any, moves)
    assert none.rate_with is None and none.lift is None


def test_windows_can_be_configured():
    first_any = {1: T0}
    whitepaper = {1: T0}
    moves = {1: [days(9)]}
    assert (
        effectiveness(FollowUpType.WHITEPAPER_SENT, 7, whitepaper, first_any, moves).moved_with == 0
    )
    assert (
        effectiveness(FollowUpType.WHITEPAPER_SENT, 10, whitepaper, first_any, moves).moved_with
        == 1
    )
