"""Milestone rules: the JSON file (validated by `milestones.schema.json`, draft 2020-12, and
the checks a schema cannot express) and their evaluation for one rep — plain functions.

A file passes when it is JSON, matches the schema, gives every milestone its own id, only
requires flags some milestone unlocks, never depends on itself through flags, and names only
configured dimensions. Every problem names the file, a JSON path and a message; a bad file
stops start-up (see `domain.settings`) and `pacer capability check-milestones` lists them.

Evaluation walks the milestones so that a flag's providers come before the milestones that
require it: flags come from this evaluation, never from stale awards, so revoking a
prerequisite revokes what depends on it in the same run."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from domain.capability.rules import dimension_label
from domain.kernel.problems import Problem

DEFAULT_FILE = Path(__file__).with_name("milestones.json")
SCHEMA_FILE = Path(__file__).with_name("milestones.schema.json")


class MilestonesError(ValueError):
    """A milestones file with problems; `.problems` lists every one."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Milestone:
    id: str
    title: tuple[str, str]
    """(zh, en)."""
    requires: tuple[Mapping[str, Any], ...]
    unlocks: tuple[str, ...]

    def title_in(self, language: str) -> str:
        return self.title[1] if language == "en" else self.title[0]


@dataclass(frozen=True)
class Milestones:
    source: Path
    milestones: tuple[Milestone, ...]
    """Providers of a flag before the milestones that require it."""

    def get(self, milestone_id: str) -> Milestone | None:
        return next((m for m in self.milestones if m.id == milestone_id), None)


def milestones_file(configured: Path | None) -> Path:
    """The milestone rules in force: the configured file, else the shipped one."""
    return configured or DEFAULT_FILE


def load_milestones(path: Path, dimensions: Sequence[str] | None = None) -> Milestones:
    """The file's milestones; MilestonesError lists every problem. With `dimensions`, the
    dimensions the file names must be among them."""
    try:
        modified = path.stat().st_mtime_ns
    except OSError as error:
        raise MilestonesError([Problem(path, "$", f"cannot read: {error.strerror}")]) from None
    return _load(path, modified, tuple(dimensions) if dimensions is not None else None)


@lru_cache(maxsize=16)
def _load(path: Path, _modified: int, dimensions: tuple[str, ...] | None) -> Milestones:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise MilestonesError([Problem(path, "$", f"cannot read: {error}")]) from None
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise MilestonesError([Problem(path, "$", message)]) from None
    problems = [
        Problem(path, json_path(error.absolute_path), error.message)
        for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path)))
    ]
    if not problems:
        problems = [Problem(path, where, message) for where, message in _rule_findings(data)]
        problems += [
            Problem(path, where, message)
            for where, message in _dimension_findings(data, dimensions)
        ]
    if problems:
        raise MilestonesError(problems)
    items = [
        Milestone(
            id=item["id"],
            title=(item["title"]["zh"], item["title"]["en"]),
            requires=tuple(item["requires"]),
            unlocks=tuple(item.get("unlocks", ())),
        )
        for item in data["milestones"]
    ]
    order, _ = _dependency_order(data["milestones"])
    return Milestones(path, tuple(items[index] for index in order))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def json_path(parts) -> str:
    """('milestones', 2, 'requires', 0) → '$.milestones[2].requires[0]'."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _rule_findings(data: dict) -> list[tuple[str, str]]:
    items = data["milestones"]
    findings = []
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        seen = first.setdefault(item["id"], index)
        if seen != index:
            findings.append(
                (f"$.milestones[{index}].id", f"{item['id']!r} is the id of milestones[{seen}] too")
            )
    unlocked = {flag for item in items for flag in item.get("unlocks", ())}
    for i, item in enumerate(items):
        for j, requirement in enumerate(item["requires"]):
            if requirement["kind"] == "flag" and requirement["flag"] not in unlocked:
                findings.append(
                    (
                        f"$.milestones[{i}].requires[{j}].flag",
                        f"no milestone unlocks the flag {requirement['flag']!r}",
                    )
                )
    _, circular = _dependency_order(items)
    for index in circular:
        findings.append(
            (f"$.milestones[{index}]", "depends on itself through the flags it requires")
        )
    return findings


def _dimension_findings(data: dict, dimensions: tuple[str, ...] | None) -> list[tuple[str, str]]:
    if dimensions is None:
        return []
    findings = []
    for i, item in enumerate(data["milestones"]):
        for j, requirement in enumerate(item["requires"]):
            named = requirement.get("dimensions")
            for k, code in enumerate(named if isinstance(named, list) else ()):
                if code not in dimensions:
                    findings.append(
                        (
                            f"$.milestones[{i}].requires[{j}].dimensions[{k}]",
                            f"{code!r} is not a configured dimension ({', '.join(dimensions)})",
                        )
                    )
    return findings


def _dependency_order(items: list[dict]) -> tuple[list[int], list[int]]:
    """Indexes with every flag's providers first, and those caught in a cycle (Kahn)."""
    providers: dict[str, set[int]] = {}
    for index, item in enumerate(items):
        for flag in item.get("unlocks", ()):
            providers.setdefault(flag, set()).add(index)
    needs = {
        index: {
            provider
            for requirement in item["requires"]
            if requirement["kind"] == "flag"
            for provider in providers.get(requirement["flag"], ())
        }
        for index, item in enumerate(items)
    }
    order: list[int] = []
    ready = [index for index, needed in needs.items() if not needed]
    while ready:
        index = ready.pop(0)
        order.append(index)
        for other, needed in needs.items():
            if index in needed:
                needed.discard(index)
                if not needed and other not in order and other not in ready:
                    ready.append(other)
    return order, sorted(set(needs) - set(order))


