"""Many new deals at once: an account and a `lead`-stage opportunity for each, checked as
`create_account` and `create_opportunity` check one, and written in two flushes and one
multi-row INSERT. Routing takes in up to 1,000 leads in one call; one statement per row would
be most of its time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import not_found
from domain.kernel.actor import Actor
from domain.kernel.text import clean_slug, clean_text
from domain.org.errors import OrgError
from domain.org.models import Rep
from domain.pipeline.models import Account, CoOwner, Opportunity, StageTransition
from domain.pipeline.rules import transition_values
from domain.pipeline.service import checked_amount, reps_in_scope
from domain.pipeline.stages import Move, Stage


@dataclass(frozen=True)
class Opening:
    """A new customer and its first deal, owned by one rep (and perhaps co-owned)."""

    account_name: str
    segment: str
    region: str | None
    owner_rep_id: int
    title: str
    amount: int
    expected_close: date
    source_lead: str | None = None
    co_owner_ids: tuple[int, ...] = ()


async def open_deals(
    session: AsyncSession, actor: Actor, openings: Sequence[Opening]
) -> list[Opportunity]:
    """The opportunities, in the order of `openings`, each with its own new account and its
    `create` transition. All or none: REP_NOT_FOUND for an owner (`owner_id`) or co-owner
    (`co_owner_ids`) outside the caller's scope, NEGATIVE_AMOUNT, or a bad name or slug.
    The caller may then have to roll back (a flush refused by the database)."""
    owners = {opening.owner_rep_id for opening in openings}
    co_owners = {rep for opening in openings for rep in opening.co_owner_ids}
    await _require_visible(session, actor, owners, "owner_id")
    await _require_visible(session, actor, co_owners - owners, "co_owner_ids", teammates=True)
    accounts = [
        Account(
            name=clean_text(opening.account_name, "name", 200),
            segment=clean_slug(opening.segment, "segment"),
            region=clean_slug(opening.region, "region") if opening.region else None,
            high_value=False,
            owner_rep_id=opening.owner_rep_id,
        )
        for opening in openings
    ]
    session.add_all(accounts)
    await _flush(session, actor, "owner_id")
    opportunities = [
        Opportunity(
            account_id=account.id,
            owner_rep_id=opening.owner_rep_id,
            stage=Stage.LEAD.value,
            qualification={},
            source_lead=opening.source_lead,
            title=clean_text(opening.title, "title", 200),
            amount=checked_amount(opening.amount),
            expected_close=opening.expected_close,
            co_owners=[
                CoOwner(rep_id=rep)
                for rep in sorted(set(opening.co_owner_ids) - {opening.owner_rep_id})
            ],
        )
        for opening, account in zip(openings, accounts, strict=True)
    ]
    session.add_all(opportunities)
    await _flush(session, actor, "co_owner_ids")  # the owners are known to exist by now
    now = utcnow()
    # Nothing reads the ids back, but RETURNING makes it one multi-row INSERT per ~1,000 rows
    # on both databases (asyncpg's executemany sends each row on its own: 4× slower).
    await session.execute(
        insert(StageTransition).returning(StageTransition.id),
        [
            transition_values(actor, opportunity.id, None, Stage.LEAD, Move.CREATE, None, now)
            for opportunity in opportunities
        ],
    )
    return opportunities


async def _require_visible(
    session: AsyncSession, actor: Actor, rep_ids: Iterable[int], field: str, teammates=False
) -> None:
    """Every rep in the actor's scope (with `teammates`, also the actor's own team), in one
    statement; REP_NOT_FOUND names the field otherwise. Every rep is in the scope of an actor
    who sees the whole company (routing acts as one), so nothing is read for them: reps are
    never deleted, and the foreign keys refuse an id that names none (`_flush`)."""
    wanted = set(rep_ids)
    if not wanted or actor.sees_whole_company:
        return
    in_scope = reps_in_scope(actor, teammates)
    found = set(await session.scalars(select(Rep.id).where(Rep.id.in_(wanted), in_scope)))
    if wanted - found:
        raise not_found(OrgError.REP_NOT_FOUND, field, "销售代表", "rep")


async def _flush(session: AsyncSession, actor: Actor, field: str) -> None:
    """The flush; for an actor whose reps were not read, REP_NOT_FOUND on `field` when the
    database refuses a rep id (the only reference of these rows not checked or just
    written)."""
    try:
        await session.flush()
    except IntegrityError as refused:
        if not actor.sees_whole_company or "foreign key" not in str(refused.orig).lower():
            raise
        raise not_found(OrgError.REP_NOT_FOUND, field, "销售代表", "rep") from refused
