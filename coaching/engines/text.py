"""Text normalisation for the `rules` judge: Chinese and English alike, no word tokenising.

`normalise(text)` folds width (NFKC: full-width → half-width), case (casefold) and drops
punctuation, spaces and symbols, so "ＲＯＩ　１.５ 倍！" and "roi 1.5倍" look the same. Numbers
are recognised as numbers and replaced by one token carrying their value, whatever their
form: Arabic (30, 1.5, 1,200, 200k), Chinese (三, 两万, 一百二十, 十六万, 1.5万), English words
(two, twenty-five, two hundred) and shares (30%, 30 percent, 三成, 百分之三十). Every character of
the normalised text keeps the span of the original characters it came from, so a match can
be turned back into the writer's exact words (`Normalised.span`).

Phrases (indicators) go through the same normalisation, so a literal number in a phrase
matches the same value in any form ("16万" matches "十六万"); `{number}` matches any number
token and `{percent}` a share token (`phrase_pattern`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

NUMBER_MARK = "\ue000"
"""Opens the token of a plain number; the value follows, then END_MARK."""
PERCENT_MARK = "\ue001"
"""Opens the token of a share (30%, 三成, 百分之三十); the value (30) follows, then END_MARK."""
END_MARK = "\ue002"
RANGE_MARK = "\ue003"
"""Stands for the connector of a range between two numbers: "3-5", "3 to 5", "3到5", "3～5"."""
_ONE_NUMBER = f"[{NUMBER_MARK}{PERCENT_MARK}][0-9.]*{END_MARK}"
_ONE_PERCENT = f"{PERCENT_MARK}[0-9.]*{END_MARK}"
ANY_NUMBER = f"{_ONE_NUMBER}(?:{RANGE_MARK}{_ONE_NUMBER})?"
"""What `{number}` matches: a number token, or a range of two ("3-5", "9 to 14%")."""
ANY_PERCENT = f"{_ONE_PERCENT}(?:{RANGE_MARK}{_ONE_PERCENT})?"


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


def _dropped(ch: str) -> bool:
    """Punctuation, separators, symbols and controls do not take part in matching."""
    return unicodedata.category(ch)[0] in "PZSC"


@dataclass(frozen=True)
class Normalised:
    """A text folded for matching, with the original span of every folded character."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that the folded [start, end) came from."""
        return self.starts[start], self.ends[end - 1]


def _fold(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC and casefold per original character; every folded character keeps its source."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).casefold()
        for out in folded:
            chars.append(out)
            starts.append(index)
            ends.append(index + 1)
    return "".join(chars), starts, ends


def normalise(text: str) -> Normalised:
    folded, starts, ends = _fold(text)
    numbers = [(match, *_value_of(match)) for match in NUMBER_RE.finditer(folded)]
    ranges = set()
    for index in range(len(numbers) - 1, 0, -1):
        # A range shares its unit: "9 to 14%", "9%–14%", "百分之九到十四" are all shares.
        (before, value, share), (after, value_after, share_after) = numbers[index - 1 : index + 1]
        if not _RANGE.fullmatch(folded[before.end() : after.start()]):
            continue
        ranges.add(index)
        if share_after and not share:
            numbers[index - 1] = (before, value, True)
        elif share and not share_after:
            numbers[index] = (after, value_after, True)
    out: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    position = 0
    for index, (match, value, share) in enumerate(numbers):
        if index in ranges:
            out.append(RANGE_MARK)
            out_starts.append(starts[position])
            out_ends.append(ends[match.start() - 1])
        else:
            _append_plain(folded, starts, ends, position, match.start(), out, out_starts, out_ends)
        end = match.end()
        while end > match.start() and folded[end - 1].isspace():
            end -= 1
        token = number_token(value, share)
        span_start, span_end = starts[match.start()], ends[end - 1]
        out.append(token)
        out_starts.extend([span_start] * len(token))
        out_ends.extend([span_end] * len(token))
        position = match.end()
    _append_plain(folded, starts, ends, position, len(folded), out, out_starts, out_ends)
    return Normalised(text, "".join(out), tuple(out_starts), tuple(out_ends))


def _append_plain(folded, starts, ends, begin, end, out, out_starts, out_ends) -> None:
    for index in range(begin, end):
        ch = folded[index]
        if not _dropped(ch):
            out.append(ch)
            out_starts.append(starts[index])
            out_ends.append(ends[index])


_PLACEHOLDER = re.compile(r"\{(number|percent)\}")
# After {number}, a magnitude is part of the number ('{number}万' matches '30万' = 300000).
_ABSORBED_AFTER_NUMBER = re.compile(r"^\s*[万亿千百]")


@lru_cache(maxsize=8192)
def phrase_pattern(phrase: str) -> str:
    """A regular expression (over normalised text) for one indicator phrase."""
    parts = _PLACEHOLDER.split(phrase)
    pattern: list[str] = []
    after_placeholder = False
    for index, part in enumerate(parts):
        if index % 2:
            pattern.append(ANY_PERCENT if part == "percent" else ANY_NUMBER)
            after_placeholder = True
            continue
        if after_placeholder and index + 1 < len(parts) and _RANGE.fullmatch(part):
            pattern.append(RANGE_MARK)  # '{number}到{number}', '{number} to {number}'
            continue
        if after_placeholder:
            part = _ABSORBED_AFTER_NUMBER.sub("", part)
            if part.lstrip().startswith("%") and pattern:
                pattern[-1] = ANY_PERCENT
                part = part.lstrip()[1:]
        after_placeholder = False
        pattern.append(re.escape(normalise(part).text))
    return "".join(pattern)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when Chinese characters carry the text (a Chinese word is about two characters,
    an English one about five letters), else 'en'."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if han and han * 3 >= latin else "en"


__all__ = [
    "ANY_NUMBER",
    "ANY_PERCENT",
    "Normalised",
    "detect_language",
    "normalise",
    "number_token",
    "parse_chinese_number",
    "parse_english_number",
    "phrase_pattern",
]
