"""The `rules` judge: normalisation, numbers, placeholders, evidence, red lines (issue 6 §3)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.engines.judge import judge_turn
from coaching.engines.text import (
    detect_language,
    normalise,
    parse_chinese_number,
    parse_english_number,
    phrase_pattern,
)
from coaching.scenario import load_scenarios
from coaching.scenario_model import Check, Criterion, Phrases, RedLine


def matches(phrase: str, message: str) -> str | None:
    """The rep's words that `phrase` matches in `message`, or None."""
    folded = normalise(message)
    found = re.search(phrase_pattern(phrase), folded.text)
    if found is None:
        return None
    start, end = folded.span(*found.span())
    return message[start:end]


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios(strict=True)


# --- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("ROI", "ＲＯＩ很高"),  # full-width letters
        ("预算范围", "您的“预算”·范围大概是？"),  # punctuation inside the phrase
        ("预算范围", "预算 范围"),  # spaces
        ("budget range", "What's your BUDGET-RANGE?"),  # case, hyphen
        ("budget range", "budget\u3000range"),  # ideographic space
        ("i'll give you", "I’ll give you"),  # curly apostrophe
        ("like for like", "like-for-like"),
        ("开放API", "开放 ａｐｉ"),
    ],
)
def test_width_case_punctuation_and_spaces_do_not_matter(phrase, message):
    assert matches(phrase, message) is not None


def test_no_whitespace_tokenising_needed():
    assert matches("试点", "我们可以先做个试点看看效果") == "试点"
    assert matches("pilot", "a pilot-first approach") == "pilot"


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一百二十", 120),
        ("十六万", 160000),
        ("两万", 20000),
        ("两万五", 25000),
        ("三千五", 3500),
        ("一百零五", 105),
        ("十", 10),
        ("二〇二四", 2024),
    ],
)
def test_chinese_numerals(text, value):
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("one", 1), ("twenty-five", 25), ("two hundred", 200), ("three thousand", 3000)],
)
def test_english_number_words(text, value):
    assert parse_english_number(text) == value


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("30", "三十"),
        ("1,200", "1200"),
        ("一千二百", "1200"),
        ("两万", "20000"),
        ("1.5万", "15000"),
        ("十六万", "160,000"),
        ("200k", "200000"),
        ("30%", "百分之三十"),
        ("30%", "三成"),
        ("30%", "30 percent"),
        ("30%", "30 per cent"),
        ("30%", "３０％"),
        ("1.5倍", "1.5 倍"),
        ("三个月", "3个月"),
        ("two options", "2 options"),
        ("8年或16万公里", "八年或十六万公里"),
    ],
)
def test_numbers_are_values_whatever_their_form(left, right):
    # A Chinese magnitude (万, 亿) stays after the value token so "万元" is still found.
    assert normalise(left).text.replace("万", "") == normalise(right).text.replace("万", "")
    assert matches(left, right) == right.strip()
    assert matches(right, left) is not None


def test_half_a_year_is_a_number():
    assert matches("{number}年", "大概半年") == "半年"


def test_cheng_in_words_is_not_a_share():
    assert matches("{percent}", "成本三成本") is None
    assert matches("{percent}", "能省三成成本") == "三成"


@pytest.mark.parametrize(
    "message", ["30个坐席", "三十个坐席", "一百二十个坐席", "1,200个坐席", "两万个坐席"]
)
def test_number_placeholder_matches_any_number(message):
    assert matches("先上{number}个坐席", "我们先上" + message) is not None


@pytest.mark.parametrize(
    "message",
    ["效率提升30%", "效率提升三成", "效率提升百分之三十", "效率提升30 %", "效率提升３０％"],
)
def test_percent_placeholder_matches_shares(message):
    assert matches("提升{percent}", message) is not None


def test_percent_placeholder_needs_a_share():
    assert matches("提升{percent}", "效率提升30个") is None
    assert matches("cut by {percent}", "cut by 30 percent") == "cut by 30 percent"
    assert matches("cut by {percent}", "cut by 30 people") is None


def test_number_placeholder_accepts_a_share_too():
    assert matches("{number}的处理时长", "30%的处理时长") is not None


@pytest.mark.parametrize(
    ("phrase", "message", "expected"),
    [
        ("ROI {number}倍", "ROI 1.5 倍", "ROI 1.5 倍"),
        ("ROI {number}倍", "ROI一点五倍", None),  # 一点五 is not a numeral form we read
        ("{number}个月回本", "大概三个月回本", "三个月回本"),
        ("相当于{number}万", "相当于30万", "相当于30万"),
        ("{number} to {number} minutes", "3-5 minutes", "3-5 minutes"),
        ("{number}到{number}分钟", "3～5分钟", "3～5分钟"),
        ("by {percent}", "fell 9 to 14 percent", None),
        ("fell {percent}", "fell 9 to 14 percent", "fell 9 to 14 percent"),
    ],
)
def test_placeholders_in_phrases(phrase, message, expected):
    assert matches(phrase, message) == expected


