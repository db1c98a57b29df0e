"""Forecasting use-cases: setting a deal's forecast category, submitting and adjusting the
weekly calls (each a new version; a past week is frozen). The owners and the tree below a
unit are in `tree`, the roll-up in `rollup`, the scoring of closed periods in `accuracy`.

Who may do what (the API's role permissions say the same; the services check it again):

- a deal's category: its owner, or a manager, director or admin whose scope holds the
  owner's unit;
- a rep's call: the rep themself, or a manager, director or admin of the rep's unit;
- a unit's call (submitted as the sum of the calls below, or adjusted with a reason):
  managers, directors and admins whose scope holds the unit.

Anything outside the caller's scope is simply not there (…_NOT_FOUND). Services never commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Conflict, Forbidden, InvalidInput, not_found
from domain.forecasts import rules
from domain.forecasts.errors import ForecastError
from domain.forecasts.models import (
    CallAction,
    ForecastCall,
    ForecastCallVersion,
    ForecastCategory,
    ForecastCategoryChange,
)
from domain.forecasts.prediction import PeriodPrediction, predict_period
from domain.forecasts.rules import CallAmounts
from domain.forecasts.tree import (
    Owner,
    amounts_of,
    load_tree,
    manages,
    rep_unit_path,
    standing_calls,
)
from domain.kernel.actor import Actor
from domain.kernel.errors import KernelError
from domain.kernel.text import clean_optional_text
from domain.org.errors import OrgError
from domain.org.models import OrgUnit
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import Opportunity
from domain.pipeline.service import get_opportunity
from domain.pipeline.stages import Stage
from domain.settings import Settings
from domain.targets.models import PeriodKind
from domain.targets.periods import Period

TEXT_LIMIT = 2000
# The model's predictions already made, by (owner key, period): a caller making many calls
# at once (the demo) passes one so that each owner and period is predicted once; None there
# records the call without a prediction (one the model could not have made then).
Predictions = dict[tuple[str, Period], PeriodPrediction | None]

# --- categories ---------------------------------------------------------------------------


async def set_forecast_category(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    category: ForecastCategory,
    now: datetime | None = None,
) -> Opportunity:
    """Move an open deal to a forecast category; a real change is written to the history."""
    opportunity = await get_opportunity(session, actor, opportunity_id, "opportunity_id")
    if actor.rep_id != opportunity.owner_rep_id and not manages(
        actor, await rep_unit_path(session, opportunity.owner_rep_id)
    ):
        raise Forbidden(
            ForecastError.NOT_YOUR_CALL,
            "只有商机负责人或其经理可以设置预测类别",
            "Only the deal's owner or their manager sets its forecast category",
            "opportunity_id",
        )
    if not Stage(opportunity.stage).is_open:
        raise Conflict(
            PipelineError.CLOSED,
            "商机已关闭，预测类别由结果决定",
            "The deal is closed; its outcome decides its category",
            "opportunity_id",
        )
    rules.check_settable(category)
    old = opportunity.forecast_category
    if old != category.value:
        opportunity.forecast_category = category.value
        session.add(
            ForecastCategoryChange(
                opportunity_id=opportunity.id,
                old_category=old,
                new_category=category.value,
                actor_user_id=actor.user_id or None,
                at=now or utcnow(),
            )
        )
        await session.flush()
    return opportunity


async def category_history(
    session: AsyncSession, actor: Actor, opportunity_id: int
) -> list[ForecastCategoryChange]:
    """The category changes of a deal the actor sees, oldest first."""
    await get_opportunity(session, actor, opportunity_id, "opportunity_id")
    rows = await session.scalars(
        select(ForecastCategoryChange)
        .where(ForecastCategoryChange.opportunity_id == opportunity_id)
        .order_by(ForecastCategoryChange.id)
    )
    return list(rows)


# --- calls --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallKey:
    metric: str
    period: Period
    week: date


def call_key(metric: str, kind: PeriodKind, start: date, week: date | None, today: date) -> CallKey:
    week_start = rules.call_week(week, today)
    period = rules.call_period(kind, start)
    rules.check_period_open(period, week_start)
    return CallKey(rules.check_metric(metric), period, week_start)


async def _owner(
    session: AsyncSession, actor: Actor, unit_id: int | None, rep_id: int | None
) -> Owner:
    """The unit or rep a call is for; neither given: the acting rep themself."""
    if unit_id is not None and rep_id is not None:
        raise InvalidInput(
            ForecastError.OWNER_REQUIRED,
            "预测属于一个组织单元或一名销售代表，不能同时指定",
            "A call belongs to a unit or a rep, not both",
            "rep_id",
        )
    if unit_id is not None:
        return await _unit_owner(session, actor, unit_id)
    chosen = rep_id if rep_id is not None else actor.rep_id
    if chosen is None:
        raise InvalidInput(
            ForecastError.OWNER_REQUIRED,
            "请指定组织单元或销售代表",
            "Say which unit or rep the call is for",
            "rep_id",
        )
    if chosen != actor.rep_id and not manages(actor, await rep_unit_path(session, chosen)):
        raise not_found(OrgError.REP_NOT_FOUND, "rep_id", "销售代表", "rep")
    return Owner(rep_id=chosen)


async def _unit_owner(session: AsyncSession, actor: Actor, unit_id: int) -> Owner:
    """A unit the actor manages, whose managers speak for it."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not manages(actor, unit.path):
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    return Owner(unit_id=unit.id)


