"""Capability through GraphQL: customer ratings, managers' overrides (both scores kept,
the history growing), the profile in the request language and within scope, the refresh
and the milestone evaluation for admins."""

from __future__ import annotations

from domain.capability import service
from tests.support.capability import (
    EXAM_ALL_80,
    PROFILE,
    SCORE,
    by_dimension,
    profile,
    seed_deals,
    when,
)
from tests.support.graphql import gid, run
from tests.support.world import TODAY


async def rate(api, as_="manager", selection="rating { id rating dimensions }", **input) -> dict:
    return await run(
        api, "recordCustomerRating", input, f"{selection} errors {{ code field }}", as_=as_
    )


async def test_ratings_move_the_rated_dimensions(api, world, sessions):
    deals = await seed_deals(sessions, world)
    deal = gid("Opportunity", deals["r1_won"])
    first = await rate(
        api,
        opportunityId=deal,
        rating=5,
        externalId="survey-1",
        comment="Knew  exactly what we needed ",
        selection="rating { id rating dimensions ratedOn rep { externalId } "
        "opportunity { title } } profile { dimensions { dimension score } }",
    )
    assert first["errors"] == []
    rating = first["rating"]
    assert rating["dimensions"] == ["negotiation", "objection_handling", "closing"]
    assert rating["rep"] == {"externalId": "r1"} and rating["opportunity"]["title"] == "r1_won"
    scores = {s["dimension"]: s["score"] for s in first["profile"]["dimensions"]}
    assert scores["closing"] == 100 and scores["needs_discovery"] is None
    same = {"opportunityId": deal, "rating": 5, "comment": "Knew exactly what we needed"}
    again = await rate(api, externalId="survey-1", **same)
    assert again["rating"]["id"] == rating["id"] and again["errors"] == []
    await rate(api, followUpId=deals["follow_up"], rating=2, dimensions=["closing"])
    found = by_dimension(await profile(api, world))
    closing = found["closing"]
    assert closing["computedScore"] == 62.5 and closing["observations"] == 2  # (100 + 25) / 2
    assert closing["sources"] == [
        {"source": "RATING", "value": 62.5, "weight": 1.0, "observations": 2}
    ]
    assert closing["label"] == "Closing" and closing["tier"] == "DEVELOPING"
    assert [h["cause"] for h in closing["history"]] == ["RATING", "RATING"]
    assert found["negotiation"]["score"] == 100 and found["negotiation"]["tier"] == "EXPERT"
    zh = by_dimension(await profile(api, world, language="zh"))
    assert zh["closing"]["label"] == "促成"


async def test_an_override_keeps_both_scores_and_the_history(api, world, sessions):
    deals = await seed_deals(sessions, world)
    await rate(api, opportunityId=gid("Opportunity", deals["r1_won"]), rating=3)
    done = await run(
        api,
        "overrideCapabilityScore",
        {"repId": world.rep("r1"), "dimension": "closing", "score": 88, "reason": "Closed two"},
        f"score {{ {SCORE} }} errors {{ code }}",
        as_="manager",
    )
    assert done["errors"] == []
    assert done["score"]["score"] == 88 and done["score"]["computedScore"] == 50
    assert done["score"]["override"] == {
        "score": 88,
        "reason": "Closed two",
        "by": {"login": "manager"},
    }
    assert done["score"]["tier"] == "PROFICIENT"
    # An override for a dimension without evidence yet.
    await run(
        api,
        "overrideCapabilityScore",
        {"repId": world.rep("r1"), "dimension": "product_knowledge", "score": 70, "reason": "x"},
        as_="director",
    )
    found = by_dimension(await profile(api, world, as_="rep"))
    assert found["product_knowledge"]["score"] == 70
    assert found["product_knowledge"]["computedScore"] is None
    async with sessions() as session:
        assert await service.current_scores(session, [world.reps["r1"], world.reps["r2"]]) == {
            world.reps["r1"]: {
                "negotiation": 50,
                "objection_handling": 50,
                "closing": 88,
                "product_knowledge": 70,
            }
        }
    cleared = await run(
        api,
        "clearCapabilityOverride",
        {"repId": world.rep("r1"), "dimension": "closing", "reason": "Reviewed again"},
        "score { score computedScore override { score } } errors { code }",
        as_="manager",
    )
    assert cleared["score"] == {"score": 50, "computedScore": 50, "override": None}
    history = by_dimension(await profile(api, world))["closing"]["history"]
    assert [(h["cause"], h["score"], h["overrideScore"]) for h in history] == [
        ("OVERRIDE_CLEARED", 50, None),
        ("OVERRIDE", 88, 88),
        ("RATING", 50, None),
    ]
    assert history[0]["note"] == "Reviewed again" and history[1]["by"] == {"login": "manager"}


