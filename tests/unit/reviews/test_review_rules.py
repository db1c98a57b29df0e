"""The plain rules of weekly reviews: the week, the as-of day, the snapshot's rows, the
exports (JSON and CSV parse back)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Forbidden, InvalidInput
from domain.kernel.actor import Actor, Role
from domain.pipeline import funnel as funnels
from domain.pipeline.kpis import DEFAULT_MINIMUMS, KpiDay, RepKpis
from domain.reviews import export
from domain.reviews.rules import (
    alert_summary,
    check_week,
    clean_note,
    funnel_summary,
    kpi_miss_rows,
    month_of_week,
    require_role,
    review_as_of,
    sort_target_rows,
    subject_of,
)
from domain.targets.models import PeriodKind
from domain.targets.periods import Period

MONDAY = date(2026, 11, 16)


# --- the week ---------------------------------------------------------------------------


def test_a_week_starts_on_a_monday_that_has_come():
    assert check_week(MONDAY, MONDAY) == Period(PeriodKind.WEEK, MONDAY)
    assert check_week(MONDAY, date(2027, 1, 1)).label() == "2026-W47"


def test_another_day_is_an_invalid_week_naming_week_start():
    with pytest.raises(InvalidInput) as caught:
        check_week(date(2026, 11, 17), date(2026, 12, 1))
    assert caught.value.code == "INVALID_WEEK" and caught.value.field == "week_start"
    assert "weekStart" in caught.value.message_en and "weekStart" in caught.value.message_zh


def test_a_week_after_today_has_not_started():
    with pytest.raises(InvalidInput) as caught:
        check_week(MONDAY, date(2026, 11, 15))
    assert caught.value.code == "WEEK_NOT_STARTED" and caught.value.field == "week_start"


def test_as_of_is_today_while_the_week_runs_and_its_sunday_after():
    week = Period(PeriodKind.WEEK, MONDAY)
    assert review_as_of(week, date(2026, 11, 18)) == date(2026, 11, 18)
    assert review_as_of(week, date(2026, 12, 25)) == date(2026, 11, 22)


@pytest.mark.parametrize(
    ("monday", "month"),
    [
        (date(2026, 11, 16), date(2026, 11, 1)),
        (date(2026, 11, 30), date(2026, 12, 1)),  # Thursday 3 December
        (date(2026, 10, 26), date(2026, 10, 1)),  # Thursday 29 October
        (date(2026, 6, 29), date(2026, 7, 1)),  # Thursday 2 July
    ],
)
def test_the_month_of_a_week_is_the_month_of_its_thursday(monday, month):
    assert month_of_week(Period(PeriodKind.WEEK, monday)) == Period(PeriodKind.MONTH, month)


# --- snapshot rows ----------------------------------------------------------------------


def row(target_id, period, metric, role, name):
    return {
        "target_id": target_id,
        "period": period,
        "metric": metric,
        "owner_role": role,
        "owner_name": name,
    }


def test_target_rows_week_first_then_metric_then_unit_children_reps():
    rows = [
        row(1, "month", "revenue", "unit", "East"),
        row(2, "week", "deals_won", "unit", "East"),
        row(3, "week", "revenue", "rep", "Amy"),
        row(4, "week", "revenue", "child_unit", "Shanghai"),
        row(5, "week", "revenue", "unit", "East"),
        row(6, "week", "revenue", "child_unit", "Hangzhou"),
    ]
    assert [r["target_id"] for r in sort_target_rows(rows)] == [5, 6, 4, 3, 2, 1]


def kpi_days(rep_level: str, counts: list[dict[str, int]]) -> list[KpiDay]:
    return [
        KpiDay(date(2026, 11, 16 + i), day, dict(DEFAULT_MINIMUMS[rep_level]))
        for i, day in enumerate(counts)
    ]


def test_kpi_misses_list_only_reps_who_missed_worst_first():
    hit = {"touches": 9, "needs_confirmed": 3, "proposals_sent": 2, "demos_booked": 2}
    short_touches = {**hit, "touches": 1}
    reports = [
        RepKpis(SimpleNamespace(id=1, name="Fine", level="junior"), kpi_days("junior", [hit])),
        RepKpis(
            SimpleNamespace(id=2, name="Once", level="junior"),
            kpi_days("junior", [short_touches, hit]),
        ),
        RepKpis(
            SimpleNamespace(id=3, name="Twice", level="junior"),
            kpi_days("junior", [hit, {}, short_touches]),
        ),
    ]
    rows = kpi_miss_rows(reports)
    assert [r["rep_name"] for r in rows] == ["Twice", "Once"]
    twice = rows[0]
    assert twice["days_missed"] == 2 and twice["miss_streak"] == 2 and twice["working_days"] == 3
    assert twice["missed"] == {
        "touches": 2,
        "needs_confirmed": 1,
        "proposals_sent": 1,
        "demos_booked": 1,
    }
    assert twice["missed_days"] == ["2026-11-17", "2026-11-18"]
    assert rows[1]["miss_streak"] == 0


def alert_item(alert_id, severity, raised_on):
    return {"alert_id": alert_id, "severity": severity, "raised_on": raised_on}


def test_alert_summary_counts_every_severity_red_first_oldest_first():
    summary = alert_summary(
        [
            alert_item(1, "yellow", "2026-11-10"),
            alert_item(2, "red", "2026-11-12"),
            alert_item(3, "red", "2026-11-11"),
        ]
    )
    assert summary["total"] == 3
    assert summary["by_severity"] == {"red": 2, "orange": 0, "yellow": 1}
    assert list(summary["by_severity"]) == ["red", "orange", "yellow"]
    assert [i["alert_id"] for i in summary["items"]] == [3, 2, 1]


def test_the_subject_of_an_alert_is_the_most_specific_one():
    names = {("rep", 7): "Amy", ("unit", 2): "Shanghai", ("opportunity", 9): "20 辆车"}
    alert = SimpleNamespace(
        opportunity_id=None, target_id=None, rep_id=7, unit_id=2, subject_key="rep:7"
    )
    assert subject_of(alert, names) == ("rep", 7, "Amy")
    alert.opportunity_id = 9
    assert subject_of(alert, names) == ("opportunity", 9, "20 辆车")
    unit_only = SimpleNamespace(
        opportunity_id=None, target_id=None, rep_id=None, unit_id=3, subject_key="unit:3"
    )
    assert subject_of(unit_only, names) == ("unit", 3, "unit:3")  # a name not found: the key


def test_funnel_summary_of_an_empty_funnel():
    empty = funnels.Funnel(stages=funnels.stage_rows(Counter(), {}))
    summary = funnel_summary(empty, date(2026, 12, 1), date(2026, 11, 30))
    assert [s["reached"] for s in summary["stages"]] == [0] * 6
    assert summary["win_rate"] is None and summary["stale_key_opportunities"] == 0
    assert (summary["from"], summary["to"]) == ("2026-12-01", "2026-11-30")


# --- input checks -----------------------------------------------------------------------


def test_notes_are_trimmed_and_keep_their_line_breaks():
    assert clean_note("  第一行\n第二行  ", "note", 20) == "第一行\n第二行"
    assert clean_note("  ", "note", 20, required=False) is None
    with pytest.raises(InvalidInput) as caught:
        clean_note(" \n ", "note", 20)
    assert (caught.value.code, caught.value.field) == ("REQUIRED", "note")
    with pytest.raises(InvalidInput) as caught:
        clean_note("x" * 21, "note", 20)
    assert caught.value.code == "TOO_LONG"


def test_roles_are_checked_in_the_service_too():
    rep = Actor(user_id=1, roles=frozenset({Role.REP.value}), rep_id=1, rep_unit_id=1)
    with pytest.raises(Forbidden) as caught:
        require_role(rep, (Role.DIRECTOR, Role.ADMIN), "采纳", "accept")
    assert caught.value.code == "NOT_ALLOWED"
    require_role(rep, (Role.REP,), "标记", "mark")


# --- exports ----------------------------------------------------------------------------


def snapshot() -> dict:
    return {
        "version": 1,
        "taken_at": "2026-11-18T02:00:00+00:00",
        "as_of": "2026-11-18",
        "unit": {"id": 3, "code": "east.sh", "name": "上海", "kind": "team"},
        "week": {"start": "2026-11-16", "last_day": "2026-11-22", "label": "2026-W47"},
        "month": {"start": "2026-11-01", "last_day": "2026-11-30", "label": "2026-11"},
        "targets": [
            {
                "target_id": 11,
                "parent_target_id": None,
                "period": "week",
                "period_label": "2026-W47",
                "metric": "revenue",
                "owner_role": "unit",
                "owner_id": 3,
                "owner_name": "上海",
                "status": "approved",
                "version": 2,
                "amount": 100000,
                "achieved": 30000,
                "expected_to_date": 60000.0,
                "completion": 0.3,
                "pace_ratio": 0.5,
                "projection": 50000.0,
                "gap": 50000.0,
            }
        ],
        "kpi_misses": {
            "from": "2026-11-16",
            "to": "2026-11-18",
            "working_days": 3,
            "reps_checked": 2,
            "reps": [
                {
                    "rep_id": 5,
                    "rep_name": "王伟",
                    "level": "junior",
                    "working_days": 3,
                    "days_missed": 2,
                    "miss_streak": 2,
                    "missed": {
                        "touches": 2,
                        "needs_confirmed": 0,
                        "proposals_sent": 1,
                        "demos_booked": 0,
                    },
                    "missed_days": ["2026-11-17", "2026-11-18"],
                }
            ],
        },
        "alerts": {
            "total": 1,
            "by_severity": {"red": 1, "orange": 0, "yellow": 0},
            "items": [
                {
                    "alert_id": 8,
                    "rule": "week_to_date",
                    "severity": "red",
                    "status": "open",
                    "subject_kind": "unit",
                    "subject_id": 3,
                    "subject_name": "上海",
                    "raised_on": "2026-11-18",
                }
            ],
        },
        "funnel": funnel_summary(
            funnels.Funnel(stages=funnels.stage_rows(Counter(), {})),
            date(2026, 11, 1),
            date(2026, 11, 18),
        ),
        "suggested_key_customers": [
            {
                "account_id": 4,
                "name": "滴滴出行华东",
                "segment": "ride_hailing",
                "owner_rep_id": 5,
                "owner_rep_name": "王伟",
                "open_opportunities": 2,
                "open_amount": 300000,
            }
        ],
    }


AT = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)


def document(note: str = '客户预算冻结, "暂缓"\n下周再看') -> dict:
    review = SimpleNamespace(
        id=1,
        unit_id=3,
        week_start=date(2026, 11, 16),
        snapshot=snapshot(),
        created_at=datetime(2026, 11, 18, 2, 0),  # naive, as SQLite returns it
        created_by_user_id=1,
    )
    anomalies = [
        SimpleNamespace(
            id=1, note=note, target_id=11, rep_id=None, created_by_user_id=1, created_at=AT
        ),
        SimpleNamespace(
            id=2, note="请假", target_id=None, rep_id=5, created_by_user_id=1, created_at=AT
        ),
    ]
    suggestions = [
        SimpleNamespace(
            id=1,
            target_id=11,
            proposed_amount=90000,
            reason="春节前下调",
            status="pending",
            created_by_user_id=1,
            created_at=AT,
            decided_by_user_id=None,
            decided_at=None,
        )
    ]
    key_customers = [
        SimpleNamespace(account_id=4, note=None, confirmed_by_user_id=1, confirmed_at=AT)
    ]
    return export.review_document(
        review,
        unit_name="上海",
        anomalies=anomalies,
        suggestions=suggestions,
        key_customers=key_customers,
        names=export.Names(
            users={1: "经理"},
            targets={11: "上海 revenue 2026-W47"},
            reps={5: "王伟"},
            accounts={4: "滴滴出行华东"},
        ),
    )


def parse_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_the_json_export_parses_back_with_the_snapshot_unchanged():
    doc = document()
    text = export.render(doc, export.ReviewExportFormat.JSON)
    assert "上海" in text  # Chinese is not escaped
    parsed = json.loads(text)
    assert parsed["snapshot"] == snapshot()
    assert parsed["format"] == "pacer.weekly_review" and parsed["format_version"] == 1
    assert parsed["review"]["created_at"] == "2026-11-18T02:00:00+00:00"
    assert parsed["anomalies"][1]["rep_name"] == "王伟"
    assert parsed["suggestions"][0]["decided_at"] is None


def test_the_csv_export_is_one_table_with_a_section_column_and_a_bom():
    text = export.render(document(), export.ReviewExportFormat.CSV)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = parse_csv(text)
    assert list(rows[0]) == export.COLUMNS
    sections = Counter(r["section"] for r in rows)
    assert sections == {
        "review": 1,
        "target": 1,
        "kpi_miss": 1,
        "alert_count": 3,
        "alert": 1,
        "funnel_stage": 6,
        "funnel": 7,
        "suggested_key_customer": 1,
        "anomaly": 2,
        "suggestion": 1,
        "key_customer": 1,
        "agenda": len(export.build_agenda(document()["snapshot"], [])["items"]),
    }
    review = rows[0]
    assert (review["subject_name"], review["period"], review["date"]) == (
        "上海",
        "2026-W47",
        "2026-11-18",
    )
    target = next(r for r in rows if r["section"] == "target")
    assert (target["amount"], target["achieved"], target["completion"]) == (
        "100000",
        "30000",
        "0.3",
    )
    kpi = next(r for r in rows if r["section"] == "kpi_miss")
    assert kpi["count"] == "2" and kpi["note"] == "touches 2, proposals_sent 1; streak 2"
    anomaly = next(r for r in rows if r["section"] == "anomaly")
    assert anomaly["note"] == '客户预算冻结, "暂缓"\n下周再看'
    assert anomaly["subject_kind"] == "target" and anomaly["subject_name"].startswith("上海")
    rep_anomaly = [r for r in rows if r["section"] == "anomaly"][1]
    assert (rep_anomaly["subject_kind"], rep_anomaly["subject_id"]) == ("rep", "5")
    win_rate = next(r for r in rows if r["section"] == "funnel" and r["metric"] == "win_rate")
    assert win_rate["rate"] == ""  # None is an empty cell
    key = next(r for r in rows if r["section"] == "key_customer")
    assert (key["subject_name"], key["note"]) == ("滴滴出行华东", "")


@given(st.text(min_size=1, max_size=80).filter(lambda s: s.strip()))
def test_any_note_survives_the_csv_round_trip(note):
    note = note.strip()
    rows = parse_csv(export.render_csv(document(note)))
    assert next(r for r in rows if r["section"] == "anomaly")["note"] == note
