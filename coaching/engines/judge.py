"""The `rules` engine's judge: each check of a scenario on one rep reply, with evidence.

Plain, deterministic and offline. A check passes when one of its indicators matches the
reply and none of its counter-indicators does; a red line is hit when one of its indicators
matches. Matching works on `text.normalise`d text (width, case, punctuation and spaces
folded; numbers as values), so it needs no word tokenising and treats Chinese and English
alike. Phrases of both languages are tried — the reply's language first, so its evidence
is preferred — because reps mix them ("我们有开放API和SDK"). Evidence is the span of the
rep's own words that matched: `message[evidence.start:evidence.end] == evidence.text`.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from coaching.engines.text import Normalised, detect_language, normalise, phrase_pattern
from coaching.scenario_model import LANGUAGES, Phrases, Scenario, language_of


@dataclass(frozen=True)
class Evidence:
    """The rep's exact words that matched, at [start, end) of the message."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CheckVerdict:
    check_id: str
    criterion_id: str
    passed: bool
    evidence: Evidence | None
    """What matched an indicator when the check passed; None otherwise."""
    counter_evidence: Evidence | None = None
    """What matched a counter-indicator (the reason an indicator match did not count)."""


@dataclass(frozen=True)
class RedLineHit:
    red_line_id: str
    evidence: Evidence


@dataclass(frozen=True)
class TurnVerdict:
    scenario_id: str
    rubric_hash: str
    language: str
    checks: tuple[CheckVerdict, ...]
    red_lines: tuple[RedLineHit, ...]

    @property
    def passed_check_ids(self) -> tuple[str, ...]:
        return tuple(verdict.check_id for verdict in self.checks if verdict.passed)

    def check(self, check_id: str) -> CheckVerdict | None:
        return next((verdict for verdict in self.checks if verdict.check_id == check_id), None)


@dataclass(frozen=True)
class _Matcher:
    """The phrases of one language order, compiled into one alternation."""

    pattern: re.Pattern[str] | None

    def search(self, normalised: Normalised) -> Evidence | None:
        if self.pattern is None:
            return None
        found = self.pattern.search(normalised.text)
        if found is None:
            return None
        start, end = normalised.span(found.start(), found.end())
        return Evidence(start, end, normalised.original[start:end])


def _matcher(phrases: Phrases | None, first: str) -> _Matcher:
    if phrases is None:
        return _Matcher(None)
    order = (first, *(language for language in LANGUAGES if language != first))
    patterns: list[str] = []
    for language in order:
        for phrase in phrases.get(language):
            pattern = phrase_pattern(phrase)
            if pattern and pattern not in patterns:
                patterns.append(pattern)
    return _Matcher(re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None)


@dataclass(frozen=True)
class _CompiledCheck:
    check_id: str
    criterion_id: str
    indicators: _Matcher
    counters: _Matcher


@dataclass(frozen=True)
class _CompiledRubric:
    checks: tuple[_CompiledCheck, ...]
    red_lines: tuple[tuple[str, _Matcher], ...]


_CACHE: OrderedDict[tuple[str, str, str], _CompiledRubric] = OrderedDict()
_CACHE_SIZE = 64


def _compiled(scenario: Scenario, language: str) -> _CompiledRubric:
    key = (scenario.id, scenario.rubric_hash, language)
    rubric = _CACHE.get(key)
    if rubric is not None:
        _CACHE.move_to_end(key)
        return rubric
    rubric = _CompiledRubric(
        checks=tuple(
            _CompiledCheck(
                check_id=check.id,
                criterion_id=criterion.id,
                indicators=_matcher(check.indicators, language),
                counters=_matcher(check.counter_indicators, language),
            )
            for criterion in scenario.criteria
            for check in criterion.checks
        ),
        red_lines=tuple(
            (red_line.id, _matcher(red_line.indicators, language))
            for red_line in scenario.red_lines
        ),
    )
    _CACHE[key] = rubric
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return rubric


def judge_turn(scenario: Scenario, message: str, language: str | None = None) -> TurnVerdict:
    """Every check and red line of `scenario` on one rep reply. `language` ('zh', 'en',
    'zh-CN' …) is detected from the script when not given; it decides whose phrases are
    tried first (and so which evidence is quoted), not which are tried."""
    language = language_of(language) if language else detect_language(message)
    rubric = _compiled(scenario, language)
    normalised = normalise(message)
    checks: list[CheckVerdict] = []
    for check in rubric.checks:
        evidence = check.indicators.search(normalised)
        counter = check.counters.search(normalised)
        passed = evidence is not None and counter is None
        checks.append(
            CheckVerdict(
                check_id=check.check_id,
                criterion_id=check.criterion_id,
                passed=passed,
                evidence=evidence if passed else None,
                counter_evidence=counter,
            )
        )
    hits = []
    for red_line_id, matcher in rubric.red_lines:
        evidence = matcher.search(normalised)
        if evidence is not None:
            hits.append(RedLineHit(red_line_id, evidence))
    return TurnVerdict(
        scenario_id=scenario.id,
        rubric_hash=scenario.rubric_hash,
        language=language,
        checks=tuple(checks),
        red_lines=tuple(hits),
    )


__all__ = ["CheckVerdict", "Evidence", "RedLineHit", "TurnVerdict", "judge_turn"]
