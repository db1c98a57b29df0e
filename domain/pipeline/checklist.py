"""The contract's compliance checklist and what a completed contract sets off.

When a deal enters negotiation, or a contract approval is started on it, the configured
checklist (a JSON file like the stage gates, validated against checklist.schema.json) is
copied onto the deal; every item must be checked, by whom and when kept, before the deal can
be won. When the payments of a won deal reach its signed amount, the account's lifetime value
(the sum of its payments) has grown by them and a service hand-over is opened."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import (
    ContractChecklistItem,
    Opportunity,
    Payment,
    ServiceHandover,
)

DEFAULT_CHECKLIST = Path(__file__).with_name("checklist.json")
CHECKLIST_SCHEMA = Path(__file__).with_name("checklist.schema.json")
HANDOVER_DAYS = 3  # the service team takes the customer over within this many days


@dataclass(frozen=True)
class ChecklistSpec:
    code: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistSpec, ...]


class ChecklistFileError(ValueError):
    """The checklist file is not valid; the message names the file, the path and the problem."""


@lru_cache(maxsize=4)
def load_checklist(path: Path = DEFAULT_CHECKLIST) -> Checklist:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ChecklistFileError(f"{path}: {error}") from None
    schema = json.loads(CHECKLIST_SCHEMA.read_text(encoding="utf-8"))
    problems = sorted(Draft202012Validator(schema).iter_errors(config), key=lambda e: list(e.path))
    if problems:
        first = problems[0]
        where = "/".join(str(part) for part in first.path) or "(top)"
        raise ChecklistFileError(f"{path}: {where}: {first.message}")
    codes = [item["code"] for item in config["items"]]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise ChecklistFileError(f"{path}: items: code listed twice: {', '.join(twice)}")
    return Checklist(
        tuple(
            ChecklistSpec(item["code"], item["label"]["zh"], item["label"]["en"])
            for item in config["items"]
        )
    )


# --- rules ------------------------------------------------------------------------------


def unchecked(items: Iterable[ContractChecklistItem]) -> list[ContractChecklistItem]:
    return sorted((i for i in items if i.checked_at is None), key=lambda i: i.position)


def check_complete(items: Sequence[ContractChecklistItem]) -> None:
    """Winning needs every item of the deal's checklist checked; the refusal lists them."""
    missing = unchecked(items)
    if missing:
        raise Conflict(
            PipelineError.CHECKLIST_INCOMPLETE,
            "合同合规清单尚未完成：" + "、".join(i.label_zh for i in missing),
            "The contract checklist is not complete: " + "; ".join(i.label_en for i in missing),
            "id",
        )


def completes_contract(won_amount: int | None, paid_before: int, amount: int) -> bool:
    """This payment brings the total received up to the signed amount."""
    return won_amount is not None and paid_before < won_amount <= paid_before + amount


# --- use-cases --------------------------------------------------------------------------


async def items_of(
    session: AsyncSession, opportunity_ids: Iterable[int]
) -> dict[int, list[ContractChecklistItem]]:
    found: dict[int, list[ContractChecklistItem]] = {}
    rows = await session.scalars(
        select(ContractChecklistItem)
        .where(ContractChecklistItem.opportunity_id.in_(set(opportunity_ids)))
        .order_by(ContractChecklistItem.opportunity_id, ContractChecklistItem.position)
    )
    for row in rows:
        found.setdefault(row.opportunity_id, []).append(row)
    return found


async def open_checklist(
    session: AsyncSession, opportunity_id: int, checklist: Checklist | None
) -> list[ContractChecklistItem]:
    """Copies the configured items onto the deal, once (later calls keep what is there)."""
    existing = (await items_of(session, [opportunity_id])).get(opportunity_id, [])
    if existing or checklist is None:
        return existing
    rows = [
        ContractChecklistItem(
            opportunity_id=opportunity_id,
            code=spec.code,
            label_zh=spec.label_zh,
            label_en=spec.label_en,
            position=position,
        )
        for position, spec in enumerate(checklist.items)
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def require_complete(session: AsyncSession, opportunity_id: int) -> None:
    check_complete((await items_of(session, [opportunity_id])).get(opportunity_id, []))


async def after_payment(
    session: AsyncSession, opportunity: Opportunity, paid_before: int, payment: Payment
) -> ServiceHandover | None:
    """A payment that completes the contract opens the service hand-over (once), with the
    account's lifetime value as it now stands."""
    if not completes_contract(opportunity.won_amount, paid_before, payment.amount):
        return None
    lifetime = (
        await session.execute(
            select(func.coalesce(func.sum(Payment.amount), 0))
            .join(Opportunity, Opportunity.id == Payment.opportunity_id)
            .where(Opportunity.account_id == opportunity.account_id)
        )
    ).scalar_one()
    handover = ServiceHandover(
        opportunity_id=opportunity.id,
        account_id=opportunity.account_id,
        rep_id=opportunity.owner_rep_id,
        contract_amount=opportunity.won_amount,
        paid_on=payment.received_on,
        due_on=handover_due(payment.received_on),
        lifetime_value=int(lifetime),
    )
    session.add(handover)
    await session.flush()
    return handover


async def handovers_of(
    session: AsyncSession, opportunity_ids: Iterable[int]
) -> dict[int, ServiceHandover]:
    rows = await session.scalars(
        select(ServiceHandover).where(ServiceHandover.opportunity_id.in_(set(opportunity_ids)))
    )
    return {row.opportunity_id: row for row in rows}


def handover_due(paid_on: date) -> date:
    return paid_on + timedelta(days=HANDOVER_DAYS)


def configured(path: Path | None) -> Checklist:
    """The checklist in force: the settings' file, else the default."""
    return load_checklist(path or DEFAULT_CHECKLIST)
