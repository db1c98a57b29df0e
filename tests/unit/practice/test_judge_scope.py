"""General rules of the `rules` judge added in issue 16's last round: a counter-indicator the
rep denies does not veto; words that cross a red line never pass a check; a question form
("能不能") cut by the negation window is still a question; and the shipped scenarios' red-line
phrase families catch generic forms of the forbidden acts while refusals of them stay clean.
No database."""

from __future__ import annotations

from pathlib import Path

import pytest

from coaching.engines.judge import judge_turn
from coaching.scenario import load_scenarios
from coaching.scenario_model import build_scenario
from tests.support.scenario_sample import minimal_scenario, phrases

SHIPPED = load_scenarios(strict=True)


def sample(check_changes: dict | None = None, red_line_changes: dict | None = None):
    data = minimal_scenario()
    data["criteria"][1]["checks"][1].update(check_changes or {})
    data["red_lines"][0].update(red_line_changes or {})
    return build_scenario(data, Path("price_objection.json"), 80)


CERTIFIED = {
    "indicators": phrases(["麒麟V10认证"], ["certified on kylin"]),
    "counter_indicators": phrases(["理论上支持"], ["supported in theory"]),
}


@pytest.mark.parametrize(
    ("message", "passed"),
    [
        ("We are certified on Kylin V10 — formal certificates, not 'supported in theory'.", True),
        ("我们有麒麟V10认证，不是理论上支持。", True),
        ("We are certified on Kylin V10, well, supported in theory.", False),
        ("我们有麒麟V10认证，理论上支持。", False),
    ],
)
def test_a_counter_indicator_the_rep_denies_does_not_veto(message, passed):
    verdict = judge_turn(sample(CERTIFIED), message)
    assert verdict.check("offer_case").passed is passed


def test_words_that_cross_a_red_line_never_pass_a_check():
    scenario = sample({"indicators": phrases(["打{number}折"], ["{percent} off"])})
    crossing = judge_turn(scenario, "I can give you 20% off today.")
    assert [hit.red_line_id for hit in crossing.red_lines] == ["unauthorised_discount"]
    assert crossing.check("offer_case").passed is False


def test_a_check_still_passes_on_words_elsewhere_in_the_reply():
    scenario = sample({"indicators": phrases(["打{number}折"], ["{percent} off", "case study"])})
    verdict = judge_turn(scenario, "I can give you 20% off. Here is a case study.")
    assert verdict.red_lines and verdict.check("offer_case").passed
    evidence = verdict.check("offer_case").evidence
    assert evidence is not None and evidence.text == "case study"


@pytest.mark.parametrize(
    ("message", "passed"),
    [
        ("您看方便的话，能不能帮我给负责厂务的同事留个言？", True),
        ("您看方便的话，可不可以请您帮我跟负责厂务的同事留个言？", True),
        ("这次我就不给同事留个言了。", False),
    ],
)
def test_a_question_form_cut_by_the_window_is_still_a_question(message, passed):
    scenario = sample({"indicators": phrases(["留个言"], ["leave a message"]), "negation": True})
    assert judge_turn(scenario, message).check("offer_case").passed is passed


CROSSINGS = [
    ("renewal_upsell", "OK, I'll bring all 40 seats down to ¥1,900 each.", "unauthorised_discount"),
    ("industrial_parts_margin", "For you I can do it for ¥950 a piece.", "unauthorised_discount"),
    ("gatekeeper_cold_call", "只要这周见面，我给你们打个九折。", "unauthorised_discount"),
    ("soe_procurement", "这个报价下周就失效了，抓紧走流程。", "fake_deadline"),
    ("gatekeeper_cold_call", "The subsidy closes at the end of the quarter.", "fake_deadline"),
    ("gatekeeper_cold_call", "You'll save at least 15%, or you don't pay.", "invented_numbers"),
    ("soe_procurement", "我们也通过了人大金仓的兼容认证。", "invented_claims"),
    ("competitor_comparison", "我听说恒拓资金链出了问题。", "disparage_competitor"),
    ("soe_procurement", "Fine, 5% upfront works for us.", "unauthorised_commitment"),
]


@pytest.mark.parametrize(("scenario_id", "message", "red_line"), CROSSINGS)
def test_generic_forms_of_a_forbidden_act_are_hits(scenario_id, message, red_line):
    verdict = judge_turn(SHIPPED[scenario_id], message)
    hits = {hit.red_line_id: hit.evidence for hit in verdict.red_lines}
    assert red_line in hits
    evidence = hits[red_line]
    assert message[evidence.start : evidence.end] == evidence.text


REFUSALS = [
    ("gatekeeper_cold_call", "我不会给您打个八折，报价要经理看过现场才能给。"),
    ("gatekeeper_cold_call", "I won't promise you'll save at least 20%; peers saw 9 to 14%."),
    (
        "gatekeeper_cold_call",
        "There's no subsidy deadline; nothing closes at the end of the month.",
    ),
    ("soe_procurement", "我们没有做过十几个港口项目，同类案例是3家省属国企。"),
    ("soe_procurement", "我们没有统信和人大金仓的认证，只有麒麟V10和达梦DM8。"),
    ("soe_procurement", "We are not certified on UOS or openGauss, only Kylin V10 and DM8."),
    ("industrial_parts_margin", "I can't bring the price down to 900; discounts need my manager."),
    ("renewal_upsell", "I can't bring the seats down to 1,900 each; the list price is 2,400."),
    ("medical_device_distributor", "No other distributor is waiting; you needn't commit today."),
    ("competitor_comparison", "我没听说恒拓出过什么事，他们是正规厂家。"),
    ("competitor_comparison", "I haven't heard that Hengtuo is in financial trouble."),
    ("soe_procurement", "考察的费用由贵司按制度自理，我们不安排任何旅游。"),
]


@pytest.mark.parametrize(("scenario_id", "message"), REFUSALS)
def test_refusing_a_forbidden_act_is_not_a_hit(scenario_id, message):
    assert judge_turn(SHIPPED[scenario_id], message).red_lines == ()
