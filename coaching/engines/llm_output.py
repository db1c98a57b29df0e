"""The `llm` judge's answer, untrusted until proven: parsed tolerantly, validated, quotes verified.

`verdict_of_answer(scenario, message, language, content)` turns the model's text into a
`TurnVerdict` or raises `AnswerRejected` with the reason code the trace records:
- `malformed_json`: no JSON object could be read, even after stripping ```json fences, taking
  the outermost {...} and dropping trailing commas;
- `schema_invalid`: the object does not follow `VERDICT_SCHEMA`, or a check of the scenario is
  missing or answered twice;
- `unknown_check`: a check or red-line id the scenario does not have;
- `invented_quote`: a passed check or a red line whose quote is not, verbatim, in the rep's
  message (only outer whitespace is forgiven), or a passed check without a quote.
The criterion of each check comes from the scenario, never from the model.

`with_rules_red_lines(rules, model)` is the red lines' second look: the rules judge's hits
stand first and are never removed; the model may only add a red line the rules missed, with
its verified quote (the rep's exact words) as evidence.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from jsonschema import Draft202012Validator

from coaching.engines.judge import CheckVerdict, Evidence, RedLineHit, TurnVerdict
from coaching.scenario_model import Scenario

VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["checks", "red_lines"],
    "properties": {
        "checks": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "passed", "quote"],
                "properties": {
                    "id": {"type": "string"},
                    "passed": {"type": "boolean"},
                    "quote": {"type": ["string", "null"]},
                },
            },
        },
        "red_lines": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "quote"],
                "properties": {"id": {"type": "string"}, "quote": {"type": "string"}},
            },
        },
    },
}
"""One entry per check (quote: the rep's exact words when passed, else null) and one per red
line crossed. Shaped for OpenAI's strict mode: every property required, no extra ones."""

_VALIDATOR = Draft202012Validator(VERDICT_SCHEMA)
_FENCED = re.compile(r"```[A-Za-z]*\s*(.*?)```", re.DOTALL)


class AnswerRejected(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def loads_tolerantly(content: str) -> Any:
    """The JSON object in a model's answer, forgiving fences, prose around it and trailing
    commas. Raises `AnswerRejected('malformed_json')`."""
    text = content.strip()
    fenced = _FENCED.search(text)
    if fenced is not None:
        text = fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        raise AnswerRejected("malformed_json", "no JSON object in the answer")
    text = text[start : end + 1]
    error: json.JSONDecodeError | None = None
    for candidate in (text, _without_trailing_commas(text)):
        try:
            return json.loads(candidate, strict=False)  # strict=False: raw newlines in strings
        except json.JSONDecodeError as failed:
            error = failed
    assert error is not None
    raise AnswerRejected("malformed_json", f"{error.msg} at character {error.pos}")


def _without_trailing_commas(text: str) -> str:
    """Drops each comma that closes an array or object, leaving commas inside strings alone."""
    kept: list[str] = []
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == ",":
            following = index + 1
            while following < len(text) and text[following].isspace():
                following += 1
            if following < len(text) and text[following] in "}]":
                continue
        kept.append(char)
    return "".join(kept)


def verdict_of_answer(scenario: Scenario, message: str, language: str, content: str) -> TurnVerdict:
    """The verdict the model's answer gives, once it has passed every check above."""
    data = loads_tolerantly(content)
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda error: list(error.absolute_path))
    if errors:
        where = "/".join(str(part) for part in errors[0].absolute_path) or "(root)"
        raise AnswerRejected("schema_invalid", f"{where}: {errors[0].message}")
    criterion_of = {c.id: crit.id for crit in scenario.criteria for c in crit.checks}
    red_line_ids = {red_line.id for red_line in scenario.red_lines}

    answered: dict[str, dict[str, Any]] = {}
    for item in data["checks"]:
        if item["id"] not in criterion_of:
            raise AnswerRejected("unknown_check", f"no check {item['id']!r} in the scenario")
        if item["id"] in answered:
            raise AnswerRejected("schema_invalid", f"check {item['id']!r} answered twice")
        answered[item["id"]] = item
    for item in data["red_lines"]:
        if item["id"] not in red_line_ids:
            raise AnswerRejected("unknown_check", f"no red line {item['id']!r} in the scenario")
    missing = [check_id for check_id in criterion_of if check_id not in answered]
    if missing:
        raise AnswerRejected("schema_invalid", f"checks not answered: {', '.join(missing)}")

    checks = tuple(
        CheckVerdict(
            check_id=check_id,
            criterion_id=criterion_id,
            passed=answered[check_id]["passed"],
            evidence=_located(message, answered[check_id]["quote"], f"check {check_id!r}")
            if answered[check_id]["passed"]
            else None,
        )
        for check_id, criterion_id in criterion_of.items()
    )
    hits: dict[str, RedLineHit] = {}
    for item in data["red_lines"]:
        evidence = _located(message, item["quote"], f"red line {item['id']!r}")
        hits.setdefault(item["id"], RedLineHit(item["id"], evidence))
    return TurnVerdict(
        scenario_id=scenario.id,
        rubric_hash=scenario.rubric_hash,
        language=language,
        checks=checks,
        red_lines=tuple(hits.values()),
    )


def _located(message: str, quote: str | None, what: str) -> Evidence:
    text = (quote or "").strip()
    if not text:
        raise AnswerRejected("invented_quote", f"{what} has no quote")
    start = message.find(text)
    if start == -1:
        raise AnswerRejected("invented_quote", f"{what} quotes words not in the message: {text!r}")
    return Evidence(start, start + len(text), text)


def with_rules_red_lines(
    rules: TurnVerdict, model: TurnVerdict
) -> tuple[TurnVerdict, tuple[str, ...]]:
    """The model's verdict whose red lines are the rules judge's hits, then the model's hits
    on red lines the rules did not find; and the ids of those the model added."""
    ruled = {hit.red_line_id for hit in rules.red_lines}
    added = tuple(hit for hit in model.red_lines if hit.red_line_id not in ruled)
    merged = replace(model, red_lines=(*rules.red_lines, *added))
    return merged, tuple(hit.red_line_id for hit in added)


__all__ = [
    "VERDICT_SCHEMA",
    "AnswerRejected",
    "loads_tolerantly",
    "verdict_of_answer",
    "with_rules_red_lines",
]
