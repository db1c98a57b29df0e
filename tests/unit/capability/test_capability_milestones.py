"""The milestones file (schema and the rules a schema cannot express) and evaluating it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from domain.capability.milestones import (
    DEFAULT_FILE,
    MilestonesError,
    RepFacts,
    describe,
    evaluate,
    load_milestones,
)
from domain.capability.rules import DEFAULT_DIMENSIONS
from domain.settings import SettingsError, load_settings

DIMENSIONS = tuple(DEFAULT_DIMENSIONS)
TODAY = date(2026, 11, 20)
CSC = "customer_success_consultant"


def milestone(id_="m", requires=None, unlocks=None, **extra) -> dict:
    item = {"id": id_, "title": {"zh": "里程碑", "en": "Milestone"}, **extra}
    item["requires"] = requires or [{"kind": "passed_exams", "count": 1}]
    if unlocks is not None:
        item["unlocks"] = unlocks
    return item


def write(tmp_path, *milestones, **top) -> object:
    path = tmp_path / "milestones.json"
    path.write_text(json.dumps({"version": 1, "milestones": list(milestones), **top}), "utf-8")
    return path


def problems(path, dimensions=DIMENSIONS) -> list[tuple[str, str]]:
    with pytest.raises(MilestonesError) as refused:
        load_milestones(path, dimensions)
    assert all(problem.file == path for problem in refused.value.problems)
    return [(problem.path, problem.message) for problem in refused.value.problems]


def test_the_default_file_is_valid_for_any_dimensions():
    loaded = load_milestones(DEFAULT_FILE, DIMENSIONS)
    assert [m.id for m in loaded.milestones] == [
        "field_ready",
        CSC,
        "strategic_account_lead",
    ]
    assert load_milestones(DEFAULT_FILE, ("empathy",)).get(CSC).unlocks == ("strategic_accounts",)
    assert describe(loaded.get(CSC).requires[1], "en") == "1 won deal(s) ≥ 10,000,000.00"
    assert describe(loaded.get(CSC).requires[0], "zh") == "所有维度 ≥ 75"


def test_schema_problems_name_the_json_path(tmp_path):
    path = write(
        tmp_path,
        milestone(requires=[{"kind": "won_deals", "count": "1", "min_amount": 0}]),
        milestone("x", requires=[{"kind": "scores", "dimensions": "all"}], colour="red"),
        milestone("y", requires=[{"kind": "telepathy"}]),
    )
    found = problems(path)
    assert ("$.milestones[0].requires[0].count", "'1' is not of type 'integer'") in found
    assert ("$.milestones[1].requires[0]", "'min' is a required property") in found
    assert any(
        where == "$.milestones[1]" and "'colour' was unexpected" in message
        for where, message in found
    )
    assert any(where == "$.milestones[2].requires[0].kind" for where, _ in found)


def test_rules_the_schema_cannot_express(tmp_path):
    path = write(
        tmp_path,
        milestone("a", [{"kind": "flag", "flag": "from_b"}], ["from_a"]),
        milestone("b", [{"kind": "flag", "flag": "from_a"}], ["from_b"]),
        milestone("a", [{"kind": "flag", "flag": "nobody"}]),
        milestone("c", [{"kind": "scores", "dimensions": ["closing", "charm"], "min": 50}]),
    )
    found = problems(path)
    assert ("$.milestones[2].id", "'a' is the id of milestones[0] too") in found
    assert ("$.milestones[2].requires[0].flag", "no milestone unlocks the flag 'nobody'") in found
    assert ("$.milestones[0]", "depends on itself through the flags it requires") in found
    assert ("$.milestones[1]", "depends on itself through the flags it requires") in found
    assert any(where == "$.milestones[3].requires[0].dimensions[1]" for where, _ in found)
    assert load_milestones(write(tmp_path, milestone("ok")), None).milestones[0].id == "ok"


def test_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"version": 1,', "utf-8")
    ((where, message),) = problems(path)
    assert where == "$" and message.startswith("not valid JSON") and "line 1" in message


def test_a_bad_file_stops_the_settings_naming_file_path_and_message(tmp_path):
    path = write(tmp_path, milestone(requires=[{"kind": "passed_exams", "count": 0}]))
    with pytest.raises(SettingsError) as refused:
        load_settings(milestones_file=str(path))
    message = str(refused.value)
    assert message.startswith("PACER_MILESTONES_FILE: ")
    assert f"{path}: $.milestones[0].requires[0].count: 0 is less than the minimum of 1" in message
    custom = write(
        tmp_path, milestone(requires=[{"kind": "scores", "dimensions": ["grit"], "min": 1}])
    )
    assert load_settings(milestones_file=str(custom), capability_dimensions=["grit"])


def facts(score=80.0, confidence=0.7, won=((TODAY, 2_000_000_000),), exams=3) -> RepFacts:
    return RepFacts(
        scores={code: (score, confidence) for code in DIMENSIONS},
        won_deals=won,
        passed_exams=[TODAY - timedelta(days=i) for i in range(exams)],
    )


def verdicts(rep_facts: RepFacts, as_of: date = TODAY) -> dict:
    loaded = load_milestones(DEFAULT_FILE, DIMENSIONS)
    return {v.milestone.id: v for v in evaluate(loaded, rep_facts, DIMENSIONS, as_of)}


def test_customer_success_consultant_needs_scores_a_big_deal_and_three_exams():
    met = verdicts(facts())[CSC]
    assert met.met
    scores, deal, exams = met.numbers["requires"]
    assert scores == {
        "kind": "scores",
        "min": 75,
        "min_confidence": 0,
        "scores": dict.fromkeys(DIMENSIONS, 80.0),
        "short": [],
        "met": True,
    }
    assert (deal["found"], deal["largest"], exams["found"]) == (1, 2_000_000_000, 3)
    one_short = {**facts().scores, "closing": (74.9, 0.9)}
    assert verdicts(RepFacts(one_short, facts().won_deals, facts().passed_exams))[CSC].numbers[
        "requires"
    ][0]["short"] == ["closing"]
    assert not verdicts(facts(won=((TODAY, 999_999_999),)))[CSC].met
    assert not verdicts(facts(exams=2))[CSC].met


def test_a_flag_unlocked_in_the_same_evaluation_opens_the_next_milestone():
    big = tuple((TODAY - timedelta(days=i * 100), 1_500_000_000) for i in range(3))
    strong = verdicts(facts(score=90, won=big))
    assert strong[CSC].met and strong["strategic_account_lead"].met
    assert strong["strategic_account_lead"].numbers["requires"][0] == {
        "kind": "flag",
        "flag": "strategic_accounts",
        "met": True,
    }
    old_deals = tuple((TODAY - timedelta(days=200 + i * 100), 1_500_000_000) for i in range(3))
    assert not verdicts(facts(score=90, won=old_deals))["strategic_account_lead"].met
    no_flag = verdicts(facts(score=90, won=big, exams=2))
    assert not no_flag[CSC].met and not no_flag["strategic_account_lead"].met
    unsure = verdicts(facts(score=90, confidence=0.5, won=big))
    assert unsure[CSC].met and not unsure["strategic_account_lead"].met
