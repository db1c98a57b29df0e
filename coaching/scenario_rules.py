"""Stage 3 of the checks of one scenario file: the rules the JSON Schema cannot express (file
name = id, unique ids, references that resolve, limits that fit, usable phrases, persona facts),
and the recommendations (warnings) a file may do without. Findings are (path parts, message),
as in `coaching.scenario_checks`."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any, TypeGuard

from coaching.engines.text_phrases import BOUNDED_PLACEHOLDER
from coaching.scenario_checks import PLACEHOLDERS, Finding, Parts, json_path
from coaching.scenario_model import FACT_TOPICS, LANGUAGES

# --- stage 3: rules the schema cannot express ---------------------------------------------


def rule_findings(data: dict, file_stem: str) -> list[Finding]:
    """File name = id; unique ids; references that resolve; limits that fit; usable phrases."""
    return [
        *_file_name_findings(data, file_stem),
        *_unique_id_findings(data),
        *_reference_findings(data),
        *_limit_findings(data),
        *_phrase_findings(data),
        *_fact_findings(data),
        *_blank_string_findings(data, ()),
    ]


def _items(value: Any) -> list[tuple[int, dict]]:
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _checks(data: dict) -> list[tuple[Parts, dict]]:
    return [
        (("criteria", i, "checks", j), check)
        for i, criterion in _items(data.get("criteria"))
        for j, check in _items(criterion.get("checks"))
    ]


def _ids(pairs: list[tuple[Any, dict]]) -> list[str]:
    return [item["id"] for _, item in pairs if isinstance(item.get("id"), str)]


def _file_name_findings(data: dict, file_stem: str) -> list[Finding]:
    scenario_id = data.get("id")
    if isinstance(scenario_id, str) and scenario_id != file_stem:
        return [(("id",), f"the id is {scenario_id!r} but the file is named {file_stem}.json; "
                          f"scenario files are named <id>.json")]  # fmt: skip
    return []


def _unique_id_findings(data: dict) -> list[Finding]:
    lists: list[tuple[str, list[tuple[Parts, dict]]]] = [
        (noun, [((section, i), item) for i, item in _items(data.get(section))])
        for section, noun in (
            ("personas", "persona"), ("objections", "objection"), ("criteria", "criterion"),
            ("red_lines", "red line"),
        )
    ]  # fmt: skip
    lists.append(("check", _checks(data)))
    findings: list[Finding] = []
    for what, pairs in lists:
        first: dict[str, Parts] = {}
        for parts, item in pairs:
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in first:
                message = (
                    f"repeated {what} id {ident!r}, first at {json_path(first[ident] + ('id',))}"
                )
                if what == "check":
                    message += " (check ids are unique across all criteria)"
                findings.append((parts + ("id",), message))
            else:
                first[ident] = parts
    return findings


def _unknown(kind: str, name: str, known: list[str]) -> str:
    message = f"no {kind} has the id {name!r}"
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return message + f"; did you mean {close[0]!r}?"
    return message + (f"; the {kind}s are: {', '.join(sorted(set(known)))}" if known else "")


def _reference_findings(data: dict) -> list[Finding]:
    check_ids = _ids(_checks(data))
    checks_of = {
        criterion["id"]: _ids(_items(criterion.get("checks")))
        for _, criterion in _items(data.get("criteria"))
        if isinstance(criterion.get("id"), str)
    }
    findings: list[Finding] = []
    for i, objection in _items(data.get("objections")):
        named: set[str] = set()
        refs = objection.get("addressed_by")
        for j, ref in enumerate(refs if isinstance(refs, list) else []):
            if not isinstance(ref, str):
                continue
            where = ("objections", i, "addressed_by", j)
            if ref in named:
                findings.append((where, f"names check {ref!r} twice"))
            elif ref not in check_ids and ref in checks_of:
                checks = ", ".join(checks_of[ref])
                findings.append(
                    (where, f"{ref!r} is a criterion, not a check; its checks: {checks}")
                )
            elif ref not in check_ids:
                findings.append((where, _unknown("check", ref, check_ids)))
            named.add(ref)
    objection_ids = _ids(_items(data.get("objections")))
    for i, persona in _items(data.get("personas")):
        weights = persona.get("objection_weights")
        for key in weights if isinstance(weights, dict) else {}:
            if key not in objection_ids:
                where = ("personas", i, "objection_weights", key)
                findings.append((where, _unknown("objection", key, objection_ids)))
        raised = persona.get("objections")
        seen: set[str] = set()
        for j, key in enumerate(raised if isinstance(raised, list) else []):
            if not isinstance(key, str):
                continue
            where = ("personas", i, "objections", j)
            if key in seen:
                findings.append((where, f"names objection {key!r} twice"))
            elif key not in objection_ids:
                findings.append((where, _unknown("objection", key, objection_ids)))
            seen.add(key)
    return findings


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _limit_findings(data: dict) -> list[Finding]:
    findings: list[Finding] = []
    limits = data.get("turn_limits")
    low, high = (limits.get("min"), limits.get("max")) if isinstance(limits, dict) else (0, 0)
    if _is_int(low) and _is_int(high) and low > high:
        message = f"min ({low}) must not be more than max ({high})"
        findings.append((("turn_limits",), message))
    pool = data.get("objections")
    levels = data.get("difficulties")
    if isinstance(pool, list) and isinstance(levels, dict):
        for level, difficulty in levels.items():
            wanted = difficulty.get("objections") if isinstance(difficulty, dict) else None
            if _is_int(wanted) and wanted > len(pool):
                message = f"asks for {wanted} objections but the pool has only {len(pool)}"
                findings.append((("difficulties", level, "objections"), message))
    return findings


_BRACED = re.compile(r"\{[^{}]*\}")


def _phrase_findings(data: dict) -> list[Finding]:
    """Phrases may hold only {number} and {percent}, and must have something to match."""
    lists: list[tuple[Parts, Any]] = [
        (parts + (key,), check.get(key))
        for parts, check in _checks(data)
        for key in ("indicators", "counter_indicators")
    ]
    lists += [(("red_lines", i, key), line.get(key))
              for i, line in _items(data.get("red_lines"))
              for key in ("indicators", "counter_indicators")]  # fmt: skip
    lists += [(("personas", i, "facts", j, "asked_by"), fact.get("asked_by"))
              for i, persona in _items(data.get("personas"))
              for j, fact in _items(persona.get("facts"))]  # fmt: skip
    findings: list[Finding] = []
    for parts, phrases in lists:
        if not isinstance(phrases, dict):
            continue
        for language in LANGUAGES:
            values = phrases.get(language)
            for k, phrase in enumerate(values if isinstance(values, list) else []):
                if isinstance(phrase, str) and phrase.strip():
                    findings += [(parts + (language, k), m) for m in _phrase_problems(phrase)]
    return findings


def _fact_findings(data: dict) -> list[Finding]:
    """One fact per topic and persona; a topic that is not built in says how it is asked."""
    findings: list[Finding] = []
    for i, persona in _items(data.get("personas")):
        first: dict[str, int] = {}
        for j, fact in _items(persona.get("facts")):
            topic = fact.get("topic")
            if not isinstance(topic, str):
                continue
            where = ("personas", i, "facts", j, "topic")
            if topic in first:
                earlier = json_path(("personas", i, "facts", first[topic]))
                findings.append((where, f"repeated topic {topic!r}, first at {earlier}"))
                continue
            first[topic] = j
            if topic not in FACT_TOPICS and "asked_by" not in fact:
                findings.append((where, f"{topic!r} is not a built-in topic "
                                 f"({', '.join(FACT_TOPICS)}); give `asked_by` phrases "
                                 "so the customer knows when it is asked"))  # fmt: skip
    return findings


_GAP = re.compile(r"…|\.{3,}")


def _phrase_problems(phrase: str) -> list[str]:
    braced = _BRACED.findall(phrase)
    problems = [
        f"unknown placeholder {token}; only {{number}}, {{percent}}, {{money}} (or bounded: "
        f"{{percent<20}}, {{money>=2200}}) and the concepts {', '.join(PLACEHOLDERS[3:])} "
        "are allowed"
        for token in dict.fromkeys(braced)
        if token not in PLACEHOLDERS and not BOUNDED_PLACEHOLDER.fullmatch(token)
    ]
    rest = _BRACED.sub(" ", phrase)
    if "{" in rest or "}" in rest:
        problems.append(
            "unmatched { or }; placeholders are written {number}, {percent}, {money} "
            "or a concept such as {discount}"
        )
    words = _GAP.sub(" ", rest)
    if not braced and "%" not in words and not any(char.isalnum() for char in words):
        problems.append("has no letter, digit or placeholder, so there is nothing to match")
    elif _GAP.match(phrase.strip()) or phrase.strip().endswith(("…", "...")):
        problems.append("starts or ends with a gap (…); a gap goes between two words")
    return problems


# --- recommendations (warnings) ---------------------------------------------------------------

RECOMMENDED_OBJECTIONS = 4
RECOMMENDED_PHRASINGS = 2
RECOMMENDED_RED_LINE_PHRASES = 3


def recommendation_findings(data: dict) -> list[Finding]:
    """What a scenario usually has but may do without: warnings, never problems."""
    findings: list[Finding] = []
    pool = data.get("objections")
    if isinstance(pool, list) and len(pool) < RECOMMENDED_OBJECTIONS:
        findings.append((("objections",), f"has {len(pool)} objection(s); "
                         f"{RECOMMENDED_OBJECTIONS} or more keep role-plays varied"))  # fmt: skip
    for i, objection in _items(pool):
        phrasings = objection.get("phrasings")
        if isinstance(phrasings, list) and len(phrasings) < RECOMMENDED_PHRASINGS:
            findings.append((("objections", i, "phrasings"), f"has {len(phrasings)} phrasing(s); "
                             f"{RECOMMENDED_PHRASINGS} or more keep the customer from "
                             "repeating itself"))  # fmt: skip
    for i, line in _items(data.get("red_lines")):
        indicators = line.get("indicators")
        for language in LANGUAGES:
            values = indicators.get(language) if isinstance(indicators, dict) else None
            if isinstance(values, list) and len(values) < RECOMMENDED_RED_LINE_PHRASES:
                findings.append((("red_lines", i, "indicators", language),
                                 f"has {len(values)} phrase(s); a red line is judged recall "
                                 f"first, write {RECOMMENDED_RED_LINE_PHRASES} or more "
                                 "phrasings of the forbidden act"))  # fmt: skip
    return findings


def _blank_string_findings(value: Any, parts: Parts) -> list[Finding]:
    """Every text and phrase must say something once trimmed (empty ones the schema reports)."""
    if isinstance(value, str):
        return [(parts, "is blank after trimming")] if value and not value.strip() else []
    pairs: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        pairs = value.items()
    elif isinstance(value, list):
        pairs = enumerate(value)
    else:
        return []
    return [
        finding for key, item in pairs for finding in _blank_string_findings(item, parts + (key,))
    ]
