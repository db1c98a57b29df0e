"""Concept placeholders of the phrase language ({discount}, {deadline}, {guarantee},
{inducement}, {relationship}, {impersonation}, {disparagement}, {allegation}, {hearsay},
{tender_steering}):
each red-line type as one built-in pattern, so wording nobody listed is still caught in
Chinese and English, while refusals, questions and policy-conforming offers stay clean. The
sentences here were written for these tests, not taken from any labelled set. No database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coaching.engines.judge import judge_turn
from coaching.engines.text import CONCEPTS, guard_of, guarded, normalise, phrase_pattern
from coaching.scenario_model import build_scenario
from coaching.scenario_rules import rule_findings
from tests.support.scenario_sample import minimal_scenario, phrases

_HAN = re.compile("[\u4e00-\u9fff]")


def concept_line(*concepts: str):
    data = minimal_scenario()
    data["red_lines"][0].update(
        {
            "indicators": phrases([f"{{{c}}}" for c in concepts], [f"{{{c}}}" for c in concepts]),
            "counter_indicators": phrases(["两年…九五折"], ["two-year … {percent}"]),
        }
    )
    return build_scenario(data, Path("price_objection.json"), 80)


def crossed(concept: str, message: str) -> bool:
    return bool(judge_turn(concept_line(concept), message).red_lines)


HITS = {
    "discount": [
        "这样吧，我私下给您再便宜三千块。",
        "实施费这块我给您免了。",
        "您要是今天定，我给您打个八五折。",
        "单价我可以再降两百，就当交个朋友。",
        "I'll knock another 8% off if that gets it over the line.",
        "We can waive the installation fee for you this time.",
        "Let me bring the price down to ¥3,200 a seat.",
        "I'll throw in six months of support for free.",
        "给您个良心价，这个价别家拿不到。",
        "Renew now and I'll freeze your rate for three years.",
        "这个主我能做，每吨给您做到5800。",
        "返点这块我单独给您加一个点，您知我知。",
        "I'll take the pump down to ¥7,400 and sign that off myself.",
        "We'll do the install at 10% below our standard rate.",
    ],
    "deadline": [
        "这个价格下周一就要上调了，您得抓紧。",
        "这批货只剩三台了，卖完就没了。",
        "活动月底截止，过了就恢复原价。",
        "Prices go up on the first of next month, so I'd sign now.",
        "The promotion ends this Friday.",
        "We only have two units left at this spec.",
        "Unless you confirm by Thursday, I lose the slot.",
        "如果这周不续约，系统就会自动降级。",
        "明天您不定的话，这台车我只能给别的客户了。",
        "Unless the order is in this week, I can't promise you a delivery slot.",
        "We're down to the last few units of this model.",
        "We're only taking two more installs this quarter, so I'd need your answer by Monday.",
        "这批设备只剩三台，过了就重新排产了。",
        "Crews get moved to another site next week. Sign now, or it's a spring start.",
        "这个价只到本月20号，之后统一涨价。",
    ],
    "guarantee": [
        "我保证上线三个月就能回本。",
        "这套设备绝对不会出问题。",
        "I guarantee you'll cut handling time by a third.",
        "These pumps simply don't break down.",
        "这款泵在客户现场从来没出过一次故障。",
        "装上以后基本就告别非计划停机了。",
        "You won't see a single breakdown on that line again.",
        "Every logistics customer we have halved their picking errors.",
    ],
    "inducement": [
        "您帮我递个话，回头给您准备一张购物卡。",
        "周末请您吃个饭，顺便聊聊。",
        "I'll send you a gift card as a thank-you for the introduction.",
        "We could take you out to dinner next week.",
        "您女儿明年毕业的话，我们可以给她安排个好岗位。",
        "We could find your nephew a paid internship in Shanghai.",
        "您帮我引荐一下，我们公司有推荐奖励，单独给您一份。",
        "每盒给护士长留五块，费用我们出。",
        "I'd like to send your team a few bottles of wine for the holidays.",
    ],
    "relationship": [
        "刘总上次让我直接跟您联系。",
        "We already work with your finance team on the audit tools.",
        "Your director asked me to call you this week.",
        "我们跟贵司合作好几年了，这次想聊聊新项目。",
        "We've been supporting their chillers for years now.",
    ],
    "impersonation": [
        "您好，我是园区管委会的，想了解一下用电情况。",
        "I'm calling on behalf of your CEO about the energy review.",
    ],
    "hearsay": [
        "据我所知，他们那个工厂快停产了。",
        "Word is their main plant is for sale.",
        "圈里其实都知道他们换了老板。",
        "I happen to know their plant manager just quit.",
        "我听一个老同行说他们要被收购了。",
    ],
    "allegation": [
        "他们去年被客户起诉了，官司还没打完。",
        "那家公司欠了一屁股货款，随时可能断供。",
        "They had a product recall on a refinery job last spring.",
        "Their suppliers have not been paid for months.",
        "他们那份检测报告是找人代做的。",
    ],
    "tender_steering": [
        "我们可以把项目拆成三个小合同，就不用走招标了。",
        "技术参数我来帮您起个草，按我们的产品写。",
        "We could split the purchase into smaller orders to stay under the tender threshold.",
        "I'm happy to draft the scoring criteria for you.",
        "评分细则您提前发我看一眼，我们好准备。",
    ],
}

CLEAN = {
    "discount": [
        "折扣我做不了主，需要区域总监审批。",
        "签两年合同可以按价目表九五折，这是公开政策。",
        "他们的报价比我们便宜大约百分之十五。",
        "I can't take anything off the price myself.",
        "现金优惠我们门店真没权限给，您别为难我。",
        "Any discount beyond the price list needs our director's approval.",
        "Their quote is about 15% cheaper than ours, that's true.",
    ],
    "deadline": [
        "价格没有截止日期，您慢慢考虑。",
        "这个方案下个月也不会涨价。",
        "There's no deadline on this offer, take your time.",
        "您今天不签也没关系，我们先把试点做起来。",
        "If you don't order this week, delivery is still four to six weeks.",
        "Prices won't go up next month, so there is no rush.",
        "Any price change needs my manager's sign-off.",
        "We'll save you the last few yuan on freight by shipping with our regular run.",
    ],
    "guarantee": [
        "谁也不敢保证一定能省多少，我们先试点看数据。",
        "停机能不能降到零我不敢说，但可以按您的数据算。",
        "No vendor can guarantee a number like that before a pilot.",
        "The uptime figure is guaranteed in the contract, with service credits if we miss it.",
    ],
    "inducement": [
        "红包、购物卡这些我们一律不送。",
        "We never give gifts or cash to anyone involved in a purchase.",
        "宴请、购物卡也一概没有，我们只做学术推广。",
    ],
    "relationship": [
        "我们之前没有合作过，这是第一次联系。",
        "We haven't worked with your team before.",
    ],
    "impersonation": [
        "我是启衡能源的销售，不是园区的人。",
        "I'm not calling on behalf of anyone.",
        "I am not calling from the power company or the park office.",
    ],
    "hearsay": ["这是我们公开的检测报告。", "This is from our published test report."],
    "allegation": [
        "他们的报价比我们低，这是事实，我们比的是全生命周期成本。",
        "I have no reason to doubt their test reports; compare them with ours line by line.",
    ],
    "tender_steering": [
        "参数和评分标准我们不参与起草，一切按公开招标来。",
        "We will not help write the specification; the tender is yours to run.",
        "把项目拆成几个小合同规避招标的事我们不做。",
    ],
}


@pytest.mark.parametrize(("concept", "message"), [(c, m) for c, ms in HITS.items() for m in ms])
def test_a_concept_catches_wording_nobody_listed(concept, message):
    assert crossed(concept, message), message


@pytest.mark.parametrize(("concept", "message"), [(c, m) for c, ms in CLEAN.items() for m in ms])
def test_a_concept_leaves_refusals_and_policy_clean(concept, message):
    assert not crossed(concept, message), message


def test_every_concept_has_chinese_and_english_cases():
    for concept in CONCEPTS:
        if concept == "disparagement":
            continue  # used inside phrases, tested below
        for cases in (HITS[concept], CLEAN[concept]):
            assert any(_HAN.search(m) for m in cases), concept
            assert any(not _HAN.search(m) for m in cases), concept


def test_a_concept_inside_a_phrase_needs_its_literal_words():
    pattern = phrase_pattern("恒拓 … {disparagement}")
    assert pattern.startswith("恒拓")
    data = minimal_scenario()
    data["red_lines"][0].update(
        {"indicators": phrases(["恒拓…{disparagement}"], ["Hengtuo … {disparagement}"])}
    )
    scenario = build_scenario(data, Path("price_objection.json"), 80)
    assert judge_turn(scenario, "恒拓那边就是靠低价抢单。").red_lines
    assert judge_turn(scenario, "Hengtuo is a cut-price outfit.").red_lines
    assert not judge_turn(scenario, "我们担心返锈，所以做了盐雾试验。").red_lines
    assert not judge_turn(scenario, "Hengtuo quoted 38 yuan a kilo.").red_lines


def test_the_discount_guard_is_policy_in_the_clause_or_the_one_before():
    guard = guard_of("{discount}")
    assert guard is not None and guard_of("{inducement}") is None
    text = normalise("这需要总监审批，审批下来可以给您再让两个点。").text
    start = text.index("给您")
    assert guarded(guard, text, start, start + 2)
    text = normalise("I can give you 10% off. Let's talk about the rollout. It is simple.").text
    start = text.index("give")
    assert not guarded(guard, text, start, start + 4)


def test_a_free_pilot_guards_only_its_own_clause():
    scenario = concept_line("discount")
    assert not judge_turn(scenario, "我们可以免费给您做十个坐席的试点。").red_lines
    assert not judge_turn(scenario, "We can give you a free pilot on ten seats.").red_lines
    # A pilot mentioned in the clause before does not cover a price concession after it.
    assert judge_turn(scenario, "试板没问题，首批120吨我按43给您结。").red_lines
    assert judge_turn(scenario, "The pilot is fine, and I'll knock 5% off the order.").red_lines


def test_concept_placeholders_are_valid_in_scenario_files():
    data = minimal_scenario()
    data["red_lines"][0]["indicators"] = phrases(["{discount}"], ["{deadline}"])
    assert rule_findings(data, data["id"]) == []
    data["red_lines"][0]["indicators"] = phrases(["{discounts}"], ["{deadline}"])
    messages = [message for _, message in rule_findings(data, data["id"])]
    assert any("unknown placeholder {discounts}" in message for message in messages)


@pytest.mark.parametrize(
    ("concept", "message"),
    [
        ("discount", "我再给您便宜一点。"),
        ("deadline", "这个价格只保留到这周五。"),
        ("deadline", "今天是这一期活动的最后一天。"),
        ("guarantee", "这个效果我们有十足把握。"),
        ("guarantee", "这套系统零故障运行。"),
        ("inducement", "事成之后一点心意，您别推辞。"),
        ("relationship", "我们跟贵司一直有合作。"),
    ],
)
def test_numerals_inside_concept_words_are_matched_as_number_tokens(concept, message):
    # "一点", "周五", "一期", "十足", "零故障", "一直" are number tokens once normalised.
    assert crossed(concept, message), message


@pytest.mark.parametrize(
    "message",
    [
        "给医生、护士的任何费用，我们既不承担也不允许。",
        "任何形式的回扣，公司一律不做。",
        "Any gift card for your staff, we never offer.",
        "Any commission for you personally is out of the question.",
        "Paying anyone a commission for you is something we will never do.",
        "给您个人的回扣是严禁的。",
    ],
)
def test_a_refusal_of_any_such_thing_in_the_next_clause_or_after_it_is_not_a_hit(message):
    assert not crossed("inducement", message), message


@pytest.mark.parametrize(
    "message",
    ["给医生的红包，我们来出。", "A commission for you, we can arrange that."],
)
def test_without_any_the_next_clause_does_not_negate(message):
    assert crossed("inducement", message), message


def test_a_concept_alone_is_searched_in_each_script_of_the_reply():
    scenario = concept_line("discount")
    assert judge_turn(scenario, "我给您打个八折。").red_lines
    assert judge_turn(scenario, "I'll knock 5% off.").red_lines
    # Mixed scripts: both halves are tried.
    verdict = judge_turn(scenario, "王总，I'll knock 5% off 这个订单。")
    assert [hit.evidence.text for hit in verdict.red_lines] == ["knock 5% off"]
    assert not judge_turn(scenario, "王总您好，我们先聊聊预算。").red_lines


SHIPPED_CONCEPTS = {
    "unauthorised_discount": "{discount}",
    "fake_deadline": "{deadline}",
    "invented_numbers": "{guarantee}",
    "invented_claims": "{guarantee}",
    "invented_features": "{guarantee}",
    "inducement": "{inducement}",
    "improper_payment": "{inducement}",
    "improper_benefit": "{inducement}",
    "fake_relationship": "{relationship}",
    "impersonation": "{impersonation}",
    "false_competitor_claims": "{hearsay}",
    "tender_circumvention": "{tender_steering}",
}


def test_the_shipped_red_lines_use_their_type_concept_in_both_languages():
    from coaching.scenario import load_scenarios

    found = 0
    for scenario in load_scenarios(strict=True):
        for line in scenario.red_lines:
            concept = SHIPPED_CONCEPTS.get(line.id)
            if concept is None:
                continue
            found += 1
            assert concept in line.indicators.zh, (scenario.id, line.id)
            assert concept in line.indicators.en, (scenario.id, line.id)
    assert found >= 25


def test_the_prefilter_reads_the_first_characters_of_a_pattern():
    from coaching.engines.text_prefilter import first_characters, prefiltered

    assert first_characters("(?:给您|我)降价|打折") == frozenset("给我打")
    assert first_characters("(?<![a-z])(?:knock|take) off") == frozenset("kt")
    assert first_characters("a?b") == frozenset("ab")
    assert first_characters("x*") is None  # can match the empty string
    assert first_characters("[^x]y") is None  # a negated class: any character
    assert first_characters("[\u4e00-\u9fff]总") is None  # too wide to list
    assert prefiltered("x*") == "x*"


@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_a_prefiltered_concept_matches_exactly_what_the_bare_pattern_matches(concept):
    from coaching.engines.text_concepts import _PARTS, _alt

    zh, en, _ = _PARTS[concept]
    bare = re.compile(zh if zh == en else _alt(zh, en))
    fast = re.compile(CONCEPTS[concept][0])
    assert fast.pattern != bare.pattern or concept == "relationship"
    for message in [*HITS.get(concept, []), *CLEAN.get(concept, [])] + [
        "恒拓就是靠低价抢单，质量不行。",
        "Hengtuo is a cut-price outfit.",
    ]:
        text = normalise(message).text
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in bare.finditer(text)]
