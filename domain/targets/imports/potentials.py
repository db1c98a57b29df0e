"""Importing market potential, a planning input per org unit or rep, from a CSV file.

Columns: `owner_type` (`unit` or `rep`), `owner` (the unit's code or the rep's external id),
`value` (a non-negative number on any scale: only the shares between siblings matter). The
import is all or nothing, in one transaction."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidInput
from domain.kernel.actor import Actor
from domain.kernel.errors import KernelError
from domain.org.models import OrgUnit, Rep
from domain.targets.allocation import set_market_potential
from domain.targets.errors import TargetError
from domain.targets.imports.csv_file import BadRow, bad_row, detect_encoding, header_columns
from domain.targets.imports.deals import ImportRejected, ImportReport
from domain.targets.service import Owner

COLUMNS = ("owner_type", "owner", "value")
OWNER_TYPES = {"unit": "unit", "rep": "rep", "单元": "unit", "组织": "unit", "销售": "rep"}


@dataclass(frozen=True)
class PotentialRow:
    line: int
    owner_type: str
    owner: str
    value: float


def read_potentials(path: Path) -> tuple[list[PotentialRow], list[BadRow]]:
    """Every row of the file, checked (files of potentials are small: read at once)."""
    encoding, _ = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream)
        columns = header_columns(next(reader, None), COLUMNS, COLUMNS)
        good: list[PotentialRow] = []
        bad: list[BadRow] = []
        seen: dict[tuple[str, str], int] = {}
        for line, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            cells = {
                name: (record[i].strip() if i < len(record) else "") for name, i in columns.items()
            }
            try:
                row = _parse(line, cells)
            except InvalidInput as error:
                bad.append(bad_row(line, error, error.field))
                continue
            key = (row.owner_type, row.owner)
            if key in seen:
                bad.append(
                    bad_row(
                        line,
                        InvalidInput(
                            TargetError.DUPLICATE_OWNER,
                            f"与第 {seen[key]} 行重复",
                            f"repeats line {seen[key]}",
                        ),
                        "owner",
                    )
                )
                continue
            seen[key] = line
            good.append(row)
    return good, bad


def _parse(line: int, cells: dict[str, str]) -> PotentialRow:
    owner_type = OWNER_TYPES.get(cells["owner_type"].lower())
    if owner_type is None:
        raise InvalidInput(
            TargetError.INVALID_OWNER_TYPE,
            "必须是 unit 或 rep",
            "must be unit or rep",
            "owner_type",
        )
    if not cells["owner"]:
        raise InvalidInput(KernelError.REQUIRED, "不能为空", "must not be empty", "owner")
    try:
        value = float(cells["value"].replace(",", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(
            TargetError.INVALID_VALUE, "必须是非负数", "must be a non-negative number", "value"
        )
    return PotentialRow(line, owner_type, cells["owner"].lower(), value)


async def import_potentials(
    session: AsyncSession, actor: Actor, rows: list[PotentialRow], bad: list[BadRow]
) -> ImportReport:
    """Set every row's potential; raises ImportRejected (nothing written) on any bad row."""
    units = await _ids(
        session, OrgUnit.code, OrgUnit.id, [r.owner for r in rows if r.owner_type == "unit"]
    )
    reps = await _ids(
        session, Rep.external_id, Rep.id, [r.owner for r in rows if r.owner_type == "rep"]
    )
    report = ImportReport(read=len(rows) + len(bad))
    problems, owners = list(bad), []
    unknown = InvalidInput(
        TargetError.UNKNOWN_OWNER, "找不到该组织单元或销售代表", "no such unit or rep"
    )
    for row in rows:
        is_unit = row.owner_type == "unit"
        owner_id = (units if is_unit else reps).get(row.owner)
        if owner_id is None:
            problems.append(bad_row(row.line, unknown, "owner"))
        else:
            owner = Owner(unit_id=owner_id) if is_unit else Owner(rep_id=owner_id)
            owners.append((owner, row.value))
    if problems:
        report.add_bad(problems)
        report.written = False
        raise ImportRejected(report)
    for owner, value in owners:
        await set_market_potential(session, actor, owner=owner, value=value)
    report.inserted = len(owners)
    return report


async def _ids(session: AsyncSession, key_column, id_column, keys: list[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = await session.execute(select(key_column, id_column).where(key_column.in_(keys)))
    return dict(rows.all())
