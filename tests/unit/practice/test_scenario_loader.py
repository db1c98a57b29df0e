"""Scenario files: the loader's typed result and every kind of problem it reports."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json

import pytest
from jsonschema import Draft202012Validator

from coaching.engines.text_concepts import CONCEPT_PLACEHOLDERS
from coaching.scenario import (
    SCENARIOS_DIR,
    SCHEMA_PATH,
    ScenarioError,
    json_path,
    load_scenarios,
    scenarios_directory,
)
from domain.settings import SettingsError, load_settings
from tests.support.scenario_sample import check, minimal_scenario, text, write_scenario


def problems_of(tmp_path, data, name=None) -> list[tuple[str, str]]:
    """(JSON path, message) of every problem of one file; asserts it was not loaded."""
    write_scenario(tmp_path, data, name)
    result = load_scenarios(tmp_path)
    assert len(result) == 0, "a file with a problem must not be loaded"
    return [(problem.path, problem.message) for problem in result.problems]


def only_problem(tmp_path, data, name=None) -> tuple[str, str]:
    found = problems_of(tmp_path, data, name)
    assert len(found) == 1, found
    return found[0]


# --- a good file ------------------------------------------------------------------------------


def test_a_valid_scenario_loads_as_typed_immutable_objects(tmp_path):
    path = write_scenario(tmp_path, minimal_scenario())
    result = load_scenarios(tmp_path)
    assert result.ok and result.ids == ("price_objection",) and result.files == (path,)
    scenario = result["price_objection"]
    assert scenario.source == path and scenario.version == 1 and scenario.pass_mark == 80
    assert scenario.title.get("zh") == "软件价格异议"
    assert scenario.title.get("en-US") == "Price objection in B2B software"
    assert [p.id for p in scenario.personas] == ["cfo", "it_head", "buyer"]
    cfo = scenario.persona("cfo")
    assert (cfo.weight_of("price"), cfo.weight_of("timing"), cfo.weight_of("risk")) == (2, 0, 1)
    assert scenario.difficulties.get("hard").objection_count == 4
    assert scenario.turn_limits.min == 3 and scenario.turn_limits.max == 10
    roi = scenario.check("quantify_roi")
    assert roi.indicators.get("zh") == ("回报{percent}",)
    assert roi.counter_indicators.en == ("guarantee",) and roi.tip.en.startswith("Put")
    assert scenario.check("ask_budget").counter_indicators is None
    assert scenario.criterion_of("quantify_roi").id == "value"
    assert scenario.objection("timing").addressed_by == ("ask_timeline",)
    assert scenario.red_lines[0].indicators.en[0] == "{percent} off"
    assert scenario.closing_lines.declined[0].en == "Bye. (English)"
    assert scenario.raw["criteria"][0]["checks"][0]["id"] == "ask_budget"
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.version = 2
    with pytest.raises(TypeError):
        scenario.raw["version"] = 2
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        scenario.title.get("fr")
    assert result.get("nope") is None and "nope" not in result


def test_pass_mark_is_taken_from_the_file_when_given(tmp_path):
    data = minimal_scenario()
    data["pass_mark"] = 70
    write_scenario(tmp_path, data)
    assert load_scenarios(tmp_path)["price_objection"].pass_mark == 70


def test_rubric_hash_is_sha256_of_canonical_criteria_red_lines_and_version(tmp_path):
    data = minimal_scenario()
    canonical = json.dumps(
        {"criteria": data["criteria"], "red_lines": data["red_lines"], "version": 1},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    write_scenario(tmp_path, data)
    first = load_scenarios(tmp_path)["price_objection"].rubric_hash
    assert first == hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    data["situation"] = text("another situation")  # not part of the rubric
    write_scenario(tmp_path, data)
    assert load_scenarios(tmp_path)["price_objection"].rubric_hash == first
    data["criteria"][0]["weight"] = 41
    write_scenario(tmp_path, data)
    assert load_scenarios(tmp_path)["price_objection"].rubric_hash != first


# --- not JSON ---------------------------------------------------------------------------------


def test_bad_json_names_line_and_column(tmp_path):
    (tmp_path / "broken.json").write_text('{\n  "id": "broken",\n  "version": 1,,\n}')
    [problem] = load_scenarios(tmp_path).problems
    assert problem.file == tmp_path / "broken.json" and problem.path == "$"
    assert problem.message.startswith("not valid JSON: Expecting property name")
    assert problem.message.endswith("at line 3, column 16")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"id": "x\xff"}', "not UTF-8 text: byte 0xff at offset 9"),
        (b'{"version": NaN}', "not valid JSON: NaN is not a JSON number"),
    ],
)
def test_undecodable_files(tmp_path, content, expected):
    (tmp_path / "odd.json").write_bytes(content)
    assert [(p.path, p.message) for p in load_scenarios(tmp_path).problems] == [("$", expected)]


def test_a_repeated_key_is_reported_where_it_is(tmp_path):
    body = json.dumps(minimal_scenario(), ensure_ascii=False)
    body = body.replace('"goal": {', '"goal": {"en": "first", ', 1)
    (tmp_path / "price_objection.json").write_text(body, encoding="utf-8")
    [problem] = load_scenarios(tmp_path).problems
    assert (problem.path, problem.message) == (
        "$.goal.en",
        "this key appears more than once in its object",
    )


# --- the JSON Schema --------------------------------------------------------------------------


def _drop_goal(data):
    del data["goal"]


@pytest.mark.parametrize(
    ("breakage", "path", "message"),
    [
        (_drop_goal, "$.goal", "is required but missing"),
        (lambda d: d["personas"][0].update(role=["x"]), "$.personas[0].role",
         "must be an object, not an array"),
        (lambda d: d["objections"][1].update(colour="red"), "$.objections[1].colour",
         "unknown property; allowed here: id, topic, phrasings, pushbacks, addressed_by, "
         "acknowledgements"),
        (lambda d: d["objections"][0]["phrasings"].clear(), "$.objections[0].phrasings",
         "needs at least 1 item(s), has 0"),
        (lambda d: d["criteria"][0]["checks"].extend(check(f"more_{n}", "多", "more")
                                                    for n in range(4)),
         "$.criteria[0].checks", "allows at most 5 item(s), has 6"),
        (lambda d: d["criteria"][1].update(capability="charm"), "$.criteria[1].capability",
         '"charm" is not one of: needs_discovery, negotiation, solution_presentation, '
         "objection_handling, product_knowledge, closing"),
        (lambda d: d["personas"][1].update(id="IT-head"), "$.personas[1].id",
         '"IT-head" does not match the pattern ^[a-z][a-z0-9_]{1,48}$'),
        (lambda d: d.update(pass_mark=120), "$.pass_mark",
         "120 is greater than the maximum of 100"),
        (lambda d: d["red_lines"][0]["indicators"]["zh"].append(""),
         "$.red_lines[0].indicators.zh[3]", "must not be empty"),
        (lambda d: d["difficulties"]["easy"].update(patience=True),
         "$.difficulties.easy.patience", "must be an integer, not true or false"),
    ],
)  # fmt: skip
def test_schema_violations_name_the_json_path(tmp_path, breakage, path, message):
    data = minimal_scenario()
    breakage(data)
    assert only_problem(tmp_path, data) == (path, message)


def test_every_schema_error_is_reported_not_only_the_first(tmp_path):
    data = minimal_scenario()
    data["version"] = 0
    data["industry"] = "B2B"
    data["turn_limits"]["max"] = 99
    assert [path for path, _ in problems_of(tmp_path, data)] == [
        "$.industry",
        "$.turn_limits.max",
        "$.version",
    ]


# --- rules the schema cannot express ----------------------------------------------------------


def test_the_file_must_be_named_after_the_id(tmp_path):
    assert only_problem(tmp_path, minimal_scenario(), "price.json") == (
        "$.id",
        "the id is 'price_objection' but the file is named price.json; "
        "scenario files are named <id>.json",
    )


@pytest.mark.parametrize(
    ("section", "noun"),
    [("personas", "persona"), ("objections", "objection"), ("criteria", "criterion"),
     ("red_lines", "red line")],
)  # fmt: skip
def test_ids_are_unique_within_their_list(tmp_path, section, noun):
    data = minimal_scenario()
    data[section].append(copy.deepcopy(data[section][0]))
    for number, repeated_check in enumerate(data[section][-1].get("checks", [])):
        repeated_check["id"] = f"other_check_{number}"
    last = len(data[section]) - 1
    assert only_problem(tmp_path, data) == (
        f"$.{section}[{last}].id",
        f"repeated {noun} id {data[section][0]['id']!r}, first at $.{section}[0].id",
    )


def test_check_ids_are_unique_across_all_criteria(tmp_path):
    data = minimal_scenario()
    data["criteria"][1]["checks"][1]["id"] = "ask_budget"
    data["objections"][3]["addressed_by"] = ["ask_budget"]
    assert only_problem(tmp_path, data) == (
        "$.criteria[1].checks[1].id",
        "repeated check id 'ask_budget', first at $.criteria[0].checks[0].id "
        "(check ids are unique across all criteria)",
    )


@pytest.mark.parametrize(
    ("addressed_by", "message"),
    [
        (["ask_budgt"], "no check has the id 'ask_budgt'; did you mean 'ask_budget'?"),
        (["zzz"], "no check has the id 'zzz'; the checks are: ask_budget, ask_timeline, "
         "offer_case, quantify_roi"),
        (["discovery"], "'discovery' is a criterion, not a check; its checks: ask_budget, "
         "ask_timeline"),
    ],
)  # fmt: skip
def test_addressed_by_names_an_existing_check(tmp_path, addressed_by, message):
    data = minimal_scenario()
    data["objections"][2]["addressed_by"] = addressed_by
    assert only_problem(tmp_path, data) == ("$.objections[2].addressed_by[0]", message)


def test_addressed_by_names_a_check_once(tmp_path):
    data = minimal_scenario()
    data["objections"][0]["addressed_by"] = ["quantify_roi", "offer_case", "quantify_roi"]
    assert only_problem(tmp_path, data) == (
        "$.objections[0].addressed_by[2]",
        "names check 'quantify_roi' twice",
    )


def test_objection_weights_name_existing_objections(tmp_path):
    data = minimal_scenario()
    data["personas"][2]["objection_weights"] = {"prices": 3, "late delivery": 1}
    assert problems_of(tmp_path, data) == [
        (
            '$.personas[2].objection_weights["late delivery"]',
            "no objection has the id 'late delivery'; the objections are: budget, price, "
            "risk, timing",
        ),
        (
            "$.personas[2].objection_weights.prices",
            "no objection has the id 'prices'; did you mean 'price'?",
        ),
    ]


def test_turn_limits_min_is_not_above_max(tmp_path):
    data = minimal_scenario()
    data["turn_limits"] = {"min": 12, "max": 8}
    assert only_problem(tmp_path, data) == (
        "$.turn_limits",
        "min (12) must not be more than max (8)",
    )


def test_a_difficulty_asks_for_no_more_objections_than_the_pool_has(tmp_path):
    data = minimal_scenario()
    data["difficulties"]["hard"]["objections"] = 5
    assert only_problem(tmp_path, data) == (
        "$.difficulties.hard.objections",
        "asks for 5 objections but the pool has only 4",
    )


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("  \u3000 ", "is blank after trimming"),
        (
            "ROI {amount}",
            "unknown placeholder {amount}; only {number}, {percent}, {money} (or bounded: "
            "{percent<20}, {money>=2200}) and the concepts "
            + ", ".join(CONCEPT_PLACEHOLDERS)
            + " are allowed",
        ),
        (
            "{Number} times",
            "unknown placeholder {Number}; only {number}, {percent}, {money} (or bounded: "
            "{percent<20}, {money>=2200}) and the concepts "
            + ", ".join(CONCEPT_PLACEHOLDERS)
            + " are allowed",
        ),
        (
            "save {number",
            "unmatched { or }; placeholders are written {number}, {percent}, {money} "
            "or a concept such as {discount}",
        ),
        ("？！…", "has no letter, digit or placeholder, so there is nothing to match"),
    ],
)
def test_phrases_say_something_and_use_only_known_placeholders(tmp_path, phrase, message):
    data = minimal_scenario()
    data["criteria"][1]["checks"][0]["counter_indicators"]["en"].append(phrase)
    path = "$.criteria[1].checks[0].counter_indicators.en[1]"
    assert only_problem(tmp_path, data) == (path, message)


def test_known_placeholders_are_accepted_anywhere_in_a_phrase(tmp_path):
    data = minimal_scenario()
    data["red_lines"][0]["indicators"]["en"] += ["{number}", "from {number} to {percent} now"]
    write_scenario(tmp_path, data)
    assert load_scenarios(tmp_path).ok


def test_texts_are_not_blank_either(tmp_path):
    data = minimal_scenario()
    data["personas"][1]["opening_lines"][0]["zh"] = "   "
    assert only_problem(tmp_path, data) == (
        "$.personas[1].opening_lines[0].zh",
        "is blank after trimming",
    )


# --- several files ----------------------------------------------------------------------------


def test_a_bad_file_next_to_a_good_one_leaves_only_the_good_one_loaded(tmp_path):
    good = write_scenario(tmp_path, minimal_scenario("good_one"))
    bad = minimal_scenario("bad_one")
    bad["objections"][0]["addressed_by"] = ["nothing"]
    bad_path = write_scenario(tmp_path, bad)
    result = load_scenarios(tmp_path)
    assert result.ids == ("good_one",) and result.files == (bad_path, good)
    assert {problem.file for problem in result.problems} == {bad_path}


def test_strict_mode_raises_one_error_listing_every_problem_of_every_file(tmp_path):
    write_scenario(tmp_path, minimal_scenario("good_one"))
    first = minimal_scenario("first_bad")
    first["turn_limits"]["min"] = 20
    first["personas"][0]["objection_weights"] = {"nope": 1}
    write_scenario(tmp_path, first)
    (tmp_path / "second_bad.json").write_text("[1, 2")
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(tmp_path, strict=True)
    lines = str(caught.value).splitlines()
    assert lines[0] == "3 problem(s) in 2 scenario file(s):"
    assert lines[1:] == [str(problem) for problem in caught.value.problems]
    assert [(p.file.name, p.path) for p in caught.value.problems] == [
        ("first_bad.json", "$.personas[0].objection_weights.nope"),
        ("first_bad.json", "$.turn_limits"),
        ("second_bad.json", "$"),
    ]
    assert lines[1] == (
        f"{tmp_path / 'first_bad.json'}: $.personas[0].objection_weights.nope: "
        "no objection has the id 'nope'; the objections are: budget, price, risk, timing"
    )


def test_strict_mode_returns_the_set_when_all_is_well(tmp_path):
    write_scenario(tmp_path, minimal_scenario())
    assert load_scenarios(tmp_path, strict=True).ids == ("price_objection",)


def test_a_schema_file_in_the_directory_is_not_a_scenario(tmp_path):
    (tmp_path / "scenario.schema.json").write_text("not even JSON")
    write_scenario(tmp_path, minimal_scenario())
    result = load_scenarios(tmp_path)
    assert result.ok and result.files == (tmp_path / "price_objection.json",)


def test_a_missing_directory_or_a_broken_schema_is_a_problem(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(ScenarioError, match="nowhere: \\$: no such directory"):
        load_scenarios(missing, strict=True)
    schema = tmp_path / "schema.json"
    schema.write_text('{"type": 12}')
    write_scenario(tmp_path, minimal_scenario())
    result = load_scenarios(tmp_path, schema=schema)
    assert len(result) == 0 and [(p.file, p.path) for p in result.problems] == [(schema, "$.type")]


def test_json_path_quotes_keys_that_are_not_plain_names():
    assert json_path(()) == "$"
    assert json_path(("objections", 2, "addressed_by", 0)) == "$.objections[2].addressed_by[0]"
    assert json_path(("w", "a b", "价格")) == '$.w["a b"]["价格"]'


# --- where the files are ----------------------------------------------------------------------


def test_the_directory_setting(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert load_settings().scenarios_dir is None
    assert scenarios_directory(load_settings()) == SCENARIOS_DIR
    assert SCHEMA_PATH.parent == SCENARIOS_DIR and SCHEMA_PATH.is_file()
    monkeypatch.setenv("PACER_SCENARIOS_DIR", str(tmp_path))
    assert scenarios_directory(load_settings()) == tmp_path
    monkeypatch.setenv("PACER_SCENARIOS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(SettingsError, match="^PACER_SCENARIOS_DIR: directory .* does not exist"):
        load_settings()
    (tmp_path / "file.json").write_text("{}")
    monkeypatch.setenv("PACER_SCENARIOS_DIR", str(tmp_path / "file.json"))
    with pytest.raises(SettingsError, match="^PACER_SCENARIOS_DIR: .* is not a directory"):
        load_settings()


def test_every_shipped_scenario_loads():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    result = load_scenarios(SCENARIOS_DIR, strict=True)
    assert result.ids == tuple(sorted(path.stem for path in result.files))
