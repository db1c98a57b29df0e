"""What participants do in a weekly review once it has started: mark anomalies, suggest new
target amounts, accept (into a rebalance) or reject suggestions, confirm key customers.

Who may do which is described in `review`; the services check it. Services never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import Conflict, DomainError, InvalidInput, not_found
from domain.kernel.actor import Actor
from domain.kernel.errors import KernelError
from domain.kernel.time import as_utc
from domain.org.models import Rep
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import Account, Opportunity
from domain.reviews.errors import ReviewError
from domain.reviews.models import (
    ReviewAnomaly,
    ReviewKeyCustomer,
    ReviewSuggestion,
    SuggestionStatus,
    WeeklyReview,
)
from domain.reviews.rules import DECIDERS, PLANNERS, clean_note, require_role
from domain.reviews.service import (
    get_review,
    key_customers_of,
    parts_of,
    rep_in_review,
    review_subtree,
    rows_by_id,
    target_in_review,
    visible_parts,
)
from domain.targets.calibration import Calibration, Move, rebalance_targets
from domain.targets.models import PeriodKind, Target, TargetVersion
from domain.targets.periods import Period
from domain.targets.service import check_amount, clean_reason

MAX_NOTE = 2000
MAX_KEY_NOTE = 500
# Fields of rebalance_targets' errors, as the input fields of acceptTargetAdjustments.
REBALANCE_FIELDS = {"moves": "suggestion_ids", "id": "suggestion_ids"}


# --- anomalies --------------------------------------------------------------------------


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
        await target_in_review(session, review, target_id, "target_id")
    if rep_id is not None:
        await rep_in_review(session, review, rep_id, "rep_id")
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


# --- suggestions ------------------------------------------------------------------------


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
    target = await target_in_review(session, review, target_id, "target_id")
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
    stmt = visible_parts(ReviewSuggestion, actor, ids)
    if review is not None:
        stmt = stmt.where(ReviewSuggestion.review_id == review.id)
    found = await rows_by_id(session, stmt)
    if set(ids) - set(found):
        raise not_found(ReviewError.SUGGESTION_NOT_FOUND, field, "调整建议", "suggestion")
    suggestions = [found[i] for i in ids]
    for suggestion in suggestions:
        status = SuggestionStatus(suggestion.status)
        if status != SuggestionStatus.PENDING:
            raise Conflict(
                ReviewError.ALREADY_DECIDED,
                f"该调整建议已经{status.label_zh}",
                f"This suggestion is already {status.label_en.lower()}",
                field,
            )
    return suggestions


def _decide(
    suggestions: Sequence[ReviewSuggestion], status: SuggestionStatus, actor: Actor, at: datetime
) -> None:
    for suggestion in suggestions:
        suggestion.status = status.value
        suggestion.decided_by_user_id = actor.user_id
        suggestion.decided_at = at


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
        targets[suggestion.target_id] = await target_in_review(
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
        if error.field is not None:
            error.field = REBALANCE_FIELDS.get(error.field, error.field)
        raise
    _decide(suggestions, SuggestionStatus.ACCEPTED, actor, now or utcnow())
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
                KernelError.STALE_VERSION,
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
    _decide([suggestion], SuggestionStatus.REJECTED, actor, now or utcnow())
    await session.flush()
    return suggestion


# --- key customers ----------------------------------------------------------------------


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
            KernelError.REQUIRED, "请至少确认一个客户", "Give at least one account", "accounts"
        )
    ids = [account_id for account_id, _ in accounts]
    if len(set(ids)) != len(ids):
        raise InvalidInput(
            ReviewError.DUPLICATE_ACCOUNT,
            "同一个客户出现了两次",
            "An account is listed twice",
            "accounts",
        )
    notes = {
        account_id: clean_note(note, "accounts", MAX_KEY_NOTE, False)
        for account_id, note in accounts
    }
    await _check_accounts_in_review(session, review, ids)
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
    return await parts_of(session, review, key_customers_of)


async def _check_accounts_in_review(
    session: AsyncSession, review: WeeklyReview, ids: Sequence[int]
) -> None:
    """ACCOUNT_NOT_FOUND unless every account is owned by, or has opportunities of, a rep
    of the review's subtree."""
    reps = select(Rep.id).where(Rep.unit_id.in_(await review_subtree(session, review)))
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
            PipelineError.ACCOUNT_NOT_FOUND,
            "accounts",
            "本次复盘范围内的客户",
            "account in this review",
        )
