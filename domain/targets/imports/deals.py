"""Importing the history of closed deals: checked against the database, inserted in bulk.

All or nothing by default: when any row is bad, `import_deals` raises `ImportRejected`
(code IMPORT_HAS_BAD_ROWS) carrying the report, and the caller, who owns the transaction,
rolls back. With `skip_bad` the good rows are written and the bad ones reported. The
service never commits; the caller commits once.

Idempotent on `external_id`: a deal already stored with the same content is `unchanged`;
with other content it is a bad row (never silently overwritten).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.errors import InvalidInput
from domain.org.models import Rep
from domain.targets.errors import TargetError
from domain.targets.imports.csv_file import BadRow, DealRow, bad_row
from domain.targets.models import Deal

BATCH_SIZE = 5_000
MAX_LISTED_BAD_ROWS = 1_000
CONTENT_COLUMNS = (
    "close_date",
    "amount",
    "rep_id",
    "customer",
    "segment",
    "product_line",
    "high_margin",
    "one_off",
)


@dataclass
class ImportReport:
    """Counts of one import; `bad_rows` lists the first bad rows in file order, `bad` counts
    them all. `written` is false when bad rows stopped the import (nothing was written)."""

    read: int = 0
    inserted: int = 0
    unchanged: int = 0
    bad: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    written: bool = True

    def add_bad(self, rows: list[BadRow]) -> None:
        self.bad += len(rows)
        room = MAX_LISTED_BAD_ROWS - len(self.bad_rows)
        self.bad_rows.extend(sorted(rows, key=lambda row: row.line)[:room])


class ImportRejected(InvalidInput):
    """Bad rows and no `skip_bad`: nothing may be written; the report lists them."""

    def __init__(self, report: ImportReport):
        super().__init__(
            TargetError.IMPORT_HAS_BAD_ROWS,
            f"有 {report.bad} 行有误，未写入任何数据；请修正后重试，或选择跳过有误的行",
            f"{report.bad} bad row(s), nothing written; fix them and retry, or skip bad rows",
        )
        self.report = report


async def import_deals(
    session: AsyncSession,
    rows: Iterable[DealRow | BadRow],
    *,
    skip_bad: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check and insert the rows in batches; `progress` is told how many rows each batch
    held. Raises ImportRejected when a row is bad and `skip_bad` is false."""
    report = ImportReport()
    reps = RepDirectory(session)
    imported_at = utcnow()
    for batch in _batches(rows, BATCH_SIZE):
        new_deals = await _check_batch(session, reps, batch, report)
        if skip_bad or report.bad == 0:
            await _insert(session, new_deals, imported_at)
            report.inserted += len(new_deals)
        if progress:
            progress(len(batch))
    if report.bad and not skip_bad:
        report.inserted, report.written = 0, False
        raise ImportRejected(report)
    return report


class RepDirectory:
    """Rep ids by external id, looked up in bulk and remembered for the whole import."""

    def __init__(self, session: AsyncSession):
        self.session = session
        self.ids: dict[str, int | None] = {}

    async def resolve(self, external_ids: set[str]) -> dict[str, int | None]:
        unseen = external_ids - self.ids.keys()
        if unseen:
            self.ids |= dict.fromkeys(unseen)
            found = await self.session.execute(
                select(Rep.external_id, Rep.id).where(Rep.external_id.in_(unseen))
            )
            self.ids |= dict(found.all())
        return self.ids


async def _check_batch(
    session: AsyncSession, reps: RepDirectory, batch: list[DealRow | BadRow], report: ImportReport
) -> list[dict[str, Any]]:
    """The batch's new deals as insert values; counts the unchanged, records the bad."""
    good = [row for row in batch if isinstance(row, DealRow)]
    bad = [row for row in batch if isinstance(row, BadRow)]
    rep_ids = await reps.resolve({row.rep for row in good})
    stored = await _stored_content(session, [row.external_id for row in good])
    new_deals = []
    for row in good:
        values = _values(row, rep_ids[row.rep])
        problem = _problem(row, values, stored.get(row.external_id))
        if problem:
            bad.append(problem)
        elif row.external_id in stored:
            report.unchanged += 1
        else:
            new_deals.append(values)
    report.read += len(batch)
    report.add_bad(bad)
    return new_deals


def _values(row: DealRow, rep_id: int | None) -> dict[str, Any]:
    return {
        "external_id": row.external_id,
        "close_date": row.close_date,
        "amount": row.amount,
        "rep_id": rep_id,
        "customer": row.customer,
        "segment": row.segment,
        "product_line": row.product_line,
        "high_margin": row.high_margin,
        "one_off": row.one_off,
    }


def _problem(row: DealRow, values: dict[str, Any], stored: dict[str, Any] | None) -> BadRow | None:
    """Why a well-formed row still cannot be imported: an unknown rep or a stored deal with
    the same external_id and other content."""
    if values["rep_id"] is None:
        error = InvalidInput(
            TargetError.UNKNOWN_REP,
            f"找不到外部编号为“{row.rep}”的销售代表",
            f"no rep with external id {row.rep!r}",
        )
        return bad_row(row.line, error, "rep")
    if stored is None:
        return None
    differing = [column for column in CONTENT_COLUMNS if stored[column] != values[column]]
    if not differing:
        return None
    error = InvalidInput(
        TargetError.EXISTS_WITH_DIFFERENT_CONTENT,
        f"“{row.external_id}”已导入，但内容不同（{', '.join(differing)}）；不会覆盖",
        f"{row.external_id!r} exists with different content ({', '.join(differing)}); "
        "not overwritten",
    )
    return bad_row(row.line, error, "external_id")


async def _stored_content(
    session: AsyncSession, external_ids: list[str]
) -> dict[str, dict[str, Any]]:
    if not external_ids:
        return {}
    columns = [getattr(Deal, name) for name in CONTENT_COLUMNS]
    result = await session.execute(
        select(Deal.external_id, *columns).where(Deal.external_id.in_(external_ids))
    )
    return {row.external_id: row._asdict() for row in result}


async def _insert(session: AsyncSession, deals: list[dict[str, Any]], at: datetime) -> None:
    if deals:
        await session.execute(insert(Deal), [{**deal, "imported_at": at} for deal in deals])


def _batches(rows: Iterable[DealRow | BadRow], size: int) -> Iterator[list[DealRow | BadRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
