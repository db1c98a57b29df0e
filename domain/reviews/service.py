"""The weekly calibration review: a 15-minute meeting on the exceptions of one unit's week.

Starting a review freezes a snapshot (targets and pace, KPI misses, open alerts, the funnel,
suggested key customers) into `WeeklyReview.snapshot`; nothing changes it afterwards.
Participants then mark anomalies, suggest new target amounts, and confirm key customers; a
director accepts suggestions, which go through `rebalance_targets` (siblings only, the
parent's sum unchanged, every change a TargetVersion).

Who may do what (the API's role permissions say the same; the services check it again):

- see a review, and mark an anomaly: managers, directors and admins whose scope holds the
  review's unit (managers of the unit or above), and the reps *of that very unit*;
- start a review, suggest an adjustment, confirm key customers: managers, directors and
  admins of the unit;
- accept or reject suggestions: directors and admins of the unit.

A review outside your scope is simply not there (REVIEW_NOT_FOUND). Services never commit.

This module starts and reads reviews and knows their scope (the review's unit and its
subtree); `review_actions` holds what participants do, `review_snapshot` builds the snapshot
(and describes its layout), `review_rules` the plain rules, `review_export` the exports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InvalidInput, not_found
from domain.kernel.actor import Actor, per_actor
from domain.kernel.errors import KernelError
from domain.kernel.sql import by_ids, rows_by_ids
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep, User
from domain.org.service import unit_visible, units_in_subtree
from domain.paging import Page, fetch_page
from domain.pipeline.models import Account
from domain.reviews.errors import ReviewError
from domain.reviews.export import Names, ReviewExportFormat, render, review_document
from domain.reviews.models import ReviewAnomaly, ReviewKeyCustomer, ReviewSuggestion, WeeklyReview
from domain.reviews.rules import PLANNERS, check_week, require_role
from domain.reviews.snapshot import ReviewSettings, build_snapshot, id_names, target_names
from domain.targets.errors import TargetError
from domain.targets.models import Target
from domain.targets.periods import Period

# --- visibility -------------------------------------------------------------------------


@per_actor
def review_visible(actor: Actor):
    """Managers of the review's unit or above, and the reps of that very unit."""
    return WeeklyReview.unit_id.in_(select(OrgUnit.id).where(unit_visible(actor)))


async def get_review(
    session: AsyncSession, actor: Actor, review_id: int, field: str = "review_id"
) -> WeeklyReview:
    review = await session.scalar(
        select(WeeklyReview).where(WeeklyReview.id == review_id, review_visible(actor))
    )
    if review is None:
        raise not_found(ReviewError.REVIEW_NOT_FOUND, field, "周复盘", "weekly review")
    return review


def visible_parts(model: type[ReviewAnomaly | ReviewSuggestion], actor: Actor, ids: Iterable[int]):
    """The anomalies or suggestions with these ids, of reviews the actor sees."""
    return (
        select(model)
        .join(WeeklyReview, WeeklyReview.id == model.review_id)
        .where(model.id.in_(set(ids)), review_visible(actor))
    )


async def rows_by_id(session: AsyncSession, stmt: Select) -> dict[int, Any]:
    return {row.id: row for row in await session.scalars(stmt)}


_REVIEWS_BY_IDS = by_ids(WeeklyReview, review_visible)


async def reviews_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, WeeklyReview]:
    return await rows_by_ids(session, _REVIEWS_BY_IDS(actor), ids)


async def anomalies_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, ReviewAnomaly]:
    return await rows_by_id(session, visible_parts(ReviewAnomaly, actor, ids))


async def suggestions_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, ReviewSuggestion]:
    return await rows_by_id(session, visible_parts(ReviewSuggestion, actor, ids))


# --- a review's scope: its unit's subtree -----------------------------------------------


def _by_id(names: Mapping[int, str]) -> dict[int | None, str]:
    """Names by id, looked up with ids that may be None (a row without that reference)."""
    return {key: name for key, name in names.items()}


async def review_unit(session: AsyncSession, review: WeeklyReview) -> OrgUnit:
    unit = await session.get(OrgUnit, review.unit_id)
    if unit is None:
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    return unit


async def review_subtree(session: AsyncSession, review: WeeklyReview):
    """The ids of the review's unit and the units below it, as a subquery."""
    return units_in_subtree((await review_unit(session, review)).path)


async def target_in_review(
    session: AsyncSession, review: WeeklyReview, target_id: int, field: str
) -> Target:
    """A target of a unit or a rep of the review's subtree, else TARGET_NOT_FOUND."""
    subtree = await review_subtree(session, review)
    target = await session.scalar(
        select(Target)
        .outerjoin(Rep, Rep.id == Target.owner_rep_id)
        .where(
            Target.id == target_id,
            or_(Target.owner_unit_id.in_(subtree), Rep.unit_id.in_(subtree)),
        )
    )
    if target is None:
        raise not_found(
            TargetError.TARGET_NOT_FOUND, field, "本次复盘范围内的目标", "target in this review"
        )
    return target


async def rep_in_review(
    session: AsyncSession, review: WeeklyReview, rep_id: int, field: str
) -> int:
    """A rep of the review's subtree, else REP_NOT_FOUND."""
    subtree = await review_subtree(session, review)
    found = await session.scalar(select(Rep.id).where(Rep.id == rep_id, Rep.unit_id.in_(subtree)))
    if found is None:
        raise not_found(
            OrgError.REP_NOT_FOUND, field, "本次复盘范围内的销售代表", "rep in this review"
        )
    return found


# --- starting a review ------------------------------------------------------------------


