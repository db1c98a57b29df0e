"""Working on targets together: gap reasons, comments with @mentions, OKRs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InvalidInput, not_found
from domain.kernel.actor import Actor
from domain.kernel.errors import KernelError
from domain.kernel.text import clean_slug, clean_text
from domain.org.access import user_visible
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep, User
from domain.org.service import units_in_subtree
from domain.targets.errors import TargetError
from domain.targets.models import (
    GapReason,
    GapTag,
    KeyResult,
    Objective,
    Target,
    TargetComment,
    TargetMention,
)
from domain.targets.rules import Pace
from domain.targets.service import Owner, get_target, managed_owner, visible_owner

MENTION = re.compile(r"@([a-z0-9][a-z0-9_.-]{0,39})", re.IGNORECASE)
OKR_SUCCESS = 0.7


# --- gap reasons ------------------------------------------------------------------------


async def gap_reasons(session: AsyncSession, active_only: bool = True) -> list[GapReason]:
    stmt = select(GapReason).order_by(GapReason.code)
    if active_only:
        stmt = stmt.where(GapReason.active.is_(True))
    return list(await session.scalars(stmt))


async def define_gap_reason(
    session: AsyncSession, actor: Actor, *, code: str, label_zh: str, label_en: str
) -> GapReason:
    code = clean_slug(code, "code")
    label_zh, label_en = clean_text(label_zh, "label_zh", 80), clean_text(label_en, "label_en", 80)
    reason = await session.get(GapReason, code)
    if reason is None:
        reason = GapReason(code=code, label_zh=label_zh, label_en=label_en, active=True)
        session.add(reason)
    else:
        reason.label_zh, reason.label_en, reason.active = label_zh, label_en, True
    await session.flush()
    return reason


async def tag_gap(
    session: AsyncSession, actor: Actor, *, target_id: int, reason_code: str, note: str | None
) -> GapTag:
    """Reps and managers say why a target falls short, from the managed list."""
    target = await get_target(session, actor, target_id, "target_id")
    reason = await session.get(GapReason, reason_code.strip().lower())
    if reason is None or not reason.active:
        raise InvalidInput(
            TargetError.UNKNOWN_REASON,
            "未知的差距原因，请从原因列表中选择",
            "Unknown gap reason: pick one from the list",
            "reason_code",
        )
    note = " ".join((note or "").split()) or None
    if reason.code == "other" and not note:
        raise InvalidInput(
            TargetError.NOTE_REQUIRED,
            "选择“其他”时请写明原因",
            "Say what the reason is for 'other'",
            "note",
        )
    tag = GapTag(
        target_id=target.id, reason_code=reason.code, note=note, tagged_by_id=actor.user_id or None
    )
    session.add(tag)
    await session.flush()
    return tag


@dataclass(frozen=True)
class ReasonCount:
    reason: GapReason
    count: int


async def top_gap_reasons(
    session: AsyncSession,
    actor: Actor,
    *,
    root_unit_id: int,
    period_start: date | None = None,
    limit: int = 3,
) -> list[ReasonCount]:
    """The most tagged reasons on the targets of a unit's subtree (and its reps)."""
    root = await session.get(OrgUnit, root_unit_id)
    if root is None or not actor.manages_path(root.path):
        raise not_found(OrgError.UNIT_NOT_FOUND, "root_id", "组织单元", "org unit")
    subtree = units_in_subtree(root.path)
    stmt = (
        select(GapTag.reason_code, func.count())
        .join(Target, Target.id == GapTag.target_id)
        .outerjoin(Rep, Rep.id == Target.owner_rep_id)
        .where(or_(Target.owner_unit_id.in_(subtree), Rep.unit_id.in_(subtree)))
        .group_by(GapTag.reason_code)
    )
    if period_start is not None:
        stmt = stmt.where(Target.period_start == period_start)
    counts = Counter(dict((await session.execute(stmt)).all()))
    reasons = {r.code: r for r in await gap_reasons(session, active_only=False)}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [ReasonCount(reasons[code], count) for code, count in ranked]


# --- comments ---------------------------------------------------------------------------


