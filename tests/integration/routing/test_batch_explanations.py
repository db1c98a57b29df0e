"""A batch of leads through the intake service: every stored decision shows the ranking as at
the moment of its assignment (the winner on top, contributions summing to its score), and a
lead that scored a busier rep higher is told which lead of the batch took that rep's slot."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from coaching.routing.explanation import Decision
from coaching.routing.service import Router, intake_leads
from domain.leads.models import RoutingDecision
from domain.leads.rules import Contact, IntakeItem
from domain.org.models import OrgUnit, Rep, RepSpecialty, RepTerritory
from domain.settings import load_settings
from tests.support.world import BOOTSTRAP


def item(external_id: str, segment: str) -> IntakeItem:
    return IntakeItem(external_id=external_id, source="web", segment=segment, region="sh",
                      contact=Contact(phone="+86 138 0000 0000"))  # fmt: skip


async def add_reps(sessions, reps: list[tuple[int, int, dict[str, int]]]) -> None:
    async with sessions() as session:
        session.add(OrgUnit(id=1, code="co", name="Co", kind="company", path="/1/", depth=0))
        for rep_id, capacity, specialties in reps:
            session.add(Rep(id=rep_id, external_id=f"r{rep_id}", name=f"Rep {rep_id}",
                            unit_id=1, level="mid", hire_date=date(2024, 1, 1),
                            capacity=capacity))  # fmt: skip
            session.add(RepTerritory(rep_id=rep_id, territory="sh"))
            for segment, proficiency in specialties.items():
                session.add(RepSpecialty(rep_id=rep_id, segment=segment, proficiency=proficiency))
        await session.commit()


async def test_a_rep_taken_by_another_lead_of_the_batch_is_named(sessions):
    await add_reps(sessions, [(1, 1, {"smb": 5, "rental": 5}), (2, 1, {"smb": 2})])
    router = Router.of(load_settings())
    async with sessions() as session:
        routed = await intake_leads(
            session, BOOTSTRAP, router, [item("S", "smb"), item("R", "rental")]
        )
        await session.commit()
    by_external = {r.lead.external_id: r for r in routed}
    smb, rental = by_external["S"], by_external["R"]
    assert smb.decision.rep_id == 2 and rental.decision.rep_id == 1
    async with sessions() as session:
        rows = list(await session.scalars(select(RoutingDecision).order_by(RoutingDecision.id)))
    stored = {row.lead_id: Decision.from_json(row.explanation) for row in rows}
    for decision in stored.values():
        assert decision.method == "batch" and decision.top[0].rep_id == decision.rep_id
        assert abs(decision.total - sum(t.contribution for t in decision.terms)) < 1e-5
    passed = stored[smb.lead.id].passed_over
    assert [(p.rep_id, p.lead_id) for p in passed] == [(1, rental.lead.id)]
    assert passed[0].total > stored[smb.lead.id].total
    assert stored[rental.lead.id].passed_over == ()
    en = " ".join(stored[smb.lead.id].explain("en"))
    zh = " ".join(stored[smb.lead.id].explain("zh"))
    assert f"capacity taken by lead {rental.lead.id} in this batch" in en
    assert f"名额已被本批次的线索 {rental.lead.id} 占用" in zh


async def test_leads_a_full_batch_queues_say_whose_slots_they_lost_to(sessions):
    await add_reps(sessions, [(1, 1, {"smb": 3})])
    router = Router.of(load_settings())
    async with sessions() as session:
        routed = await intake_leads(
            session, BOOTSTRAP, router, [item("A", "smb"), item("B", "smb")]
        )
        await session.commit()
    owner = next(r for r in routed if r.decision.rep_id == 1)
    queued = next(r for r in routed if r.decision.rep_id is None)
    decision = Decision.from_json(queued.decision.explanation)
    assert decision.outcome == "fallback_queue" and decision.eligible_count == 0
    assert [(p.rep_id, p.lead_id) for p in decision.passed_over] == [(1, owner.lead.id)]
    assert decision.exclusions.capacity == ((1, 1, 1),)
