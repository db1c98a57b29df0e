"""The routing policy file: the default loads, and every kind of problem is named with its path."""

from __future__ import annotations

import json

import pytest

from coaching.routing import DIMENSIONS, PolicyError, load_policy, parse_policy
from coaching.routing.policy import SCHEMA_PATH, TERMS
from tests.support.routing import DEFAULT, policy_data


def problems(tmp_path, data=None, raw: bytes | None = None) -> list[tuple[str, str]]:
    path = tmp_path / "policy.json"
    path.write_bytes(raw if raw is not None else json.dumps(data).encode())
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert all(problem.file == path for problem in caught.value.problems)
    assert str(path) in str(caught.value)
    return [(problem.path, problem.message) for problem in caught.value.problems]


def test_the_default_policy_loads():
    policy = load_policy()
    assert policy.version == DEFAULT["version"]
    assert [term for term, _ in policy.weights] == list(TERMS)
    assert policy.weight("conversion") == 0.6 and policy.fallback_queue == "routing-triage"
    assert [step.drop for step in policy.relaxation] == ["certification", "capability_minimum"]
    assert policy.has_filter("territory") and policy.co_owner.level == "senior"


def test_the_schema_names_the_same_dimensions_as_the_code():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$defs"]["dimension"]["enum"] == list(DIMENSIONS)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_weight_that_is_not_a_number(tmp_path):
    data = policy_data(weights=DEFAULT["weights"] | {"load": "high"})
    assert problems(tmp_path, data) == [("$.weights.load", "must be a number, not a string")]


def test_a_negative_weight_and_a_missing_one(tmp_path):
    weights = {k: v for k, v in DEFAULT["weights"].items() if k != "fairness"} | {"load": -1}
    found = problems(tmp_path, policy_data(weights=weights))
    assert ("$.weights.fairness", "is required but missing") in found
    assert any(path == "$.weights.load" and "minimum" in message for path, message in found)


def test_a_filter_on_an_unknown_field(tmp_path):
    data = policy_data(filters=DEFAULT["filters"] + [{"field": "colour"}])
    [(path, message)] = problems(tmp_path, data)
    assert path == "$.filters[7].field"
    assert message.startswith('"colour" is not one of: active, not_on_leave, territory')


def test_a_missing_version(tmp_path):
    data = {k: v for k, v in DEFAULT.items() if k != "version"}
    assert problems(tmp_path, data) == [("$.version", "is required but missing")]


def test_bad_json(tmp_path):
    [(path, message)] = problems(tmp_path, raw=b'{"version": "1", "weights": {')
    assert path == "$" and message.startswith("not valid JSON:") and "line 1" in message


def test_a_repeated_key_and_nan(tmp_path):
    version = f'"version": "{DEFAULT["version"]}"'
    raw = json.dumps(DEFAULT).replace(version, '"version": "a", "version": "b"')
    assert ("$.version", "this key appears more than once in its object") in problems(
        tmp_path, raw=raw.encode()
    )
    [(_, message)] = problems(tmp_path, raw=b'{"version": NaN}')
    assert "NaN is not a JSON number" in message


def test_an_unreadable_file(tmp_path):
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "missing.json")
    assert caught.value.problems[0].message.startswith("cannot read the file")


def test_every_problem_is_reported_at_once(tmp_path):
    data = policy_data(
        version="",
        weights=DEFAULT["weights"] | {"specialty": "x"},
        fallback={},
        needs=[{"dimension": "charm", "when": {"segment_in": ["smb"]}}],
    )
    paths = [path for path, _ in problems(tmp_path, data)]
    assert paths == ["$.fallback.queue", "$.needs[0].dimension", "$.version", "$.weights.specialty"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"filters": [{"field": "active"}, {"field": "capacity_left"}], "relaxation": []},
            ("$.filters", "must include the 'not_on_leave' filter"),
        ),
        (
            {"filters": DEFAULT["filters"] + [{"field": "territory"}]},
            ("$.filters[7].field", "the 'territory' filter is listed twice"),
        ),
        (
            {
                "filters": [{"field": "territory", "flag": "x"}]
                + DEFAULT["filters"][:2]
                + DEFAULT["filters"][3:]
            },
            ("$.filters[0].flag", "applies only to the 'certification' filter"),
        ),
        (
            {
                "filters": DEFAULT["filters"][:2] + DEFAULT["filters"][3:],
                "relaxation": [{"drop": "territory"}],
            },
            ("$.relaxation[0].drop", "no 'territory' filter to drop"),
        ),
        (
            {"relaxation": [{"drop": "certification"}, {"drop": "certification"}]},
            ("$.relaxation[1].drop", "'certification' is already dropped"),
        ),
        (
            {
                "relaxation": [
                    {"drop": "certification", "after_minutes": 60},
                    {"drop": "capability_minimum", "after_minutes": 30},
                ]
            },
            ("$.relaxation[1].after_minutes", "30 is earlier than the step before (60)"),
        ),
        (
            {"high_potential": {"any_of": [{"high_potential": True}]}},
            (
                "$.high_potential.any_of[0].high_potential",
                "the high-potential rule cannot depend on itself",
            ),
        ),
        (
            {"co_owner": DEFAULT["co_owner"] | {"minimum": 50}},
            (
                "$.co_owner.minimum",
                "50 is below the threshold (60): the co-owner would share the gap",
            ),
        ),
    ],
)
def test_rules_the_schema_cannot_express(tmp_path, change, expected):
    assert problems(tmp_path, policy_data(**change)) == [expected]


def test_schema_level_refusals(tmp_path):
    certification_without_flag = DEFAULT["filters"][:4] + [{"field": "certification"}]
    found = problems(tmp_path, policy_data(filters=certification_without_flag))
    assert found == [("$.filters[4].flag", "is required but missing")]
    found = problems(tmp_path, policy_data(relaxation=[{"drop": "active"}]))
    assert found == [
        (
            "$.relaxation[0].drop",
            '"active" is not one of: certification, capability_minimum, territory',
        )
    ]
    found = problems(tmp_path, policy_data(needs=[{"dimension": "closing", "when": {}}]))
    assert found[0][0] == "$.needs[0].when"


def test_parse_policy_reports_against_its_source():
    with pytest.raises(PolicyError) as caught:
        parse_policy([], source="settings")
    assert str(caught.value.problems[0]) == "settings: $: must be an object, not an array"


def test_all_zero_weights_are_a_valid_policy():
    data = policy_data(weights=dict.fromkeys(TERMS, 0))
    assert parse_policy(data).weights == tuple((term, 0.0) for term in TERMS)
