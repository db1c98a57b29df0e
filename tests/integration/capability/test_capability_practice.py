"""Practice feeds capability: a finished session writes its evidence in the same
transaction, a trainer's ruling rewrites it, and the review pack gathers the checks a rep
misses most often with what to say instead."""

from __future__ import annotations

from sqlalchemy import select

from coaching.practice.review_pack import review_pack
from coaching.scenario import load_scenarios
from domain.capability.models import CapabilityEvidence
from tests.support.capability import by_dimension, profile
from tests.support.graphql import run
from tests.support.practice import SCENARIO, override, respond, start
from tests.support.rep_replies import WEAK

DISCOVERY, ROI = SCENARIO.criteria[0], SCENARIO.criteria[1]
PACK = """query($rep: ID!, $dims: [String!], $limit: Int! = 5) { capabilityProfile(rep: $rep) {
  reviewPack(dimensions: $dims, limit: $limit) { dimensions sessions items {
    scenarioId scenarioTitle checkId criterionId dimension question tip modelAnswer missed seen
    lastMissedAt } } } }"""


async def practise(api, *messages: str) -> str:
    """A training session of the rep r1 with these replies, finished; its id."""
    session = (await start(api))["session"]
    for message in messages:
        await respond(api, session["id"], message)
    await run(api, "finishPractice", {"session": session["id"]}, "errors { code }", as_="rep")
    return session["id"]


async def test_a_finished_session_is_capability_evidence_and_a_ruling_rewrites_it(api, world):
    session_id = await practise(api, DISCOVERY.model_answer.en)
    found = by_dimension(await profile(api, world, as_="rep"))
    discovery = found[DISCOVERY.capability]
    assert discovery["computedScore"] > 0 and discovery["confidence"] > 0
    assert discovery["sources"] == [
        {
            "source": "PRACTICE",
            "value": discovery["computedScore"],
            "weight": 1.0,
            "observations": 1,
        }
    ]
    assert found[ROI.capability]["computedScore"] == 0
    assert found["product_knowledge"]["score"] is None  # not in this scenario
    ruled = await override(api, session_id, ROI.checks[0].id)
    assert ruled["errors"] == []
    roi = by_dimension(await profile(api, world))[ROI.capability]
    # roi_proof settles only the roi_doubt objection, which one reply never raises: it is not
    # counted against the rep, so the overruled check is one of the two that count
    counted = [check for check in ROI.checks if check.id != "roi_proof"]
    assert roi["computedScore"] == round(100 / len(counted), 1)
    assert [h["cause"] for h in roi["history"]] == ["PRACTICE", "PRACTICE"]


async def test_a_review_pack_lists_the_checks_missed_most_often(api, world):
    await practise(api, WEAK["en"])
    await practise(api, DISCOVERY.model_answer.en)
    variables = {"rep": world.rep("r1"), "dims": [DISCOVERY.capability, ROI.capability]}
    headers = {"Accept-Language": "en"}
    pack = (await api.data(PACK, variables, as_="rep", headers=headers))["capabilityProfile"]
    pack = pack["reviewPack"]
    assert pack["sessions"] == 2 and pack["dimensions"] == variables["dims"]
    items = pack["items"]
    assert len(items) == 5
    assert [(i["checkId"], i["missed"], i["seen"]) for i in items[:3]] == [
        (check.id, 2, 2) for check in ROI.checks
    ]  # missed twice first, in the order of the scenario file
    assert {i["missed"] for i in items[3:]} == {1}
    first = items[0]
    assert first["question"] == ROI.checks[0].question.en
    assert first["modelAnswer"] == ROI.model_answer.en
    assert first["tip"] == (ROI.checks[0].tip.en if ROI.checks[0].tip else None)
    assert first["scenarioTitle"] == SCENARIO.title.en and first["dimension"] == ROI.capability
    # By default: the dimensions below the gap threshold (every one practised is, here).
    weak = await api.data(PACK, {"rep": world.rep("r1"), "limit": 2}, as_="manager")
    weak = weak["capabilityProfile"]["reviewPack"]
    assert set(weak["dimensions"]) == {c.capability for c in SCENARIO.criteria}
    assert [i["question"] for i in weak["items"]] == [c.question.zh for c in ROI.checks[:2]]
    refused = await api(PACK, {"rep": world.rep("r1"), "dims": ["charm"]}, as_="rep")
    assert refused["errors"][0]["extensions"] == {
        "code": "UNKNOWN_DIMENSION",
        "field": "dimensions",
    }


async def test_a_review_pack_without_weak_dimensions_or_known_scenarios(
    api, world, sessions, tmp_path
):
    await practise(api, WEAK["en"])
    async with sessions() as session:
        rep_id = world.reps["r1"]
        scenarios = load_scenarios()
        assert (await review_pack(session, scenarios, rep_id, [])).items == ()
        assert (
            await review_pack(session, scenarios, rep_id, [ROI.capability], limit=0)
        ).items == ()
        assert len((await review_pack(session, scenarios, rep_id, [ROI.capability], 1)).items) == 1
        gone = await review_pack(session, load_scenarios(tmp_path), rep_id, [ROI.capability])
        assert (gone.sessions, gone.items) == (0, ())
        evidence = list(await session.scalars(select(CapabilityEvidence)))
        assert {row.detail["mode"] for row in evidence} == {"train"}
        assert {row.detail["scenario"] for row in evidence} == {SCENARIO.id}
