"""A scenario as typed, immutable objects, so engines never touch the raw JSON.

The field names follow `coaching/scenarios/scenario.schema.json`; the only renaming is
`Difficulty.objection_count` (the schema's `objections` number of a difficulty level).
Build them with `coaching.scenario.load_scenarios`, which validates first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, overload

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DIFFICULTY_LEVELS = ("easy", "normal", "hard")


def language_of(language: str) -> Language:
    """'zh', 'zh-CN', 'zh_Hans' → 'zh'; 'en', 'en-US' → 'en'; anything else is a ValueError."""
    base = language.strip().replace("_", "-").split("-")[0].lower()
    for known in LANGUAGES:
        if base == known:
            return known
    raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")


@dataclass(frozen=True)
class Text:
    """Something a rep or trainer reads, in both languages."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        return getattr(self, language_of(language))


@dataclass(frozen=True)
class Phrases:
    """Phrases that show something, per language, in the phrase language of
    `coaching.engines.text` ({number}, {percent}, {money}, `…` gaps)."""

    zh: tuple[str, ...]
    en: tuple[str, ...]

    def get(self, language: str) -> tuple[str, ...]:
        return getattr(self, language_of(language))


@dataclass(frozen=True)
class Difficulty:
    """How cooperative the customer is at one level."""

    level: str
    initial_trust: int
    trust_to_agree: int
    patience: int
    objection_count: int


@dataclass(frozen=True)
class Difficulties:
    easy: Difficulty
    normal: Difficulty
    hard: Difficulty

    def get(self, level: str) -> Difficulty:
        if level not in DIFFICULTY_LEVELS:
            raise ValueError(f"unknown difficulty {level!r}; use one of easy, normal, hard")
        return getattr(self, level)


FACT_TOPICS = ("budget", "seats", "timeline", "volume", "decision", "current_solution")
"""Topics whose questions the customer recognises without `asked_by` phrases (both languages:
'what budget', '预算多少'; 'how many seats', '多少个账号', '多少人用'; 'when', '什么时候上线' …)."""


@dataclass(frozen=True)
class Fact:
    """Something the customer knows and tells when the rep asks for it."""

    topic: str
    answer: Text
    asked_by: Phrases | None = None
    """Phrases (pattern language) of the question, besides the topic's built-in ones."""


@dataclass(frozen=True)
class Persona:
    id: str
    role: Text
    motivation: Text
    temperament: Text
    hidden_concerns: tuple[Text, ...]
    opening_lines: tuple[Text, ...]
    objection_weights: tuple[tuple[str, float], ...] = ()
    """(objection id, weight) as the file gives them, sorted; other objections weigh 1."""
    objections: tuple[str, ...] = ()
    """The objections this persona raises, when the file lists them; empty = any of the pool."""
    facts: tuple[Fact, ...] = ()
    """What the customer answers when asked; a topic not listed is never made up."""

    def fact(self, topic: str) -> Fact | None:
        return next((fact for fact in self.facts if fact.topic == topic), None)

    def weight_of(self, objection_id: str) -> float:
        """How likely the persona raises the objection: 0 for one it does not list (when it
        lists its objections), else its weight (default 1)."""
        if self.objections and objection_id not in self.objections:
            return 0.0
        return dict(self.objection_weights).get(objection_id, 1.0)

    def raises(self, objection_id: str) -> bool:
        return self.weight_of(objection_id) > 0


@dataclass(frozen=True)
class Objection:
    id: str
    topic: Text
    phrasings: tuple[Text, ...]
    pushbacks: tuple[Text, ...]
    addressed_by: tuple[str, ...]
    """Check ids whose passing addresses the objection."""
    acknowledgements: tuple[Text, ...]


@dataclass(frozen=True)
class Check:
    """One observable yes/no sub-action in a rep's reply."""

    id: str
    question: Text
    indicators: Phrases
    counter_indicators: Phrases | None = None
    tip: Text | None = None
    negation: bool = False
    """Negation-sensitive: an indicator in the scope of a negation ("我们没有试点") does not
    pass the check."""


@dataclass(frozen=True)
class Criterion:
    id: str
    capability: str
    weight: float
    title: Text
    checks: tuple[Check, ...]
    model_answer: Text


@dataclass(frozen=True)
class RedLine:
    """Something a rep must never say; it fails the session whatever the score."""

    id: str
    title: Text
    indicators: Phrases
    explanation: Text
    counter_indicators: Phrases | None = None
    """A match of one of these that covers the same words vetoes the hit ("100%的客户")."""
    negation: bool = True
    """A refusal ("我不会给您打八折") is not a hit; false only for phrases that must count
    anyway."""
    reactions: tuple[Text, ...] = ()
    """What the customer says right after the rep crosses it (built-in lines when empty)."""


@dataclass(frozen=True)
class ClosingLines:
    agreed: tuple[Text, ...]
    declined: tuple[Text, ...]


@dataclass(frozen=True)
class TurnLimits:
    min: int
    max: int


