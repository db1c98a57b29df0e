"""The `rules` engine's judge: each check of a scenario on one rep reply, with evidence.

Plain, deterministic and offline. A check passes when one of its indicators matches the
reply and none of its counter-indicators does; a red line is hit when one of its indicators
matches and no counter-indicator covers the same words. Matching works on `text.normalise`d
text (width, case and punctuation folded, English contractions expanded, numbers as values,
clauses marked) with the phrase language of `text.phrase_pattern` (whole English words in
any inflection, {number}/{percent}/{money} placeholders, `…` gaps inside a clause, concept
placeholders such as {discount} for a whole red-line type), so it treats Chinese and English
alike. A concept written alone is split into its Chinese and English halves, each searched
only in a reply with that script; a concept's guard (policy or approval named in the clause
or the one before) makes its match not count. Red lines, and checks marked `negation`, are
negation-aware: a match in the scope of a negation or refusal in its clause ("我不会给您打八折",
"No vendor can honestly say it's 100% safe") does not count, and the next match is tried.
Phrases of both languages are tried — the reply's language first, so its evidence is
preferred — because reps mix them ("我们有开放API和SDK"). Evidence is the span of the rep's
own words that matched: `message[evidence.start:evidence.end] == evidence.text`.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from coaching.engines.text import (
    Normalised,
    compile_phrase,
    detect_language,
    guard_of,
    guarded,
    negated,
    negator_in,
    normalise,
)
from coaching.engines.text_concepts import BY_SCRIPT
from coaching.engines.text_phrases import has_bounds, within_bounds
from coaching.scenario_model import LANGUAGES, Phrases, Scenario, language_of

DISCOUNT = "{discount}"
_HAN = re.compile("[\u3400-\u9fff]")
_LATIN = re.compile("[a-z]")


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
class _Phrase:
    anchor: str
    """A substring every match contains; a reply without it is not searched."""
    pattern: re.Pattern[str]
    guard: re.Pattern[str] | None = None
    """A concept's policy-conformity guard: found near a match, the match does not count."""
    script: str | None = None
    """'zh' / 'en': half of a concept, searched only in a reply with that script."""
    bounded: bool = False
    """The phrase has a bounded placeholder ({percent<20}): a match must be within bounds."""


