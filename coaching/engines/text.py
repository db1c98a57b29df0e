"""Text normalisation and the phrase language of the `rules` judge, Chinese and English alike.

`normalise(text)` folds width (NFKC: full-width → half-width) and case (casefold), expands
English contractions ("won't" → "will not", "I'll" → "i will", "it's" → "it is"), drops
punctuation, spaces and symbols — except that one space is kept between two English words
(so a phrase can respect word boundaries) and clause punctuation (。，,;：!? …) becomes a
clause mark (so a phrase, a gap or a negation never reaches over a clause). Numbers are
recognised as numbers and replaced by one token carrying their value, whatever their form:
Arabic (30, 1.5, 1,200, 200k, 2 million), Chinese (三, 两万, 一百二十, 十六万, 1.5万), English words
(two, twenty-five, two hundred) and shares (30%, 30 percent, 三成, 百分之三十). A Chinese
magnitude written after a number (万, 亿) stays in the text after the token, so "万元" is still
found in "80万元". Every character of the normalised text keeps the span of the original
characters it came from, so a match can be turned back into the writer's exact words
(`Normalised.span`).

The phrase language (`phrase_pattern`), as trainers write phrases in scenario files:
- literal words, normalised the same way (width, case, punctuation; a number in any form:
  "16万" matches "十六万" and "160,000");
- English words match whole words only ("trial" is not found in "industrial", "when" not in
  "whenever") and in their inflected forms ("ask" matches "asks", "asked", "asking"; "give"
  matches "gave", "given"; "reduce" matches "reduced", "reducing");
- `{number}` any number (or a range "3-5"), `{percent}` a share (30%, 三成, 百分之三十, 20 percent),
  `{money}` an amount with an optional currency unit (80万元, 80万, 5,000 yuan, ¥3,600); a bare
  `%` stands for `{percent}`; a unit written after a placeholder is matched, not swallowed
  ("{number}万元" matches "80万元"); a magnitude after a placeholder is optional ("{number}万"
  also matches "300,000");
- `…` (or `...`) is a gap of a few words inside the same clause: "降低 …%" matches "降低了30%",
  "reduce … %" matches "reduce costs by 20%" (at most 10 characters in a Chinese phrase, 30
  in an English one).

`negated(text, start, end)` tells whether a match in normalised text sits in the scope of a
negation or refusal in its clause: a negator before it (不/没/没有/不会/不能/没法/无法/别/不是/
绝不/并非 …, not/never/no/won't/can't/nobody/no one/no vendor …), a claim put in someone
else's mouth (有人说, 号称, anyone who says …), or a refusal right after it (是不可能的, 做不到,
is impossible, nobody can …).
"""

from __future__ import annotations

import os
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
    "(?![\u3400-\u9fff](?<![元块人美万亿]))"
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

# --- folding ----------------------------------------------------------------------------------

_CONTRACTIONS = re.compile(
    r"\b(?P<full>won['’]t|can['’]t|cannot|ain['’]t|shan['’]t|let['’]s)\b"
    r"|(?<=[a-z])(?P<suffix>n['’]t|['’]ll|['’]re|['’]ve|['’]m|['’]d)\b"
    r"|\b(?:it|he|that|there|what|who|here|where|she|how)(?P<is>['’]s)\b"
)
_FULL = {
    "won't": "will not",
    "can't": "can not",
    "cannot": "can not",
    "ain't": "is not",
    "shan't": "shall not",
    "let's": "let us",
}
_SUFFIX = {
    "n't": " not",
    "'ll": " will",
    "'re": " are",
    "'ve": " have",
    "'m": " am",
    "'d": " would",
}