async def sum_below(session: AsyncSession, owner: Owner, key: CallKey) -> CallAmounts:
    """A unit's default call: the sum of the calls standing below it this week."""
    unit = await session.get(OrgUnit, owner.unit_id)
    if unit is None:  # _owner found it in this transaction
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    tree = await load_tree(session, unit)
    below = tree.below(owner)
    calls = await standing_calls(session, below, key.metric, key.period, key.week)
    return rules.roll_up(amounts_of(calls.get(o.key)) for o in below)


async def submit_forecast(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    *,
    unit_id: int | None,
    rep_id: int | None,
    metric: str,
    period_kind: PeriodKind,
    period_start: date,
    week_start: date | None,
    commit: int | None,
    best_case: int | None,
    note: str | None,
    today: date,
    now: datetime | None = None,
    predictions: Predictions | None = None,
) -> ForecastCall:
    """A rep's call (both amounts), or a unit's call: the sum of the calls below, taken as
    it stands (to change it, adjust it with a reason). Each submit is a new version."""
    key = call_key(metric, period_kind, period_start, week_start, today)
    owner = await _owner(session, actor, unit_id, rep_id)
    text = clean_optional_text(note, "note", TEXT_LIMIT)
    rollup = None
    if owner.unit_id is not None:
        if commit is not None or best_case is not None:
            raise InvalidInput(
                ForecastError.AMOUNTS_FROM_BELOW,
                "组织单元的预测取下级预测之和；要改数请用调整并说明理由",
                "A unit's call is the sum of the calls below; adjust it with a reason to change it",
                "commit" if commit is not None else "best_case",
            )
        amounts = rollup = await sum_below(session, owner, key)
    else:
        amounts = rules.check_amounts(commit, best_case)
    return await _write(
        session, settings, actor, owner, key, CallAction.SUBMITTED, amounts, rollup, text, None,
        now, predictions,
    )  # fmt: skip


async def adjust_forecast(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    *,
    unit_id: int,
    metric: str,
    period_kind: PeriodKind,
    period_start: date,
    week_start: date | None,
    commit: int | None,
    best_case: int | None,
    reason: str | None,
    note: str | None,
    today: date,
    now: datetime | None = None,
    predictions: Predictions | None = None,
) -> ForecastCall:
    """A manager's judgement over the sum below: new amounts with the reason, a new version
    that keeps the sum it departs from."""
    key = call_key(metric, period_kind, period_start, week_start, today)
    owner = await _unit_owner(session, actor, unit_id)
    why = clean_optional_text(reason, "reason", TEXT_LIMIT)
    if why is None:
        raise InvalidInput(
            ForecastError.REASON_REQUIRED,
            "调整预测必须说明理由",
            "An adjustment needs a reason",
            "reason",
        )
    amounts = rules.check_amounts(commit, best_case)
    text = clean_optional_text(note, "note", TEXT_LIMIT)
    rollup = await sum_below(session, owner, key)
    return await _write(
        session, settings, actor, owner, key, CallAction.ADJUSTED, amounts, rollup, text, why,
        now, predictions,
    )  # fmt: skip


