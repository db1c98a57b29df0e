"""Reading a deals CSV: columns, values, encodings, line numbers, duplicates (no database)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.targets.imports import csv_file
from domain.targets.imports.csv_file import BadRow, DealRow, open_deal_file, parse_amount

GOOD_VALUES = {
    "external_id": "d-1",
    "close_date": "2024-03-31",
    "amount": "12,345.67",
    "rep": "rep.sh.01",
    "customer": "上海某某科技有限公司",
    "segment": "government",
    "product_line": "EV SUV",
    "high_margin": "是",
}


def csv_line(fields: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue().removesuffix("\n")


def good_with(**changes: str) -> str:
    return csv_line({**GOOD_VALUES, **changes}.values())


HEADER = csv_line(GOOD_VALUES)
GOOD = good_with()


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "deals.csv"
    path.write_bytes(text.encode(encoding))
    return path


def read(tmp_path: Path, *lines: str, encoding: str = "utf-8") -> list[DealRow | BadRow]:
    return list(open_deal_file(write(tmp_path, "\n".join(lines) + "\n", encoding)).rows())


def refusal(tmp_path: Path, text: str | bytes) -> InvalidInput:
    path = tmp_path / "deals.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(InvalidInput) as caught:
        open_deal_file(path)
    return caught.value


def test_a_good_row_becomes_a_deal_row_with_the_amount_in_fen(tmp_path):
    assert read(tmp_path, HEADER, GOOD) == [
        DealRow(
            line=2,
            external_id="d-1",
            close_date=date(2024, 3, 31),
            amount=1_234_567,
            rep="rep.sh.01",
            customer="上海某某科技有限公司",
            segment="government",
            product_line="EV SUV",
            high_margin=True,
            one_off=False,
        )
    ]


def test_columns_are_found_by_name_in_any_order_and_case_extra_columns_ignored(tmp_path):
    header = "Note,HIGH_MARGIN,Product_Line,segment,customer,rep,amount,close_date,One_Off,ID2,x"
    header = header.replace("ID2", "external_id")
    row = "ignored,no,Van,SMB,Acme,REP.SH.02,100,2024-01-02,yes,d-9,ignored"
    [deal] = read(tmp_path, header, row)
    assert (deal.external_id, deal.rep, deal.segment, deal.amount) == (
        "d-9",
        "rep.sh.02",
        "smb",
        10_000,
    )
    assert (deal.high_margin, deal.one_off) == (False, True)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12,345.67", 1_234_567),
        ("12345.67", 1_234_567),
        ("1,000,000", 100_000_000),
        ("12345.6", 1_234_560),
        ("12.500", 1_250),
        (" 7 ", 700),
        ("0", 0),
        ("0.01", 1),
    ],
)
def test_amounts_are_exact_fen(text, fen):
    assert parse_amount(text) == fen


def fen_as_text(fen: int, separators: bool) -> str:
    major = f"{fen // 100:,}" if separators else str(fen // 100)
    return f"{major}.{fen % 100:02d}"


@given(st.integers(min_value=0, max_value=10**17), st.booleans())
def test_formatting_fen_as_a_decimal_and_parsing_it_gives_them_back(fen, separators):
    assert parse_amount(fen_as_text(fen, separators)) == fen


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("external_id", "", "REQUIRED"),
        ("external_id", "has space", "INVALID_EXTERNAL_ID"),
        ("external_id", "x" * 65, "INVALID_EXTERNAL_ID"),
        ("close_date", "2024/03/31", "INVALID_DATE"),
        ("close_date", "20240331", "INVALID_DATE"),
        ("close_date", "2024-02-30", "INVALID_DATE"),
        ("close_date", "", "INVALID_DATE"),
        ("amount", "12x", "INVALID_AMOUNT"),
        ("amount", "1e5", "INVALID_AMOUNT"),
        ("amount", "1,23.00", "INVALID_AMOUNT"),
        ("amount", "¥100", "INVALID_AMOUNT"),
        ("amount", "", "INVALID_AMOUNT"),
        ("amount", "-5.00", "NEGATIVE_AMOUNT"),
        ("amount", "1.234", "TOO_MANY_DECIMALS"),
        ("amount", "100000000000000000", "AMOUNT_TOO_LARGE"),
        ("rep", "", "INVALID_CODE"),
        ("rep", "rep sh", "INVALID_CODE"),
        ("customer", "  ", "REQUIRED"),
        ("customer", "c" * 201, "TOO_LONG"),
        ("segment", "Big Corp", "INVALID_CODE"),
        ("product_line", "p" * 81, "TOO_LONG"),
        ("high_margin", "maybe", "INVALID_BOOLEAN"),
        ("high_margin", "", "INVALID_BOOLEAN"),
    ],
)
def test_each_bad_value_is_a_bad_row_naming_its_column(tmp_path, column, value, code):
    [row] = read(tmp_path, HEADER, good_with(**{column: value}))
    assert isinstance(row, BadRow)
    assert (row.line, row.code, row.column) == (2, code, column)
    assert row.message_en.startswith(f"{column}: ") and row.message_zh.startswith(f"{column} 列")
    assert row.reason == f"{row.message_en} / {row.message_zh}"


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("TRUE", True), ("1", True), ("Yes", True), ("是", True)]
    + [("false", False), ("0", False), ("no", False), ("否", False)],
)
def test_booleans_in_english_digits_and_chinese(tmp_path, text, value):
    [row] = read(tmp_path, HEADER + ",one_off", f"{good_with(high_margin=text)},{text}")
    assert (row.high_margin, row.one_off) == (value, value)


def test_one_off_is_optional_and_false_when_empty(tmp_path):
    [row] = read(tmp_path, HEADER + ",one_off", GOOD + ",")
    assert row.one_off is False
    [bad] = read(tmp_path, HEADER + ",one_off", GOOD + ",perhaps")
    assert (bad.code, bad.column) == ("INVALID_BOOLEAN", "one_off")


def test_a_row_with_too_few_or_too_many_fields_is_bad(tmp_path):
    rows = read(tmp_path, HEADER, GOOD + ",extra", "d-2,2024-03-31,1")
    assert [(row.line, row.code, row.column) for row in rows] == [
        (2, "WRONG_FIELD_COUNT", None),
        (3, "WRONG_FIELD_COUNT", None),
    ]
    assert "9 fields" in rows[0].message_en and "8 columns" in rows[0].message_en


def test_a_second_row_with_the_same_external_id_is_bad_and_names_the_first(tmp_path):
    rows = read(tmp_path, HEADER, GOOD, good_with(external_id="d-2"), GOOD)
    assert [type(row) for row in rows] == [DealRow, DealRow, BadRow]
    assert (rows[2].line, rows[2].code, rows[2].column) == (4, "DUPLICATE_IN_FILE", "external_id")
    assert "line 2" in rows[2].message_en and "第 2 行" in rows[2].message_zh


def test_line_numbers_count_the_header_blank_lines_and_lines_inside_quotes(tmp_path):
    multi_line_customer = good_with(customer="Acme\nShanghai")
    rows = read(tmp_path, HEADER, "", multi_line_customer, "d-2,bad-date,1,r,c,s,p,no")
    assert [row.line for row in rows] == [3, 5]
    assert rows[0].customer == "Acme Shanghai"


def test_a_gbk_file_from_excel_is_read(tmp_path):
    path = write(tmp_path, f"{HEADER}\r\n{GOOD}\r\n", encoding="gbk")
    source = open_deal_file(path)
    [row] = source.rows()
    assert source.encoding == "gb18030" and row.customer == "上海某某科技有限公司"


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    source = open_deal_file(write(tmp_path, f"{HEADER}\n{GOOD}\n", encoding="utf-8-sig"))
    [row] = source.rows()
    assert source.encoding == "utf-8-sig" and row.external_id == "d-1"


def test_a_file_in_neither_encoding_is_refused_naming_the_line(tmp_path, monkeypatch):
    content = f"{HEADER}\n{GOOD}\n".encode() + b"\xff\n" + f"{GOOD}\n".encode()
    for chunk_bytes in range(1, len(content) + 1):  # every split, also inside a character
        monkeypatch.setattr(csv_file, "CHUNK_BYTES", chunk_bytes)
        error = refusal(tmp_path, content)
        assert error.code == "IMPORT_ENCODING"
        assert "line 3 is neither UTF-8 nor GBK" in error.message_en, chunk_bytes
        assert "第 3 行" in error.message_zh


def test_missing_columns_are_named_in_one_error(tmp_path):
    error = refusal(tmp_path, "external_id,close_date,customer,segment,product_line,high_margin\n")
    assert error.code == "IMPORT_MISSING_COLUMNS"
    assert error.message_en == "Missing column(s): amount, rep"
    assert "amount, rep" in error.message_zh


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "IMPORT_EMPTY_FILE"), (HEADER + ",Amount\n", "IMPORT_DUPLICATE_COLUMNS")],
)
def test_an_empty_file_or_an_ambiguous_header_is_refused(tmp_path, text, code):
    assert refusal(tmp_path, text).code == code


def test_the_line_count_estimates_the_rows_for_the_progress_bar(tmp_path):
    without_final_newline = f"{HEADER}\n{GOOD}\n{good_with(external_id='d-2')}"
    assert open_deal_file(write(tmp_path, without_final_newline)).approximate_rows == 2
