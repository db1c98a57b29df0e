"""A speed-up for long alternations (the concept patterns of `coaching.engines.text_concepts`):
the set of characters a match can start with, read from the parsed pattern, put in front as a
lookahead, so most positions of a reply are rejected by one character-class test instead of
trying every alternative. The matches are exactly those of the pattern itself."""

from __future__ import annotations

import re
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Any

_WIDE_RANGE = 512
"""A character range wider than this (e.g. every Han character) gives up: no prefilter."""


def _first_of_sequence(items: Any) -> tuple[set[str] | None, bool]:
    """(the characters a match of the sequence can start with, or None for any; whether the
    sequence can match the empty string)."""
    found: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of_op(op, av)
        if chars is None:
            return None, False
        found |= chars
        if not nullable:
            return found, False
    return found, True


def _first_of_op(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is _sre.LITERAL:
        return {chr(av)}, False
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] <= _WIDE_RANGE:
                chars |= {chr(code) for code in range(value[0], value[1] + 1)}
            else:
                return None, False  # a negated class, a category, a wide range
        return chars, False
    if op is _sre.BRANCH:
        chars = set()
        nullable = False
        for branch in av[1]:
            first, empty = _first_of_sequence(branch)
            if first is None:
                return None, False
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op is _sre.SUBPATTERN:
        return _first_of_sequence(av[-1])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        low, _, item = av
        first, empty = _first_of_sequence(item)
        return first, (first is not None and (low == 0 or empty))
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return set(), True  # zero-width: the first character comes from what follows
    return None, False


def first_characters(pattern: str) -> frozenset[str] | None:
    """The characters every match of `pattern` starts with; None when that cannot be told or
    the pattern can match the empty string."""
    chars, nullable = _first_of_sequence(_sre_parse.parse(pattern))
    if chars is None or nullable or not chars:
        return None
    return frozenset(chars)


def prefiltered(pattern: str) -> str:
    """`pattern` behind a lookahead of its first characters (unchanged when unknown)."""
    chars = first_characters(pattern)
    if chars is None:
        return pattern
    return "(?=[" + "".join(re.escape(char) for char in sorted(chars)) + "])(?:" + pattern + ")"
