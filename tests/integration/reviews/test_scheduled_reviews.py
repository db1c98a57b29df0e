"""Monday's scheduled freeze of every unit's weekly review, its agenda, and the PDF export."""

from __future__ import annotations

import base64
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from sqlalchemy import func, select

from domain.org import access
from domain.org.models import OrgUnit, User
from domain.reviews.models import WeeklyReview
from domain.reviews.scheduled import scheduler_user, snapshot_every_unit, week_to_review
from domain.reviews.snapshot import ReviewSettings
from tests.support.graphql import gid
from tests.support.pipeline import new_opportunity

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()
QUERY = """query($id: ID!) { weeklyReview(id: $id) { weekLabel
  agenda { totalMinutes items { kind title minutes gap } } export(format: PDF) } }"""


async def freeze(sessions, login: str | None = None):
    async with sessions() as session:
        user = await scheduler_user(session, login)
        run = await snapshot_every_unit(
            session,
            await access.actor_for(session, user),
            today=TODAY,
            settings=ReviewSettings(),
        )
        await session.commit()
    return run


async def test_every_unit_is_frozen_once_and_a_rerun_changes_nothing(sessions, world):
    first = await freeze(sessions)
    assert first.week_start == week_to_review(TODAY) and first.week_start.weekday() == 0
    assert sorted(first.frozen) == sorted(world.units) and first.already == []
    again = await freeze(sessions)
    assert again.frozen == [] and sorted(again.already) == sorted(world.units)
    async with sessions() as session:
        counted = await session.scalar(
            select(func.count())
            .select_from(WeeklyReview)
            .where(WeeklyReview.week_start == first.week_start)
        )
        creator = await session.scalar(select(func.min(WeeklyReview.created_by_user_id)))
        admin = await session.scalar(select(User.id).where(User.login == "admin"))
    assert counted == len(world.units) and creator == admin


async def test_a_manager_freezes_only_their_subtree(sessions, world):
    run = await freeze(sessions, "manager")
    assert run.frozen == ["east.sh"]
    async with sessions() as session:
        assert await scheduler_user(session, "nobody") is None


async def test_the_frozen_review_has_an_agenda_and_a_pdf(api, sessions, world):
    await new_opportunity(api, world)  # an open deal of a high-value account: a key customer
    await freeze(sessions)
    async with sessions() as session:
        review_id = await session.scalar(
            select(WeeklyReview.id)
            .join(OrgUnit, OrgUnit.id == WeeklyReview.unit_id)
            .where(OrgUnit.code == "east.sh")
        )
    data = await api.data(QUERY, {"id": gid("WeeklyReview", review_id)}, as_="manager")
    review = data["weeklyReview"]
    agenda = review["agenda"]
    assert agenda["totalMinutes"] == 15
    assert sum(item["minutes"] for item in agenda["items"]) == 15
    suggestions = next(item for item in agenda["items"] if item["kind"] == "suggestions")
    assert "1 个重点客户待确认" in suggestions["title"]
    pdf = base64.b64decode(review["export"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Shanghai" in text and review["weekLabel"] in text and "议程" in text
    assert "滴滴出行华东" in text
