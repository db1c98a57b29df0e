"""What a reader may see of a practice session and its turns: read-only copies of the rows
with exam secrecy applied. While an exam runs, its score, pass/fail, the judge's verdicts and
the judge's traces are withheld (None); everything else reads as stored.

Views are plain frozen dataclasses, never the ORM rows with fields blanked: a row changed
for display could be flushed back to the database."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Protocol

from coaching.practice.models import PracticeMode, PracticeSession, PracticeStatus, PracticeTurn


class Played(Protocol):
    """Anything that says how a session is played: a row or its view."""

    @property
    def mode(self) -> str: ...

    @property
    def status(self) -> str: ...


def feedback_withheld(row: Played) -> bool:
    """An exam shows no verdicts, scores or tips until it is finished."""
    return row.mode == PracticeMode.EXAM.value and row.status == PracticeStatus.ACTIVE.value


@dataclass(frozen=True)
class SessionView:
    id: int
    rep_id: int
    unit_id: int
    scenario_id: str
    scenario_version: int
    rubric_hash: str
    pass_mark: int
    persona_id: str
    difficulty: str
    mode: str
    attempt: int
    engine: str
    model: str | None
    prompt_version: str | None
    language: str
    seed: int
    status: str
    outcome: str | None
    turns_taken: int
    started_at: datetime
    finished_at: datetime | None
    score: float | None
    """None while an exam runs."""
    passed: bool | None
    """None while an exam runs."""
    withheld: bool
    """True while an exam runs: its feedback is not shown."""


def session_view(row: PracticeSession) -> SessionView:
    """A session as its readers see it: a running exam's score and pass/fail withheld."""
    withheld = feedback_withheld(row)
    return SessionView(
        **_copied(row, SessionView, "score", "passed", "withheld"),
        score=None if withheld else row.score,
        passed=None if withheld else row.passed,
        withheld=withheld,
    )


@dataclass(frozen=True)
class TurnView:
    id: int
    session_id: int
    number: int
    rep_message: str | None
    customer_line: str
    created_at: datetime
    verdict: dict[str, Any] | None
    """The judge's verdict; None on turn 0 and while an exam runs."""
    judge_trace: dict[str, Any] | None
    """None on turn 0 and while an exam runs."""
    customer_trace: dict[str, Any]


def turn_view(turn: PracticeTurn, withheld: bool) -> TurnView:
    """A turn as its session's reader sees it (`withheld`: the session is a running exam)."""
    return TurnView(
        **_copied(turn, TurnView, "verdict", "judge_trace"),
        verdict=None if withheld else turn.verdict,
        judge_trace=None if withheld else turn.judge_trace,
    )


def _copied(row: object, view: type, *decided: str) -> dict[str, Any]:
    """The row's value of every field of `view` but those `decided` by the caller."""
    return {f.name: getattr(row, f.name) for f in fields(view) if f.name not in decided}
