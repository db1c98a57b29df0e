"""Pipeline use-cases: accounts and opportunities moved only through the stage machine.

Reps act on their own and co-owned opportunities, managers on their subtree; reopening and
reassigning need a manager. Every stage change appends a StageTransition."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.db import utcnow
from domain.errors import Forbidden, InvalidInput, not_found
from domain.kernel.actor import Actor, Role, per_actor
from domain.kernel.errors import KernelError
from domain.kernel.sql import by_ids, rows_by_ids
from domain.kernel.text import clean_slug, clean_text
from domain.org.errors import OrgError
from domain.org.models import OrgUnit, Rep
from domain.org.service import rep_visible, units_in_subtree
from domain.pipeline import checklist as contract_checklist
from domain.pipeline import rules
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import (
    Account,
    CoOwner,
    LossReason,
    Opportunity,
    StageTransition,
)
from domain.pipeline.stages import Move, Stage
from domain.versioning import check_version, flush_versioned

# --- visibility -------------------------------------------------------------------------


@per_actor
def opportunity_visible(actor: Actor) -> ColumnElement[bool]:
    """Own and co-owned opportunities for reps, the subtree's for managers and directors."""
    if actor.sees_whole_company:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if actor.subtree_path is not None:
        reps = select(Rep.id).where(Rep.unit_id.in_(units_in_subtree(actor.subtree_path)))
        conditions.append(Opportunity.owner_rep_id.in_(reps))
    if actor.has(Role.REP) and actor.rep_id is not None:
        conditions.append(Opportunity.owner_rep_id == actor.rep_id)
        co_owned = select(CoOwner.opportunity_id).where(CoOwner.rep_id == actor.rep_id)
        conditions.append(Opportunity.id.in_(co_owned))
    return or_(*conditions) if conditions else false()


class RepRef(NamedTuple):
    id: int
    status: str


def reps_in_scope(actor: Actor, teammates: bool = False) -> ColumnElement[bool]:
    """Reps the actor may name as an owner (with `teammates`, as a co-owner: also the
    actor's own team)."""
    allowed = rep_visible(actor)
    if teammates and actor.rep_unit_id is not None:
        allowed = or_(allowed, Rep.unit_id == actor.rep_unit_id)
    return allowed


async def visible_rep(
    session: AsyncSession, actor: Actor, rep_id: int, field: str, teammates: bool = False
) -> RepRef:
    """A rep in the actor's scope (with `teammates`, also a rep of the actor's own team): its
    id and status, in one statement (a whole `Rep` would also load its territories and
    specialties)."""
    row = (
        await session.execute(
            select(Rep.id, Rep.status).where(Rep.id == rep_id, reps_in_scope(actor, teammates))
        )
    ).first()
    if row is None:
        raise not_found(OrgError.REP_NOT_FOUND, field, "销售代表", "rep")
    return RepRef(*row)


async def get_opportunity(
    session: AsyncSession,
    actor: Actor,
    opportunity_id: int,
    field: str = "id",
    *,
    with_co_owners: bool = True,
) -> Opportunity:
    """The opportunity if the actor sees it; `with_co_owners=False` leaves its co-owners
    unloaded (reading them then raises) and saves the statement that reads them."""
    statement = select(Opportunity).where(
        Opportunity.id == opportunity_id, opportunity_visible(actor)
    )
    if with_co_owners:
        statement = statement.options(selectinload(Opportunity.co_owners))
    found = await session.scalar(statement)
    if found is None:
        raise not_found(PipelineError.OPPORTUNITY_NOT_FOUND, field, "商机", "opportunity")
    return found


