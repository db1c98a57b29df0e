"""Exam secrecy as a plain rule over rows that never touch a database: the views a reader gets
of a session and its turns, and that the rows themselves stay as they are."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coaching.practice.models import PracticeSession, PracticeTurn
from coaching.practice.views import feedback_withheld, session_view, turn_view

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def session(mode: str, status: str) -> PracticeSession:
    return PracticeSession(
        id=5,
        rep_id=1,
        unit_id=3,
        started_by_user_id=2,
        scenario_id="b2b_software_price",
        scenario_version=1,
        rubric_hash="abc",
        pass_mark=70,
        persona_id="cfo",
        difficulty="normal",
        mode=mode,
        attempt=1,
        engine="rules",
        model=None,
        prompt_version=None,
        language="en",
        seed=7,
        status=status,
        outcome=None if status == "active" else "ended",
        turns_taken=1,
        customer_state={},
        score=81.5,
        passed=True,
        started_at=AT,
        finished_at=None if status == "active" else AT,
    )


def turn() -> PracticeTurn:
    return PracticeTurn(
        id=9,
        session_id=5,
        number=1,
        rep_message="Here is the ROI",
        customer_line="Go on",
        verdict={"checks": []},
        judge_trace={"engine": "rules"},
        customer_trace={"engine": "rules"},
        state={},
        created_at=AT,
    )


@pytest.mark.parametrize(
    ("mode", "status", "withheld"),
    [("exam", "active", True), ("exam", "finished", False), ("train", "active", False)],
)
def test_only_a_running_exam_withholds(mode, status, withheld):
    row = session(mode, status)
    assert feedback_withheld(row) is withheld
    view = session_view(row)
    assert view.withheld is withheld
    assert (view.score, view.passed) == ((None, None) if withheld else (81.5, True))
    assert (view.id, view.mode, view.status, view.seed) == (5, mode, status, 7)
    assert (row.score, row.passed) == (81.5, True)  # the row is not touched


def test_a_withheld_turn_keeps_its_lines_but_not_the_judge():
    row = turn()
    hidden, shown = turn_view(row, withheld=True), turn_view(row, withheld=False)
    assert (hidden.verdict, hidden.judge_trace) == (None, None)
    assert (hidden.rep_message, hidden.customer_line, hidden.customer_trace) == (
        "Here is the ROI",
        "Go on",
        {"engine": "rules"},
    )
    assert (shown.verdict, shown.judge_trace) == ({"checks": []}, {"engine": "rules"})
    assert row.verdict == {"checks": []} and row.judge_trace == {"engine": "rules"}