async def start_weekly_review(
    session: AsyncSession,
    actor: Actor,
    *,
    unit_id: int,
    week_start: date,
    today: date,
    settings: ReviewSettings,
    now: datetime | None = None,
) -> WeeklyReview:
    """Start the review of a unit's ISO week and freeze its snapshot."""
    require_role(actor, PLANNERS, "发起周复盘", "start a weekly review")
    week = check_week(week_start, today)
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not actor.manages_path(unit.path):
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    exists = await session.scalar(
        select(WeeklyReview.id).where(
            WeeklyReview.unit_id == unit.id, WeeklyReview.week_start == week.start
        )
    )
    if exists is not None:
        raise _review_exists(unit, week)
    snapshot = await build_snapshot(
        session, actor, unit=unit, week=week, today=today, settings=settings, now=now
    )
    review = WeeklyReview(
        unit_id=unit.id,
        week_start=week.start,
        snapshot=snapshot,
        created_by_user_id=actor.user_id,
    )
    session.add(review)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent twin won the unique constraint
        raise _review_exists(unit, week) from None
    return review


def _review_exists(unit: OrgUnit, week: Period) -> Conflict:
    return Conflict(
        ReviewError.REVIEW_EXISTS,
        f"{unit.name} 的 {week.label()} 周复盘已经开始过了",
        f"{unit.name} already has a review of {week.label()}",
        "week_start",
    )


# --- reading reviews --------------------------------------------------------------------


async def list_reviews(
    session: AsyncSession,
    actor: Actor,
    *,
    unit_id: int,
    start: date | None,
    end: date | None,
    include_subtree: bool,
    after_id: int | None,
    first: int,
) -> Page[WeeklyReview]:
    """Reviews of a unit (or its subtree) whose week starts in [start, end], oldest
    started first."""
    unit = await session.scalar(select(OrgUnit).where(OrgUnit.id == unit_id, unit_visible(actor)))
    if unit is None:
        raise not_found(OrgError.UNIT_NOT_FOUND, "unit_id", "组织单元", "org unit")
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            KernelError.INVALID_RANGE, "日期范围无效", "The range must run forwards", "to"
        )
    stmt = select(WeeklyReview).where(review_visible(actor))
    if include_subtree:
        stmt = stmt.where(WeeklyReview.unit_id.in_(units_in_subtree(unit.path)))
    else:
        stmt = stmt.where(WeeklyReview.unit_id == unit.id)
    if start is not None:
        stmt = stmt.where(WeeklyReview.week_start >= start)
    if end is not None:
        stmt = stmt.where(WeeklyReview.week_start <= end)
    return await fetch_page(session, stmt, WeeklyReview.id, after_id, first)


async def _grouped(session, model, review_ids: Iterable[int], *order) -> dict[int, list]:
    stmt = select(model).where(model.review_id.in_(set(review_ids))).order_by(*order)
    grouped: dict[int, list] = {}
    for row in await session.scalars(stmt):
        grouped.setdefault(row.review_id, []).append(row)
    return grouped


async def anomalies_of(session: AsyncSession, review_ids: Iterable[int]) -> dict[int, list]:
    return await _grouped(session, ReviewAnomaly, review_ids, ReviewAnomaly.id)


async def suggestions_of(session: AsyncSession, review_ids: Iterable[int]) -> dict[int, list]:
    return await _grouped(session, ReviewSuggestion, review_ids, ReviewSuggestion.id)


async def key_customers_of(session: AsyncSession, review_ids: Iterable[int]) -> dict[int, list]:
    return await _grouped(
        session,
        ReviewKeyCustomer,
        review_ids,
        ReviewKeyCustomer.confirmed_at,
        ReviewKeyCustomer.account_id,
    )


async def parts_of(
    session: AsyncSession,
    review: WeeklyReview,
    of: Callable[[AsyncSession, Iterable[int]], Any],
) -> list:
    """One review's anomalies, suggestions or key customers: `parts_of(s, r, anomalies_of)`."""
    return (await of(session, [review.id])).get(review.id, [])


# --- export -----------------------------------------------------------------------------


async def export_review(
    session: AsyncSession, review: WeeklyReview, fmt: ReviewExportFormat
) -> str:
    """The review (already visible to the caller) as JSON or CSV; see `review_export`."""
    anomalies = await parts_of(session, review, anomalies_of)
    suggestions = await parts_of(session, review, suggestions_of)
    key_customers = await parts_of(session, review, key_customers_of)
    user_ids = {review.created_by_user_id}
    user_ids |= {a.created_by_user_id for a in anomalies}
    user_ids |= {s.created_by_user_id for s in suggestions}
    user_ids |= {s.decided_by_user_id for s in suggestions if s.decided_by_user_id}
    user_ids |= {k.confirmed_by_user_id for k in key_customers}
    users = await id_names(session, User.id, User.display_name, User.id.in_(user_ids))
    rep_ids = {a.rep_id for a in anomalies if a.rep_id is not None}
    reps = await id_names(session, Rep.id, Rep.name, Rep.id.in_(rep_ids))
    account_ids = {k.account_id for k in key_customers}
    accounts = await id_names(session, Account.id, Account.name, Account.id.in_(account_ids))
    targets = await target_names(
        session,
        {a.target_id for a in anomalies if a.target_id is not None}
        | {s.target_id for s in suggestions},
    )
    unit = await review_unit(session, review)
    document = review_document(
        review,
        unit_name=unit.name,
        anomalies=anomalies,
        suggestions=suggestions,
        key_customers=key_customers,
        names=Names(
            users=_by_id(users),
            targets=_by_id(targets),
            reps=_by_id(reps),
            accounts=_by_id(accounts),
        ),
    )
    return render(document, fmt)
