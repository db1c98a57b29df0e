"""A lead whose opportunity its rep already closed (won or lost) is never routed again: the
queue batch leaves it out (and routes the others, without an error), and the SLA sweep counts
it as handled — no longer due a contact, no new decision, the opportunity untouched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from coaching.routing.service import Router, sweep
from domain.db import utcnow
from domain.leads.models import Lead, LeadStatus, RoutingDecision
from domain.org.models import Rep
from domain.pipeline import service as pipeline
from domain.pipeline.models import Opportunity, OwnerChange
from domain.settings import load_settings
from tests.support.graphql import run
from tests.support.world import BOOTSTRAP

CONTACT = {"name": "王先生", "phone": "+86 138 0000 0001", "company": "上海某局"}
BATCH = "decisions { attempt reason queue rep { externalId } } errors { code field }"


def lead_input(external_id: str) -> dict:
    return {
        "externalId": external_id,
        "source": "website",
        "segment": "government",
        "region": "sh",
        "estimatedValue": 1_000_000,
        "contact": CONTACT,
    }


async def intake(api, *external_ids: str) -> None:
    items = [lead_input(external_id) for external_id in external_ids]
    done = await run(api, "intakeLeads", {"leads": items}, "errors { code }", as_="intake")
    assert done["errors"] == []


async def set_capacity(sessions, capacity: int) -> None:
    async with sessions() as session:
        await session.execute(update(Rep).values(capacity=capacity))
        await session.commit()


async def lead_of(sessions, external_id: str) -> Lead:
    async with sessions() as session:
        return await session.scalar(select(Lead).where(Lead.external_id == external_id))


async def lose_opportunity_of(sessions, external_id: str) -> int:
    """Its rep loses the lead's opportunity; returns the opportunity's id."""
    async with sessions() as session:
        lead = await session.scalar(select(Lead).where(Lead.external_id == external_id))
        opportunity = await session.get(Opportunity, lead.opportunity_id)
        await pipeline.lose(
            session,
            BOOTSTRAP,
            opportunity_id=opportunity.id,
            expected_version=opportunity.version,
            reason_code="price",
            note=None,
        )
        await session.commit()
        return opportunity.id


async def requeue(sessions, *external_ids: str) -> None:
    """As a sweep that found nobody else leaves a routed lead: queued, its opportunity kept."""
    async with sessions() as session:
        await session.execute(
            update(Lead)
            .where(Lead.external_id.in_(external_ids))
            .values(
                status=LeadStatus.QUEUED.value,
                queue="no_capacity",
                owner_rep_id=None,
                co_owner_rep_id=None,
                routed_at=None,
                contact_due_at=None,
            )
        )
        await session.commit()


async def decisions_of(sessions, external_id: str) -> list[tuple[int, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(RoutingDecision.attempt, RoutingDecision.reason)
            .join(Lead, Lead.id == RoutingDecision.lead_id)
            .where(Lead.external_id == external_id)
            .order_by(RoutingDecision.attempt)
        )
        return [tuple(row) for row in rows]


async def opportunity_state(sessions, opportunity_id: int) -> tuple[str, int, int]:
    async with sessions() as session:
        opportunity = await session.get(Opportunity, opportunity_id)
        return opportunity.stage, opportunity.owner_rep_id, opportunity.version


async def owner_changes(sessions, opportunity_id: int) -> int:
    async with sessions() as session:
        return await session.scalar(
            select(func.count())
            .select_from(OwnerChange)
            .where(OwnerChange.opportunity_id == opportunity_id)
        )


async def test_a_queued_lead_whose_opportunity_was_closed_is_left_out_of_the_batch(api, sessions):
    await intake(api, "closed", "open")  # routed: each has an opportunity
    await set_capacity(sessions, 0)
    await intake(api, "fresh")  # queued at intake: no opportunity yet
    await set_capacity(sessions, 10)
    lost = await lose_opportunity_of(sessions, "closed")
    await requeue(sessions, "closed", "open")
    before = await opportunity_state(sessions, lost)
    open_id = (await lead_of(sessions, "open")).opportunity_id

    batch = await run(api, "routeLeadsBatch", {}, BATCH, as_="manager")

    assert batch["errors"] == []
    assert len(batch["decisions"]) == 2
    assert all(d["rep"] is not None and d["reason"] == "BATCH" for d in batch["decisions"])
    closed = await lead_of(sessions, "closed")
    assert (closed.status, closed.owner_rep_id) == (LeadStatus.QUEUED.value, None)
    assert await decisions_of(sessions, "closed") == [(1, "intake")]
    assert await opportunity_state(sessions, lost) == before
    for external_id in ("open", "fresh"):
        routed = await lead_of(sessions, external_id)
        assert routed.status == LeadStatus.ROUTED.value and routed.owner_rep_id is not None
        assert (await decisions_of(sessions, external_id))[-1][1] == "batch"
    # the open opportunity was handed over (locked, at its current version) to the new owner
    stage, owner, _ = await opportunity_state(sessions, open_id)
    assert (stage, owner) == ("lead", (await lead_of(sessions, "open")).owner_rep_id)


async def test_a_closed_lead_does_not_use_up_the_batch_limit(api, sessions):
    await intake(api, "closed", "open")
    await lose_opportunity_of(sessions, "closed")
    await requeue(sessions, "closed", "open")  # "closed" comes first (the older lead)

    batch = await run(api, "routeLeadsBatch", {"limit": 1}, BATCH, as_="manager")

    assert batch["errors"] == [] and len(batch["decisions"]) == 1
    assert (await lead_of(sessions, "open")).status == LeadStatus.ROUTED.value
    assert (await lead_of(sessions, "closed")).status == LeadStatus.QUEUED.value


async def test_an_overdue_lead_whose_opportunity_was_closed_is_handled_not_rerouted(api, sessions):
    await intake(api, "closed", "late")
    lost = await lose_opportunity_of(sessions, "closed")
    owner = (await lead_of(sessions, "closed")).owner_rep_id
    before = await opportunity_state(sessions, lost)
    async with sessions() as session:
        await session.execute(update(Lead).values(contact_due_at=utcnow() - timedelta(hours=1)))
        await session.commit()

    async with sessions() as session:
        done = await sweep(session, BOOTSTRAP, Router.of(load_settings()))
        await session.commit()

    assert (done.contacted, done.closed, len(done.rerouted)) == (0, 1, 1)
    closed = await lead_of(sessions, "closed")
    # still with the rep who closed it (the truth), but no longer due a contact
    assert (closed.status, closed.owner_rep_id) == (LeadStatus.ROUTED.value, owner)
    assert closed.contact_due_at is None
    assert await decisions_of(sessions, "closed") == [(1, "intake")]
    assert await opportunity_state(sessions, lost) == before
    assert await owner_changes(sessions, lost) == 0
    assert await decisions_of(sessions, "late") == [(1, "intake"), (2, "sla")]

    async with sessions() as session:  # handled once: the next sweep does not see it again
        again = await sweep(session, BOOTSTRAP, Router.of(load_settings()))
        await session.commit()
    assert (again.contacted, again.closed, again.rerouted) == (0, 0, [])