def _fold(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC and casefold per original character, English contractions expanded; every folded
    character keeps its source span."""
    folded_text = unicodedata.normalize("NFKC", text).casefold()
    if len(folded_text) == len(text) and all(
        unicodedata.normalize("NFKC", ch).casefold() == folded_text[i]
        for i, ch in enumerate(text)
        if not ch.isascii()
    ):
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    else:
        chars: list[str] = []
        starts, ends = [], []
        for index, ch in enumerate(text):
            folded = unicodedata.normalize("NFKC", ch).casefold()
            for out in folded:
                chars.append(out)
                starts.append(index)
                ends.append(index + 1)
        folded_text = "".join(chars)
    if "'" not in folded_text and "’" not in folded_text and "cannot" not in folded_text:
        return folded_text, starts, ends
    out_chars: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    position = 0
    for found in _CONTRACTIONS.finditer(folded_text):
        group = "full" if found.group("full") else "suffix" if found.group("suffix") else "is"
        begin, finish = found.span(group)
        out_chars.append(folded_text[position:begin])
        out_starts.extend(starts[position:begin])
        out_ends.extend(ends[position:begin])
        raw = found.group(group).replace("’", "'")
        if group == "full":
            replacement = _FULL[raw]
        elif group == "suffix":
            replacement = _SUFFIX[raw]
        else:
            replacement = " is"
        span_start, span_end = starts[begin], ends[finish - 1]
        out_chars.append(replacement)
        out_starts.extend([span_start] * len(replacement))
        out_ends.extend([span_end] * len(replacement))
        position = finish
    out_chars.append(folded_text[position:])
    out_starts.extend(starts[position:])
    out_ends.extend(ends[position:])
    return "".join(out_chars), out_starts, out_ends


_CLAUSE_PUNCTUATION = frozenset("。！？；，,!?;:：\n\r…—")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "inc", "ltd", "co"})
_LATIN_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_KEPT_FAST = _LATIN_WORD


def _dropped(ch: str) -> bool:
    """Punctuation, separators, symbols and controls do not take part in matching."""
    return unicodedata.category(ch)[0] in "PZSC"


def _is_clause_break(folded: str, index: int) -> bool:
    ch = folded[index]
    if ch in _CLAUSE_PUNCTUATION:
        if ch in ":：" and 0 < index < len(folded) - 1:
            return not (folded[index - 1].isdigit() and folded[index + 1].isdigit())
        return True
    if ch != ".":
        return False
    after = folded[index + 1] if index + 1 < len(folded) else " "
    if not (after.isspace() or after == "." or not after.isascii()):
        return False
    word_start = index
    while word_start > 0 and folded[word_start - 1].isalpha():
        word_start -= 1
    return folded[word_start:index] not in _ABBREVIATIONS


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


class _Builder:
    """Appends normalised characters with their spans; keeps one space between English words
    and one clause mark for a run of clause punctuation."""

    def __init__(self, folded: str, starts: list[int], ends: list[int]) -> None:
        self.folded, self.starts, self.ends = folded, starts, ends
        self.out: list[str] = []
        self.out_starts: list[int] = []
        self.out_ends: list[int] = []
        self.gap_at: int | None = None
        """Folded index of the first dropped character since the last kept one."""
        self.clause_at: int | None = None

    def _emit(self, text: str, span_start: int, span_end: int) -> None:
        self.out.append(text)
        self.out_starts.extend([span_start] * len(text))
        self.out_ends.extend([span_end] * len(text))

    def _before_kept(self, first: str) -> None:
        if self.out:
            if self.clause_at is not None:
                at = self.clause_at
                self._emit(CLAUSE_MARK, self.starts[at], self.ends[at])
            elif self.gap_at is not None and first in _LATIN_WORD | {NUMBER_MARK, PERCENT_MARK}:
                last = self.out[-1][-1]
                if last in _LATIN_WORD or last == END_MARK:
                    at = self.gap_at
                    self._emit(" ", self.starts[at], self.ends[at])
        self.gap_at = self.clause_at = None

    def plain(self, begin: int, end: int) -> None:
        folded, starts, ends = self.folded, self.starts, self.ends
        out, out_starts, out_ends = self.out, self.out_starts, self.out_ends
        for index in range(begin, end):
            ch = folded[index]
            if ch in _KEPT_FAST or not _dropped(ch):
                if self.gap_at is not None:
                    self._before_kept(ch)
                out.append(ch)
                out_starts.append(starts[index])
                out_ends.append(ends[index])
                continue
            if self.gap_at is None:
                self.gap_at = index
            if self.clause_at is None and _is_clause_break(folded, index):
                self.clause_at = index

    def token(self, token: str, span_start: int, span_end: int) -> None:
        self._before_kept(token[0])
        self._emit(token, span_start, span_end)

    def range_mark(self, span_start: int, span_end: int) -> None:
        self.gap_at = self.clause_at = None
        self._emit(RANGE_MARK, span_start, span_end)

    def magnitude(self, ch: str, index: int) -> None:
        self._emit(ch, self.starts[index], self.ends[index])

    def result(self, original: str) -> Normalised:
        return Normalised(original, "".join(self.out), tuple(self.out_starts), tuple(self.out_ends))


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
    builder = _Builder(folded, starts, ends)
    position = 0
    for index, (match, value, share) in enumerate(numbers):
        if index in ranges:
            builder.range_mark(starts[position], ends[match.start() - 1])
        else:
            builder.plain(position, match.start())
        end = match.end()
        while end > match.start() and folded[end - 1].isspace():
            end -= 1
        builder.token(number_token(value, share), starts[match.start()], ends[end - 1])
        if not share and folded[end - 1] in _MAGNITUDES_KEPT:
            builder.magnitude(folded[end - 1], end - 1)
        if end < match.end():
            builder.gap_at = end  # the number took the space after it
        position = match.end()
    builder.plain(position, len(folded))
    return builder.result(text)


# --- the phrase language ------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"(\{(?:number|percent|money)\}|\s*(?:…+|\.{3,})\s*)")
PLACEHOLDER_NAMES = ("number", "percent", "money")
# After a placeholder, a magnitude is part of the number ('{number}万' matches '30万' = 300000).
_ABSORBED_AFTER_NUMBER = re.compile(r"^\s*[千百]")
_BARE_PERCENT = re.compile(r"(?<![0-9}])\s*[%％]")
_GAP_CHARS = {"zh": 10, "en": 30}
_WORD_OR_TOKEN = re.compile(
    f"[a-z][a-z0-9]*|[{NUMBER_MARK}{PERCENT_MARK}][0-9.]*{END_MARK}[{_MAGNITUDES_KEPT}]?|."
)
_NO_INFLECTION = frozenset(
    {
        "a",
        "an",
        "the",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "if",
        "as",
        "so",
        "than",
        "then",
        "not",
        "no",
        "nor",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
        "just",
        "also",
        "very",
        "all",
        "any",
        "each",
        "every",
        "some",
        "per",
        "via",
        "vs",
    }
)
_IRREGULAR = {
    "give": ("gave", "given"),
    "take": ("took", "taken"),
    "make": ("made",),
    "pay": ("paid",),
    "say": ("said",),
    "tell": ("told",),
    "send": ("sent",),
    "get": ("got", "gotten"),
    "go": ("went", "gone"),
    "buy": ("bought",),
    "sell": ("sold",),
    "see": ("saw", "seen"),
    "know": ("knew", "known"),
    "lose": ("lost",),
    "win": ("won",),
    "speak": ("spoke", "spoken"),
    "throw": ("threw", "thrown"),
    "bring": ("brought",),
    "think": ("thought",),
    "keep": ("kept",),
    "find": ("found",),
    "hold": ("held",),
    "break": ("broke", "broken"),
    "spend": ("spent",),
    "meet": ("met",),
    "write": ("wrote", "written"),
    "leave": ("left",),
    "run": ("ran",),
    "sign": ("signed",),
    "fall": ("fell", "fallen"),
    "rise": ("rose", "risen"),
    "grow": ("grew", "grown"),
    "hear": ("heard",),
    "deal": ("dealt",),
    "cut": (),
    "set": (),
    "put": (),
    "let": (),
}
_VOWELS = "aeiou"


def _stems(word: str) -> set[str]:
    """The base forms a trainer's word may be an inflection of ('asked' → 'ask'). A word in
    -ing is taken as it is (and its plural): 'heating', 'pricing', 'training' are nouns too."""
    stems = {word}
    for base, forms in _IRREGULAR.items():
        if word in forms:
            stems.add(base)
    if word.endswith("ing"):
        return stems
    if len(word) > 3 and word.endswith("ied"):
        stems.add(word[:-3] + "y")
    elif len(word) > 3 and word.endswith("ed"):
        stems |= {word[:-2], word[:-1]}
        if len(word) > 4 and word[-3] == word[-4]:
            stems.add(word[:-3])
    elif len(word) > 3 and word.endswith("ies"):
        stems.add(word[:-3] + "y")
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        stems.add(word[:-1])
        if word.endswith("es"):
            stems.add(word[:-2])
    return {stem for stem in stems if len(stem) >= 3 and stem not in _NO_INFLECTION}


def _forms(stem: str) -> set[str]:
    if stem.endswith("e"):
        forms = {stem, stem + "s", stem + "d", stem[:-1] + "ing"}
    else:
        forms = {stem, stem + "s", stem + "es", stem + "ed", stem + "ing"}
    forms |= set(_IRREGULAR.get(stem, ()))
    if len(stem) > 2 and stem.endswith("y") and stem[-2] not in _VOWELS:
        forms |= {stem[:-1] + "ies", stem[:-1] + "ied"}
    if (
        len(stem) >= 3
        and stem[-1] not in _VOWELS + "wxy"
        and stem[-2] in _VOWELS
        and stem[-3] not in _VOWELS
    ):
        forms |= {stem + stem[-1] + "ed", stem + stem[-1] + "ing"}
    return forms


@lru_cache(maxsize=4096)
def word_pattern(word: str) -> str:
    """A whole English word of a phrase, in any of its inflected forms."""
    if word in _NO_INFLECTION or len(word) < 3 or not word.isalpha():
        return re.escape(word)
    forms: set[str] = {word}
    stems = _stems(word)
    if word.endswith("ing"):
        forms.add(word + "s")
        stems.discard(word)
    for stem in stems - {word} or stems:
        forms |= _forms(stem)
    prefix = os.path.commonprefix(sorted(forms))
    rests = sorted({form[len(prefix) :] for form in forms}, key=lambda rest: (-len(rest), rest))
    alternatives = [rest for rest in rests if rest]
    if not alternatives:
        return prefix
    optional = "?" if "" in rests else ""
    return prefix + "(?:" + "|".join(alternatives) + ")" + optional


def _literal_pattern(normalised_text: str, anchors: list[str]) -> str:
    """The pattern of a literal piece of a phrase; appends to `anchors` the substrings every
    match must contain (a run of Chinese characters, a number token, a word's stem)."""
    pattern: list[str] = []
    run = ""
    for piece in _WORD_OR_TOKEN.findall(normalised_text):
        if len(piece) == 1 and piece not in f" {CLAUSE_MARK}" and not piece.isascii():
            run += piece
            pattern.append(re.escape(piece))
            continue
        if run:
            anchors.append(run)
            run = ""
        if piece == " ":
            pattern.append(" ?")
        elif piece == CLAUSE_MARK:
            pattern.append(f"[ {CLAUSE_MARK}]?")
        elif piece[0] in (NUMBER_MARK, PERCENT_MARK):
            magnitude = piece[-1] if piece[-1] in _MAGNITUDES_KEPT else ""
            core = piece[: len(piece) - len(magnitude)]
            anchors.append(core)
            pattern.append(re.escape(core) + (f"{magnitude}?" if magnitude else ""))
        elif piece[0].isascii() and piece[0].isalpha():
            word = word_pattern(piece)
            anchors.append(word.split("(", 1)[0])
            pattern.append(word)
        else:
            pattern.append(re.escape(piece))
    if run:
        anchors.append(run)
    text = normalised_text
    if text and text[0] in _LATIN_WORD:
        first = pattern[0]
        if first[:1].isalpha() and first[:1].isascii():
            pattern[0] = first[0] + f"(?<![a-z0-9]{first[0]})" + first[1:]
        else:
            pattern.insert(0, "(?<![a-z0-9])")
    if text and text[-1] in _LATIN_WORD:
        pattern.append("(?![a-z])")
    return "".join(pattern)


def phrase_pattern(phrase: str) -> str:
    """A regular expression (over normalised text) for one phrase of the pattern language."""
    return compile_phrase(phrase)[0]


@lru_cache(maxsize=8192)
def compile_phrase(phrase: str) -> tuple[str, str]:
    """(regular expression over normalised text, anchor) of one phrase of the pattern
    language; the anchor is a substring every match contains ('' when there is none), so a
    reply without it needs no regular expression search."""
    language = "zh" if _HAN.search(phrase) else "en"
    phrase = _BARE_PERCENT.sub("{percent}", unicodedata.normalize("NFKC", phrase))
    parts = _PLACEHOLDER.split(phrase)
    pattern: list[str] = []
    anchors: list[str] = []
    after_placeholder = False
    for index, part in enumerate(parts):
        if index % 2:
            name = part.strip()
            space = " ?" if pattern else ""
            if name == "{percent}":
                pattern.append(space + ANY_PERCENT)
            elif name == "{number}":
                pattern.append(space + ANY_NUMBER)
            elif name == "{money}":
                pattern.append(space + ANY_MONEY)
            else:
                # A capturing group: the judge looks for a negation inside the gap.
                pattern.append(f"([^{CLAUSE_MARK}]{{0,{_GAP_CHARS[language]}}}?)")
                after_placeholder = False
                continue
            after_placeholder = True
            continue
        if after_placeholder and index + 1 < len(parts) and _RANGE.fullmatch(part):
            pattern.append(RANGE_MARK)  # '{number}到{number}', '{number} to {number}'
            continue
        if after_placeholder:
            part = _ABSORBED_AFTER_NUMBER.sub("", part)
            if part.lstrip().startswith("%") and pattern:
                pattern[-1] = (" ?" if len(pattern) > 1 else "") + ANY_PERCENT
                part = part.lstrip()[1:]
            stripped = part.lstrip()
            if stripped[:1] in _MAGNITUDES_KEPT and stripped[:1]:
                pattern.append(f"{stripped[0]}?")
                part = stripped[1:]
        after_placeholder = False
        text = normalise(part).text.strip(f" {CLAUSE_MARK}")
        if text:
            if pattern and text[0] in _LATIN_WORD:
                pattern.append(" ?")
            pattern.append(_literal_pattern(text, anchors))
            if index + 1 < len(parts) and text[-1] in _LATIN_WORD:
                pattern.append(" ?")
    return "".join(pattern), max(anchors, key=len, default="")


# --- negation ---------------------------------------------------------------------------------

_ZH_NEGATOR = re.compile(
    "并非|绝非|无法|无权|无从|哪有|哪里有|哪能|怎么可能|谁能|谁敢|谁说|有人说|有人会说|号称|声称|"
    "如果有人|要是有人|您说|你说|您刚才说|您希望|您想要|您要求|您提的|您提到|您的意思是|"
    "别家说|他们说|对方说|客户说|"
    "没(?!问题|关系|错|事)|"
    "(?<![特区分级类告个识性差鉴判辨派])别(?!家|人|的|处|样|担心|着急|急)|"
    "未(?!来)|"
    "(?<!差|要)不(?!过|仅|但|管|论|少|错|断|久|如|妨|然|同|止|单|光|只|好意思|客气|要紧|"
    "用担心|必担心|要担心|用客气|低于|少于|超过|高于|多)|"
    "(?<=要)不(?=要)"
)
_EN_NEGATOR = re.compile(
    r"(?<![a-z])(?:not(?! only| just)|never|no(?! problem| worries| doubt| matter| later"
    r"| longer| sooner| strings| pressure| obligation)|nobody|none|nothing|neither|nor"
    r"|unable|impossible|dishonest|irresponsible|lying|rather than|instead of|anyone who"
    r"|if anyone|whoever|if someone|who can|who could|you want|you asked|you are asking"
    r"|you mentioned|you said|you would like|asking for|asked for|they claim|they say"
    r"|they said|some vendors|other vendors|claims? to)(?![a-z])"
)
_ZH_SCOPE_BREAK = re.compile("但是|但|可是|不过|然而|只是|而是|而且|并且|所以|因此|然后|反正|其实")
_EN_SCOPE_BREAK = re.compile(
    r"(?<![a-z])(?:but|however|though|although|yet|and|so|then|instead|actually)(?![a-z])"
)
_ZH_REFUSAL_AFTER = re.compile(
    "不可能|不现实|不负责任|骗人|是假的|不靠谱|不切实际|做不到|办不到|不敢保证|保证不了|没法保证|"
    "无法保证|不能保证|没人能|没有人能|谁也不|谁都不|是吹牛|是忽悠|不存在|给不了|批不了|做不了|"
    "还没有|还不|暂不|暂时没有|尚未|没有确定|不行|不可以"
)
# The act named, then refused: "给医生按用量返钱这种事我们绝对不做",
# "礼品卡、旅游这些我们一律不安排".
_ZH_THIS_REFUSED = re.compile(
    "(?:这种|这样|这些|这类|此类|这个|这)[^\ue004]{0,6}?(?:不|没|无法|别)(?!过|仅|但|然|管|论|少|错)"
)
# Topic first, then the refusal: "完整源码我们不出售", "八折我给不了".
_ZH_TOPIC_REFUSAL = re.compile(
    "(?:我们|我|这个|这|也|是|都|可|就|暂时|目前|还|并|确实|实在|真的|公司)*"
    "(?:无法|没法|没办法|不能|不会|不可|不出售|不卖|不提供|不给|不交|不开放|不支持|不包|不做|不含|不是|没有|未)"
)
_EN_REFUSAL_AFTER = re.compile(
    r"(?<![a-z])(?:is impossible|is not possible|is not realistic|unrealistic|is not true"
    r"|not true|a lie|dishonest|irresponsible|no one can|nobody can|can not (?:promise|guarantee)"
    r"|can not be (?:promised|guaranteed)|is not something|would be lying|just marketing"
    r"|is a myth|does not exist|not on the table|off the table|not an option|can not do that"
    r"|not yet|no committed date|is not available|not available yet)(?![a-z])"
)
_WINDOW_BEFORE = {"zh": 12, "en": 60}
_WINDOW_AFTER = {"zh": 14, "en": 50}


def _scope_language(text: str) -> str:
    return "zh" if _HAN.search(text) else "en"


def negator_in(fragment: str) -> bool:
    """Whether a gap of a matched phrase holds a negation ("独家授权不会因为您今天不签就…")."""
    if _HAN.search(fragment):
        for found in _ZH_NEGATOR.finditer(fragment):
            at = found.start()
            if (
                found.group() in "不没"
                and 0 < at < len(fragment) - 1
                and fragment[at - 1] == fragment[at + 1]
            ):
                continue
            return True
    return bool(_EN_NEGATOR.search(fragment))


def negated(text: str, start: int, end: int) -> bool:
    """Whether the match text[start:end] (normalised) is in the scope of a negation or a
    refusal within its clause (see the module's doc)."""
    if text[start] in "不没" and 0 < start < len(text) - 1 and text[start - 1] == text[start + 1]:
        return True  # 会不会开裂, 有没有风险: a question, not a claim
    if start >= 2 and text[start - 1] in "不没" and text[start - 2] == text[start]:
        return True  # 能不能进三甲医院: a question, not a claim
    clause_start = text.rfind(CLAUSE_MARK, 0, start) + 1
    clause_end = text.find(CLAUSE_MARK, end)
    if clause_end < 0:
        clause_end = len(text)
    for zh, scope, negators, breaks in (
        (True, _WINDOW_BEFORE["zh"], _ZH_NEGATOR, _ZH_SCOPE_BREAK),
        (False, _WINDOW_BEFORE["en"], _EN_NEGATOR, _EN_SCOPE_BREAK),
    ):
        before = text[max(clause_start, start - scope) : start]
        if zh and not _HAN.search(before):
            continue
        cut = 0
        for found in breaks.finditer(before):
            cut = found.end()
        for found in negators.finditer(before, cut):
            if zh and found.group() in "不没":
                at = found.start()
                if 0 < at < len(before) - 1 and before[at - 1] == before[at + 1]:
                    continue  # 是不是, 能不能, 有没有: a question, not a negation
                if at == len(before) - 1 and at > 0 and before[at - 1] == text[start]:
                    continue
            return True
    after = text[end : min(clause_end, end + max(_WINDOW_AFTER.values()))]
    if after and (_ZH_TOPIC_REFUSAL.match(after) or _ZH_THIS_REFUSED.search(after)):
        return True
    if after:
        if _ZH_REFUSAL_AFTER.search(after[: _WINDOW_AFTER["zh"]]):
            return True
        if _EN_REFUSAL_AFTER.search(after[: _WINDOW_AFTER["en"]]):
            return True
    return False


# --- language ---------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when Chinese characters carry the text (a Chinese word is about two characters,
    an English one about five letters), else 'en'."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if han and han * 3 >= latin else "en"


__all__ = [
    "ANY_MONEY",
    "ANY_NUMBER",
    "ANY_PERCENT",
    "CLAUSE_MARK",
    "Normalised",
    "compile_phrase",
    "detect_language",
    "negated",
    "negator_in",
    "normalise",
    "number_token",
    "parse_chinese_number",
    "parse_english_number",
    "phrase_pattern",
    "word_pattern",
]