@dataclass(frozen=True)
class Scenario:
    id: str
    version: int
    title: Text
    situation: Text
    goal: Text
    industry: str
    difficulties: Difficulties
    personas: tuple[Persona, ...]
    objections: tuple[Objection, ...]
    criteria: tuple[Criterion, ...]
    red_lines: tuple[RedLine, ...]
    closing_lines: ClosingLines
    turn_limits: TurnLimits
    pass_mark: int
    rubric_hash: str
    """sha256 of the canonical JSON of criteria, red lines and version (see `rubric_hash`)."""
    source: Path = field(compare=False)
    raw: Mapping[str, Any] = field(compare=False, repr=False)
    """The file's JSON, read-only (mappings are MappingProxyType, lists are tuples)."""

    def persona(self, persona_id: str) -> Persona | None:
        return next((p for p in self.personas if p.id == persona_id), None)

    def objection(self, objection_id: str) -> Objection | None:
        return next((o for o in self.objections if o.id == objection_id), None)

    def check(self, check_id: str) -> Check | None:
        return next((c for crit in self.criteria for c in crit.checks if c.id == check_id), None)

    def criterion_of(self, check_id: str) -> Criterion | None:
        return next(
            (crit for crit in self.criteria if any(c.id == check_id for c in crit.checks)), None
        )


# --- building from validated JSON -----------------------------------------------------------


def rubric_hash(data: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON (sorted keys, no spaces, UTF-8) of the scenario's
    criteria, red lines and version: what a session freezes as its rubric version. A red
    line's `reactions` are the customer's lines, not the rubric: they are left out."""
    rubric = {
        "criteria": data["criteria"],
        "red_lines": [
            {key: value for key, value in red_line.items() if key != "reactions"}
            for red_line in data["red_lines"]
        ],
        "version": data["version"],
    }
    canonical = json.dumps(rubric, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_scenario(data: dict[str, Any], source: Path, default_pass_mark: int) -> Scenario:
    """Turn a file's JSON that passed every check into a Scenario."""
    return Scenario(
        id=data["id"],
        version=data["version"],
        title=_text(data["title"]),
        situation=_text(data["situation"]),
        goal=_text(data["goal"]),
        industry=data["industry"],
        difficulties=Difficulties(
            *(_difficulty(level, data["difficulties"][level]) for level in DIFFICULTY_LEVELS)
        ),
        personas=tuple(_persona(item) for item in data["personas"]),
        objections=tuple(_objection(item) for item in data["objections"]),
        criteria=tuple(_criterion(item) for item in data["criteria"]),
        red_lines=tuple(_red_line(item) for item in data["red_lines"]),
        closing_lines=ClosingLines(
            agreed=_texts(data["closing_lines"]["agreed"]),
            declined=_texts(data["closing_lines"]["declined"]),
        ),
        turn_limits=TurnLimits(min=data["turn_limits"]["min"], max=data["turn_limits"]["max"]),
        pass_mark=data.get("pass_mark", default_pass_mark),
        rubric_hash=rubric_hash(data),
        source=source,
        raw=freeze(data),
    )


def freeze(value: Any) -> Any:
    """A read-only deep copy: dicts become MappingProxyType, lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(freeze(item) for item in value)
    return value


def _text(data: dict) -> Text:
    return Text(zh=data["zh"], en=data["en"])


def _texts(items: list) -> tuple[Text, ...]:
    return tuple(_text(item) for item in items)


@overload
def _phrases(data: dict) -> Phrases: ...
@overload
def _phrases(data: dict | None) -> Phrases | None: ...


def _phrases(data: dict | None) -> Phrases | None:
    return None if data is None else Phrases(zh=tuple(data["zh"]), en=tuple(data["en"]))


def _difficulty(level: str, data: dict) -> Difficulty:
    return Difficulty(
        level=level,
        initial_trust=data["initial_trust"],
        trust_to_agree=data["trust_to_agree"],
        patience=data["patience"],
        objection_count=data["objections"],
    )


def _persona(data: dict) -> Persona:
    weights = data.get("objection_weights", {})
    return Persona(
        id=data["id"],
        role=_text(data["role"]),
        motivation=_text(data["motivation"]),
        temperament=_text(data["temperament"]),
        hidden_concerns=_texts(data["hidden_concerns"]),
        opening_lines=_texts(data["opening_lines"]),
        objection_weights=tuple((key, float(weights[key])) for key in sorted(weights)),
        objections=tuple(data.get("objections", ())),
        facts=tuple(
            Fact(
                topic=fact["topic"],
                answer=_text(fact["answer"]),
                asked_by=_phrases(fact.get("asked_by")),
            )
            for fact in data.get("facts", ())
        ),
    )


def _objection(data: dict) -> Objection:
    return Objection(
        id=data["id"],
        topic=_text(data["topic"]),
        phrasings=_texts(data["phrasings"]),
        pushbacks=_texts(data["pushbacks"]),
        addressed_by=tuple(data["addressed_by"]),
        acknowledgements=_texts(data["acknowledgements"]),
    )


def _criterion(data: dict) -> Criterion:
    return Criterion(
        id=data["id"],
        capability=data["capability"],
        weight=float(data["weight"]),
        title=_text(data["title"]),
        checks=tuple(
            Check(
                id=check["id"],
                question=_text(check["question"]),
                indicators=_phrases(check["indicators"]),
                counter_indicators=_phrases(check.get("counter_indicators")),
                tip=_text(check["tip"]) if "tip" in check else None,
                negation=bool(check.get("negation", False)),
            )
            for check in data["checks"]
        ),
        model_answer=_text(data["model_answer"]),
    )


def _red_line(data: dict) -> RedLine:
    return RedLine(
        id=data["id"],
        title=_text(data["title"]),
        indicators=_phrases(data["indicators"]),
        explanation=_text(data["explanation"]),
        counter_indicators=_phrases(data.get("counter_indicators")),
        negation=bool(data.get("negation", True)),
        reactions=_texts(data.get("reactions", [])),
    )
