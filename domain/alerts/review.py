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
The snapshot's layout is described in `review_snapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.models import (
    ReviewAnomaly,
    ReviewKeyCustomer,
    ReviewSuggestion,
    SuggestionStatus,
    WeeklyReview,
)
from domain.alerts.review_export import Names, ReviewExportFormat, render, review_document
from domain.alerts.review_snapshot import (
    ReviewSettings,
    build_snapshot,
    check_week,
    target_names,
)
from domain.db import utcnow
from domain.errors import Conflict, DomainError, Forbidden, InvalidInput, not_found
from domain.org.models import OrgUnit, Rep, Role, User
from domain.org.rules import Actor, as_utc
from domain.org.service import unit_visible, units_in_subtree
from domain.paging import Page, fetch_page
from domain.pipeline.models import Account, Opportunity
from domain.targets.calibration import Calibration, Move, rebalance_targets
from domain.targets.models import PeriodKind, Target, TargetVersion
from domain.targets.periods import Period
from domain.targets.service import check_amount, clean_reason

MAX_NOTE = 2000
MAX_KEY_NOTE = 500
PLANNERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
DECIDERS = (Role.ADMIN, Role.DIRECTOR)
# Fields of rebalance_targets' errors, as the input fields of acceptTargetAdjustments.
REBALANCE_FIELDS = {"moves": "suggestion_ids", "id": "suggestion_ids"}


# --- pure rules -------------------------------------------------------------------------


def clean_note(value: str | None, field: str, max_length: int, required: bool = True) -> str | None:
    """A free-text note: trimmed, line breaks kept."""
    text = (value or "").strip()
    if not text:
        if not required:
            return None
        raise InvalidInput("REQUIRED", "不能为空", "Must not be empty", field)
    if len(text) > max_length:
        raise InvalidInput(
            "TOO_LONG",
            f"不能超过 {max_length} 个字符",
            f"Must be at most {max_length} characters",
            field,
        )
    return text


def require_role(actor: Actor, roles: Sequence[Role], what_zh: str, what_en: str) -> None:
    if not actor.has(*roles):
        raise Forbidden(
            "NOT_ALLOWED",
            f"你的角色不能{what_zh}",
            f"Your role cannot {what_en}",
            None,
        )


# --- visibility -------------------------------------------------------------------------


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
        raise not_found("REVIEW_NOT_FOUND", field, "周复盘", "weekly review")
    return review


async def reviews_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, WeeklyReview]:
    stmt = select(WeeklyReview).where(WeeklyReview.id.in_(set(ids)), review_visible(actor))
    return {review.id: review for review in await session.scalars(stmt)}


async def _review_unit(session: AsyncSession, review: WeeklyReview) -> OrgUnit:
    return await session.get(OrgUnit, review.unit_id)


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
        raise not_found("UNIT_NOT_FOUND", "unit_id", "组织单元", "org unit")
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
        "REVIEW_EXISTS",
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
        raise not_found("UNIT_NOT_FOUND", "unit_id", "组织单元", "org unit")
    if start is not None and end is not None and end < start:
        raise InvalidInput("INVALID_RANGE", "日期范围无效", "The range must run forwards", "to")
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


async def suggestions_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, ReviewSuggestion]:
    stmt = (
        select(ReviewSuggestion)
        .join(WeeklyReview, WeeklyReview.id == ReviewSuggestion.review_id)
        .where(ReviewSuggestion.id.in_(set(ids)), review_visible(actor))
    )
    return {row.id: row for row in await session.scalars(stmt)}


async def anomalies_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, ReviewAnomaly]:
    stmt = (
        select(ReviewAnomaly)
        .join(WeeklyReview, WeeklyReview.id == ReviewAnomaly.review_id)
        .where(ReviewAnomaly.id.in_(set(ids)), review_visible(actor))
    )
    return {row.id: row for row in await session.scalars(stmt)}


