"""Scenario files (issue 16 §3): minimums that forced padding are recommendations — the
file loads and `warnings` names what it lacks; personas may list the objections they raise;
red lines may carry counter-indicators and checks a negation flag."""

from __future__ import annotations

from coaching.scenario import load_scenarios
from tests.support.scenario_sample import minimal_scenario, write_scenario


def loaded(tmp_path, data):
    write_scenario(tmp_path, data)
    result = load_scenarios(tmp_path)
    assert result.ok, result.problems
    return result


def test_the_shipped_scenarios_follow_every_recommendation():
    result = load_scenarios(strict=True)
    assert result.warnings == ()
    for scenario in result:
        for line in scenario.red_lines:
            assert line.negation
            assert len(line.indicators.zh) >= 3 and len(line.indicators.en) >= 3


def test_fewer_objections_and_phrasings_warn_but_load(tmp_path):
    data = minimal_scenario()
    data["objections"] = data["objections"][:2]
    data["objections"][0]["phrasings"] = data["objections"][0]["phrasings"][:1]
    for level in data["difficulties"].values():
        level["objections"] = 1
    data["personas"][0].pop("objection_weights")
    result = loaded(tmp_path, data)
    assert len(result) == 1
    warnings = {(warning.path, warning.message) for warning in result.warnings}
    assert ("$.objections", "has 2 objection(s); 4 or more keep role-plays varied") in warnings
    assert (
        "$.objections[0].phrasings",
        "has 1 phrasing(s); 2 or more keep the customer from repeating itself",
    ) in warnings


def test_a_red_line_with_one_phrasing_warns(tmp_path):
    data = minimal_scenario()
    data["red_lines"][0]["indicators"]["zh"] = data["red_lines"][0]["indicators"]["zh"][:1]
    result = loaded(tmp_path, data)
    paths = {warning.path for warning in result.warnings}
    assert "$.red_lines[0].indicators.zh" in paths
    assert all("recall first" in warning.message for warning in result.warnings)


def test_personas_may_list_the_objections_they_raise(tmp_path):
    data = minimal_scenario()
    data["personas"][1]["objections"] = ["price", "risk"]
    scenario = loaded(tmp_path, data).scenarios[0]
    persona = scenario.persona(data["personas"][1]["id"])
    assert persona.objections == ("price", "risk")
    assert persona.weight_of("price") == 1 and persona.weight_of("timing") == 0
    assert persona.raises("risk") and not persona.raises("budget")
    anyone = scenario.persona(data["personas"][2]["id"])
    assert anyone.objections == () and anyone.raises("timing")


def test_a_persona_objection_must_exist(tmp_path):
    data = minimal_scenario()
    data["personas"][1]["objections"] = ["prices"]
    write_scenario(tmp_path, data)
    result = load_scenarios(tmp_path)
    assert not result.ok
    [problem] = result.problems
    assert problem.path == "$.personas[1].objections[0]"
    assert problem.message.startswith("no objection has the id 'prices'")


def test_red_line_counters_negation_and_money_load(tmp_path):
    data = minimal_scenario()
    line = data["red_lines"][0]
    line["counter_indicators"] = {"zh": ["{percent}的客户"], "en": ["{percent} of customers"]}
    line["indicators"]["zh"].append("降到{money}")
    line["indicators"]["en"].append("reduce … to {money}")
    data["criteria"][0]["checks"][0]["negation"] = True
    scenario = loaded(tmp_path, data).scenarios[0]
    assert scenario.red_lines[0].counter_indicators.zh == ("{percent}的客户",)
    assert scenario.red_lines[0].negation is True
    assert scenario.criteria[0].checks[0].negation is True
    assert scenario.criteria[1].checks[0].negation is False


def test_a_phrase_may_not_start_or_end_with_a_gap(tmp_path):
    data = minimal_scenario()
    data["red_lines"][0]["indicators"]["en"].append("… off")
    write_scenario(tmp_path, data)
    [problem] = load_scenarios(tmp_path).problems
    assert problem.message == "starts or ends with a gap (…); a gap goes between two words"
