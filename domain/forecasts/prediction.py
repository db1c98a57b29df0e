"""What a rep, a unit or the whole company will close in a period: the amounts already won
in it, plus Σ win chance × amount over the open deals expected to close in it, with an
interval from simulating the open deals (10th and 90th percentiles, seeded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import InvalidInput, not_found
from domain.forecasts.chances import MODEL, STAGE_TABLE, newest_model, win_chances
from domain.forecasts.simulation import simulate
from domain.kernel.actor import Actor
from domain.kernel.errors import KernelError
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep
from domain.org.service import units_in_subtree
from domain.pipeline.models import Opportunity
from domain.pipeline.stages import OPEN_STAGES, Stage
from domain.settings import Settings

OPEN = [stage.value for stage in OPEN_STAGES]


@dataclass(frozen=True)
class PeriodPrediction:
    """Money in integer minor units. `expected`, `low` and `high` include what is already
    won in the period; `deals` counts the open deals simulated; `source` says whether the
    learned model ("model") or the fixed stage table ("stage_table") gave the chances."""

    expected: int
    low: int
    high: int
    source: str
    deals: int


async def predict_period(
    session: AsyncSession,
    settings: Settings,
    *,
    start: date,
    end: date,
    unit_id: int | None = None,
    rep_id: int | None = None,
    today: date | None = None,
) -> PeriodPrediction:
    """The period is [start, end) (end exclusive, like `Period.end`). `rep_id`: that rep's
    deals; `unit_id`: the deals of every rep in that unit's subtree; neither: the company.
    Which open deals count: see `expected_in`. No permission check here: callers show it
    only to those who may see the owner. `today` (default: the company's today) decides
    whether the period is running; the deals are taken as they stand now."""
    owner = await _owner_condition(session, unit_id, rep_id)
    today = today or utcnow().astimezone(ZoneInfo(settings.timezone)).date()
    first_close = None if start <= today < end else start  # see `expected_in`
    expected = [Opportunity.expected_close < end]
    if first_close is not None:
        expected.append(Opportunity.expected_close >= first_close)
    stmt = select(Opportunity).where(
        owner,
        or_(
            and_(Opportunity.stage.in_(OPEN), *expected),
            and_(
                Opportunity.stage == Stage.WON.value,
                Opportunity.won_on >= start,
                Opportunity.won_on < end,
            ),
        ),
    )
    opportunities = list((await session.scalars(stmt.order_by(Opportunity.id))).all())
    won = sum(opp.won_amount or 0 for opp in opportunities if opp.stage == Stage.WON.value)
    open_deals = [opp for opp in opportunities if opp.stage in OPEN]
    chances = await win_chances(session, settings, open_deals, today=today)
    values = [chances[opp.id].value for opp in open_deals]
    interval = simulate(values, [opp.amount for opp in open_deals])
    return PeriodPrediction(
        expected=won + interval.expected,
        low=won + interval.low,
        high=won + interval.high,
        source=MODEL if newest_model(settings) is not None else STAGE_TABLE,
        deals=len(open_deals),
    )


def expected_in(expected_close: date, start: date, end: date, today: date) -> bool:
    """Whether an open deal counts in the period [start, end): its expected close falls in
    it — or, for the running period, before it too (a deal that slipped past its date and
    is still open is expected now; the backtest's error halves with them)."""
    if start <= today < end:
        return expected_close < end
    return start <= expected_close < end


async def _owner_condition(session: AsyncSession, unit_id: int | None, rep_id: int | None):
    if rep_id is not None:
        return Opportunity.owner_rep_id == rep_id
    if unit_id is not None:
        unit = await session.get(OrgUnit, unit_id)
        reps = select(Rep.id).where(Rep.unit_id.in_(units_in_subtree(unit.path if unit else "\0")))
        return Opportunity.owner_rep_id.in_(reps)
    return Opportunity.id.is_not(None)


@dataclass(frozen=True)
class ScopedPrediction:
    prediction: PeriodPrediction
    unit: OrgUnit | None
    rep: Rep | None


async def prediction_for(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    *,
    start: date,
    end: date,
    unit_id: int | None = None,
    rep_id: int | None = None,
) -> ScopedPrediction:
    """`predict_period` for the caller: a unit of their subtree (or a rep's own unit), a rep
    they may see, or else everything they see (the company, their subtree, their deals)."""
    if unit_id is not None and rep_id is not None:
        raise InvalidInput(
            KernelError.INVALID_RANGE,
            "只能指定组织单元或销售代表之一",
            "Give a unit or a rep, not both",
            "rep_id",
        )
    unit = rep = None
    if rep_id is not None:
        rep = await session.get(Rep, rep_id)
        home = await session.get(OrgUnit, rep.unit_id) if rep else None
        if (
            rep is None
            or home is None
            or not (actor.manages_path(home.path) or actor.rep_id == rep.id)
        ):
            raise not_found(OrgError.REP_NOT_FOUND, "rep_id", "销售代表", "rep")
    elif unit_id is not None:
        unit = await session.get(OrgUnit, unit_id)
        if unit is None or not (actor.manages_path(unit.path) or actor.rep_unit_id == unit.id):
            raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    elif not actor.sees_whole_company:
        if actor.subtree_path is not None:
            unit = await session.scalar(select(OrgUnit).where(OrgUnit.path == actor.subtree_path))
        elif actor.rep_id is not None:
            rep = await session.get(Rep, actor.rep_id)
        if unit is None and rep is None:
            raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    prediction = await predict_period(
        session,
        settings,
        start=start,
        end=end,
        unit_id=unit.id if unit else None,
        rep_id=rep.id if rep else None,
    )
    return ScopedPrediction(prediction, unit, rep)
