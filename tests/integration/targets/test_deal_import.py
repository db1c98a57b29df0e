"""Importing deals into the database, on SQLite and PostgreSQL: all or nothing by default,
idempotent on external_id, never overwriting, bulk statements."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.targets.imports import deals
from domain.targets.imports.csv_file import open_deal_file
from domain.targets.imports.deals import ImportRejected, ImportReport, import_deals
from domain.targets.models import Deal
from tests.support.db import count_statements

HEADER = "external_id,close_date,amount,rep,customer,segment,product_line,high_margin,one_off"
D1 = 'd-1,2024-01-15,"12,345.67",r1,上海交通集团,Government,EV SUV,是,否'
D2 = "d-2,2024-02-20,800.5,r2,Acme Fleet,enterprise_fleet,Fleet van,no,yes"
D3 = "d-3,2024-03-10,0.99,r4,成都出行,ride_hailing,EV sedan,1,0"
BAD_DATE = "d-4,2024-13-01,100,r1,Acme,smb,EV,no,no"


def write_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "deals.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def run_import(sessions, path: Path, *, skip_bad: bool = False, progress=None):
    """As the CLI does: one session, one commit, none when the import is rejected."""
    async with sessions() as session:
        source = open_deal_file(path)
        report = await import_deals(session, source.rows(), skip_bad=skip_bad, progress=progress)
        await session.commit()
    return report


async def stored_deals(sessions) -> dict[str, Deal]:
    async with sessions() as session:
        return {deal.external_id: deal for deal in await session.scalars(select(Deal))}


async def rejected_report(sessions, path: Path) -> ImportReport:
    with pytest.raises(ImportRejected) as caught:
        await run_import(sessions, path)
    assert caught.value.code == "IMPORT_HAS_BAD_ROWS"
    return caught.value.report


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.read, report.inserted, report.unchanged, report.bad


async def test_a_good_file_is_imported(sessions, world, tmp_path):
    report = await run_import(sessions, write_csv(tmp_path, D1, D2, D3))
    assert counts(report) == (3, 3, 0, 0) and report.written
    stored = await stored_deals(sessions)
    assert sorted(stored) == ["d-1", "d-2", "d-3"]
    first = stored["d-1"]
    assert (first.close_date, first.amount, first.rep_id) == (
        date(2024, 1, 15),
        1_234_567,
        world.reps["r1"],
    )
    assert (first.customer, first.segment, first.product_line) == (
        "上海交通集团",
        "government",
        "EV SUV",
    )
    assert (first.high_margin, first.one_off) == (True, False)
    assert (stored["d-2"].amount, stored["d-2"].one_off, stored["d-3"].amount) == (80_050, True, 99)


async def test_importing_the_same_file_again_changes_nothing(sessions, world, tmp_path):
    path = write_csv(tmp_path, D1, D2, D3)
    await run_import(sessions, path)
    before = await stored_deals(sessions)
    again = await run_import(sessions, path)
    assert counts(again) == (3, 0, 3, 0)
    after = await stored_deals(sessions)
    assert {key: (deal.id, deal.imported_at) for key, deal in after.items()} == {
        key: (deal.id, deal.imported_at) for key, deal in before.items()
    }


async def test_one_bad_row_writes_nothing_by_default(sessions, world, tmp_path, monkeypatch):
    monkeypatch.setattr(deals, "BATCH_SIZE", 2)  # good rows were sent before the bad one
    report = await rejected_report(sessions, write_csv(tmp_path, D1, D2, D3, BAD_DATE))
    assert counts(report) == (4, 0, 0, 1) and not report.written
    [bad] = report.bad_rows
    assert (bad.line, bad.code, bad.column) == (5, "INVALID_DATE", "close_date")
    assert await stored_deals(sessions) == {}


async def test_skip_bad_writes_the_good_rows_and_reports_the_bad(sessions, world, tmp_path):
    unknown_rep = D3.replace("d-3", "d-5").replace(",r4,", ",ghost,")
    path = write_csv(tmp_path, unknown_rep, D1, BAD_DATE, D2)
    report = await run_import(sessions, path, skip_bad=True)
    assert counts(report) == (4, 2, 0, 2) and report.written
    assert [(row.line, row.code) for row in report.bad_rows] == [
        (2, "UNKNOWN_REP"),
        (4, "INVALID_DATE"),
    ]
    assert sorted(await stored_deals(sessions)) == ["d-1", "d-2"]


async def test_an_unknown_rep_is_a_bad_row(sessions, world, tmp_path):
    report = await rejected_report(sessions, write_csv(tmp_path, D1.replace(",r1,", ",r9,")))
    [bad] = report.bad_rows
    assert (bad.line, bad.code, bad.column) == (2, "UNKNOWN_REP", "rep")
    assert "'r9'" in bad.message_en and "r9" in bad.message_zh


async def test_changed_content_for_a_stored_deal_is_reported_not_overwritten(
    sessions, world, tmp_path
):
    await run_import(sessions, write_csv(tmp_path, D1, D2))
    changed = D1.replace('"12,345.67"', "12345.68").replace(",r1,", ",r2,")
    report = await run_import(sessions, write_csv(tmp_path, changed, D2, D3), skip_bad=True)
    assert counts(report) == (3, 1, 1, 1)
    [bad] = report.bad_rows
    assert (bad.line, bad.code) == (2, "EXISTS_WITH_DIFFERENT_CONTENT")
    assert "exists with different content (amount, rep_id)" in bad.message_en
    stored = await stored_deals(sessions)
    assert (stored["d-1"].amount, stored["d-1"].rep_id) == (1_234_567, world.reps["r1"])


def inserts(counter) -> int:
    return sum(statement.lstrip().startswith("INSERT") for statement in counter.statements)


async def test_reps_are_looked_up_once_and_each_batch_in_bulk(
    sessions, world, tmp_path, engine, monkeypatch
):
    monkeypatch.setattr(deals, "BATCH_SIZE", 10)
    rows = [D1.replace("d-1", f"d-{number}") for number in range(1, 41)]
    path = write_csv(tmp_path, *rows)
    with count_statements(engine) as counter:
        report = await run_import(sessions, path)
    assert report.inserted == 40
    statements = "\n".join(counter.statements)
    assert statements.count("FROM rep") == 1, statements
    assert statements.count("FROM deal") == 4, statements
    assert inserts(counter) == 4, statements


async def test_after_a_bad_row_nothing_more_is_sent_to_be_written(
    sessions, world, tmp_path, engine, monkeypatch
):
    monkeypatch.setattr(deals, "BATCH_SIZE", 1)
    with count_statements(engine) as counter:
        await rejected_report(sessions, write_csv(tmp_path, D1, BAD_DATE, D2, D3))
    assert inserts(counter) == 1


async def test_progress_is_told_the_rows_of_each_batch(sessions, world, tmp_path, monkeypatch):
    monkeypatch.setattr(deals, "BATCH_SIZE", 2)
    told: list[int] = []
    await run_import(sessions, write_csv(tmp_path, D1, D2, D3), progress=told.append)
    assert told == [2, 1]


async def test_the_report_lists_at_most_the_first_bad_rows(sessions, world, tmp_path, monkeypatch):
    monkeypatch.setattr(deals, "MAX_LISTED_BAD_ROWS", 2)
    bad_rows = [BAD_DATE.replace("d-4", f"d-{number}") for number in range(4, 9)]
    report = await rejected_report(sessions, write_csv(tmp_path, *bad_rows))
    assert report.bad == 5 and [row.line for row in report.bad_rows] == [2, 3]
