"""Orange opens help: a rep on an orange KPI alert is paired, for the week after the day
evaluated, with the senior colleague of the same team strongest in the capability dimension
behind the KPI missed most (rules.KPI_DIMENSION) — active, not on leave, not already helping
someone that week, and scoring above the rep. Once per rep and week; when nobody qualifies,
that is recorded too (outcome `no_senior`, with every candidate considered), the alert shows
it (`Alert.pairing`), and later runs try again until someone does (then the record becomes
the pairing). While a series stays orange, each next week is arranged anew."""

from __future__ import annotations

from sqlalchemy import select

from domain.alerts.loops import rules
from domain.alerts.loops.tasks import LoopContext, jsonable
from domain.alerts.models import (
    Alert,
    AlertRule,
    AlertStatus,
    MentorPairing,
    PairingOutcome,
)
from domain.capability.service import current_scores
from domain.kernel.severity import Severity
from domain.org.models import Rep, RepLevel, RepStatus


async def run_pairing(ctx: LoopContext) -> None:
    session = ctx.session
    week = rules.next_week_start(ctx.day)
    alerts = list(
        await session.scalars(
            select(Alert)
            .where(
                Alert.rule == AlertRule.KPI_MISS.value,
                Alert.severity == Severity.ORANGE.value,
                Alert.status != AlertStatus.RESOLVED.value,
                Alert.rep_id.is_not(None),
            )
            .order_by(Alert.id)
        )
    )
    if not alerts:
        return
    existing = {
        p.rep_id: p
        for p in await session.scalars(
            select(MentorPairing).where(MentorPairing.week_start == week)
        )
    }
    busy = {p.mentor_rep_id for p in existing.values() if p.mentor_rep_id is not None}
    for alert in alerts:
        if alert.rep_id is None:
            continue
        before = existing.get(alert.rep_id)
        if before is not None and before.mentor_rep_id is not None:
            continue  # paired for that week already
        pairing = await _pair(ctx, alert, alert.rep_id, week, busy)
        if before is None:
            session.add(pairing)
            existing[alert.rep_id] = pairing
        elif pairing.mentor_rep_id is not None:
            # Nobody qualified before; someone does now (a score, a free senior).
            before.alert_id, before.mentor_rep_id = pairing.alert_id, pairing.mentor_rep_id
            before.outcome, before.details = pairing.outcome, pairing.details
            before.kpi, before.dimension = pairing.kpi, pairing.dimension
        else:
            continue  # still nobody: nothing changes
        if pairing.mentor_rep_id is not None:
            busy.add(pairing.mentor_rep_id)
        await session.flush()
        ctx.counts["pairings"] += 1


async def _pair(ctx: LoopContext, alert: Alert, rep_id: int, week, busy: set[int]):
    session = ctx.session
    rep = await session.get(Rep, rep_id)
    if rep is None:
        raise ValueError(f"rep {rep_id} not found")
    kpi = rules.weak_kpi(alert.evidence.get("missed", {})) or "touches"
    dimension = rules.KPI_DIMENSION[kpi]
    seniors = list(
        await session.scalars(
            select(Rep)
            .where(
                Rep.unit_id == rep.unit_id,
                Rep.id != rep.id,
                Rep.level == RepLevel.SENIOR.value,
                Rep.status == RepStatus.ACTIVE.value,
            )
            .order_by(Rep.id)
        )
    )
    scores = await current_scores(session, [rep.id, *(s.id for s in seniors)])
    rep_score = scores.get(rep.id, {}).get(dimension)
    candidates = [rules.Candidate(s.id, scores.get(s.id, {}).get(dimension)) for s in seniors]
    chosen = rules.pick_senior(candidates, rep_score, busy)
    names = {s.id: s.name for s in seniors}
    details = {
        "rep": rep.name,
        "rep_score": rep_score,
        "candidates": [
            {
                "rep_id": c.rep_id,
                "name": names[c.rep_id],
                "score": c.score,
                "busy": c.rep_id in busy,
            }
            for c in candidates
        ],
    }
    if chosen is not None:
        details.update(mentor=names[chosen.rep_id], mentor_score=chosen.score)
    return MentorPairing(
        alert_id=alert.id,
        unit_id=rep.unit_id,
        rep_id=rep.id,
        mentor_rep_id=chosen.rep_id if chosen else None,
        outcome=(PairingOutcome.PAIRED if chosen else PairingOutcome.NO_SENIOR).value,
        week_start=week,
        kpi=kpi,
        dimension=dimension,
        details=jsonable(details),
    )
