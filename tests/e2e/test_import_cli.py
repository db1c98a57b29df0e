"""The real `pacer import deals` on a SQLite file holding the demo company."""

from __future__ import annotations

from pathlib import Path

from tests.support.pacer_cli import pacer

HEADER = "external_id,close_date,amount,rep,customer,segment,product_line,high_margin"
GOOD = [
    'so-1,2024-05-06,"128,000.00",rep.shanghai.01,上海市政集团,government,EV SUV,是',
    "so-2,2024-05-07,99999.99,rep.shanghai.02,杭州出行,ride_hailing,EV sedan,否",
]
BAD = "so-3,2024-05-08,12.345,rep.shanghai.01,苏州物流,smb,Fleet van,否"


def write_csv(tmp_path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / "deals.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


def import_deals(tmp_path: Path, env: dict[str, str], path: Path, *flags: str):
    result = pacer("import", "deals", str(path), *flags, cwd=tmp_path, env=env)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_a_bad_row_writes_nothing_then_skip_bad_writes_the_rest(tmp_path, env):
    path = write_csv(tmp_path, [*GOOD, BAD], encoding="gbk")
    refused = import_deals(tmp_path, env, path)
    assert refused.returncode == 1
    assert "read 3 · inserted 0 · unchanged 0 · bad 1" in refused.stdout
    assert "line 4: amount: the amount has more than 2 decimals / amount 列：" in refused.stdout
    [error] = refused.stderr.strip().splitlines()
    assert error.startswith("pacer: error: 1 bad row(s), nothing written")

    skipped = import_deals(tmp_path, env, path, "--skip-bad")
    assert skipped.returncode == 0, skipped.stderr
    assert "read 3 · inserted 2 · unchanged 0 · bad 1" in skipped.stdout
    assert "line 4: amount:" in skipped.stdout and skipped.stderr == ""

    again = import_deals(tmp_path, env, write_csv(tmp_path, GOOD))
    assert again.returncode == 0 and "read 2 · inserted 0 · unchanged 2 · bad 0" in again.stdout


def test_at_most_fifty_bad_rows_are_printed(tmp_path, env):
    rows = [BAD.replace("so-3", f"so-{number}") for number in range(100, 153)]
    result = import_deals(tmp_path, env, write_csv(tmp_path, rows))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("line ")][-1].startswith("line 51: ")
    assert sum(line.startswith("line ") for line in lines) == 50
    assert lines[-1] == "… and 3 more (另有 3 行)"


def test_a_file_without_the_required_columns_is_one_error_line(tmp_path, env):
    path = tmp_path / "deals.csv"
    path.write_text("external_id,close_date,customer,segment,product_line,high_margin\n")
    result = import_deals(tmp_path, env, path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "pacer: error: Missing column(s): amount, rep / 缺少必需的列：amount, rep "
        "(IMPORT_MISSING_COLUMNS)"
    ]


def test_a_missing_file_is_one_error_line(tmp_path, env):
    result = import_deals(tmp_path, env, tmp_path / "nope.csv")
    assert result.returncode == 1
    assert result.stderr.strip() == f"pacer: error: cannot read {tmp_path / 'nope.csv'}: " + (
        "No such file or directory"
    )


def test_import_help_has_an_example(tmp_path):
    result = pacer("import", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "example" in result.stdout and "--skip-bad" in result.stdout


def test_import_potentials(tmp_path, env):
    bad = tmp_path / "bad.csv"
    bad.write_text("owner_type,owner,value\nunit,east,1\nunit,nowhere,2\n", encoding="utf-8")
    refused = pacer("import", "potentials", str(bad), cwd=tmp_path, env=env)
    assert refused.returncode == 1 and "line 3: owner: no such unit or rep" in refused.stdout
    good = tmp_path / "good.csv"
    good.write_text(
        "owner_type,owner,value\nunit,east,1\nrep,rep.shanghai.01,2\n", encoding="utf-8"
    )
    accepted = pacer("import", "potentials", str(good), cwd=tmp_path, env=env)
    assert accepted.returncode == 0 and "inserted 2" in accepted.stdout
