"""Capability use-cases: record evidence, recompute a rep's scores from it, a manager's
override, and the reads other contexts rely on (`current_scores`, `flags_of`, `dimensions`).

Services never commit: the caller's transaction covers the evidence, the scores and their
history together. Coaching writes practice evidence through `record_practice`; it is the
only way in for the sandbox, since the domain does not know coaching."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capability import rules
from domain.capability.errors import CapabilityError
from domain.capability.models import (
    CapabilityEvidence,
    CapabilityScore,
    CapabilityScoreChange,
    CapabilitySource,
    MilestoneAward,
    ScoreChangeCause,
)
from domain.db import utcnow
from domain.errors import Conflict, Forbidden, not_found
from domain.kernel.actor import Actor, Role
from domain.kernel.text import clean_text
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep
from domain.org.service import rep_visible
from domain.settings import Settings, get_settings

BATCH = 500
"""Reps per statement when recomputing many at once."""


def dimensions(settings: Settings) -> tuple[str, ...]:
    """The configured capability dimensions, in display order."""
    return tuple(settings.capability_dimensions or rules.DEFAULT_DIMENSIONS)


def company_day(settings: Settings, moment: datetime | None = None) -> date:
    moment = moment or utcnow()
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(settings.timezone)).date()


# --- evidence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewEvidence:
    rep_id: int
    dimension: str
    ref: str
    value: float
    observed_on: date
    observations: int = 1
    detail: dict[str, Any] = field(default_factory=dict)


async def replace_evidence(
    session: AsyncSession,
    source: CapabilitySource,
    scope: ColumnElement[bool],
    rows: Iterable[NewEvidence],
) -> set[int]:
    """Make the source's evidence within `scope` exactly `rows`: unchanged rows stay, changed
    ones are updated, missing ones inserted, the rest deleted. The reps whose evidence
    changed."""
    existing = {
        (row.rep_id, row.ref, row.dimension): row
        for row in await session.scalars(
            select(CapabilityEvidence).where(CapabilityEvidence.source == source.value, scope)
        )
    }
    touched: set[int] = set()
    for new in rows:
        value = round(min(100.0, max(0.0, new.value)), 2)
        row = existing.pop((new.rep_id, new.ref, new.dimension), None)
        fields = {
            "value": value,
            "observations": new.observations,
            "observed_on": new.observed_on,
            "detail": new.detail,
        }
        if row is None:
            session.add(
                CapabilityEvidence(
                    rep_id=new.rep_id,
                    dimension=new.dimension,
                    source=source.value,
                    ref=new.ref,
                    **fields,
                )
            )
            touched.add(new.rep_id)
        elif any(getattr(row, name) != wanted for name, wanted in fields.items()):
            for name, wanted in fields.items():
                setattr(row, name, wanted)
            row.recorded_at = utcnow()
            touched.add(new.rep_id)
    for stale in existing.values():
        await session.delete(stale)
        touched.add(stale.rep_id)
    await session.flush()
    return touched


async def record_practice(
    session: AsyncSession,
    rep_id: int,
    session_ref: int | str,
    scores_by_dimension: Mapping[str, float],
    mode: str,
    passed: bool | None,
    at: datetime,
    *,
    settings: Settings | None = None,
    detail: Mapping[str, Any] | None = None,
) -> bool:
    """(Re)write a finished practice session's evidence — one row per dimension it scored,
    dated the day it finished — and recompute the rep's scores when it changed. `mode` and
    `passed` are kept for the milestones (passed exams). Without `settings`, the process's
    settings apply (the practice service has none at hand). True when anything changed."""
    settings = settings or get_settings()
    ref = f"practice:{session_ref}"
    observed_on = company_day(settings, at)
    facts = {"mode": mode, "passed": passed, **(detail or {})}
    rows = [
        NewEvidence(rep_id, dimension, ref, float(score), observed_on, detail=facts)
        for dimension, score in scores_by_dimension.items()
    ]
    scope = and_(CapabilityEvidence.rep_id == rep_id, CapabilityEvidence.ref == ref)
    changed = await replace_evidence(session, CapabilitySource.PRACTICE, scope, rows)
    if changed:
        await recompute(
            session, settings, changed, company_day(settings), ScoreChangeCause.PRACTICE
        )
    return bool(changed)


# --- scores -----------------------------------------------------------------------------


def _history(row: CapabilityScore, cause: ScoreChangeCause, user_id=None, note=None):
    return CapabilityScoreChange(
        rep_id=row.rep_id,
        dimension=row.dimension,
        cause=cause.value,
        computed_score=row.computed_score,
        override_score=row.override_score,
        confidence=row.confidence,
        user_id=user_id,
        note=note,
    )


async def recompute(
    session: AsyncSession,
    settings: Settings,
    rep_ids: Collection[int],
    as_of: date,
    cause: ScoreChangeCause,
) -> int:
    """Recompute the reps' scores in every configured dimension from all their evidence, as
    of a day; a history row for each score that changed. How many changed."""
    dims = dimensions(settings)
    ordered = sorted(set(rep_ids))
    changed = 0
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        evidence: dict[tuple[int, str], list[rules.Observation]] = {}
        for row in await session.scalars(
            select(CapabilityEvidence).where(
                CapabilityEvidence.rep_id.in_(batch), CapabilityEvidence.dimension.in_(dims)
            )
        ):
            evidence.setdefault((row.rep_id, row.dimension), []).append(
                rules.Observation(row.source, row.value, row.observed_on, row.observations)
            )
        stored = await _score_rows(session, batch, lock=True)
        for rep_id in batch:
            for dimension in dims:
                combined = rules.combine(
                    evidence.get((rep_id, dimension), ()), as_of, settings.capability_half_life_days
                )
                score = stored.get(rep_id, {}).get(dimension)
                if score is None and combined.score is None:
                    continue
                if score is None:
                    score = CapabilityScore(rep_id=rep_id, dimension=dimension)
                    session.add(score)
                moved = score.computed_score != combined.score or score.id is None
                score.computed_score = combined.score
                score.confidence = combined.confidence
                score.observations = combined.observations
                score.sources = [source.to_json() for source in combined.sources]
                score.computed_on = as_of
                if moved:
                    session.add(_history(score, cause))
                    changed += 1
    await session.flush()
    return changed


async def _score_rows(
    session: AsyncSession, rep_ids: Iterable[int], lock: bool = False
) -> dict[int, dict[str, CapabilityScore]]:
    stmt = select(CapabilityScore).where(CapabilityScore.rep_id.in_(set(rep_ids)))
    if lock:
        stmt = stmt.with_for_update()
    found: dict[int, dict[str, CapabilityScore]] = {}
    for row in await session.scalars(stmt):
        found.setdefault(row.rep_id, {})[row.dimension] = row
    return found


# --- a manager's override ---------------------------------------------------------------


async def managed_rep(session: AsyncSession, actor: Actor, rep_id: int, field: str) -> Rep:
    """A rep the actor manages (admin, director or manager over the rep's unit), never the
    actor themself."""
    found = (
        await session.execute(
            select(Rep, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Rep.unit_id)
            .where(Rep.id == rep_id, rep_visible(actor))
        )
    ).first()
    if found is None:
        raise not_found(OrgError.REP_NOT_FOUND, field, "销售代表", "rep")
    rep, path = found
    require_manager(actor, rep.id, path, field)
    return rep


def require_manager(actor: Actor, rep_id: int, unit_path: str, field: str | None) -> None:
    manages = actor.has(Role.ADMIN, Role.DIRECTOR, Role.MANAGER) and actor.manages_path(unit_path)
    if not manages or rep_id == actor.rep_id:
        raise Forbidden(
            CapabilityError.NOT_A_MANAGER,
            "只有该销售代表的经理、总监或管理员可以执行此操作（不能针对自己）",
            "Only a manager, director or admin over the rep can do this (never for themselves)",
            field,
        )


async def override_score(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    *,
    rep_id: int,
    dimension: str,
    score: float,
    reason: str,
) -> CapabilityScore:
    """A manager sets a rep's score in a dimension, with a reason; the computed score stays
    beside it and keeps being recomputed."""
    rep = await managed_rep(session, actor, rep_id, "rep_id")
    rules.check_dimension(dimension, dimensions(settings))
    score = rules.check_score(score)
    reason = clean_text(reason, "reason", max_length=500)
    row = (await _score_rows(session, [rep.id], lock=True)).get(rep.id, {}).get(dimension)
    if row is None:
        row = CapabilityScore(rep_id=rep.id, dimension=dimension, confidence=0.0, observations=0)
        session.add(row)
    row.override_score = score
    row.override_reason = reason
    row.override_by_user_id = actor.user_id
    row.override_at = utcnow()
    session.add(_history(row, ScoreChangeCause.OVERRIDE, actor.user_id, reason))
    await session.flush()
    return row


async def clear_override(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    *,
    rep_id: int,
    dimension: str,
    reason: str,
) -> CapabilityScore:
    """Back to the computed score; the override stays in the history."""
    rep = await managed_rep(session, actor, rep_id, "rep_id")
    rules.check_dimension(dimension, dimensions(settings))
    reason = clean_text(reason, "reason", max_length=500)
    row = (await _score_rows(session, [rep.id], lock=True)).get(rep.id, {}).get(dimension)
    if row is None or row.override_score is None:
        raise Conflict(
            CapabilityError.NO_OVERRIDE,
            "该维度没有经理调整",
            "This dimension has no override to clear",
            "dimension",
        )
    row.override_score = row.override_reason = row.override_by_user_id = row.override_at = None
    session.add(_history(row, ScoreChangeCause.OVERRIDE_CLEARED, actor.user_id, reason))
    await session.flush()
    return row


# --- reads ------------------------------------------------------------------------------


async def score_rows(
    session: AsyncSession, rep_ids: Iterable[int]
) -> dict[int, dict[str, CapabilityScore]]:
    """Per rep, the stored score of each dimension that has one."""
    return await _score_rows(session, rep_ids)


async def current_scores(
    session: AsyncSession, rep_ids: Iterable[int]
) -> dict[int, dict[str, float]]:
    """The effective score (the override, if any) per rep and dimension; dimensions without
    a score are absent, and so are reps without any. Numbers only: one statement, no rows."""
    effective = func.coalesce(CapabilityScore.override_score, CapabilityScore.computed_score)
    rows = await session.execute(
        select(CapabilityScore.rep_id, CapabilityScore.dimension, effective).where(
            CapabilityScore.rep_id.in_(set(rep_ids)), effective.is_not(None)
        )
    )
    found: dict[int, dict[str, float]] = {}
    for rep_id, dimension, score in rows:
        found.setdefault(rep_id, {})[dimension] = float(score)
    return found


async def flags_of(session: AsyncSession, rep_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The flags each rep's current (unrevoked) milestone awards unlock; every rep asked for
    is present, with an empty set when they hold none."""
    wanted = set(rep_ids)
    flags: dict[int, set[str]] = {rep_id: set() for rep_id in wanted}
    rows = await session.execute(
        select(MilestoneAward.rep_id, MilestoneAward.flags).where(
            MilestoneAward.rep_id.in_(wanted), MilestoneAward.revoked_at.is_(None)
        )
    )
    for rep_id, unlocked in rows:
        flags[rep_id].update(unlocked or ())
    return {rep_id: frozenset(found) for rep_id, found in flags.items()}
