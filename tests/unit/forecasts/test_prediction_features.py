"""The win-probability features: pure functions over a deal's history, no database."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.forecasts.features import (
    FEATURE_LABELS,
    FEATURES,
    DealHistory,
    FollowUpMark,
    OwnerRecords,
    Snapshot,
    amount_band,
    describe,
    feature_row,
    live_follow_ups,
    open_snapshot,
    owner_record,
    stage_spans,
    training_rows,
)

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def deal(moves, follow_ups=(), owner=1, deal_id=1) -> DealHistory:
    return DealHistory(
        id=deal_id,
        owner_rep_id=owner,
        amount=80_000_00,
        segment="education",
        source="referral",
        created_at=day(0),
        moves=tuple(moves),
        follow_ups=tuple(follow_ups),
    )


def test_amount_bands_follow_the_yuan_floors():
    assert amount_band(49_999_99) == "under_50k"
    assert amount_band(50_000_00) == "50k_200k"
    assert amount_band(1_000_000_00) == "1m_5m"
    assert amount_band(9_000_000_00) == "over_5m"


@given(st.integers(0, 500), st.integers(0, 500))
def test_owner_record_is_a_smoothed_rate(won, lost):
    rate = owner_record(won, lost)
    assert 0 < rate < 1
    assert owner_record(won + 1, lost) > rate > owner_record(won, lost + 1)


def test_a_closed_deal_gives_one_row_per_stage_seen_halfway():
    history = deal(
        [("lead", day(0)), ("contacted", day(2)), ("qualified", day(6)), ("lost", day(16))],
        follow_ups=[FollowUpMark(day(1), 1), FollowUpMark(day(5), 0), FollowUpMark(day(9), 2)],
    )
    rows = training_rows([history])
    assert [row[0].stage for row in rows] == ["lead", "contacted", "qualified"]
    assert all(row[1] is False and row[2] == day(16) for row in rows)
    qualified = rows[2][0]
    assert qualified.days_in_stage == 5 and qualified.age_days == 11  # day 11 = halfway
    assert qualified.follow_ups == 3 and qualified.value_points == 3
    assert qualified.days_since_follow_up == 2
    lead = rows[0][0]
    assert lead.follow_ups == 1 and lead.days_since_follow_up == 0  # at day 1


def test_open_deals_give_no_training_rows_and_reopened_ones_count_their_end():
    open_deal = deal([("lead", day(0)), ("contacted", day(3))])
    reopened = deal(
        [("lead", day(0)), ("lost", day(2)), ("contacted", day(5)), ("lost", day(9))], deal_id=2
    )
    assert training_rows([open_deal]) == []
    assert [s for s, _, _ in stage_spans(reopened)] == ["lead", "contacted"]
    assert len(training_rows([reopened])) == 2


def test_owner_record_counts_only_deals_closed_before_the_moment():
    first = deal([("lead", day(0)), ("negotiation", day(3)), ("won", day(5))], deal_id=1)
    second = deal([("lead", day(1)), ("lost", day(20))], deal_id=2)
    records = OwnerRecords.of([first, second])
    assert records.before(1, day(4)) == (0, 0)
    assert records.before(1, day(6)) == (1, 0)
    assert records.before(1, day(30)) == (1, 1)
    assert records.before(99, day(30)) == (0, 0)
    later = training_rows([first, second], records)
    assert [(s.owner_won, s.owner_lost) for s, _, _ in later] == [(0, 0), (0, 0), (1, 0)]


def test_corrected_follow_ups_are_left_out():
    rows = [(1, 7, day(1), ["roi_figure"], None), (2, 7, day(2), [], 1), (3, 8, day(0), None, None)]
    marks = live_follow_ups(rows)
    assert marks[7] == (FollowUpMark(day(2), 0),) and marks[8] == (FollowUpMark(day(0), 0),)


def test_feature_row_has_every_feature_and_logs_the_counts():
    snap = open_snapshot(
        deal([("lead", day(0))], follow_ups=[FollowUpMark(day(1), 2)]),
        "proposal",
        day(3),
        day(10),
        (3, 1),
    )
    row = feature_row(snap)
    assert set(row) == set(FEATURES) == set(FEATURE_LABELS)
    assert row["stage"] == "proposal" and row["owner_record"] == owner_record(3, 1)
    assert math.isclose(row["days_in_stage"], math.log1p(7))
    assert math.isclose(row["days_since_follow_up"], math.log1p(9))
    assert row["never_followed_up"] == 0.0


def test_never_followed_up_is_its_own_flag():
    snap = Snapshot("lead", 4.0, 4.0, 1_000_00, "", None, None, 0, 0, 0, 0)
    row = feature_row(snap)
    assert row["never_followed_up"] == 1.0 and row["segment"] == "unknown"
    assert row["source"] == "unknown"


def test_describe_is_bilingual_with_the_deal_value():
    snap = Snapshot("quoted", 4.0, 40.0, 300_000_00, "smb", "web", 2.0, 5, 3, 6, 2)
    assert describe("stage", snap) == ("阶段：quoted", "Stage: quoted")
    assert describe("owner_record", snap) == ("负责人赢单率：6/8", "Owner's win record: 6/8")
    assert describe("amount_band", snap)[1] == "Amount band: 200k_1m"