def test_literal_numbers_in_phrases_match_the_value_only():
    assert matches("ISO 27001", "我们有ISO27001证书") == "ISO27001"
    assert matches("ISO 27001", "我们有ISO 9001证书") is None
    assert matches("麒麟V10", "支持麒麟 v10") == "麒麟 v10"


def test_language_detection():
    assert detect_language("我们可以先做试点") == "zh"
    assert detect_language("We can start with a pilot") == "en"
    assert detect_language("我们有开放API和SDK") == "zh"
    assert detect_language("") == "en"


# --- judge_turn ---------------------------------------------------------------------------


def test_checks_pass_with_verbatim_evidence(scenarios):
    scenario = scenarios["b2b_software_price"]
    message = "王总，今年这块的预算大概是多少？我们可以先做３０天免费试用，或者１０天试用。"
    verdict = judge_turn(scenario, message)
    assert verdict.language == "zh"
    assert verdict.scenario_id == scenario.id and verdict.rubric_hash == scenario.rubric_hash
    budget = verdict.check("disc_budget_range")
    assert budget.passed and budget.criterion_id == "discovery"
    assert budget.evidence.text == "预算大概"
    proof = verdict.check("roi_proof")
    assert proof.passed
    assert message[proof.evidence.start : proof.evidence.end] == proof.evidence.text
    assert proof.evidence.text == "免费试用"
    assert not verdict.check("neg_tiers").passed
    assert verdict.check("neg_tiers").evidence is None
    assert len(verdict.checks) == sum(len(c.checks) for c in scenario.criteria)


def test_counter_indicator_fails_the_check(scenarios):
    scenario = scenarios["b2b_software_price"]
    fair = judge_turn(scenario, "我们同口径比一下，看看他们含不含实施费。")
    assert fair.check("obj_like_for_like").passed
    unfair = judge_turn(scenario, "我们同口径比一下，说实话便宜没好货。")
    check = unfair.check("obj_like_for_like")
    assert not check.passed and check.evidence is None
    assert check.counter_evidence.text == "便宜没好货"


def test_both_languages_are_tried_the_replys_first(scenarios):
    scenario = scenarios["soe_procurement"]
    verdict = judge_turn(scenario, "我们提供开放的 SDK，方便贵方二次开发。")
    assert verdict.check("sol_api_sdk").passed
    mixed = judge_turn(scenario, "We also offer 源码托管 with clear release conditions.")
    assert mixed.language == "en"
    assert mixed.check("sol_escrow").evidence.text == "源码托管"


def test_language_argument_is_accepted(scenarios):
    scenario = scenarios["nev_buyer"]
    assert judge_turn(scenario, "Take your time.", language="en-US").language == "en"
    with pytest.raises(ValueError):
        judge_turn(scenario, "Take your time.", language="fr")


def test_red_lines_are_detected_with_evidence(scenarios):
    scenario = scenarios["soe_procurement"]
    message = "放心，我再给您降５％，价格好商量。"
    verdict = judge_turn(scenario, message)
    [hit] = verdict.red_lines
    assert hit.red_line_id == "unauthorised_discount"
    assert hit.evidence.text == "我再给您降５％"
    assert message[hit.evidence.start : hit.evidence.end] == hit.evidence.text
    assert judge_turn(scenario, "价格保持不变，预付不低于20%。").red_lines == ()


def test_a_rubric_change_is_seen(scenarios):
    scenario = scenarios["nev_buyer"]
    extra = Criterion(
        id="extra",
        capability="closing",
        weight=1,
        title=scenario.criteria[0].title,
        checks=(
            Check(
                "asks_colour",
                scenario.criteria[0].checks[0].question,
                Phrases(("颜色",), ("colour",)),
            ),
        ),
        model_answer=scenario.criteria[0].model_answer,
    )
    changed = replace(
        scenario,
        criteria=(*scenario.criteria, extra),
        red_lines=(RedLine("x", extra.title, Phrases(("免费送",), ("free gift",)), extra.title),),
        rubric_hash="changed",
    )
    verdict = judge_turn(changed, "您喜欢什么颜色？我们免费送脚垫。")
    assert verdict.check("asks_colour").passed
    assert [hit.red_line_id for hit in verdict.red_lines] == ["x"]


def test_empty_and_long_messages(scenarios):
    scenario = scenarios["gatekeeper_cold_call"]
    assert judge_turn(scenario, "").passed_check_ids == ()
    long = "不好意思打扰您。" + "嗯" * 10_000
    assert judge_turn(scenario, long).check("respect_gatekeeper").passed


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_deterministic_and_evidence_is_verbatim(scenarios, message):
    for scenario in scenarios:
        first = judge_turn(scenario, message)
        assert judge_turn(scenario, message) == first
        for check in first.checks:
            if check.evidence is not None:
                assert message[check.evidence.start : check.evidence.end] == check.evidence.text
        for hit in first.red_lines:
            assert message[hit.evidence.start : hit.evidence.end] == hit.evidence.text


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_numbers_keep_their_value(value):
    assert normalise(str(value)).text == normalise(f"{value:,}").text
    assert Decimal(normalise(str(value)).text[1:-1]) == value