# --- taking part ------------------------------------------------------------------------


async def _target_in_review(session, review: WeeklyReview, target_id: int, field: str) -> Target:
    unit = await _review_unit(session, review)
    subtree = units_in_subtree(unit.path)
    target = await session.scalar(
        select(Target)
        .outerjoin(Rep, Rep.id == Target.owner_rep_id)
        .where(
            Target.id == target_id,
            or_(Target.owner_unit_id.in_(subtree), Rep.unit_id.in_(subtree)),
        )
    )
    if target is None:
        raise not_found("TARGET_NOT_FOUND", field, "本次复盘范围内的目标", "target in this review")
    return target


async def mark_anomaly(
    session: AsyncSession,
    actor: Actor,
    *,
    review_id: int,
    note: str,
    target_id: int | None = None,
    rep_id: int | None = None,
) -> ReviewAnomaly:
    """Anyone who sees the review marks something out of the ordinary, optionally about a
    target or a rep of the review's subtree."""
    review = await get_review(session, actor, review_id)
    note = clean_note(note, "note", MAX_NOTE)
    if target_id is not None:
        await _target_in_review(session, review, target_id, "target_id")
    if rep_id is not None:
        unit = await _review_unit(session, review)
        found = await session.scalar(
            select(Rep.id).where(Rep.id == rep_id, Rep.unit_id.in_(units_in_subtree(unit.path)))
        )
        if found is None:
            raise not_found(
                "REP_NOT_FOUND", "rep_id", "本次复盘范围内的销售代表", "rep in this review"
            )
    anomaly = ReviewAnomaly(
        review_id=review.id,
        target_id=target_id,
        rep_id=rep_id,
        note=note,
        created_by_user_id=actor.user_id,
    )
    session.add(anomaly)
    await session.flush()
    return anomaly


async def suggest_adjustment(
    session: AsyncSession,
    actor: Actor,
    *,
    review_id: int,
    target_id: int,
    proposed_amount: int,
    reason: str,
) -> ReviewSuggestion:
    """Managers propose a new amount for a target of the review's subtree."""
    require_role(actor, PLANNERS, "提出目标调整建议", "suggest target adjustments")
    review = await get_review(session, actor, review_id)
    check_amount(proposed_amount, "proposed_amount")
    reason = clean_reason(reason, required=True)
    if len(reason) > MAX_NOTE:
        clean_note(reason, "reason", MAX_NOTE)  # TOO_LONG
    target = await _target_in_review(session, review, target_id, "target_id")
    suggestion = ReviewSuggestion(
        review_id=review.id,
        target_id=target.id,
        proposed_amount=proposed_amount,
        reason=reason,
        status=SuggestionStatus.PENDING.value,
        created_by_user_id=actor.user_id,
        created_at=utcnow(),
    )
    session.add(suggestion)
    await session.flush()
    return suggestion


async def _pending(session, review: WeeklyReview | None, actor, ids: Sequence[int], field: str):
    """The suggestions with these ids (of `review` if given, else of any review the actor
    sees), each still pending, in the order given."""
    stmt = (
        select(ReviewSuggestion)
        .join(WeeklyReview, WeeklyReview.id == ReviewSuggestion.review_id)
        .where(ReviewSuggestion.id.in_(set(ids)), review_visible(actor))
    )
    if review is not None:
        stmt = stmt.where(ReviewSuggestion.review_id == review.id)
    found = {row.id: row for row in await session.scalars(stmt)}
    if set(ids) - set(found):
        raise not_found("SUGGESTION_NOT_FOUND", field, "调整建议", "suggestion")
    suggestions = [found[i] for i in ids]
    for suggestion in suggestions:
        status = SuggestionStatus(suggestion.status)
        if status != SuggestionStatus.PENDING:
            raise Conflict(
                "ALREADY_DECIDED",
                f"该调整建议已经{status.label_zh}",
                f"This suggestion is already {status.label_en.lower()}",
                field,
            )
    return suggestions