async def comment_on_target(
    session: AsyncSession, actor: Actor, *, target_id: int, body: str
) -> TargetComment:
    """A comment; every @login must name a user the author can see."""
    target = await get_target(session, actor, target_id, "target_id")
    body = body.strip()
    if not body:
        raise InvalidInput(KernelError.REQUIRED, "评论不能为空", "The comment is empty", "body")
    if len(body) > 4000:
        raise InvalidInput(
            KernelError.TOO_LONG, "评论不能超过 4000 个字符", "At most 4000 characters", "body"
        )
    logins = sorted({m.lower() for m in MENTION.findall(body)})
    users = {}
    if logins:
        rows = await session.scalars(
            select(User).where(User.login.in_(logins), user_visible(actor))
        )
        users = {user.login: user for user in rows}
    missing = [login for login in logins if login not in users]
    if missing:
        raise InvalidInput(
            TargetError.MENTION_NOT_FOUND,
            f"找不到被提及的用户：{', '.join('@' + m for m in missing)}",
            f"No user in your scope for {', '.join('@' + m for m in missing)}",
            "body",
        )
    comment = TargetComment(target_id=target.id, author_id=actor.user_id or None, body=body)
    session.add(comment)
    await session.flush()
    session.add_all(TargetMention(comment_id=comment.id, user_id=u.id) for u in users.values())
    await session.flush()
    return comment


async def comments_of_targets(
    session: AsyncSession, target_ids: Iterable[int]
) -> dict[int, list[TargetComment]]:
    stmt = (
        select(TargetComment)
        .where(TargetComment.target_id.in_(set(target_ids)))
        .order_by(TargetComment.at, TargetComment.id)
    )
    result: dict[int, list[TargetComment]] = {}
    for comment in await session.scalars(stmt):
        result.setdefault(comment.target_id, []).append(comment)
    return result


async def mentions_of_comments(
    session: AsyncSession, comment_ids: Iterable[int]
) -> dict[int, list[int]]:
    rows = await session.execute(
        select(TargetMention.comment_id, TargetMention.user_id).where(
            TargetMention.comment_id.in_(set(comment_ids))
        )
    )
    result: dict[int, list[int]] = {}
    for comment_id, user_id in rows:
        result.setdefault(comment_id, []).append(user_id)
    return result


# --- OKRs -------------------------------------------------------------------------------


async def create_objective(
    session: AsyncSession,
    actor: Actor,
    *,
    title: str,
    owner: Owner,
    key_results: Sequence[tuple[int, str]],
) -> Objective:
    """An objective with two to four key results, each bound to a target in scope."""
    title = clean_text(title, "title", 200)
    await managed_owner(session, actor, owner)
    if not 2 <= len(key_results) <= 4:
        raise InvalidInput(
            TargetError.KEY_RESULT_COUNT,
            "一个目标需要 2 到 4 个关键结果",
            "An objective needs two to four key results",
            "key_results",
        )
    if len({target_id for target_id, _ in key_results}) != len(key_results):
        raise Conflict(
            TargetError.DUPLICATE_TARGET,
            "关键结果不能重复绑定同一个目标",
            "Two key results are bound to the same target",
            "key_results",
        )
    objective = Objective(title=title, owner_key=owner.key, created_by_id=actor.user_id or None)
    session.add(objective)
    await session.flush()
    for target_id, kr_title in key_results:
        await get_target(session, actor, target_id, "key_results")
        session.add(
            KeyResult(
                objective_id=objective.id,
                target_id=target_id,
                title=clean_text(kr_title, "key_results", 200),
            )
        )
    await session.flush()
    return objective


async def key_results_of(
    session: AsyncSession, objective_ids: Iterable[int]
) -> dict[int, list[KeyResult]]:
    stmt = (
        select(KeyResult)
        .where(KeyResult.objective_id.in_(set(objective_ids)))
        .order_by(KeyResult.id)
    )
    result: dict[int, list[KeyResult]] = {}
    for key_result in await session.scalars(stmt):
        result.setdefault(key_result.objective_id, []).append(key_result)
    return result


async def objectives_for(session: AsyncSession, actor: Actor, owner: Owner) -> list[Objective]:
    await visible_owner(session, actor, owner)
    return list(
        await session.scalars(
            select(Objective).where(Objective.owner_key == owner.key).order_by(Objective.id)
        )
    )


def okr_score(paces: Sequence[Pace | None]) -> float:
    """Mean completion of the key results, each capped at 1.0 (a missing target counts 0)."""
    if not paces:
        return 0.0
    return sum(min(p.completion or 0.0, 1.0) if p else 0.0 for p in paces) / len(paces)


async def gap_tags_of_targets(
    session: AsyncSession, target_ids: Iterable[int]
) -> dict[int, list[GapTag]]:
    stmt = select(GapTag).where(GapTag.target_id.in_(set(target_ids))).order_by(GapTag.id)
    result: dict[int, list[GapTag]] = {}
    for tag in await session.scalars(stmt):
        result.setdefault(tag.target_id, []).append(tag)
    return result
