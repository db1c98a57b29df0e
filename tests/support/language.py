"""One language per reply: checks that a message is all Chinese or all English.

Chinese: it has Chinese characters and no English word (4 ASCII letters or more), except the
codes, ids and names the caller allows (a queue code, an HTTP header's name, a rep's name …).
English: it has no Chinese character (nor CJK punctuation), once the allowed names are taken
out (a rep may be called 王芳 in an English sentence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    for item in sorted(allowed, key=len, reverse=True):
        text = text.replace(item, " ")
    return ENGLISH_WORD.findall(text)


def assert_chinese(text: str, allowed: Iterable[str] = ()) -> None:
    """Chinese, with no English word but the `allowed` codes and names."""
    assert CJK.search(text), f"no Chinese in {text!r}"
    words = english_words(text, allowed)
    assert not words, f"English words {words} in a Chinese message: {text!r}"


def assert_english(text: str, names: Iterable[str] = ()) -> None:
    """English, with no Chinese but in the `names` (data, not words of the message)."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    assert ENGLISH_WORD.search(text), f"no English in {text!r}"
    found = CJK.findall(text)
    assert not found, f"Chinese {found} in an English message: {text!r}"