async def _predict(
    session: AsyncSession, settings: Settings, owner: Owner, period: Period
) -> PeriodPrediction:
    return await predict_period(
        session,
        settings,
        start=period.start,
        end=period.end,
        unit_id=owner.unit_id,
        rep_id=owner.rep_id,
    )


async def find_call(session: AsyncSession, owner: Owner, key: CallKey) -> ForecastCall | None:
    """The head of (metric, owner, period, week), if a call was made."""
    return await session.scalar(
        select(ForecastCall).where(
            ForecastCall.metric == key.metric,
            ForecastCall.owner_key == owner.key,
            ForecastCall.period_kind == key.period.kind.value,
            ForecastCall.period_start == key.period.start,
            ForecastCall.week_start == key.week,
        )
    )


async def _write(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    owner: Owner,
    key: CallKey,
    action: CallAction,
    amounts: CallAmounts,
    rollup: CallAmounts | None,
    note: str | None,
    reason: str | None,
    now: datetime | None,
    predictions: Predictions | None,
) -> ForecastCall:
    """Move the call's head to a new version and append that version."""
    at = now or utcnow()
    known = (owner.key, key.period)
    if predictions is not None and known in predictions:
        prediction = predictions[known]
    else:
        prediction = await _predict(session, settings, owner, key.period)
        if predictions is not None:
            predictions[known] = prediction
    call = await find_call(session, owner, key)
    if call is None:
        call = ForecastCall(
            metric=key.metric,
            owner_unit_id=owner.unit_id,
            owner_rep_id=owner.rep_id,
            owner_key=owner.key,
            period_kind=key.period.kind.value,
            period_start=key.period.start,
            week_start=key.week,
            version=0,
        )
        session.add(call)
    call.version += 1
    call.action = action.value
    call.commit_amount, call.best_case_amount = amounts.commit, amounts.best_case
    call.rollup_commit = rollup.commit if rollup else None
    call.rollup_best_case = rollup.best_case if rollup else None
    call.note, call.reason = note, reason
    call.model_expected = prediction.expected if prediction else None
    call.model_source = prediction.source if prediction else None
    call.actor_user_id = actor.user_id or None
    call.updated_at = at
    try:
        await session.flush()
    except IntegrityError:  # a concurrent first submit won the unique constraint
        raise Conflict(
            KernelError.STALE_VERSION,
            "同一预测正被同时提交，请重试",
            "The same call is being submitted at once; try again",
            "week_start",
        ) from None
    session.add(
        ForecastCallVersion(
            call_id=call.id,
            version=call.version,
            action=action.value,
            commit_amount=amounts.commit,
            best_case_amount=amounts.best_case,
            rollup_commit=call.rollup_commit,
            rollup_best_case=call.rollup_best_case,
            note=note,
            reason=reason,
            model_expected=call.model_expected,
            actor_user_id=call.actor_user_id,
            at=at,
        )
    )
    await session.flush()
    return call


async def call_versions(
    session: AsyncSession, call_ids: list[int]
) -> dict[int, list[ForecastCallVersion]]:
    """Each call's versions, oldest first (one statement)."""
    rows = await session.scalars(
        select(ForecastCallVersion)
        .where(ForecastCallVersion.call_id.in_(set(call_ids)))
        .order_by(ForecastCallVersion.call_id, ForecastCallVersion.version)
    )
    found: dict[int, list[ForecastCallVersion]] = defaultdict(list)
    for row in rows:
        found[row.call_id].append(row)
    return found