# --- evaluation -------------------------------------------------------------------------


@dataclass(frozen=True)
class RepFacts:
    scores: Mapping[str, tuple[float, float]]
    """Per dimension: (effective score, confidence)."""
    won_deals: Sequence[tuple[date, int]] = ()
    """(signed on, signed amount in minor units) of the rep's won deals."""
    passed_exams: Sequence[date] = ()
    """The days the rep's passed exam sessions finished."""


@dataclass(frozen=True)
class Verdict:
    milestone: Milestone
    met: bool
    numbers: dict[str, Any]
    """What decided it: each requirement with the values seen."""


def evaluate(
    milestones: Milestones, facts: RepFacts, dimensions: Sequence[str], as_of: date
) -> list[Verdict]:
    flags: set[str] = set()
    verdicts = []
    for milestone in milestones.milestones:
        checked = [_check(req, facts, flags, dimensions, as_of) for req in milestone.requires]
        met = all(item["met"] for item in checked)
        if met:
            flags.update(milestone.unlocks)
        verdicts.append(Verdict(milestone, met, {"as_of": as_of.isoformat(), "requires": checked}))
    return verdicts


def _since(as_of: date, within_days: int | None) -> date | None:
    """The first day a `within_days` window counts. Facts are taken as recorded now, like
    the scores: `as_of` anchors the windows and dates the awards."""
    return None if within_days is None else as_of - timedelta(days=within_days - 1)


def _check(requirement, facts: RepFacts, flags, dimensions, as_of: date) -> dict[str, Any]:
    kind = requirement["kind"]
    if kind == "scores":
        named = dimensions if requirement["dimensions"] == "all" else requirement["dimensions"]
        least = requirement["min"]
        least_confidence = requirement.get("min_confidence", 0)
        seen = {code: facts.scores.get(code) for code in named}
        short = [
            code
            for code, found in seen.items()
            if found is None or found[0] < least or found[1] < least_confidence
        ]
        return {
            "kind": kind,
            "min": least,
            "min_confidence": least_confidence,
            "scores": {code: found and found[0] for code, found in seen.items()},
            "short": short,
            "met": not short,
        }
    if kind == "flag":
        return {"kind": kind, "flag": requirement["flag"], "met": requirement["flag"] in flags}
    since = _since(as_of, requirement.get("within_days"))
    if kind == "won_deals":
        amounts = [
            amount
            for won_on, amount in facts.won_deals
            if amount >= requirement["min_amount"] and (since is None or won_on >= since)
        ]
        return {
            "kind": kind,
            "count": requirement["count"],
            "min_amount": requirement["min_amount"],
            "within_days": requirement.get("within_days"),
            "found": len(amounts),
            "largest": max(amounts, default=None),
            "met": len(amounts) >= requirement["count"],
        }
    days = [day for day in facts.passed_exams if since is None or day >= since]
    return {
        "kind": kind,
        "count": requirement["count"],
        "within_days": requirement.get("within_days"),
        "found": len(days),
        "met": len(days) >= requirement["count"],
    }


def describe(requirement: Mapping[str, Any], language: str) -> str:
    """One requirement in words, for listings."""
    kind = requirement["kind"]
    english = language == "en"
    if kind == "scores":
        named = requirement["dimensions"]
        if named == "all":
            which = "every dimension" if english else "所有维度"
        else:
            which = ", ".join(dimension_label(code, language) for code in named)
        return f"{which} ≥ {requirement['min']:g}"
    if kind == "flag":
        return f"flag {requirement['flag']}" if english else f"持有标记 {requirement['flag']}"
    if kind == "won_deals":
        amount = requirement["min_amount"] / 100
        if english:
            return f"{requirement['count']} won deal(s) ≥ {amount:,.2f}"
        return f"{requirement['count']} 笔成交 ≥ {amount:,.2f}"
    if english:
        return f"{requirement['count']} passed exam session(s)"
    return f"通过 {requirement['count']} 场考试"
