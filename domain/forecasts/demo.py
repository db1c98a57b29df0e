"""The demo company's forecasting: a forecast category on every open deal (from its stage,
with some judgement), and eight weeks of calls — every rep's for the month and the quarter,
each team's and region's and the company's as the sum below, some teams adjusted by their
manager with a reason — made on the Friday of each week (this week: today), through the
same services the API calls."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecasts import service
from domain.forecasts.models import ForecastCall, ForecastCategory, ForecastCategoryChange
from domain.forecasts.prediction import PeriodPrediction
from domain.forecasts.tree import Owner, load_tree, period_targets
from domain.kernel.actor import Actor
from domain.org.access import actor_for
from domain.org.models import OrgUnit, User
from domain.pipeline.models import Opportunity
from domain.pipeline.stages import OPEN_STAGES, Stage
from domain.settings import Settings
from domain.targets import actuals
from domain.targets.models import Metric, PeriodKind
from domain.targets.periods import Period

WEEKS = 8
BY_STAGE = {
    Stage.NEGOTIATION.value: (ForecastCategory.COMMIT, ForecastCategory.BEST_CASE),
    Stage.QUOTED.value: (ForecastCategory.BEST_CASE, ForecastCategory.COMMIT),
    Stage.PROPOSAL.value: (ForecastCategory.BEST_CASE, ForecastCategory.PIPELINE),
}
REASONS = [
    "两笔大单客户预算审批推迟到下月 / two large deals' budgets slipped to next month",
    "新车型上市带来额外询价，上调 / the new model's launch brings extra inquiries",
    "竞品降价，谈判中的订单有风险 / a competitor cut prices; deals in negotiation at risk",
    "渠道返利政策月底到期，客户提前下单 / dealer rebates end this month; customers order early",
]


@dataclass(frozen=True)
class ForecastDemo:
    categorised: int
    calls: int
    adjusted: int


async def seed_forecasts(
    session: AsyncSession, settings: Settings, seed: int, today: date
) -> ForecastDemo | None:
    """Once: None when the demo already has calls."""
    if await forecasts_seeded(session):
        return None
    company = await session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
    if company is None:
        return None
    rng = random.Random(seed)
    admin = await actor_for(session, await _user(session, User.login == "admin"))
    categorised = await _categories(session, admin, rng)
    tree = await load_tree(session, company)
    speakers = await _speakers(session, admin)
    calls = adjusted = 0
    predictions: service.Predictions = {}
    monday = today - timedelta(days=today.weekday())
    for period in _periods_ended(today):  # the model cannot now say what it said then
        for key in [f"rep:{r}" for r in tree.reps] + [f"unit:{u}" for u in tree.units]:
            predictions[(key, period)] = None
    for back in range(WEEKS - 1, -1, -1):
        day = min(monday - timedelta(days=7 * back) + timedelta(days=4), today)
        for kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
            period = Period.containing(kind, day)
            made, changed = await _week_of_calls(
                session, settings, tree, speakers, rng, day, period, predictions
            )
            calls += made
            adjusted += changed
    return ForecastDemo(categorised, calls, adjusted)


async def forecasts_seeded(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(ForecastCall)))


async def _user(session: AsyncSession, condition) -> User:
    user = await session.scalar(select(User).where(condition).order_by(User.id).limit(1))
    if user is None:
        raise LookupError("the demo organisation has no such login")
    return user


async def _categories(session: AsyncSession, admin: Actor, rng: random.Random) -> int:
    """A category on every open deal, mostly as its stage suggests. Written in bulk (the
    demo has some two thousand open deals): the rows `set_forecast_category` writes."""
    open_deals = await session.execute(
        select(Opportunity.id, Opportunity.stage, Opportunity.forecast_category)
        .where(Opportunity.stage.in_([s.value for s in OPEN_STAGES]))
        .order_by(Opportunity.id)
    )
    chosen: dict[str, list[int]] = {}
    changes = []
    for opportunity_id, stage, current in open_deals:
        likely, other = BY_STAGE.get(stage, (ForecastCategory.PIPELINE, ForecastCategory.OMITTED))
        roll = rng.random()
        category = likely if roll < 0.75 else other if roll < 0.95 else ForecastCategory.OMITTED
        if category.value != current:
            chosen.setdefault(category.value, []).append(opportunity_id)
            changes.append(
                {
                    "opportunity_id": opportunity_id,
                    "old_category": current,
                    "new_category": category.value,
                    "actor_user_id": admin.user_id,
                }
            )
    for value, ids in chosen.items():
        await session.execute(
            update(Opportunity)
            .where(Opportunity.id.in_(ids))
            .values(forecast_category=value, version=Opportunity.version + 1)
            .execution_options(synchronize_session=False)
        )
    if changes:
        await session.execute(insert(ForecastCategoryChange), changes)
    return len(changes)


async def _speakers(session: AsyncSession, admin: Actor) -> dict[str, Actor]:
    """Who speaks for each owner: a rep's own login, a unit's manager (or director)."""
    speakers: dict[str, Actor] = {}
    for user in await session.scalars(select(User).order_by(User.id)):
        actor = await actor_for(session, user)
        if user.rep_id is not None:
            speakers.setdefault(f"rep:{user.rep_id}", actor)
        elif user.scope_unit_id is not None and actor.subtree_path is not None:
            speakers.setdefault(f"unit:{user.scope_unit_id}", actor)
    speakers.setdefault("admin", admin)
    return speakers


async def _week_of_calls(
    session, settings, tree, speakers, rng, day: date, period: Period, predictions
):
    """Every rep's call, then every unit's from the deepest up (some adjusted). Each rep and
    period is predicted once for the eight weeks; a unit's expectation is the sum of the
    ones below (the expectation is a sum; the demo keeps no interval with a call)."""
    reps = sorted(tree.reps)
    bases = await _bases(session, settings, reps, period, day)
    made = adjusted = 0
    for rep_id in reps:
        commit = round(bases[rep_id] * rng.uniform(0.75, 1.1), -4)
        await service.submit_forecast(
            session,
            speakers.get(f"rep:{rep_id}", speakers["admin"]),
            settings,
            unit_id=None,
            rep_id=rep_id,
            metric="revenue",
            period_kind=period.kind,
            period_start=period.start,
            week_start=None,
            commit=int(commit),
            best_case=int(round(commit * rng.uniform(1.1, 1.45), -4)),
            note=None,
            today=day,
            predictions=predictions,
        )
        made += 1
    for unit in sorted(tree.units.values(), key=lambda u: (-u.depth, u.id)):
        speaker = speakers.get(f"unit:{unit.id}", speakers["admin"])
        _sum_below(predictions, tree, Owner(unit_id=unit.id), period)
        call = await service.submit_forecast(
            session, speaker, settings, unit_id=unit.id, rep_id=None, metric="revenue",
            period_kind=period.kind, period_start=period.start, week_start=None, commit=None,
            best_case=None, note=None, today=day, predictions=predictions,
        )  # fmt: skip
        made += 1
        if tree.below(Owner(unit_id=unit.id)) and rng.random() < 0.25:
            factor = rng.choice((0.85, 0.9, 1.08))
            commit = int(round(call.commit_amount * factor, -4))
            await service.adjust_forecast(
                session, speaker, settings, unit_id=unit.id, metric="revenue",
                period_kind=period.kind, period_start=period.start, week_start=None,
                commit=commit, best_case=max(commit, call.best_case_amount),
                reason=rng.choice(REASONS), note=None, today=day, predictions=predictions,
            )  # fmt: skip
            adjusted += 1
    return made, adjusted


def _periods_ended(today: date) -> list[Period]:
    """The months and quarters of the eight weeks that ended before today."""
    first = today - timedelta(days=7 * WEEKS)
    found = {Period.containing(kind, first) for kind in (PeriodKind.MONTH, PeriodKind.QUARTER)}
    month = Period.containing(PeriodKind.MONTH, first)
    while month.end <= today:
        found.add(month)
        month = Period(PeriodKind.MONTH, month.end)
    return sorted(p for p in found if p.end <= today)


def _sum_below(predictions, tree, owner: Owner, period: Period) -> None:
    below = [predictions.get((o.key, period)) for o in tree.below(owner)]  # None: not made
    known = [p for p in below if p is not None]
    if (owner.key, period) in predictions or len(known) < len(below):
        return
    predictions[(owner.key, period)] = PeriodPrediction(
        expected=sum(p.expected for p in known),
        low=sum(p.low for p in known),
        high=sum(p.high for p in known),
        source="model" if any(p.source == "model" for p in known) else "stage_table",
        deals=sum(p.deals for p in known),
    )


async def _bases(session, settings, reps: list[int], period: Period, day: date) -> dict[int, float]:
    """What a rep would honestly call: the target if there is one, else the sales so far
    plus the weighted open pipeline (the demo's reps are planned by month)."""
    owners = {Owner(rep_id=r): [r] for r in reps}
    targets = await period_targets(session, owners, Metric.REVENUE.value, period)
    sold = await actuals.values_of_reps(
        session, Metric.REVENUE, {r: [r] for r in reps}, period.start, day
    )
    weighted = await actuals.weighted_pipeline(
        session, Metric.REVENUE, reps, day, period.end, settings.stage_probabilities
    )
    return {
        r: float(targets.get(f"rep:{r}") or (sold.get(r, 0) + weighted.get(r, 0.0))) for r in reps
    }