async def accept_adjustments(
    session: AsyncSession,
    actor: Actor,
    *,
    review_id: int,
    suggestion_ids: Sequence[int],
    reason: str,
    override_reason: str | None = None,
    window_days: int = 14,
    now: datetime | None = None,
) -> tuple[list[ReviewSuggestion], list[Target]]:
    """A director accepts suggestions: their amounts go into one rebalance of sibling
    targets (the parent's sum unchanged), and the suggestions are marked accepted. Any
    refusal of the rebalance is this action's refusal, with nothing written.

    A suggestion is stale (STALE_VERSION) when its target changed after it was made."""
    require_role(actor, DECIDERS, "采纳目标调整建议", "accept target adjustments")
    review = await get_review(session, actor, review_id)
    clean_reason(reason, required=True)
    ids = list(dict.fromkeys(suggestion_ids))
    suggestions = await _pending(session, review, actor, ids, "suggestion_ids")
    targets = {}
    for suggestion in suggestions:
        targets[suggestion.target_id] = await _target_in_review(
            session, review, suggestion.target_id, "suggestion_ids"
        )
    await _check_not_stale(session, suggestions)
    label = Period(PeriodKind.WEEK, review.week_start).label()
    moves = [
        Move(s.target_id, targets[s.target_id].version, s.proposed_amount) for s in suggestions
    ]
    try:
        changed = await rebalance_targets(
            session,
            actor,
            moves=moves,
            calibration=Calibration(
                f"{reason.strip()} [周复盘 weekly review {label}]", override_reason, window_days
            ),
            now=now,
        )
    except DomainError as error:
        error.field = REBALANCE_FIELDS.get(error.field, error.field)
        raise
    decided = now or utcnow()
    for suggestion in suggestions:
        suggestion.status = SuggestionStatus.ACCEPTED.value
        suggestion.decided_by_user_id = actor.user_id
        suggestion.decided_at = decided
    await session.flush()
    return suggestions, changed


async def _check_not_stale(session, suggestions: Sequence[ReviewSuggestion]) -> None:
    changes = await session.execute(
        select(TargetVersion.target_id, func.max(TargetVersion.at))
        .where(TargetVersion.target_id.in_({s.target_id for s in suggestions}))
        .group_by(TargetVersion.target_id)
    )
    last_change = {target_id: as_utc(at) for target_id, at in changes}
    for suggestion in suggestions:
        changed = last_change.get(suggestion.target_id)
        if changed is not None and changed > as_utc(suggestion.created_at):
            raise Conflict(
                "STALE_VERSION",
                "建议提出之后目标已被修改，请按最新数字重新提出建议",
                "The target changed after this suggestion was made: suggest again from its "
                "current amount",
                "suggestion_ids",
            )


async def reject_adjustment(
    session: AsyncSession, actor: Actor, *, suggestion_id: int, now: datetime | None = None
) -> ReviewSuggestion:
    """A director declines a pending suggestion; the target stays as it is."""
    require_role(actor, DECIDERS, "否决目标调整建议", "reject target adjustments")
    (suggestion,) = await _pending(session, None, actor, [suggestion_id], "suggestion_id")
    suggestion.status = SuggestionStatus.REJECTED.value
    suggestion.decided_by_user_id = actor.user_id
    suggestion.decided_at = now or utcnow()
    await session.flush()
    return suggestion


