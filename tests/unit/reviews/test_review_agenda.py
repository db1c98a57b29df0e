"""The weekly review's 15-minute agenda and its PDF, without a database."""

from __future__ import annotations

import base64
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from domain.reviews.agenda import MEETING_MINUTES, build_agenda, split_minutes, top_gaps
from domain.reviews.export import ReviewExportFormat, render
from domain.reviews.scheduled import week_to_review


def target(target_id: int, gap: float, owner: str) -> dict:
    return {
        "target_id": target_id,
        "owner_name": owner,
        "metric": "revenue",
        "period_label": "2026-W48",
        "gap": gap,
        "completion": 0.5,
        "amount": 100,
        "achieved": 50,
        "period": "week",
    }


SNAPSHOT = {
    "as_of": "2026-11-29",
    "taken_at": "2026-11-30T00:30:00+00:00",
    "week": {"label": "2026-W48"},
    "targets": [
        target(1, 500.0, "华东一组"),
        target(2, -20.0, "张伟"),  # ahead: not a gap
        target(3, 900.0, "李娜"),
        target(4, 100.0, "王芳"),
        target(5, 50.0, "赵磊"),
    ],
    "kpi_misses": {"reps": [{"rep_name": "张伟", "level": "junior", "days_missed": 3,
                             "miss_streak": 3}]},
    "alerts": {
        "total": 2,
        "by_severity": {"red": 1, "orange": 0, "yellow": 1},
        "items": [
            {"subject_name": "李娜", "severity": "red", "rule": "weekly_completion",
             "status": "open", "raised_on": "2026-11-27"},
            {"subject_name": "张伟", "severity": "yellow", "rule": "kpi_miss",
             "status": "open", "raised_on": "2026-11-26"},
        ],
    },
    "funnel": {"stages": [{"stage": "lead", "reached": 10, "conversion_to_next": 0.4}]},
    "suggested_key_customers": [{"name": "比亚迪车队", "segment": "fleet"}],
}  # fmt: skip


def test_the_agenda_has_the_top_three_gaps_alerts_and_suggestions_in_fifteen_minutes():
    agenda = build_agenda(SNAPSHOT, [{"status": "pending"}, {"status": "accepted"}])
    kinds = [item["kind"] for item in agenda["items"]]
    assert kinds == ["gap", "gap", "gap", "alerts", "suggestions"]
    assert [item["target_id"] for item in agenda["items"][:3]] == [3, 1, 4]
    assert agenda["total_minutes"] == MEETING_MINUTES
    assert sum(item["minutes"] for item in agenda["items"]) == MEETING_MINUTES
    assert "李娜" in agenda["items"][0]["title_zh"] and "Gap #1" in agenda["items"][0]["title_en"]
    assert "1 项目标调整待定" in agenda["items"][-1]["title_zh"]  # only the pending one
    assert "红 1" in agenda["items"][3]["title_zh"]


def test_nothing_to_discuss_is_an_empty_agenda():
    quiet = {"targets": [target(1, -5.0, "x")], "alerts": {"total": 0}}
    assert build_agenda(quiet) == {"total_minutes": 0, "items": []}
    assert top_gaps([target(1, 0.0, "x")]) == []


@given(st.lists(st.floats(0, 100), min_size=1, max_size=20), st.integers(0, 60))
def test_minutes_add_up_and_every_item_gets_one_while_minutes_last(weights, total):
    minutes = split_minutes(weights, total)
    assert sum(minutes) == total and len(minutes) == len(weights)
    assert all(m >= (1 if len(weights) <= total else 0) for m in minutes)


def test_minutes_follow_the_weights():
    assert split_minutes([3, 3, 3, 3, 2]) == [3, 3, 3, 3, 3]
    assert split_minutes([3, 1]) == [11, 4]
    assert split_minutes([0, 0, 0]) == [5, 5, 5]
    with pytest.raises(ValueError):
        split_minutes([-1])


def test_the_week_to_review_is_the_last_complete_iso_week():
    assert week_to_review(date(2026, 11, 30)) == date(2026, 11, 23)  # a Monday
    assert week_to_review(date(2026, 12, 6)) == date(2026, 11, 23)  # the Sunday after
    assert week_to_review(date(2026, 12, 7)) == date(2026, 11, 30)


def test_the_pdf_parses_and_carries_the_chinese_text():
    document = {
        "review": {"unit_name": "华东大区", "week_label": "2026-W48"},
        "snapshot": SNAPSHOT,
        "agenda": build_agenda(SNAPSHOT, [{"status": "pending"}]),
        "anomalies": [],
        "suggestions": [
            {"target_name": "李娜 revenue", "proposed_amount": 80, "status": "pending",
             "reason": "大客户延期 <到下周>"}
        ],
        "key_customers": [],
    }  # fmt: skip
    pdf = base64.b64decode(render(document, ReviewExportFormat.PDF))
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "华东大区",
        "议程",
        "差距第1",
        "李娜",
        "比亚迪车队",
        "大客户延期 <到下周>",
        "15",
    ):
        assert expected in text, expected