async def require_manager_of(session: AsyncSession, actor: Actor, rep_id: int) -> None:
    path = await session.scalar(
        select(OrgUnit.path).join(Rep, Rep.unit_id == OrgUnit.id).where(Rep.id == rep_id)
    )
    if not (
        path is not None
        and actor.has(Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
        and actor.manages_path(path)
    ):
        raise Forbidden(
            PipelineError.MANAGER_REQUIRED,
            "此操作需要该销售代表的经理",
            "This needs a manager of the opportunity's owner",
            "id",
        )


def _acting_rep(actor: Actor, rep_id: int | None) -> int:
    """The owner of something new: the given rep, or the acting rep themself."""
    chosen = rep_id if rep_id is not None else actor.rep_id
    if chosen is None:
        raise InvalidInput(
            PipelineError.OWNER_REQUIRED,
            "请指定负责的销售代表",
            "Say which rep owns it",
            "owner_id",
        )
    return chosen


# --- accounts ---------------------------------------------------------------------------


async def create_account(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    segment: str,
    region: str | None = None,
    high_value: bool = False,
    owner_rep_id: int | None = None,
) -> Account:
    owner = await visible_rep(session, actor, _acting_rep(actor, owner_rep_id), "owner_id")
    account = Account(
        name=clean_text(name, "name", 200),
        segment=clean_slug(segment, "segment"),
        region=clean_slug(region, "region") if region else None,
        high_value=high_value,
        owner_rep_id=owner.id,
    )
    session.add(account)
    await session.flush()
    return account


@per_actor
def account_visible(actor: Actor) -> ColumnElement[bool]:
    """Accounts of reps in scope, and accounts of opportunities the caller works on."""
    return or_(
        Account.owner_rep_id.in_(select(Rep.id).where(rep_visible(actor))),
        Account.id.in_(select(Opportunity.account_id).where(opportunity_visible(actor))),
    )


_ACCOUNTS_BY_IDS = by_ids(Account, account_visible)


async def accounts_by_ids(
    session: AsyncSession, actor: Actor, ids: Iterable[int]
) -> dict[int, Account]:
    return await rows_by_ids(session, _ACCOUNTS_BY_IDS(actor), ids)


# --- opportunities ----------------------------------------------------------------------


@dataclass
class Details:
    """Fields of an opportunity that are not its stage; None leaves a field as it is."""

    title: str | None = None
    amount: int | None = None
    expected_close: date | None = None
    qualification: dict[str, Any] | None = None  # merged; a key set to null is removed
    co_owner_ids: list[int] | None = None
    high_margin: bool | None = None


async def create_opportunity(
    session: AsyncSession,
    actor: Actor,
    *,
    account_id: int,
    owner_rep_id: int | None,
    details: Details,
    gates: rules.Gates,
    source_lead: str | None = None,
) -> Opportunity:
    owner = await visible_rep(session, actor, _acting_rep(actor, owner_rep_id), "owner_id")
    account = (await accounts_by_ids(session, actor, [account_id])).get(account_id)
    if account is None:
        raise not_found(PipelineError.ACCOUNT_NOT_FOUND, "account_id", "客户", "account")
    for required in ("title", "amount", "expected_close"):
        if getattr(details, required) is None:
            raise InvalidInput(KernelError.REQUIRED, "不能为空", "Must not be empty", required)
    opportunity = Opportunity(
        account_id=account.id,
        owner_rep_id=owner.id,
        stage=Stage.LEAD.value,
        qualification={},
        source_lead=source_lead,
        co_owners=[],
    )
    await _apply(session, actor, opportunity, details, gates)
    session.add(opportunity)
    await session.flush()
    record_transition(session, actor, opportunity, None, Stage.LEAD, Move.CREATE, None, None)
    return opportunity


async def update_details(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    expected_version: int,
    details: Details,
    gates: rules.Gates,
) -> Opportunity:
    """Everything but the stage; the gates already passed must keep passing."""
    opportunity = await _open_for_change(session, actor, opportunity_id, expected_version)
    await _apply(session, actor, opportunity, details, gates)
    rules.check_gates_up_to(gates, Stage(opportunity.stage), opportunity.qualification)
    await flush_versioned(session)
    return opportunity


async def _apply(session, actor, opportunity: Opportunity, details: Details, gates) -> None:
    if details.title is not None:
        opportunity.title = clean_text(details.title, "title", 200)
    if details.amount is not None:
        opportunity.amount = checked_amount(details.amount)
    if details.expected_close is not None:
        opportunity.expected_close = details.expected_close
    if details.high_margin is not None:
        opportunity.high_margin = details.high_margin
    if details.qualification is not None:
        merged = {**(opportunity.qualification or {}), **details.qualification}
        merged = {key: value for key, value in merged.items() if value is not None}
        rules.check_qualification(gates, merged)
        opportunity.qualification = merged
    if details.co_owner_ids is not None:
        wanted = set(details.co_owner_ids) - {opportunity.owner_rep_id}
        for rep_id in wanted:
            await visible_rep(session, actor, rep_id, "co_owner_ids", teammates=True)
        kept = [c for c in opportunity.co_owners if c.rep_id in wanted]
        new = sorted(wanted - {c.rep_id for c in kept})
        opportunity.co_owners = kept + [CoOwner(rep_id=rep_id) for rep_id in new]


async def _open_for_change(session, actor, opportunity_id: int, expected_version: int):
    opportunity = await get_opportunity(session, actor, opportunity_id)
    check_version(opportunity, expected_version)
    if not Stage(opportunity.stage).is_open:
        rules.check_move(Move.ADVANCE, Stage(opportunity.stage), Stage(opportunity.stage))
    return opportunity


def checked_amount(amount: int) -> int:
    """The amount of a deal, NEGATIVE_AMOUNT below zero."""
    if amount < 0:
        raise InvalidInput(
            PipelineError.NEGATIVE_AMOUNT, "金额不能为负", "The amount cannot be negative", "amount"
        )
    return amount


def record_transition(session, actor, opportunity, source, target, move, reason, now) -> None:
    """The stage change on record (`source` None: the opportunity was just created)."""
    now = now or utcnow()
    entered = opportunity.stage_entered_at
    seconds = None
    if source is not None and entered is not None:
        entered = entered if entered.tzinfo else entered.replace(tzinfo=now.tzinfo)
        seconds = max(0, int((now - entered).total_seconds()))
    values = rules.transition_values(
        actor, opportunity.id, source, target, move, reason, now, seconds
    )
    session.add(StageTransition(**values))


async def move_stage(
    session: AsyncSession,
    actor: Actor,
    opportunity: Opportunity,
    target: Stage,
    move: Move,
    reason: str | None = None,
) -> Opportunity:
    source = Stage(opportunity.stage)
    rules.check_move(move, source, target)
    now = utcnow()
    record_transition(session, actor, opportunity, source, target, move, reason, now)
    opportunity.stage = target.value
    opportunity.stage_entered_at = now
    await flush_versioned(session)
    return opportunity


async def advance(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    expected_version: int,
    to_stage: Stage | None,
    gates: rules.Gates,
    checklist: contract_checklist.Checklist | None = None,
) -> Opportunity:
    """With a `checklist`, entering negotiation opens the deal's contract checklist."""
    opportunity = await _open_for_change(session, actor, opportunity_id, expected_version)
    target = rules.advance_target(gates, Stage(opportunity.stage), to_stage)
    rules.check_gate(gates, target, opportunity.qualification)
    moved = await move_stage(session, actor, opportunity, target, Move.ADVANCE)
    if target == Stage.NEGOTIATION:
        await contract_checklist.open_checklist(session, moved.id, checklist)
    return moved


async def move_back(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    expected_version: int,
    reason: str,
) -> Opportunity:
    reason = rules.clean_required_reason(reason)
    opportunity = await _open_for_change(session, actor, opportunity_id, expected_version)
    target = rules.previous_stage(Stage(opportunity.stage))
    return await move_stage(session, actor, opportunity, target, Move.BACK, reason)


async def win(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    expected_version: int,
    signed_amount: int,
    signed_on: date,
    today: date,
) -> Opportunity:
    opportunity = await _open_for_change(session, actor, opportunity_id, expected_version)
    rules.check_win(signed_amount, signed_on, today)
    rules.check_move(Move.WIN, Stage(opportunity.stage), Stage.WON)
    await contract_checklist.require_complete(session, opportunity.id)
    opportunity.won_amount, opportunity.won_on = signed_amount, signed_on
    return await move_stage(session, actor, opportunity, Stage.WON, Move.WIN)


async def lose(
    session: AsyncSession,
    actor: Actor,
    *,
    opportunity_id: int,
    expected_version: int,
    reason_code: str,
    note: str | None,
) -> Opportunity:
    opportunity = await _open_for_change(session, actor, opportunity_id, expected_version)
    reason = await session.get(LossReason, reason_code.strip().lower())
    if reason is None or not reason.active:
        raise InvalidInput(
            PipelineError.UNKNOWN_LOSS_REASON,
            "请从丢单原因列表中选择",
            "Pick a loss reason from the list",
            "reason_code",
        )
    note = " ".join((note or "").split()) or None
    if reason.code == "other" and not note:
        raise InvalidInput(
            PipelineError.NOTE_REQUIRED,
            "选择“其他”时请写明原因",
            "Say what happened for 'other'",
            "note",
        )
    opportunity.loss_reason_code, opportunity.loss_note = reason.code, note
    return await move_stage(session, actor, opportunity, Stage.LOST, Move.LOSE, note or reason.code)
