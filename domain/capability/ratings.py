"""Customer ratings: a 1–5 rating of an interaction (a follow-up) or a deal (an
opportunity), recorded by a manager of the rep or imported from a CSV file, and turned into
capability evidence on the dimensions it names (or its subject's default ones).

A rating with an `external_id` is idempotent: the same id with the same content is the same
rating, with other content it is refused. The import is all or nothing unless told to skip
bad rows; every row is checked exactly as the mutation checks its input."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capability import rules
from domain.capability.errors import CapabilityError
from domain.capability.models import (
    CapabilityEvidence,
    CapabilitySource,
    CustomerRating,
    ScoreChangeCause,
)
from domain.capability.service import (
    NewEvidence,
    dimensions,
    recompute,
    replace_evidence,
    require_manager,
)
from domain.errors import Conflict, DomainError, InvalidInput, not_found
from domain.kernel.actor import Actor
from domain.kernel.errors import KernelError
from domain.kernel.text import clean_text
from domain.org.models import OrgUnit, Rep
from domain.pipeline.errors import PipelineError
from domain.pipeline.models import FollowUp, Opportunity
from domain.pipeline.service import opportunity_visible
from domain.settings import Settings
from domain.targets.imports.csv_file import (
    BadRow,
    bad_row,
    detect_encoding,
    header_columns,
    parse_close_date,
    parse_external_id,
)
from domain.targets.imports.deals import ImportRejected, ImportReport

COLUMNS = (
    "external_id",
    "follow_up_id",
    "opportunity_id",
    "rating",
    "dimensions",
    "rated_on",
    "comment",
)
REQUIRED_COLUMNS = ("external_id", "rating")
COMMENT_LENGTH = 2000


@dataclass(frozen=True)
class RatingInput:
    rating: int
    follow_up_id: int | None = None
    opportunity_id: int | None = None
    dimensions: Sequence[str] | None = None
    comment: str | None = None
    rated_on: date | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class Stored:
    rating: CustomerRating
    created: bool


async def record_rating(
    session: AsyncSession, actor: Actor, settings: Settings, given: RatingInput, *, today: date
) -> CustomerRating:
    """A manager records a customer's rating of one of their reps; the rep's scores follow."""
    stored = await _store(session, actor, settings, given, today, actor.user_id)
    if stored.created:
        await recompute(session, settings, {stored.rating.rep_id}, today, ScoreChangeCause.RATING)
    return stored.rating


async def _store(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    given: RatingInput,
    today: date,
    recorded_by: int | None,
) -> Stored:
    rating = rules.check_rating(given.rating)
    blank = not (given.comment or "").strip()
    comment = None if blank else clean_text(given.comment or "", "comment", COMMENT_LENGTH)
    rated_on = given.rated_on or today
    if rated_on > today:
        raise InvalidInput(
            CapabilityError.RATED_IN_FUTURE,
            "评价日期不能晚于今天",
            "The rating cannot be dated after today",
            "rated_on",
        )
    subject, rep_id = await _subject(session, actor, given)
    dims = rules.rating_dimensions(given.dimensions, subject, dimensions(settings))
    content = {
        "rep_id": rep_id,
        "follow_up_id": given.follow_up_id,
        "opportunity_id": given.opportunity_id,
        "rating": rating,
        "dimensions": list(dims),
        "comment": comment,
        "rated_on": rated_on,
    }
    if given.external_id is not None:
        external_id = _in_column("external_id", parse_external_id, given.external_id)
        twin = await session.scalar(
            select(CustomerRating).where(CustomerRating.external_id == external_id)
        )
        if twin is not None:
            # A retry a day later without `rated_on` is still the same rating.
            compared = {k: v for k, v in content.items() if k != "rated_on" or given.rated_on}
            if any(getattr(twin, name) != value for name, value in compared.items()):
                raise Conflict(
                    CapabilityError.EXTERNAL_ID_REUSED,
                    "该外部编号已用于另一条不同的评价",
                    "This external id already belongs to a different rating",
                    "external_id",
                )
            return Stored(twin, False)
        content["external_id"] = external_id
    row = CustomerRating(**content, recorded_by_user_id=recorded_by)
    session.add(row)
    await session.flush()
    ref = f"rating:{row.id}"
    facts = {"rating": rating, "subject": subject}
    evidence = [
        NewEvidence(rep_id, dim, ref, rules.rating_value(rating), rated_on, detail=facts)
        for dim in dims
    ]
    scope = and_(CapabilityEvidence.rep_id == rep_id, CapabilityEvidence.ref == ref)
    await replace_evidence(session, CapabilitySource.RATING, scope, evidence)
    return Stored(row, True)


async def _subject(session: AsyncSession, actor: Actor, given: RatingInput) -> tuple[str, int]:
    """('follow_up' | 'opportunity', the rated rep) after the scope and manager checks."""
    if (given.follow_up_id is None) == (given.opportunity_id is None):
        raise InvalidInput(
            CapabilityError.ONE_SUBJECT,
            "请指定一条跟进记录或一个商机（二选一）",
            "Rate exactly one follow-up or one opportunity",
            "follow_up_id" if given.follow_up_id is None else "opportunity_id",
        )
    if given.follow_up_id is not None:
        subject, field = "follow_up", "follow_up_id"
        stmt = (
            select(FollowUp.rep_id, OrgUnit.path)
            .join(Opportunity, Opportunity.id == FollowUp.opportunity_id)
            .where(FollowUp.id == given.follow_up_id, opportunity_visible(actor))
        )
        missing = not_found(PipelineError.FOLLOW_UP_NOT_FOUND, field, "跟进记录", "follow-up")
        rep_column = FollowUp.rep_id
    else:
        subject, field = "opportunity", "opportunity_id"
        stmt = select(Opportunity.owner_rep_id, OrgUnit.path).where(
            Opportunity.id == given.opportunity_id, opportunity_visible(actor)
        )
        missing = not_found(PipelineError.OPPORTUNITY_NOT_FOUND, field, "商机", "opportunity")
        rep_column = Opportunity.owner_rep_id
    stmt = stmt.join(Rep, Rep.id == rep_column).join(OrgUnit, OrgUnit.id == Rep.unit_id)
    found = (await session.execute(stmt)).first()
    if found is None:
        raise missing
    rep_id, path = found
    require_manager(actor, rep_id, path, field)
    return subject, rep_id


# --- CSV import -------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingRow:
    line: int
    given: RatingInput


def read_ratings(path: Path) -> tuple[list[RatingRow], list[BadRow]]:
    """Every row of the file (UTF-8 or GBK, header row), parsed; bad ones with their line."""
    encoding, _ = detect_encoding(path)
    good: list[RatingRow] = []
    bad: list[BadRow] = []
    seen: dict[str | None, int] = {}
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream)
        columns = header_columns(next(reader, None), REQUIRED_COLUMNS, COLUMNS)
        for line, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            cells = {
                name: record[i].strip() if i < len(record) else "" for name, i in columns.items()
            }
            try:
                row = RatingRow(line, _parse(cells))
            except InvalidInput as error:
                bad.append(bad_row(line, error, error.field))
                continue
            first = seen.setdefault(row.given.external_id, line)
            if first != line:
                repeated = InvalidInput(
                    CapabilityError.DUPLICATE_IN_FILE,
                    f"与第 {first} 行重复",
                    f"repeats line {first}",
                )
                bad.append(bad_row(line, repeated, "external_id"))
                continue
            good.append(row)
    return good, bad


def _parse(cells: dict[str, str]) -> RatingInput:
    rating = _in_column("rating", _whole, cells.get("rating", ""))
    if rating is None:
        raise InvalidInput(KernelError.REQUIRED, "不能为空", "must not be empty", "rating")
    rated_on = cells.get("rated_on", "")
    named = cells.get("dimensions", "").replace(";", " ").replace(",", " ").split()
    return RatingInput(
        rating=rating,
        follow_up_id=_in_column("follow_up_id", _whole, cells.get("follow_up_id", "")),
        opportunity_id=_in_column("opportunity_id", _whole, cells.get("opportunity_id", "")),
        dimensions=named or None,
        comment=cells.get("comment") or None,
        rated_on=_in_column("rated_on", parse_close_date, rated_on) if rated_on else None,
        external_id=_in_column("external_id", parse_external_id, cells["external_id"]),
    )


def _whole(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(
            CapabilityError.NOT_A_NUMBER, f"“{text}”不是整数", f"{text!r} is not a whole number"
        )
    return int(text)


def _in_column(column: str, parse, text: str):
    """`parse(text)`, its error naming the column."""
    try:
        return parse(text)
    except InvalidInput as error:
        raise InvalidInput(error.code, error.message_zh, error.message_en, column) from None


async def import_ratings(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    rows: Iterable[RatingRow],
    bad: list[BadRow],
    *,
    today: date,
    skip_bad: bool = False,
) -> ImportReport:
    """Record every good row as the mutation would (as `actor`, normally a system admin);
    rows already imported with the same content count as unchanged. Raises ImportRejected
    (nothing written) when any row is bad and `skip_bad` is off."""
    report = ImportReport()
    rows = list(rows)
    report.read = len(rows) + len(bad)
    refused = list(bad)
    touched: set[int] = set()
    for row in rows:
        try:
            async with session.begin_nested():
                stored = await _store(session, actor, settings, row.given, today, None)
        except DomainError as error:
            refused.append(bad_row(row.line, error, error.field))
            continue
        if stored.created:
            report.inserted += 1
            touched.add(stored.rating.rep_id)
        else:
            report.unchanged += 1
    report.add_bad(refused)
    if refused and not skip_bad:
        report.written = False
        raise ImportRejected(report)
    await recompute(session, settings, touched, today, ScoreChangeCause.RATING)
    return report
