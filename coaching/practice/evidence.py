"""A practice session's capability evidence: what its result says about the rep."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from coaching.engines.scoring import SessionScore
from coaching.practice.errors import PracticeError
from coaching.practice.models import PracticeSession
from domain.capability.service import record_practice
from domain.errors import Conflict


async def record_evidence(session: AsyncSession, row: PracticeSession, result: SessionScore):
    """The session's capability evidence, in the same transaction as its result (a trainer's
    ruling rewrites it, and the rep's scores with it)."""
    if row.finished_at is None:
        raise Conflict(
            PracticeError.SESSION_ACTIVE,
            "练习结束后才有能力评估",
            "A session gives capability evidence once it has finished",
            "session",
        )
    scores = {capability.capability: capability.score for capability in result.capabilities}
    await record_practice(
        session,
        row.rep_id,
        row.id,
        scores,
        row.mode,
        result.passed,
        row.finished_at,
        detail={"scenario": row.scenario_id},
    )
