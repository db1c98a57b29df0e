"""Reading a CSV file of closed deals into validated rows (no database).

The file needs a header row; column names are case-insensitive and in any order, other
columns are ignored. The encoding is UTF-8 (with or without BOM) or GBK/GB18030, as Excel
saves CSV in China. Rows are streamed: a good row becomes a `DealRow`, a bad one a `BadRow`
with its line number in the file (the header is line 1) and the reason in en and zh-CN.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.errors import DomainError, InvalidInput
from domain.kernel.errors import KernelError
from domain.kernel.text import clean_slug, clean_text
from domain.targets.errors import TargetError

ENCODINGS = ("utf-8-sig", "gb18030")
REQUIRED_COLUMNS = (
    "external_id",
    "close_date",
    "amount",
    "rep",
    "customer",
    "segment",
    "product_line",
    "high_margin",
)
OPTIONAL_COLUMNS = ("one_off",)
MAX_AMOUNT_FEN = 2**63 - 1  # the database column is a BIGINT
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT = re.compile(r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
TRUE_WORDS = frozenset({"true", "1", "yes", "是"})
FALSE_WORDS = frozenset({"false", "0", "no", "否"})
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class DealRow:
    """One valid line of the file; `amount` in integer minor units (fen), `rep` the rep's
    external id (resolved to a rep by the service)."""

    line: int
    external_id: str
    close_date: date
    amount: int
    rep: str
    customer: str
    segment: str
    product_line: str
    high_margin: bool
    one_off: bool = False


@dataclass(frozen=True, slots=True)
class BadRow:
    """A line that cannot be imported, and why (the column it concerns, if one)."""

    line: int
    code: str
    message_en: str
    message_zh: str
    column: str | None = None

    @property
    def reason(self) -> str:
        return f"{self.message_en} / {self.message_zh}"


def bad_row(line: int, error: DomainError, column: str | None = None) -> BadRow:
    """The bad row for a broken rule; with a column, the messages start with its name."""
    if column is None:
        return BadRow(line, error.code, error.message_en, error.message_zh)
    return BadRow(
        line,
        error.code,
        f"{column}: {error.message_en}",
        f"{column} 列：{error.message_zh}",
        column,
    )


# --- values -----------------------------------------------------------------------------


def parse_external_id(text: str) -> str:
    value = text.strip()
    if not value:
        raise InvalidInput(KernelError.REQUIRED, "不能为空", "must not be empty")
    if not EXTERNAL_ID.match(value):
        raise InvalidInput(
            TargetError.INVALID_EXTERNAL_ID,
            f"“{value}”无效：只能使用 1-64 个字母、数字、'_'、'.'、'-'、':'、'/'，"
            "且以字母或数字开头",
            f"{value!r} is not valid: use 1-64 letters, digits, '_', '.', '-', ':' or '/', "
            "starting with a letter or digit",
        )
    return value


def parse_close_date(text: str) -> date:
    value = text.strip()
    try:
        if ISO_DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass  # matches the pattern but is no calendar day, e.g. 2024-02-30
    raise InvalidInput(
        TargetError.INVALID_DATE,
        f"“{value}”不是有效日期，格式应为 YYYY-MM-DD（如 2024-03-31）",
        f"{value!r} is not a date in the form YYYY-MM-DD (e.g. 2024-03-31)",
    )


def parse_amount(text: str) -> int:
    """A decimal amount in major units ("12345.67" or "12,345.67") as integer fen, exactly."""
    value = text.strip()
    if not AMOUNT.match(value):
        raise InvalidInput(
            TargetError.INVALID_AMOUNT,
            f"“{value}”不是有效金额，应为 12345.67 或 12,345.67 这样的数字",
            f"{value!r} is not an amount like 12345.67 or 12,345.67",
        )
    fen = Decimal(value.replace(",", "")) * 100
    if fen < 0:
        raise InvalidInput(
            TargetError.NEGATIVE_AMOUNT, "金额不能为负数", "the amount must not be negative"
        )
    if fen != fen.to_integral_value():
        raise InvalidInput(
            TargetError.TOO_MANY_DECIMALS,
            "金额最多保留两位小数",
            "the amount has more than 2 decimals",
        )
    if fen > MAX_AMOUNT_FEN:
        raise InvalidInput(TargetError.AMOUNT_TOO_LARGE, "金额过大", "the amount is too large")
    return int(fen)


def parse_flag(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise InvalidInput(
        TargetError.INVALID_BOOLEAN,
        f"“{value}”无效：请填 true/false、1/0、yes/no 或 是/否",
        f"{value!r} is not one of true/false, 1/0, yes/no, 是/否",
    )


def parse_optional_flag(text: str) -> bool:
    return parse_flag(text) if text.strip() else False


COLUMN_PARSERS: dict[str, Callable[[str], object]] = {
    "external_id": parse_external_id,
    "close_date": parse_close_date,
    "amount": parse_amount,
    "rep": lambda text: clean_slug(text, "rep"),
    "customer": lambda text: clean_text(text, "customer", max_length=200),
    "segment": lambda text: clean_slug(text, "segment"),
    "product_line": lambda text: clean_text(text, "product_line", max_length=80),
    "high_margin": parse_flag,
    "one_off": parse_optional_flag,
}


# --- rows -------------------------------------------------------------------------------


def header_columns(
    header: list[str] | None,
    required: Sequence[str] = REQUIRED_COLUMNS,
    known: Collection[str] | None = None,
) -> dict[str, int]:
    """The position of each known column; refuses a missing, empty or ambiguous header."""
    known = COLUMN_PARSERS if known is None else known
    if not header:
        raise InvalidInput(
            TargetError.IMPORT_EMPTY_FILE,
            "文件为空：第一行必须是列名",
            "The file is empty: the first line must name the columns",
        )
    names = [name.strip().lower() for name in header]
    twice = sorted({name for name in names if name in known and names.count(name) > 1})
    if twice:
        raise InvalidInput(
            TargetError.IMPORT_DUPLICATE_COLUMNS,
            f"列名重复：{', '.join(twice)}",
            f"Column(s) named more than once: {', '.join(twice)}",
        )
    missing = [name for name in required if name not in names]
    if missing:
        raise InvalidInput(
            TargetError.IMPORT_MISSING_COLUMNS,
            f"缺少必需的列：{', '.join(missing)}",
            f"Missing column(s): {', '.join(missing)}",
        )
    return {name: index for index, name in enumerate(names) if name in known}


def parse_record(
    fields: list[str], columns: dict[str, int], width: int, line: int
) -> DealRow | BadRow:
    """A `DealRow`, or a `BadRow` naming the first column that is wrong."""
    if len(fields) != width:
        error = InvalidInput(
            TargetError.WRONG_FIELD_COUNT,
            f"该行有 {len(fields)} 个字段，表头有 {width} 列",
            f"the row has {len(fields)} fields, the header has {width} columns",
        )
        return bad_row(line, error)
    values: dict[str, Any] = {}  # column → its parsed value, one per DealRow field
    for column, index in columns.items():
        try:
            values[column] = COLUMN_PARSERS[column](fields[index])
        except DomainError as error:
            return bad_row(line, error, column)
    return DealRow(line=line, **values)


def parse_records(reader, columns: dict[str, int], width: int) -> Iterator[DealRow | BadRow]:
    """Rows after the header from a `csv.reader`; blank lines are skipped. A second row with
    an external_id seen before in the file is bad."""
    first_line_of: dict[str, int] = {}
    next_line = reader.line_num + 1
    for fields in reader:
        line, next_line = next_line, reader.line_num + 1
        if not any(field.strip() for field in fields):
            continue
        row = parse_record(fields, columns, width, line)
        if isinstance(row, DealRow):
            first = first_line_of.setdefault(row.external_id, line)
            if first != line:
                row = _duplicate(row, first)
        yield row


def _duplicate(row: DealRow, first_line: int) -> BadRow:
    error = InvalidInput(
        TargetError.DUPLICATE_IN_FILE,
        f"“{row.external_id}”与第 {first_line} 行重复",
        f"{row.external_id!r} already appears on line {first_line}",
    )
    return bad_row(row.line, error, "external_id")


# --- files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealFile:
    """A CSV file whose encoding and header have been checked; `rows()` streams it."""

    path: Path
    encoding: str
    columns: dict[str, int]
    width: int
    line_count: int

    @property
    def approximate_rows(self) -> int:
        """Lines after the header (more than the rows when a quoted value spans lines)."""
        return max(self.line_count - 1, 0)

    def rows(self) -> Iterator[DealRow | BadRow]:
        with self.path.open(encoding=self.encoding, newline="") as stream:
            reader = csv.reader(stream)
            next(reader, None)
            yield from parse_records(reader, self.columns, self.width)


def open_deal_file(path: Path) -> DealFile:
    """Check the encoding (a full pass over the bytes) and the header; raises InvalidInput
    (IMPORT_ENCODING, IMPORT_EMPTY_FILE, IMPORT_MISSING_COLUMNS …) before any row is read."""
    encoding, line_count = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as stream:
        header = next(csv.reader(stream), None)
    columns = header_columns(header)  # refuses a missing header (IMPORT_EMPTY_FILE)
    return DealFile(path, encoding, columns, len(header or ()), line_count)


def detect_encoding(path: Path) -> tuple[str, int]:
    """The first of utf-8-sig and gb18030 that decodes the whole file, and its line count.
    A NUL byte is refused at once: no text column may hold one (PostgreSQL cannot store it),
    and a file full of them is UTF-16, which Excel writes as "Unicode Text"."""
    failures: list[int] = []
    for encoding in ENCODINGS:
        try:
            return encoding, _count_lines(path, encoding)
        except _Undecodable as error:
            failures.append(error.line)
        except _HasNul as error:
            raise InvalidInput(
                TargetError.IMPORT_ENCODING,
                f"第 {error.line} 行含有空字符（NUL）：请删除它，或在 Excel 中另存为“CSV UTF-8”",
                f"Line {error.line} contains a NUL character: remove it, or save the file as "
                "'CSV UTF-8' in Excel",
            ) from None
    line = failures[0]
    raise InvalidInput(
        TargetError.IMPORT_ENCODING,
        f"无法识别文件编码：第 {line} 行既不是 UTF-8 也不是 GBK/GB18030；"
        "请在 Excel 中另存为“CSV UTF-8”",
        f"Unknown file encoding: line {line} is neither UTF-8 nor GBK/GB18030; "
        "save the file as 'CSV UTF-8' in Excel",
    )


class _BadLine(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _Undecodable(_BadLine):
    """A byte sequence the encoding cannot decode."""


class _HasNul(_BadLine):
    """A NUL byte."""


def _count_lines(path: Path, encoding: str) -> int:
    """Decodes every byte and counts the lines; raises _Undecodable (or _HasNul) with the
    first bad line."""
    decoder = codecs.getincrementaldecoder(encoding)()
    newlines = 0
    last = b"\n"
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            if (nul := chunk.find(b"\x00")) >= 0:
                raise _HasNul(newlines + chunk.count(b"\n", 0, nul) + 1)
            pending = len(decoder.getstate()[0])  # an unfinished character, never a newline
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                before = chunk[: max(error.start - pending, 0)]
                raise _Undecodable(newlines + before.count(b"\n") + 1) from None
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _Undecodable(newlines + 1) from None
    return newlines + (last != b"\n")