async def test_a_profile_is_seen_by_the_rep_and_their_managers_only(api, world):
    assert (await profile(api, world, as_="rep"))["rep"] == {"externalId": "r1"}
    assert (await profile(api, world, "r4", as_="director"))["rep"] == {"externalId": "r4"}
    for login, rep in (("rep", "r2"), ("manager", "r4"), ("director.east", "r4")):
        body = await api(PROFILE, {"rep": world.rep(rep)}, as_=login)
        assert body["errors"][0]["extensions"] == {"code": "REP_NOT_FOUND", "field": "rep"}
    heatmap = "query($u: ID!) { capabilityHeatmap(unit: $u) { rows { rep { externalId } } } }"
    body = await api(heatmap, {"u": world.unit("west")}, as_="manager")
    assert body["errors"][0]["extensions"]["code"] == "UNIT_NOT_FOUND"
    data = await api.data(heatmap, {"u": world.unit("east")}, as_="director.east")
    rows = data["capabilityHeatmap"]["rows"]
    assert [row["rep"]["externalId"] for row in rows] == ["r1", "r2", "r3"]


async def test_dimensions_and_milestone_rules_in_the_request_language(api):
    query = (
        "{ capabilityDimensions { code label } capabilityMilestones { id title requires unlocks } }"  # noqa: E501
    )
    data = await api.data(query, as_="rep", headers={"Accept-Language": "en"})
    assert data["capabilityDimensions"][0] == {
        "code": "needs_discovery",
        "label": "Needs discovery",
    }
    assert len(data["capabilityDimensions"]) == 6
    csc = next(m for m in data["capabilityMilestones"] if m["id"] == "customer_success_consultant")
    assert csc["title"] == "Customer Success Consultant" and csc["unlocks"] == [
        "strategic_accounts"
    ]
    assert csc["requires"] == [
        "every dimension ≥ 75",
        "1 won deal(s) ≥ 10,000,000.00",
        "3 passed exam session(s)",
    ]
    zh = await api.data(query, as_="rep")
    assert zh["capabilityMilestones"][1]["title"] == "客户成功顾问"


async def test_refresh_and_milestones_for_admins(api, world, sessions):
    await seed_deals(sessions, world)
    async with sessions() as session:  # as the practice service does when an exam ends
        await service.record_practice(
            session, world.reps["r1"], 1, EXAM_ALL_80, "exam", True, when(TODAY)
        )
        await session.commit()
    as_of = {"asOf": TODAY.isoformat()}
    refreshed = await run(
        api,
        "refreshCapabilities",
        as_of,
        "summary { asOf periods deals repsWithNewEvidence scoresChanged } errors { code }",
    )
    assert refreshed["summary"] == {
        "asOf": "2026-11-20",
        "periods": ["2026Q1", "2026Q2", "2026Q3", "2026Q4"],
        "deals": 6,
        "repsWithNewEvidence": 4,
        # r1: closing, solution presentation, needs discovery (negotiation stays at 80);
        # r2: closing, negotiation; r3 and r4: four new scores each
        "scoresChanged": 13,
    }
    again = await run(
        api, "refreshCapabilities", as_of, "summary { scoresChanged repsWithNewEvidence }"
    )
    assert again["summary"] == {"scoresChanged": 0, "repsWithNewEvidence": 0}
    found = by_dimension(await profile(api, world))
    assert {s["source"] for s in found["closing"]["sources"]} == {"DEALS", "PRACTICE"}
    assert found["closing"]["history"][0]["cause"] == "DEALS"
    summary = "summary { asOf reps awarded revoked held } errors { code }"
    evaluated = await run(api, "evaluateMilestones", as_of, summary)
    assert evaluated["summary"] == {
        "asOf": "2026-11-20",
        "reps": 4,
        "awarded": 1,
        "revoked": 0,
        "held": 1,
    }
    assert (await run(api, "evaluateMilestones", as_of, summary))["summary"]["awarded"] == 0
    mine = await profile(api, world)
    assert mine["flags"] == ["solo_accounts"]
    (award,) = mine["milestones"]
    assert (award["milestone"], award["title"], award["current"]) == (
        "field_ready",
        "Field Ready",
        True,
    )
    assert [e["kind"] for e in award["events"]] == ["AWARDED"]
    assert award["numbers"]["requires"][2]["largest"] == 2_000_000_000
    await run(
        api,
        "overrideCapabilityScore",
        {"repId": world.rep("r1"), "dimension": "closing", "score": 40, "reason": "Stalled"},
    )
    revoked = await run(api, "evaluateMilestones", as_of, summary)
    assert (revoked["summary"]["revoked"], revoked["summary"]["held"]) == (1, 0)
    mine = await profile(api, world)
    assert mine["flags"] == [] and mine["milestones"][0]["current"] is False
    events = mine["milestones"][0]["events"]
    assert [e["kind"] for e in events] == ["AWARDED", "REVOKED"]
    async with sessions() as session:
        assert await service.flags_of(session, [world.reps["r1"]]) == {
            world.reps["r1"]: frozenset()
        }
