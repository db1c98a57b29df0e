"""Which of the scenario's lines the simulated customer may say (`customer.py` decides the move).

- `Sayable`: never the last line again, and never a line that quotes the rep ("你说能提效20%",
  "your 'value'") with numbers or quoted words the rep did not say (`claims_in` keeps what the
  rep really said, in either language);
- `pick`: one line of the first pool that has a sayable one (seeded `random.Random`);
- `reactions`: what the customer says to a red line — the red line's own `reactions` in the
  scenario file, else a built-in line.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coaching.scenario_model import Scenario, Text

__all__ = [
    "REACTIONS",
    "Sayable",
    "claims_in",
    "join",
    "key",
    "numbers_in",
    "pick",
    "reactions",
]

REACTIONS = (
    Text(zh="这话我可不敢当真。", en="I can't take that at face value."),
    Text(zh="你这么说，我反而不太放心了。", en="Hearing that makes me trust you less, not more."),
)
"""Said to a red line when the scenario gives it no `reactions` of its own."""

_QUOTES_REP = re.compile(
    r"(?:你|您)(?:们)?(?:刚才|之前|一直)?说|\byou(?: just)? (?:say|said|claim)|\byour ['‘“\"]",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[“\"‘']([^”\"’']{1,20})[”\"’']")
_NUMBER = re.compile(r"\d[\d,，]*(?:\.\d+)?\s*(?:万|亿)?")


def key(line: Text) -> str:
    return f"{line.zh}\n{line.en}"


def join(first: Text, second: Text) -> Text:
    return Text(zh=first.zh + second.zh, en=f"{first.en} {second.en}")


def numbers_in(text: str) -> set[str]:
    """The numbers of a text as values ("1,500" and "1500" alike, "15万" as 150000)."""
    values = set()
    for found in _NUMBER.findall(text):
        digits = re.sub(r"[,，\s万亿]", "", found)
        try:
            value = float(digits)
        except ValueError:
            continue
        value *= 10_000 if found.endswith("万") else 100_000_000 if found.endswith("亿") else 1
        values.add(f"{value:g}")
    return values


def _quoted_words(text: str) -> set[str]:
    return {word.strip().lower() for word in _QUOTED.findall(text) if word.strip()}


def claims_in(scenario: Scenario, message: str) -> list[str]:
    """What of the scenario's rep-quoting lines the rep's `message` really says: the
    numbers of the message and the quoted words it contains."""
    if not message:
        return []
    said = message.lower()
    words = {
        word
        for objection in scenario.objections
        for line in (*objection.phrasings, *objection.pushbacks)
        for text in (line.zh, line.en)
        if _QUOTES_REP.search(text)
        for word in _quoted_words(text)
        if word in said
    }
    return sorted(numbers_in(message)) + sorted(words)


def _attributes_unsaid(line: Text, claims: Sequence[str]) -> bool:
    """Whether the line quotes the rep with numbers or words the rep never said (in either
    language: the rep may have said it in the other one)."""
    for text in (line.zh, line.en):
        if not _QUOTES_REP.search(text):
            continue
        if numbers_in(text) - set(claims) or _quoted_words(text) - set(claims):
            return True
    return False


@dataclass(frozen=True)
class Sayable:
    """Which lines the customer may say next: not the last line again, and no words put in
    the rep's mouth."""

    last_line: str
    rep_claims: tuple[str, ...]

    def truthful(self, line: Text) -> bool:
        return not _attributes_unsaid(line, self.rep_claims)

    def __call__(self, line: Text) -> bool:
        return key(line) != self.last_line and self.truthful(line)


def pick(rng: random.Random, ok: Sayable, *pools: Sequence[Text]) -> Text:
    """One line of the first pool that has a sayable one (`ok`); with none anywhere, a line
    of any pool that at least puts no words in the rep's mouth, else one of the first."""
    for pool in pools:
        sayable = [line for line in pool if ok(line)]
        if sayable:
            return rng.choice(sayable)
    truthful = [line for pool in pools for line in pool if ok.truthful(line)]
    return rng.choice(truthful or list(pools[0]))


def reactions(scenario: Scenario, red_line_ids: Iterable[str]) -> tuple[Text, ...]:
    """The scenario's reactions to these red lines (`red_lines[].reactions`), else the
    built-in ones."""
    wanted = set(red_line_ids)
    found = tuple(
        reaction
        for red_line in scenario.red_lines
        if red_line.id in wanted
        for reaction in red_line.reactions
    )
    return found or REACTIONS
