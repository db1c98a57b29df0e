"""Uncovered segments without a database: when a decision is flagged, and how the coverage
report tallies decisions into segments and periods."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from coaching.routing import Decision, assign_batch, decide
from domain.leads.coverage import CoveragePeriod, CoverageRow, period_label, period_start, tally
from tests.support.routing import lead, rep, simple_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_segment_nobody_eligible_specialises_in_is_flagged_and_said():
    reps = [rep(1, specialties={"rental": 5}, territories={"chengdu"}), rep(2)]
    decision = decide(lead(segment="rental"), reps, simple_policy())
    assert decision.rep_id == 2 and decision.uncovered_segment == "rental"
    assert Decision.from_json(decision.to_json()).uncovered_segment == "rental"
    assert "No eligible rep specialises in segment rental: the lead went to a non-specialist" in (
        decision.explain("en")
    )
    zh = decision.explain("zh")
    assert "没有符合条件的销售专长于该线索所属的行业：线索交给了非专长销售" in zh


def test_a_busy_specialist_still_covers_the_segment():
    reps = [rep(1, specialties={"rental": 5}, capacity=2, open_load=2), rep(2)]
    decision = decide(lead(segment="rental"), reps, simple_policy())
    assert decision.rep_id == 2 and decision.uncovered_segment is None
    batch = assign_batch([lead(segment="rental")] * 3, [rep(1, specialties={"rental": 3},
                         capacity=1), rep(2)], simple_policy())  # fmt: skip
    assert all(d.uncovered_segment is None for d in batch.decisions())


def test_a_queued_lead_of_an_uncovered_segment_is_flagged_without_the_non_specialist_words():
    decision = decide(lead(segment="rental", territory="beijing"), [rep(1)], simple_policy())
    assert decision.queue is not None and decision.uncovered_segment == "rental"
    assert "No eligible rep specialises in segment rental" in decision.explain("en")


def test_periods_start_on_monday_or_the_first_and_read_in_either_language():
    thursday = date(2026, 12, 3)
    assert period_start(thursday, CoveragePeriod.WEEK) == date(2026, 11, 30)
    assert period_start(thursday, CoveragePeriod.MONTH) == date(2026, 12, 1)
    assert period_label(date(2026, 11, 30), CoveragePeriod.WEEK, "zh") == "2026 年第 49 周"
    assert period_label(date(2026, 11, 30), CoveragePeriod.WEEK, "en") == "Week 49 of 2026"
    assert period_label(date(2026, 12, 1), CoveragePeriod.MONTH, "en") == "December 2026"


def test_a_lead_counts_once_per_segment_and_period_uncovered_if_any_decision_was():
    sunday_night_utc = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # Monday 01:00 in Shanghai
    decisions = [
        (1, "rental", sunday_night_utc, True),
        (1, "rental", datetime(2026, 12, 1, 3, tzinfo=UTC), False),
        (2, "rental", datetime(2026, 12, 2, 3, tzinfo=UTC), False),
        (3, "smb", datetime(2026, 11, 25, 3, tzinfo=UTC), True),
    ]
    rows = tally(decisions, SHANGHAI, CoveragePeriod.WEEK)
    assert rows == [
        CoverageRow("rental", date(2026, 11, 30), 2, 1),
        CoverageRow("smb", date(2026, 11, 23), 1, 1),
    ]
    assert rows[0].uncovered_share == 0.5
    assert rows[0].label(CoveragePeriod.WEEK, "en") == (
        "Week 49 of 2026, segment rental: 1 of 2 leads had no eligible specialist"
    )
