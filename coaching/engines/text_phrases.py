"""The phrase language of scenario files (`compile_phrase`, `phrase_pattern`): literal words,
English inflections, number placeholders and gaps (see `coaching.engines.text`)."""

from __future__ import annotations

import operator
import os
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from coaching.engines.text_concepts import CONCEPTS
from coaching.engines.text_normalise import _HAN, _LATIN_WORD, normalise
from coaching.engines.text_numbers import (
    _MAGNITUDES_KEPT,
    _RANGE,
    ANY_MONEY,
    ANY_NUMBER,
    ANY_PERCENT,
    CLAUSE_MARK,
    END_MARK,
    NUMBER_MARK,
    PERCENT_MARK,
    RANGE_MARK,
)

# --- the phrase language ------------------------------------------------------------------

_BOUND = r"\s*(?:<=|>=|<|>)\s*[0-9]+(?:\.[0-9]+)?"
_PLACEHOLDER = re.compile(
    r"(\{(?:(?:number|percent|money)(?:" + _BOUND + ")?|" + "|".join(CONCEPTS) + r")\}"
    r"|\s*(?:…+|\.{3,})\s*)"
)
PLACEHOLDER_NAMES = ("number", "percent", "money")
BOUNDED_PLACEHOLDER = re.compile(
    r"\{(number|percent|money)\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)\}"
)
"""`{percent<20}`, `{money>=2200}`, `{number>2.5}`: a placeholder whose value is bounded."""
_OPERATORS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_COMPARISONS = {
    "lt": (min, operator.lt),
    "le": (min, operator.le),
    "gt": (max, operator.gt),
    "ge": (max, operator.ge),
}
"""A bound's name → (the end of a range it is checked on, the comparison)."""
_BOUND_GROUP = re.compile(r"bound[0-9]+_(lt|le|gt|ge)_([0-9]+(?:d[0-9]+)?)")
_TOKEN_VALUE = re.compile(f"[{NUMBER_MARK}{PERCENT_MARK}]([0-9.]*){END_MARK}")
_PLACEHOLDER_PATTERNS = {"{number}": ANY_NUMBER, "{percent}": ANY_PERCENT, "{money}": ANY_MONEY}
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
    bound = ""  # the named group that carries the last placeholder's bound, if it has one
    for index, part in enumerate(parts):
        if index % 2:
            name = part.strip()
            space = " ?" if pattern else ""
            bounded = BOUNDED_PLACEHOLDER.fullmatch(name)
            bound = ""
            if bounded:
                kind, operator, value = bounded.groups()
                name = "{" + kind + "}"
                number = value.replace(".", "d")
                bound = f"bound{index}_{_OPERATORS[operator]}_{number}"
            if name in _PLACEHOLDER_PATTERNS:
                pattern.append(space + _grouped(_PLACEHOLDER_PATTERNS[name], bound))
            elif name[1:-1] in CONCEPTS:
                # A concept: the built-in pattern of a red-line type (text_concepts).
                pattern.append(space + "(?:" + CONCEPTS[name[1:-1]][0] + ")")
                after_placeholder = False
                continue
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
                pattern[-1] = (" ?" if len(pattern) > 1 else "") + _grouped(ANY_PERCENT, bound)
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


def _grouped(pattern: str, bound: str) -> str:
    return f"(?P<{bound}>{pattern})" if bound else pattern


def has_bounds(pattern: re.Pattern[str]) -> bool:
    """Whether a compiled phrase has a bounded placeholder (`within_bounds` must be asked)."""
    return any(_BOUND_GROUP.fullmatch(name) for name in pattern.groupindex)


def within_bounds(match: re.Match[str]) -> bool:
    """Whether every bounded placeholder of a phrase's match holds a value within its bound;
    of a range ("4到5倍"), one end is enough ("> 4.5" holds, "< 4.5" holds too)."""
    for name, text in match.groupdict().items():
        found = _BOUND_GROUP.fullmatch(name)
        if found is None or text is None:
            continue
        extreme, holds = _COMPARISONS[found.group(1)]
        values = [Decimal(value) for value in _TOKEN_VALUE.findall(text) if value]
        if not values or not holds(extreme(values), Decimal(found.group(2).replace("d", "."))):
            return False
    return True