@dataclass(frozen=True)
class _Matcher:
    """The phrases of one language order, each compiled, grouped by anchor."""

    phrases: tuple[_Phrase, ...]
    by_anchor: dict[str, tuple[tuple[int, _Phrase], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        groups: dict[str, list[tuple[int, _Phrase]]] = {}
        for order, phrase in enumerate(self.phrases):
            groups.setdefault(phrase.anchor, []).append((order, phrase))
        self.by_anchor.update({anchor: tuple(items) for anchor, items in groups.items()})

    def spans(
        self,
        normalised: Normalised,
        negation: bool = False,
        present: frozenset[str] | None = None,
        every: bool = False,
    ) -> list[tuple[int, int]]:
        """[start, end) in normalised text of the first match of each phrase, leftmost first
        (at one start, the first phrase's); with `negation`, matches in the scope of a
        negation are skipped. `present`: the anchors known to be in the text; `every`: every
        match of each phrase, not only its first."""
        text = normalised.text
        if present is None:
            present = frozenset(anchor for anchor in self.by_anchor if anchor in text)
        candidates = [
            item
            for anchor in present.intersection(self.by_anchor)
            for item in self.by_anchor[anchor]
        ]
        found: list[tuple[int, int, int]] = []
        scripts = {"zh": _HAN.search(text) is not None, "en": _LATIN.search(text) is not None}
        for order, phrase in candidates:
            if phrase.script is not None and not scripts[phrase.script]:
                continue
            position = 0
            while True:
                match = phrase.pattern.search(text, position)
                if match is None:
                    break
                start, end = match.span()
                position = start + 1
                if end == start or (phrase.bounded and not within_bounds(match)):
                    continue
                if negation and (
                    negated(text, start, end)
                    or any(
                        gap_end > gap_start and negator_in(text[gap_start:gap_end])
                        for gap_start, gap_end in match.regs[1:]
                    )
                ):
                    continue
                if guarded(phrase.guard, text, start, end):
                    continue
                found.append((start, order, end))
                if not every:
                    break
        found.sort()
        return [(start, end) for start, _, end in found]

    def search(
        self, normalised: Normalised, negation: bool = False, present: frozenset[str] | None = None
    ) -> Evidence | None:
        spans = self.spans(normalised, negation, present)
        return _evidence(normalised, *spans[0]) if spans else None


def _evidence(normalised: Normalised, start: int, end: int) -> Evidence:
    first, last = normalised.span(start, end)
    return Evidence(first, last, normalised.original[first:last])


def _matcher(phrases: Phrases | None, first: str, red_line: bool = False) -> _Matcher:
    """The phrases compiled, `first` language first. In a red line that names `{discount}`, a
    literal phrase takes its guard too: "额外让价需要总监审批" is no more an unauthorised
    discount in the scenario's own words than in the concept's. (Not the `{guarantee}` guard:
    a warranty is what an invented claim often is about.)"""
    if phrases is None:
        return _Matcher(())
    line_guard = None
    if red_line and any(DISCOUNT in phrases.get(language) for language in LANGUAGES):
        line_guard = guard_of(DISCOUNT)
    order = (first, *(language for language in LANGUAGES if language != first))
    compiled: dict[str, _Phrase] = {}
    for language in order:
        for phrase in phrases.get(language):
            name = phrase.strip()[1:-1]
            if phrase.strip() == f"{{{name}}}" and name in BY_SCRIPT:
                # A concept alone: its Chinese and English halves, each for its own script.
                guard = guard_of(phrase)
                halves = BY_SCRIPT[name]
                for script, half in zip(LANGUAGES, halves, strict=True):
                    if half not in compiled:
                        both = halves[0] == halves[1]
                        compiled[half] = _Phrase(
                            "", re.compile(half), guard, None if both else script
                        )
                continue
            pattern, anchor = compile_phrase(phrase)
            if pattern and pattern not in compiled:
                regex = re.compile(pattern)
                compiled[pattern] = _Phrase(
                    anchor, regex, guard_of(phrase) or line_guard, bounded=has_bounds(regex)
                )
    return _Matcher(tuple(compiled.values()))


@dataclass(frozen=True)
class _CompiledCheck:
    check_id: str
    criterion_id: str
    indicators: _Matcher
    counters: _Matcher
    negation: bool


@dataclass(frozen=True)
class _CompiledRedLine:
    red_line_id: str
    indicators: _Matcher
    counters: _Matcher
    negation: bool

    def hit(self, normalised: Normalised, present: frozenset[str]) -> Evidence | None:
        """The first match that is not negated and that no counter-indicator covers."""
        vetoes: list[tuple[int, int]] | None = None
        for start, end in self.indicators.spans(normalised, self.negation, present, every=True):
            if vetoes is None:
                vetoes = self.counters.spans(normalised, present=present, every=True)
            if any(start < veto_end and veto_start < end for veto_start, veto_end in vetoes):
                continue
            return _evidence(normalised, start, end)
        return None


@dataclass(frozen=True)
class _CompiledRubric:
    checks: tuple[_CompiledCheck, ...]
    red_lines: tuple[_CompiledRedLine, ...]
    anchors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Every anchor of every phrase, by its first two characters (or its only one)."""

    def present(self, text: str) -> frozenset[str]:
        """The anchors found in `text` (always the empty one)."""
        keys = {text[i : i + 2] for i in range(len(text) - 1)}
        keys.update(text)
        keys.add("")
        return frozenset(
            anchor
            for key in keys.intersection(self.anchors)
            for anchor in self.anchors[key]
            if anchor in text
        )


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
                negation=check.negation,
            )
            for criterion in scenario.criteria
            for check in criterion.checks
        ),
        red_lines=tuple(
            _CompiledRedLine(
                red_line_id=red_line.id,
                indicators=_matcher(red_line.indicators, language, red_line=True),
                counters=_matcher(red_line.counter_indicators, language),
                negation=red_line.negation,
            )
            for red_line in scenario.red_lines
        ),
    )
    anchors = {
        phrase.anchor
        for matcher in (
            *(m for check in rubric.checks for m in (check.indicators, check.counters)),
            *(m for line in rubric.red_lines for m in (line.indicators, line.counters)),
        )
        for phrase in matcher.phrases
    }
    index: dict[str, list[str]] = {}
    for anchor in sorted(anchors):
        index.setdefault(anchor[:2], []).append(anchor)
    rubric = replace(rubric, anchors={key: tuple(items) for key, items in index.items()})
    _CACHE[key] = rubric
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return rubric


def _overlaps(evidence: Evidence, spans: list[tuple[int, int]]) -> bool:
    return any(evidence.start < end and start < evidence.end for start, end in spans)


def judge_turn(scenario: Scenario, message: str, language: str | None = None) -> TurnVerdict:
    """Every check and red line of `scenario` on one rep reply. `language` ('zh', 'en',
    'zh-CN' …) is detected from the script when not given; it decides whose phrases are
    tried first (and so which evidence is quoted), not which are tried."""
    language = language_of(language) if language else detect_language(message)
    rubric = _compiled(scenario, language)
    normalised = normalise(message)
    present = rubric.present(normalised.text)
    hits = []
    for red_line in rubric.red_lines:
        evidence = red_line.hit(normalised, present)
        if evidence is not None:
            hits.append(RedLineHit(red_line.red_line_id, evidence))
    crossed = [(hit.evidence.start, hit.evidence.end) for hit in hits]
    checks: list[CheckVerdict] = []
    for check in rubric.checks:
        # Words that cross a red line never count as good practice: the first match that
        # does not overlap a red-line hit is the evidence.
        evidence = next(
            (
                found
                for start, end in check.indicators.spans(normalised, check.negation, present)
                if not _overlaps(found := _evidence(normalised, start, end), crossed)
            ),
            None,
        )
        # A counter-indicator the rep denies ("not 'supported in theory'", "不是理论上支持")
        # does not veto.
        counter = check.counters.search(normalised, True, present)
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
    return TurnVerdict(
        scenario_id=scenario.id,
        rubric_hash=scenario.rubric_hash,
        language=language,
        checks=tuple(checks),
        red_lines=tuple(hits),
    )


__all__ = ["CheckVerdict", "Evidence", "RedLineHit", "TurnVerdict", "judge_turn"]
