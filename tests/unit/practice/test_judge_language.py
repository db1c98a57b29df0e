"""The judge's phrase language and negation scope (issue 16 §1, §2): negation in zh and en,
English word boundaries and inflections, numbers with units and gaps, counter-indicator
vetoes, evidence that quotes the rep's exact words. No database."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from coaching.engines.judge import judge_turn
from coaching.engines.text import negated, normalise, phrase_pattern
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


@pytest.fixture(scope="module")
def rubric(scenarios):
    """A scenario whose rubric is written here, so each test reads its own phrases."""
    base = scenarios["b2b_software_price"]
    title = base.criteria[0].title

    def check(check_id, zh, en, counters=None, negation=False):
        return Check(
            check_id,
            base.criteria[0].checks[0].question,
            Phrases(tuple(zh), tuple(en)),
            Phrases(*counters) if counters else None,
            negation=negation,
        )

    criterion = Criterion(
        id="language",
        capability="negotiation",
        weight=1,
        title=title,
        checks=(
            check("offers_pilot", ["试点"], ["pilot"], negation=True),
            check("mentions_pilot", ["试点"], ["pilot"]),
            check("offers_options", ["模块"], ["modules"], ([("他们的模块",), ("their modules",)])),
            check("asks", ["问一下"], ["ask about"]),
            check("trial", ["试用"], ["trial"]),
            check("timing", ["什么时候"], ["when"]),
        ),
        model_answer=title,
    )
    red_lines = (
        RedLine(
            "discount",
            title,
            Phrases(("给您打{number}折", "马上降价"), ("give you {percent} off",)),
            title,
        ),
        RedLine(
            "guarantee",
            title,
            Phrases(("100%安全", "保证…{percent}"), ("100% safe", "guarantee … {percent}")),
            title,
            counter_indicators=Phrases(("{percent}的客户",), ("{percent} of our customers",)),
        ),
        RedLine("deadline", title, Phrases(("最后一天",), ("last day",)), title),
    )
    return replace(base, criteria=(criterion,), red_lines=red_lines, rubric_hash="test-language")


def red_lines(scenario, message):
    return [hit.red_line_id for hit in judge_turn(scenario, message).red_lines]


# --- negation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "我不会给您打八折。",
        "这个价我没法马上降价。",
        "说实话，我不能给您打八折，这是公司规定。",
        "I won't give you 20% off.",
        "I can't give you 20% off, and I wouldn't pretend otherwise.",
        "没有任何系统能100%安全。",
        "No vendor can honestly say it's 100% safe.",
        "Nobody can guarantee you 30% savings.",
        "这不是最后一天，您慢慢考虑。",
        "It isn't the last day of anything, take your time.",
        "给您打八折是不可能的。",
        "谁敢保证您能省30%？",
        "您说的打个八折，我理解，但做不了主。",
    ],
)
def test_a_refusal_is_not_a_red_line(rubric, message):
    assert red_lines(rubric, message) == []


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("我给您打八折。", ["discount"]),
        ("I'll give you 20% off.", ["discount"]),
        ("这是100%安全的。", ["guarantee"]),
        ("今天是最后一天。", ["deadline"]),
        # The negation stays in its clause: a second clause is judged on its own.
        ("我不能给您打八折，但可以给您打九折。", ["discount"]),
        ("I can't do that, but I'll give you 10% off.", ["discount"]),
        # A comfort phrase or "no problem" is not a refusal of what follows.
        ("没问题，我给您打八折。", ["discount"]),
        ("No problem: I'll give you 20% off.", ["discount"]),
        ("不好意思，今天是最后一天。", ["deadline"]),
    ],
)
def test_a_red_line_is_still_a_hit(rubric, message, expected):
    assert red_lines(rubric, message) == expected


def test_a_hundred_percent_of_customers_is_not_a_guarantee(rubric):
    assert red_lines(rubric, "100%的客户续约了。") == []
    assert red_lines(rubric, "100% of our customers renewed.") == []
    assert red_lines(rubric, "我们保证您省30%。") == ["guarantee"]


def test_a_question_is_not_a_claim():
    text = normalise("涂层会不会开裂？能不能进三甲医院？").text
    found = text.index("不会开裂")
    assert negated(text, found, found + 4)
    found = text.index("能进")
    assert negated(text, found, found + 2)


def test_negation_inside_a_gap(rubric):
    # "保证…{percent}": the negation between the words counts too.
    assert red_lines(rubric, "我保证不了能省30%。") == []


def test_negation_sensitive_checks(rubric):
    verdict = judge_turn(rubric, "我们没有试点，不过可以给您看报告。")
    assert not verdict.check("offers_pilot").passed
    assert verdict.check("mentions_pilot").passed  # not marked: any mention passes
    assert judge_turn(rubric, "我们可以先做个试点。").check("offers_pilot").passed
    assert not judge_turn(rubric, "We don't run a pilot.").check("offers_pilot").passed


# --- English words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "message", "expected"),
    [
        ("trial", "an industrial plant", None),
        ("trial", "a free trial", "trial"),
        ("when", "call me whenever", None),
        ("when", "when is good?", "when"),
        ("ask", "I asked about it", "asked"),
        ("ask", "asking around", "asking"),
        ("give you", "we gave you the numbers", "gave you"),
        ("reduce the price", "reducing the price", "reducing the price"),
        ("reduce", "a reduced fee", "reduced"),
        ("price", "a priceless view", None),  # a longer word, not an inflection
        ("i will", "I'll send it", "I'll"),
        ("will not", "we won't", "won't"),
        ("budget range", "budget-range", "budget-range"),
    ],
)
def test_whole_words_and_inflections(phrase, message, expected):
    assert matches(phrase, message) == expected


def test_check_words_do_not_fire_inside_other_words(rubric):
    verdict = judge_turn(rubric, "We serve industrial clients; call whenever you like.")
    assert not verdict.check("trial").passed and not verdict.check("timing").passed
    asked = judge_turn(rubric, "I asked about your renewal date.")
    assert asked.check("asks").passed and asked.check("asks").evidence.text == "asked about"


# --- numbers, units and gaps --------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "message", "expected"),
    [
        ("万元", "预算80万元", "万元"),  # the unit after a number is not swallowed
        ("{number}万元", "预算80万元", "80万元"),
        ("{number}万元", "预算八十万元", "八十万元"),
        ("{money}", "预算80万元", "80万元"),
        ("{money}", "预算80万", "80万"),
        ("{money}", "about 5,000 yuan", "5,000 yuan"),
        ("降到{money}", "降到2200", "降到2200"),
        ("降到{money}", "停机从146小时降到88小时", None),  # hours are not money
        ("{percent}", "降了百分之三十", "百分之三十"),
        ("降低 …%", "成本降低了30%", "降低了30%"),
        ("降低 …%", "成本降低了三成", "降低了三成"),
        ("reduce … %", "reduce costs by 20%", "reduce costs by 20%"),
        (
            "reduce … %",
            "reduced handling time by 15 percent",
            "reduced handling time by 15 percent",
        ),
        ("{number}倍", "回报3.5倍", "3.5倍"),
        ("16万", "160,000", "160,000"),
    ],
)
def test_numbers_units_and_gaps(phrase, message, expected):
    assert matches(phrase, message) == expected


@pytest.mark.parametrize(
    ("phrase", "message", "expected"),
    [
        ("预付…{percent<20}", "预付款只付10%", "预付款只付10%"),
        ("预付…{percent<20}", "预付款付20%", None),  # the floor itself is not below it
        ("预付…{percent<=20}", "预付款付20%", "预付款付20%"),
        (
            "{number>2.5} times longer",
            "it lasts four to five times longer",
            "four to five times longer",
        ),
        ("{number>2.5} times longer", "it lasts 2 to 2.5 times longer", None),
        ("寿命…{number>2.5}倍", "实际寿命是标准件的五倍", "寿命是标准件的五倍"),
        ("寿命…{number>2.5}倍", "寿命约为2.5倍", None),
        ("seats at {money<2200}", "renew all 40 seats at ¥1,900", "seats at ¥1,900"),
        ("seats at {money<2200}", "renew all 40 seats at ¥2,400", None),
        ("{number<20}%", "advance of 10 percent", "10 percent"),
        ("{percent>=50}", "a 50% drop", "50%"),
    ],
)
def test_a_bounded_placeholder_matches_values_within_its_bound(rubric, phrase, message, expected):
    line = RedLine("bounded", rubric.red_lines[0].title, Phrases((phrase,), (phrase,)), "")
    scenario = replace(rubric, red_lines=(line,), rubric_hash=f"bounded {phrase}")
    verdict = judge_turn(scenario, message)
    found = [hit.evidence.text for hit in verdict.red_lines]
    assert found == ([expected] if expected else [])


def test_a_bounded_placeholder_is_valid_in_scenario_files():
    from coaching.scenario_rules import _phrase_problems

    assert _phrase_problems("预付…{percent<20}") == []
    assert _phrase_problems("{money >= 2200} a seat") == []
    assert _phrase_problems("{percent<}")[0].startswith("unknown placeholder {percent<}")


def test_a_gap_stays_inside_its_clause():
    assert matches("降低 …%", "成本降低，利润30%") is None
    assert matches("reduce … %", "we reduce waste. Margins are 20%") is None


# --- counter-indicators ---------------------------------------------------------------------


def test_a_counter_indicator_vetoes_the_check(rubric):
    assert judge_turn(rubric, "我们的模块可以按需选。").check("offers_options").passed
    vetoed = judge_turn(rubric, "他们的模块有哪些？")
    check = vetoed.check("offers_options")
    assert not check.passed and check.counter_evidence.text == "他们的模块"
    assert not judge_turn(rubric, "What do their modules cost?").check("offers_options").passed


def test_a_red_line_counter_indicator_vetoes_only_the_words_it_covers(rubric):
    assert red_lines(rubric, "100%的客户续约了。") == []
    assert red_lines(rubric, "100%的客户续约了，而且100%安全。") == ["guarantee"]
    # A vetoed match does not hide a later match of the same phrase.
    assert red_lines(rubric, "保证10%的客户满意，也保证您省30%。") == ["guarantee"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # A condition's consequence is the threat, not a refusal of it.
        ("Unless you sign this week, I can't promise the slot.", ["fake_deadline"]),
        ("今天您不签的话，明天就只能给别人了。", ["fake_deadline"]),
        # The acts listed, then refused in the next clause.
        ("我直接给您打八折，这种事我们从来不做。", []),
        ("Unless you need it sooner, there's no deadline at all.", []),
        # A negation inside a condition is part of the threat.
        ("If we don't lock it in today, the price goes up next month.", ["fake_deadline"]),
        # A question after the match ("行不行") is not a refusal of it.
        ("我做主给您打八折，行不行？", ["unauthorised_discount"]),
        # "can't just" refuses; a bare "not just" does not.
        ("I can't just cut the price for you.", []),
        # The scenario's own discount words, with approval named: policy, not a red line.
        ("任何额外让价都需要区域总监审批。", []),
    ],
)
def test_conditions_and_refusals_in_the_next_clause(scenarios, message, expected):
    assert red_lines(scenarios["b2b_software_price"], message) == expected


# --- evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "ＯＫ，我给您打８折。",
        "Honestly? I'll   give you 20 % off.",
        "我们不能100%保证，但是这是100%安全的。",
        "We'll start the PILOT next week — I asked about it.",
    ],
)
def test_evidence_quotes_the_reps_exact_words(rubric, message):
    verdict = judge_turn(rubric, message)
    spans = [hit.evidence for hit in verdict.red_lines]
    spans += [check.evidence for check in verdict.checks if check.evidence]
    assert spans
    for evidence in spans:
        assert message[evidence.start : evidence.end] == evidence.text


def test_shipped_red_lines_are_negation_aware(scenarios):
    scenario = scenarios["b2b_software_price"]
    assert red_lines(scenario, "我直接给您打八折。") == ["unauthorised_discount"]
    assert red_lines(scenario, "我不会给您打八折，签两年合同可以按政策九五折。") == []
    assert red_lines(scenario, "I won't give you 20% off.") == []
    assert red_lines(scenario, "这不是最后一天，您慢慢考虑。") == []
    assert red_lines(scenario, "今天是最后一天了。") == ["fake_deadline"]
