"""A NUL byte in an imported CSV is refused with the line that holds it, before any row is
read: PostgreSQL cannot store one in text, and files full of them are UTF-16 (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.capability.ratings import read_ratings
from domain.errors import InvalidInput
from domain.targets.imports import csv_file
from domain.targets.imports.csv_file import open_deal_file
from domain.targets.imports.potentials import read_potentials

HEADER = "external_id,close_date,amount,rep,customer,segment,product_line,high_margin"
ROW = "d-{n},2024-03-31,100.00,rep.sh.01,{customer},government,EV SUV,是"


def deals(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "deals.csv"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("chunk_bytes", [1, 7, 64, 1 << 16])
def test_a_nul_inside_a_customer_name_is_refused_naming_its_line(
    tmp_path, monkeypatch, chunk_bytes
):
    monkeypatch.setattr(csv_file, "CHUNK_BYTES", chunk_bytes)
    lines = [HEADER, ROW.format(n=1, customer="甲公司"), ROW.format(n=2, customer="乙\x00公司")]
    path = deals(tmp_path, ("\n".join(lines) + "\n").encode())
    with pytest.raises(InvalidInput) as caught:
        open_deal_file(path)
    assert caught.value.code == "IMPORT_ENCODING"
    assert "Line 3 contains a NUL character" in caught.value.message_en
    assert "第 3 行含有空字符" in caught.value.message_zh


def test_a_utf16_file_is_refused_with_advice_to_save_as_utf8(tmp_path):
    text = "\n".join([HEADER, ROW.format(n=1, customer="甲公司")]) + "\n"
    path = deals(tmp_path, text.encode("utf-16-le"))
    with pytest.raises(InvalidInput) as caught:
        open_deal_file(path)
    assert caught.value.code == "IMPORT_ENCODING"
    assert "CSV UTF-8" in caught.value.message_en and "CSV UTF-8" in caught.value.message_zh


def test_a_file_without_nul_still_reads_every_row(tmp_path):
    lines = [HEADER, ROW.format(n=1, customer="甲公司"), ROW.format(n=2, customer="乙公司")]
    rows = list(open_deal_file(deals(tmp_path, ("\n".join(lines) + "\n").encode())).rows())
    assert [row.customer for row in rows] == ["甲公司", "乙公司"]


@pytest.mark.parametrize("reader", [read_ratings, read_potentials])
def test_the_other_imports_refuse_a_nul_too(tmp_path, reader):
    path = tmp_path / "other.csv"
    path.write_bytes(b"a,b\nx,y\x00z\n")
    with pytest.raises(InvalidInput) as caught:
        reader(path)
    assert caught.value.code == "IMPORT_ENCODING" and "Line 2" in caught.value.message_en
