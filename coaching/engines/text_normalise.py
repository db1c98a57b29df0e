"""Folding a text for matching (`normalise`), with the original span of every character, and
the language of a text (see `coaching.engines.text`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from coaching.engines.text_numbers import (
    _MAGNITUDES_KEPT,
    _RANGE,
    CLAUSE_MARK,
    END_MARK,
    NUMBER_MARK,
    NUMBER_RE,
    PERCENT_MARK,
    RANGE_MARK,
    _value_of,
    number_token,
)

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


# --- language ---------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when Chinese characters carry the text (a Chinese word is about two characters,
    an English one about five letters), else 'en'."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if han and han * 3 >= latin else "en"