async def confirm_key_customers(
    session: AsyncSession,
    actor: Actor,
    *,
    review_id: int,
    accounts: Sequence[tuple[int, str | None]],
    now: datetime | None = None,
) -> list[ReviewKeyCustomer]:
    """Managers confirm the week's key customers: accounts owned by, or with opportunities
    of, reps in the review's subtree. Confirming one again replaces its note. Answers every
    key customer of the review."""
    require_role(actor, PLANNERS, "确认重点客户", "confirm key customers")
    review = await get_review(session, actor, review_id)
    if not accounts:
        raise InvalidInput(
            "REQUIRED", "请至少确认一个客户", "Give at least one account", "accounts"
        )
    ids = [account_id for account_id, _ in accounts]
    if len(set(ids)) != len(ids):
        raise InvalidInput(
            "DUPLICATE_ACCOUNT", "同一个客户出现了两次", "An account is listed twice", "accounts"
        )
    notes = {
        account_id: clean_note(note, "accounts", MAX_KEY_NOTE, False)
        for account_id, note in accounts
    }
    unit = await _review_unit(session, review)
    reps = select(Rep.id).where(Rep.unit_id.in_(units_in_subtree(unit.path)))
    in_subtree = set(
        await session.scalars(
            select(Account.id).where(
                Account.id.in_(ids),
                or_(
                    Account.owner_rep_id.in_(reps),
                    Account.id.in_(
                        select(Opportunity.account_id).where(Opportunity.owner_rep_id.in_(reps))
                    ),
                ),
            )
        )
    )
    if set(ids) - in_subtree:
        raise not_found(
            "ACCOUNT_NOT_FOUND", "accounts", "本次复盘范围内的客户", "account in this review"
        )
    existing = {
        row.account_id: row
        for row in await session.scalars(
            select(ReviewKeyCustomer).where(
                ReviewKeyCustomer.review_id == review.id, ReviewKeyCustomer.account_id.in_(ids)
            )
        )
    }
    confirmed_at = now or utcnow()
    for account_id in ids:
        row = existing.get(account_id)
        if row is None:
            session.add(
                ReviewKeyCustomer(
                    review_id=review.id,
                    account_id=account_id,
                    note=notes[account_id],
                    confirmed_by_user_id=actor.user_id,
                    confirmed_at=confirmed_at,
                )
            )
        else:
            row.note = notes[account_id]
            row.confirmed_by_user_id = actor.user_id
            row.confirmed_at = confirmed_at
    await session.flush()
    return (await key_customers_of(session, [review.id])).get(review.id, [])


# --- export -----------------------------------------------------------------------------


async def export_review(
    session: AsyncSession, review: WeeklyReview, fmt: ReviewExportFormat
) -> str:
    """The review (already visible to the caller) as JSON or CSV; see `review_export`."""
    anomalies = (await anomalies_of(session, [review.id])).get(review.id, [])
    suggestions = (await suggestions_of(session, [review.id])).get(review.id, [])
    key_customers = (await key_customers_of(session, [review.id])).get(review.id, [])
    user_ids = {review.created_by_user_id}
    user_ids |= {a.created_by_user_id for a in anomalies}
    user_ids |= {s.created_by_user_id for s in suggestions}
    user_ids |= {s.decided_by_user_id for s in suggestions if s.decided_by_user_id}
    user_ids |= {k.confirmed_by_user_id for k in key_customers}
    users = dict(
        (
            await session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
        ).all()
    )
    rep_ids = {a.rep_id for a in anomalies if a.rep_id is not None}
    reps = dict((await session.execute(select(Rep.id, Rep.name).where(Rep.id.in_(rep_ids)))).all())
    account_ids = {k.account_id for k in key_customers}
    accounts = dict(
        (
            await session.execute(
                select(Account.id, Account.name).where(Account.id.in_(account_ids))
            )
        ).all()
    )
    targets = await target_names(
        session,
        {a.target_id for a in anomalies if a.target_id is not None}
        | {s.target_id for s in suggestions},
    )
    unit = await _review_unit(session, review)
    document = review_document(
        review,
        unit_name=unit.name,
        anomalies=anomalies,
        suggestions=suggestions,
        key_customers=key_customers,
        names=Names(users=users, targets=targets, reps=reps, accounts=accounts),
    )
    return render(document, fmt)
