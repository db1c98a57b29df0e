"""Numbers in rep replies and phrases: their tokens in normalised text, and how Chinese, English
and Arabic numbers and shares are read (see `coaching.engines.text`)."""

from __future__ import annotations

import re
from decimal import Decimal

NUMBER_MARK = "\ue000"
"""Opens the token of a plain number; the value follows, then END_MARK."""
PERCENT_MARK = "\ue001"
"""Opens the token of a share (30%, 三成, 百分之三十); the value (30) follows, then END_MARK."""
END_MARK = "\ue002"
RANGE_MARK = "\ue003"
"""Stands for the connector of a range between two numbers: "3-5", "3 to 5", "3到5", "3～5"."""
CLAUSE_MARK = "\ue004"
"""Stands for clause punctuation (。，,;：!? and a sentence-ending full stop)."""
_MAGNITUDES_KEPT = "万亿"
_ONE_NUMBER = f"[{NUMBER_MARK}{PERCENT_MARK}][0-9.]*{END_MARK}[{_MAGNITUDES_KEPT}]?"
_ONE_PERCENT = f"{PERCENT_MARK}[0-9.]*{END_MARK}"
ANY_NUMBER = f"{_ONE_NUMBER}(?:{RANGE_MARK}{_ONE_NUMBER})?"
"""What `{number}` matches: a number token, or a range of two ("3-5", "9 to 14%")."""
ANY_PERCENT = f"{_ONE_PERCENT}(?:{RANGE_MARK}{_ONE_PERCENT})?"
_CURRENCY = "元|块钱|块|人民币|美元|rmb|yuan|dollars?|usd|bucks"
_NOT_MONEY_AFTER = (
    "(?![\u3400-\u9fff](?<![元块人美万亿]))(?! [\ue000\ue001])"
    "(?! ?(?:hours?|days?|weeks?|months?|years?|minutes?|seats?|sets?|units?|km|kg|people|agents?"
    "|times|tonnes?|plants?|stations?|cars?|pieces?)(?![a-z]))"
)
_ONE_AMOUNT = f"{NUMBER_MARK}[0-9.]*{END_MARK}[{_MAGNITUDES_KEPT}]?"
_AMOUNT = f"{_ONE_AMOUNT}(?:{RANGE_MARK}{_ONE_AMOUNT})?"
ANY_MONEY = (
    f"(?:(?:rmb|usd) ?{_AMOUNT}|{_AMOUNT})(?:(?: ?(?:{_CURRENCY})(?![a-z]))|{_NOT_MONEY_AFTER})"
)
"""What `{money}` matches: a number with a currency unit (80万元, 5,000 yuan), or a number with
no other unit after it (降到2200, not 降到88小时)."""


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_CN_MAGNITUDE = {"千": 1000, "百": 100, **_CN_BIG_UNITS}

_EN_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_EN_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_EN_ONES = "one|two|three|four|five|six|seven|eight|nine"
_EN_ANY_UNIT = "|".join(sorted(_EN_UNITS, key=len, reverse=True))
_EN_BASE = rf"(?:(?:{_EN_TENS})[\s-]+(?:{_EN_ONES})\b|(?:{_EN_ANY_UNIT})\b)"
_EN_SCALE = "hundred|thousand|million|billion"
_EN_NUM = rf"\b{_EN_BASE}(?:[\s-]+(?:{_EN_SCALE})\b(?:[\s-]+{_EN_BASE})?)*"

_CN_NUM = "[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
_ARABIC = r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_PERCENT_WORD = r"\s*(?:%|percent\b|per\s?cent\b|pct\b)"
# 成 after a number is a share (三成 = 30%) unless it starts a word (成本, 成功, 成交 …).
_NOT_SHARE_AFTER_CHENG = "本功交为果绩立熟员型品长就单"

NUMBER_RE = re.compile(
    rf"""
    (?P<cn_percent>百分之\s*(?:(?P<cnp_ar>{_ARABIC})|(?P<cnp_cn>{_CN_NUM}|百)))
    | (?P<arabic>{_ARABIC})\s*(?P<ar_mag>[万亿千百](?![分]))?(?P<ar_k>k(?![a-z]))?
      (?:\s*(?P<ar_scale>thousand|million|billion)\b)?
      (?P<ar_pct>{_PERCENT_WORD})?(?P<ar_cheng>成(?![{_NOT_SHARE_AFTER_CHENG}]))?
    | (?P<cn>{_CN_NUM})(?P<cn_cheng>成(?![{_NOT_SHARE_AFTER_CHENG}]))?
    | (?P<half>(?<![0-9零〇一二两三四五六七八九十])半(?=[年天月个小周]))
    | (?P<en>{_EN_NUM})(?P<en_pct>{_PERCENT_WORD})?
    """,
    re.VERBOSE,
)


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_chinese_number(text: str) -> Decimal:
    """'一百二十' → 120, '十六万' → 160000, '两万五' → 25000, '二〇二四' → 2024."""
    if all(ch in _CN_DIGITS for ch in text):
        return Decimal("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = number = 0
    last_unit = 1
    for ch in text:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
            continue
        if ch in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[ch]
            section += (number or (1 if ch == "十" else 0)) * unit
        else:
            unit = _CN_BIG_UNITS[ch]
            total += (section + number) * unit
            section = 0
        number = 0
        last_unit = unit
    if number and last_unit >= 100 and text[-2] in _CN_MAGNITUDE:
        # 三千五 = 3500, 两万五 = 25000: a digit right after a unit of 100 or more.
        number *= last_unit // 10
    return Decimal(total + section + number)


def parse_english_number(text: str) -> Decimal:
    """'twenty-five' → 25, 'two hundred and ten' → 210, 'one' → 1."""
    total = current = 0
    for word in re.split(r"[\s-]+", text):
        if word == "and" or not word:
            continue
        if word in _EN_UNITS:
            current += _EN_UNITS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _EN_SCALES[word]
            current = 0
    return Decimal(total + current)


def _value_of(match: re.Match[str]) -> tuple[Decimal, bool]:
    """(value, is_share) of a NUMBER_RE match."""
    group = match.group
    if group("cn_percent"):
        if group("cnp_ar"):
            return Decimal(group("cnp_ar").replace(",", "")), True
        raw = group("cnp_cn")
        return (Decimal(100) if raw == "百" else parse_chinese_number(raw)), True
    if group("arabic") is not None:
        value = Decimal(group("arabic").replace(",", ""))
        if group("ar_mag"):
            value *= _CN_MAGNITUDE[group("ar_mag")]
        if group("ar_k"):
            value *= 1000
        if group("ar_scale"):
            value *= _EN_SCALES[group("ar_scale")]
        if group("ar_cheng"):
            return value * 10, True
        return value, bool(group("ar_pct"))
    if group("cn") is not None:
        value = parse_chinese_number(group("cn"))
        if group("cn_cheng"):
            return value * 10, True
        return value, False
    if group("half"):
        return Decimal("0.5"), False
    return parse_english_number(group("en")), bool(group("en_pct"))


def number_token(value: Decimal, share: bool) -> str:
    return (PERCENT_MARK if share else NUMBER_MARK) + _decimal_text(value) + END_MARK


_RANGE = re.compile(r"\s*(?:to|-|–|—|~|到|至)\s*")
