"""One intake call of many leads: the leads seen before are found in one statement, the new
ones written together; an id twice in one call (same content) is one lead, created once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from coaching.routing.service import Router, intake_leads
from domain.leads.models import Lead
from domain.leads.rules import Contact, IntakeItem
from domain.org.models import OrgUnit, Rep, RepTerritory
from domain.settings import load_settings
from tests.support.db import count_statements
from tests.support.world import BOOTSTRAP


def item(external_id: str) -> IntakeItem:
    return IntakeItem(external_id=external_id, source="web", segment="smb", region="sh",
                      contact=Contact(phone="+86 138 0000 0000"))  # fmt: skip


async def test_a_batch_finds_known_leads_at_once_and_creates_each_new_one_once(sessions, engine):
    async with sessions() as session:
        session.add(OrgUnit(id=1, code="co", name="Co", kind="company", path="/1/", depth=0))
        session.add(Rep(id=1, external_id="r1", name="Rep 1", unit_id=1, level="mid",
                        hire_date=date(2024, 1, 1), capacity=50))  # fmt: skip
        session.add(RepTerritory(rep_id=1, territory="sh"))
        await session.commit()
    router = Router.of(load_settings())
    async with sessions() as session:
        first = await intake_leads(session, BOOTSTRAP, router, [item("A"), item("A"), item("B")])
        await session.commit()
    assert [r.created for r in first] == [True, False, True]
    assert first[0].lead.id == first[1].lead.id != first[2].lead.id
    assert first[0].decision is first[1].decision is not None
    with count_statements(engine) as counted:
        async with sessions() as session:
            again = await intake_leads(
                session, BOOTSTRAP, router, [item(x) for x in ("B", "A", "B", "C")]
            )
            await session.commit()
    assert [r.created for r in again] == [False, False, False, True]
    assert [r.lead.id for r in again[:2]] == [first[2].lead.id, first[0].lead.id]
    lookups = [s for s in counted.statements if s.lstrip().startswith("SELECT lead.")]
    assert len(lookups) == 1  # every known id found by one statement
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Lead)) == 3


async def test_a_new_lead_is_one_statement_and_one_written_first_is_found(sessions, engine):
    from domain.errors import Conflict
    from domain.leads import service as leads
    from domain.leads.rules import clean_lead

    async with sessions() as session:
        session.add(OrgUnit(id=1, code="co", name="Co", kind="company", path="/1/", depth=0))
        await session.commit()
    router = Router.of(load_settings())
    clean = clean_lead(item("N1"), router.intake)
    with count_statements(engine) as counted:
        async with sessions() as session:
            (received,) = await leads.receive_all(session, BOOTSTRAP, [clean])
            await session.commit()
    assert received.created and received.lead.external_id == "N1"
    assert [s.split()[0] for s in counted.statements if " lead" in s[:40]] == ["INSERT"]
    assert not any(s.startswith("SAVEPOINT") for s in counted.statements)
    # Written by "another request" first: nothing is written, the first lead is found.
    async with sessions() as session:
        again = await leads.receive(session, BOOTSTRAP, clean)
        await session.commit()
    assert not again.created and again.lead.id == received.lead.id
    other = clean_lead(replace(item("N1"), region="bj"), router.intake)
    async with sessions() as session:
        try:
            await leads.receive(session, BOOTSTRAP, other)
        except Conflict as error:
            assert error.field == "external_id"
        else:
            raise AssertionError("the same id with other content must conflict")
        assert await session.scalar(select(func.count()).select_from(Lead)) == 1
