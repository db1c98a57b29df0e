"""Market potentials from a CSV file: parsing, all-or-nothing, used by allocation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.targets.imports.deals import ImportRejected
from domain.targets.imports.potentials import import_potentials, read_potentials
from domain.targets.models import MarketPotential
from tests.support.world import BOOTSTRAP


def write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "potentials.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_read_checks_every_row(tmp_path):
    path = write(
        tmp_path,
        'Owner_Type,owner,value,comment\n单元,East,"1,200.5",x\n'
        "rep,r1,2\n\nrep,r1,3\nboss,x,1\nunit,west,-1\nunit,,1\n",
        "gbk",
    )
    good, bad = read_potentials(path)
    assert [(r.line, r.owner_type, r.owner, r.value) for r in good] == [
        (2, "unit", "east", 1200.5),
        (3, "rep", "r1", 2.0),
    ]
    assert [(b.line, b.code, b.column) for b in bad] == [
        (5, "DUPLICATE_OWNER", "owner"),
        (6, "INVALID_OWNER_TYPE", "owner_type"),
        (7, "INVALID_VALUE", "value"),
        (8, "REQUIRED", "owner"),
    ]


def test_missing_column_is_refused(tmp_path):
    with pytest.raises(Exception, match="IMPORT_MISSING_COLUMNS"):
        read_potentials(write(tmp_path, "owner,value\neast,1\n"))


async def potentials(sessions) -> dict[str, float]:
    async with sessions() as session:
        return dict(
            (await session.execute(select(MarketPotential.owner_key, MarketPotential.value))).all()
        )


async def test_import_sets_values_all_or_nothing(tmp_path, sessions, world):
    good, bad = read_potentials(
        write(tmp_path, "owner_type,owner,value\nunit,east,3\nrep,r4,0.5\nunit,nowhere,1\n")
    )
    async with sessions() as session:
        with pytest.raises(ImportRejected) as rejected:
            await import_potentials(session, BOOTSTRAP, good, bad)
        await session.rollback()
    assert [(b.line, b.code) for b in rejected.value.report.bad_rows] == [(4, "UNKNOWN_OWNER")]
    assert await potentials(sessions) == {}
    good, bad = read_potentials(
        write(tmp_path, "owner_type,owner,value\nunit,east,3\nrep,r4,0.5\nunit,west,1\n")
    )
    async with sessions() as session:
        report = await import_potentials(session, BOOTSTRAP, good, bad)
        await session.commit()
    assert report.inserted == 3
    assert await potentials(sessions) == {
        f"unit:{world.units['east']}": 3.0,
        f"rep:{world.reps['r4']}": 0.5,
        f"unit:{world.units['west']}": 1.0,
    }
