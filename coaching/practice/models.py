"""Practice sessions, their turns, trainers' verdict overrides, and the `llm` verdict cache.

A session freezes what it was played under — scenario version, rubric hash, pass mark,
engine, language and seed — so its scores mean the same thing after the scenario file moves
on, and a `rules` session can be replayed turn for turn."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.kernel.sql import one_of
from domain.labels import LabelledEnum, register


@register
class PracticeMode(LabelledEnum):
    TRAIN = ("train", "训练", "Train")
    EXAM = ("exam", "考试", "Exam")


@register
class PracticeStatus(LabelledEnum):
    ACTIVE = ("active", "进行中", "Active")
    FINISHED = ("finished", "已结束", "Finished")


@register
class PracticeOutcome(LabelledEnum):
    AGREED = ("agreed", "客户同意推进", "Customer agreed")
    DECLINED = ("declined", "客户失去耐心", "Customer declined")
    TURN_LIMIT = ("turn_limit", "达到轮次上限", "Turn limit reached")
    ENDED = ("ended", "销售提前结束", "Ended by the rep")


@register
class PracticeDifficulty(LabelledEnum):
    EASY = ("easy", "容易", "Easy")
    NORMAL = ("normal", "普通", "Normal")
    HARD = ("hard", "困难", "Hard")


@register
class PracticeEngine(LabelledEnum):
    RULES = ("rules", "规则引擎（离线）", "Rules (offline)")
    LLM = ("llm", "大模型", "Language model")


class PracticeSession(Base):
    __tablename__ = "practice_session"
    __table_args__ = (
        sa.CheckConstraint(one_of("mode", PracticeMode), name="mode"),
        sa.CheckConstraint(one_of("status", PracticeStatus), name="status"),
        sa.CheckConstraint(one_of("difficulty", PracticeDifficulty), name="difficulty"),
        sa.CheckConstraint(one_of("engine", PracticeEngine), name="engine"),
        sa.CheckConstraint(
            f"outcome IS NULL OR {one_of('outcome', PracticeOutcome)}", name="outcome"
        ),
        sa.CheckConstraint("language IN ('zh', 'en')", name="language"),
        # Attempts are numbered per rep, scenario and mode; two starts racing for the same
        # number cannot both win, so the exam attempt limit holds under concurrency.
        sa.UniqueConstraint("rep_id", "scenario_id", "mode", "attempt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(sa.ForeignKey("rep.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("org_unit.id"), index=True)
    started_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    scenario_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    scenario_version: Mapped[int] = mapped_column(sa.Integer)
    rubric_hash: Mapped[str] = mapped_column(sa.String(64))
    pass_mark: Mapped[int] = mapped_column(sa.Integer)
    persona_id: Mapped[str] = mapped_column(sa.String(64))
    difficulty: Mapped[str] = mapped_column(sa.String(8))
    mode: Mapped[str] = mapped_column(sa.String(8))
    attempt: Mapped[int] = mapped_column(sa.Integer)
    engine: Mapped[str] = mapped_column(sa.String(8))
    model: Mapped[str | None] = mapped_column(sa.String(120))
    prompt_version: Mapped[str | None] = mapped_column(sa.String(40))
    language: Mapped[str] = mapped_column(sa.String(2))
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(12), default=PracticeStatus.ACTIVE.value)
    outcome: Mapped[str | None] = mapped_column(sa.String(16))
    turns_taken: Mapped[int] = mapped_column(sa.Integer, default=0)
    """Rep replies so far; also the session's version for optimistic concurrency."""
    customer_state: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    score: Mapped[float | None] = mapped_column(sa.Float)
    """0..100 once finished, with trainers' overrides applied."""
    passed: Mapped[bool | None] = mapped_column(sa.Boolean)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()


class PracticeTurn(Base):
    """Turn 0 is the customer's opening line; turn n ≥ 1 is the rep's n-th reply, the judge's
    verdict on it and the customer's answer."""

    __tablename__ = "practice_turn"
    __table_args__ = (sa.UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_session.id"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    rep_message: Mapped[str | None] = mapped_column(sa.Text)
    customer_line: Mapped[str] = mapped_column(sa.Text)
    verdict: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    judge_trace: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    customer_trace: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    state: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    """The customer's state after this turn."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerdictOverride(Base):
    """A trainer's decision on one check of a session. Append-only: the latest per check is
    in force; the engine's verdict stays in the turns."""

    __tablename__ = "practice_verdict_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_session.id"), index=True)
    check_id: Mapped[str] = mapped_column(sa.String(64))
    engine_passed: Mapped[bool] = mapped_column(sa.Boolean)
    passed: Mapped[bool] = mapped_column(sa.Boolean)
    reason: Mapped[str] = mapped_column(sa.Text)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class LlmVerdictCacheEntry(Base):
    """A judge verdict from the language model, keyed by content, rubric, prompt and model."""

    __tablename__ = "llm_verdict_cache"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
