"""Capability services on both databases: the ratings import, the deal-quality refresh,
milestone evaluation with its audit, the reads other contexts call, and the heatmap in a
fixed number of statements."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from domain.capability import awards, deals, ratings, service
from domain.capability.milestones import load_milestones
from domain.capability.models import CapabilityEvidence, MilestoneEvent
from domain.kernel.actor import Actor
from domain.org import service as org
from domain.org.models import RepLevel
from domain.pipeline.models import Opportunity
from domain.settings import load_settings
from domain.targets.imports.deals import ImportRejected
from tests.support.capability import EXAM_ALL_80, seed_deals, when
from tests.support.db import count_statements
from tests.support.world import BOOTSTRAP, TODAY

SETTINGS = load_settings()
EVERY_DEAL_DIMENSION = ("closing", "negotiation", "solution_presentation", "needs_discovery")
HEATMAP = """query($u: ID!) { capabilityHeatmap(unit: $u) { unit { code } dimensions { code label }
  rows { rep { externalId unit { code } } scores { dimension score tier confidence
    override { score by { login } } } } } }"""


def csv_file(tmp_path, *lines: str, encoding="utf-8"):
    path = tmp_path / "ratings.csv"
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


async def import_file(sessions, path, skip_bad=False, today=TODAY):
    rows, bad = ratings.read_ratings(path)
    async with sessions() as session:
        try:
            report = await ratings.import_ratings(
                session, BOOTSTRAP, SETTINGS, rows, bad, today=today, skip_bad=skip_bad
            )
        except ImportRejected as rejected:
            return rejected.report
        await session.commit()
    return report


async def evidence_rows(sessions, source: str) -> list[tuple]:
    async with sessions() as session:
        rows = await session.scalars(
            select(CapabilityEvidence)
            .where(CapabilityEvidence.source == source)
            .order_by(CapabilityEvidence.id)
        )
        return [(r.id, r.rep_id, r.ref, r.dimension, r.value, r.observations) for r in rows]


async def test_importing_ratings_is_idempotent_and_all_or_nothing(sessions, world, tmp_path):
    ids = await seed_deals(sessions, world)
    header = "external_id,follow_up_id,opportunity_id,rating,dimensions,rated_on,comment"
    good = [
        f"s-1,{ids['follow_up']},,4,,2026-11-18,准时回电",
        f"s-2,,{ids['r2_lost']},2,closing;negotiation,,",
    ]
    path = csv_file(tmp_path, header, *good, encoding="gb18030")
    first = await import_file(sessions, path)
    assert (first.read, first.inserted, first.unchanged, first.bad) == (2, 2, 0, 0)
    assert len(await evidence_rows(sessions, "rating")) == 5
    again = await import_file(sessions, path, today=TODAY + timedelta(days=1))  # s-2 undated
    assert (again.inserted, again.unchanged) == (0, 2)
    async with sessions() as session:
        scores = await service.current_scores(session, [world.reps["r1"], world.reps["r2"]])
    assert scores[world.reps["r1"]]["needs_discovery"] == 75
    assert scores[world.reps["r2"]] == {"negotiation": 25, "closing": 25}
    bad = [
        f"s-3,{ids['follow_up']},,7,,,",
        f"s-4,,{ids['r1_won']},5,charm,,",
        "s-5,,999,5,,,",
        f"s-1,{ids['follow_up']},,5,,2026-11-18,准时回电",  # other content, same id
        f"s-6,,{ids['r3_won']},x,,,",
        f"s-7,,{ids['r3_won']},3,,,",
        f"s-7,,{ids['r3_won']},3,,,",  # repeats line 7
    ]
    path = csv_file(tmp_path, header, *bad)
    refused = await import_file(sessions, path)
    assert not refused.written and refused.bad == 6
    assert [(row.line, row.code, row.column) for row in refused.bad_rows] == [
        (2, "INVALID_RATING", "rating"),
        (3, "UNKNOWN_DIMENSION", "dimensions"),
        (4, "OPPORTUNITY_NOT_FOUND", "opportunity_id"),
        (5, "EXTERNAL_ID_REUSED", "external_id"),
        (6, "NOT_A_NUMBER", "rating"),
        (8, "DUPLICATE_IN_FILE", "external_id"),
    ]
    assert refused.bad_rows[0].reason.startswith("rating: ")
    assert len(await evidence_rows(sessions, "rating")) == 5
    skipped = await import_file(sessions, path, skip_bad=True)
    assert (skipped.inserted, skipped.bad, skipped.written) == (1, 6, True)
    assert len(await evidence_rows(sessions, "rating")) == 5 + 3


async def test_the_deal_refresh_replaces_each_quarter_and_nothing_else(sessions, world):
    ids = await seed_deals(sessions, world)
    async with sessions() as session:
        first = await deals.refresh(session, SETTINGS, TODAY)
        await session.commit()
    before = await evidence_rows(sessions, "deals")
    assert first.deals == 6 and {ref for _, _, ref, *_ in before} == {"2026Q4:government"}
    async with sessions() as session:
        assert (await deals.refresh(session, SETTINGS, TODAY)).scores_changed == 0
        await session.commit()
    assert await evidence_rows(sessions, "deals") == before  # the same rows, untouched
    async with sessions() as session:  # r2's lost deal was really won, in the third quarter
        await session.execute(
            update(Opportunity)
            .where(Opportunity.id == ids["r2_lost"])
            .values(stage="won", won_amount=1, won_on=date(2026, 8, 3), loss_reason_code=None)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    async with sessions() as session:
        await deals.refresh(session, SETTINGS, TODAY)
        await session.commit()
    after = await evidence_rows(sessions, "deals")
    r2 = world.reps["r2"]
    assert {(ref, dim) for _, rep, ref, dim, *_ in after if rep == r2} == {
        ("2026Q4:government", "closing"),
        ("2026Q4:government", "negotiation"),
        *{("2026Q3:government", dim) for dim in EVERY_DEAL_DIMENSION},
    }
    # a refresh as of the third quarter replaces only the quarters it covers
    async with sessions() as session:
        summary = await deals.refresh(session, SETTINGS, date(2026, 8, 31))
        await session.commit()
    assert summary.periods == ("2025Q4", "2026Q1", "2026Q2", "2026Q3")
    assert {ref for _, _, ref, *_ in await evidence_rows(sessions, "deals")} == {
        "2026Q3:government",
        "2026Q4:government",
    }


async def test_milestones_count_each_passed_exam_once_and_audit_every_change(
    sessions, world, tmp_path
):
    await seed_deals(sessions, world)
    rule = {
        "id": "two_exams",
        "title": {"zh": "两场考试", "en": "Two exams"},
        "requires": [{"kind": "passed_exams", "count": 2, "within_days": 30}],
        "unlocks": ["exam_pair"],
    }
    path = tmp_path / "milestones.json"
    path.write_text(json.dumps({"version": 1, "milestones": [rule]}), "utf-8")
    two_exams = load_milestones(path)
    r1 = world.reps["r1"]
    async with sessions() as session:
        for ref, mode, passed, days_ago in [
            (1, "exam", True, 1),
            (2, "exam", False, 2),
            (3, "train", True, 3),
            (4, "exam", True, 40),
        ]:
            at = when(TODAY - timedelta(days=days_ago))
            await service.record_practice(session, r1, ref, EXAM_ALL_80, mode, passed, at)
        summary = await awards.evaluate_milestones(session, SETTINGS, TODAY, milestones=two_exams)
        assert (summary.awarded, summary.held) == (0, 0)
        await service.record_practice(
            session, r1, 5, EXAM_ALL_80, "exam", True, when(TODAY - timedelta(days=10))
        )
        summary = await awards.evaluate_milestones(session, SETTINGS, TODAY, milestones=two_exams)
        assert (summary.awarded, summary.held) == (1, 1)
        assert await service.flags_of(session, [r1, world.reps["r2"]]) == {
            r1: frozenset({"exam_pair"}),
            world.reps["r2"]: frozenset(),
        }
        later = TODAY + timedelta(days=25)
        summary = await awards.evaluate_milestones(session, SETTINGS, later, milestones=two_exams)
        assert summary.revoked == 1  # one of the exams is more than 30 days old by then
        summary = await awards.evaluate_milestones(session, SETTINGS, TODAY, milestones=two_exams)
        assert summary.awarded == 1
        # The default file: two_exams is gone; three passed exams, scores of 80 and a deal
        # of 20,000,000 make r1 a Customer Success Consultant.
        gone = await awards.evaluate_milestones(session, SETTINGS, TODAY)
        assert (gone.revoked, gone.awarded) == (1, 2)
        events = list(await session.scalars(select(MilestoneEvent).order_by(MilestoneEvent.id)))
        await session.commit()
    assert [(e.kind, e.milestone) for e in events if e.milestone != "two_exams"] == [
        ("awarded", "field_ready"),
        ("awarded", "customer_success_consultant"),
    ]
    events = [e for e in events if e.milestone == "two_exams"]
    assert [(e.kind, e.milestone) for e in events] == [
        ("awarded", "two_exams"),
        ("revoked", "two_exams"),
        ("awarded", "two_exams"),
        ("revoked", "two_exams"),
    ]
    assert events[0].numbers["requires"][0]["found"] == 2
    assert events[1].numbers["requires"][0]["found"] == 1  # one of the two is too old
    assert events[3].numbers == {"reason": "no longer defined"}


async def test_reads_for_reps_without_anything(sessions, world):
    async with sessions() as session:
        assert await service.current_scores(session, [world.reps["r3"]]) == {}
        assert await service.flags_of(session, []) == {}
        assert service.dimensions(SETTINGS)[0] == "needs_discovery"
        assert service.dimensions(load_settings(capability_dimensions=["grit"])) == ("grit",)


@pytest.fixture
def app_settings():
    return {"max_page_size": 500}


async def test_the_heatmap_takes_the_same_statements_for_3_or_40_reps(api, world, sessions, engine):
    async with sessions() as session:
        for number in range(36):
            rep = await org.create_rep(
                session,
                BOOTSTRAP,
                external_id=f"bulk{number:02d}",
                today=TODAY,
                data=org.RepChanges(
                    name=f"Bulk {number:02d}",
                    unit_id=world.units["west.cd" if number % 2 else "east.hz"],
                    level=RepLevel.MID,
                    hire_date=date(2025, 1, 1),
                    specialties={"smb": 3},
                ),
            )
            scores = {"closing": number * 2.5, "negotiation": 90 - number}
            await service.record_practice(
                session, rep.id, number, scores, "train", None, when(TODAY)
            )
        admin = Actor(user_id=world.users["admin"], roles=frozenset({"admin"}))
        await service.override_score(
            session,
            admin,
            SETTINGS,
            rep_id=world.reps["r1"],
            dimension="closing",
            score=99,
            reason="Seen on calls",
        )
        await session.commit()
    counts = {}
    for unit in ("east.sh", "acme"):
        with count_statements(engine) as counter:
            data = await api.data(HEATMAP, {"u": world.unit(unit)}, as_="director")
        counts[unit] = counter.count
        heatmap = data["capabilityHeatmap"]
    assert counts["east.sh"] == counts["acme"] <= 12, counts
    assert len(heatmap["rows"]) == 40 and len(heatmap["dimensions"]) == 6
    row = next(r for r in heatmap["rows"] if r["rep"]["externalId"] == "bulk10")
    closing = next(s for s in row["scores"] if s["dimension"] == "closing")
    assert (closing["score"], closing["tier"]) == (25, "NOVICE")
    r1 = next(r for r in heatmap["rows"] if r["rep"]["externalId"] == "r1")
    assert r1["scores"][5]["override"] == {"score": 99, "by": {"login": "admin"}}
