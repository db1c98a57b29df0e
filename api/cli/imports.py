"""`pacer import deals|potentials FILE.csv`: one transaction, a progress bar, bad rows
listed by line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator

from sqlalchemy.ext.asyncio import AsyncSession

from api.cli.support import CliError, with_engine
from domain import db
from domain.settings import Settings
from domain.targets.imports.deals import ImportReport

MAX_PRINTED_BAD_ROWS = 50


def cmd_import(args: argparse.Namespace, settings: Settings) -> None:
    if args.kind == "potentials":
        _import_potentials(args, settings)
        return
    from domain.targets.imports import csv_file, deals

    try:
        source = csv_file.open_deal_file(args.file)
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from None

    async def work(engine):
        with _progress_bar(source.approximate_rows, f"Importing {args.file.name}") as advance:
            return await _in_one_transaction(
                engine,
                settings,
                lambda session: deals.import_deals(
                    session, source.rows(), skip_bad=args.skip_bad, progress=advance
                ),
            )

    report = asyncio.run(with_engine(settings, work))
    _print_import_report(report)
    if not report.written:
        raise CliError(
            f"{report.bad} bad row(s), nothing written; fix them or run again with --skip-bad"
            f" / 有 {report.bad} 行有误，未写入任何数据；请修正，或加 --skip-bad 重新导入"
        )


def _import_potentials(args: argparse.Namespace, settings: Settings) -> None:
    from domain.kernel.actor import Actor, Role
    from domain.targets.imports import potentials

    try:
        rows, bad = potentials.read_potentials(args.file)
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    system = Actor(user_id=0, roles=frozenset({Role.ADMIN.value}))

    async def work(engine):
        return await _in_one_transaction(
            engine,
            settings,
            lambda session: potentials.import_potentials(session, system, rows, bad),
        )

    report = asyncio.run(with_engine(settings, work))
    _print_import_report(report)
    if not report.written:
        raise CliError(
            f"{report.bad} bad row(s), nothing written / 有 {report.bad} 行有误，未写入任何数据"
        )


async def _in_one_transaction(
    engine, settings: Settings, use_case: Callable[[AsyncSession], Awaitable[ImportReport]]
) -> ImportReport:
    """Run an import in one transaction: committed when accepted; a rejected import writes
    nothing and its report says why."""
    from domain.targets.imports.deals import ImportRejected

    if settings.is_sqlite:
        await db.upgrade(engine)
    async with db.session_factory(engine)() as session:
        try:
            report = await use_case(session)
        except ImportRejected as rejected:
            return rejected.report
        await session.commit()
    return report


@contextlib.contextmanager
def _progress_bar(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr over `total` rows; yields the function that advances it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    console = Console(stderr=True)
    bar = Progress(*columns, console=console, transient=True, disable=not console.is_terminal)
    with bar as progress:
        task = progress.add_task(description, total=total or None)
        yield lambda rows: progress.advance(task, rows)


def _print_import_report(report: ImportReport) -> None:
    print(
        f"read {report.read} · inserted {report.inserted} · unchanged {report.unchanged}"
        f" · bad {report.bad}"
        f" (读取 {report.read} · 新增 {report.inserted} · 未变 {report.unchanged}"
        f" · 有误 {report.bad})"
    )
    for row in report.bad_rows[:MAX_PRINTED_BAD_ROWS]:
        print(f"line {row.line}: {row.reason}")
    hidden = report.bad - MAX_PRINTED_BAD_ROWS
    if hidden > 0:
        print(f"… and {hidden} more (另有 {hidden} 行)")
