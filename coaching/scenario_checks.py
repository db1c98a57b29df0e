"""The checks of one scenario file, in three stages: JSON, the JSON Schema, the rules the
schema cannot express. Each finding is (path parts, message); `coaching.scenario` turns them
into Problems and loads only files without findings. Stage 3 (`rule_findings`) and the
recommendations (`recommendation_findings`, warnings that never stop a file from loading) are
in `coaching.scenario_rules`."""

from __future__ import annotations

import json
import re
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from coaching.engines.text_concepts import CONCEPT_PLACEHOLDERS

PLACEHOLDERS = ("{number}", "{percent}", "{money}", *CONCEPT_PLACEHOLDERS)
"""Number placeholders, then the concept placeholders of the red-line types."""

Parts = tuple[str | int, ...]
Finding = tuple[Parts, str]


def json_path(parts: Parts) -> str:
    """('objections', 2, 'addressed_by', 0) → '$.objections[2].addressed_by[0]'."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            text += f".{part}"
        else:
            text += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return text


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
UNPARSED = object()
"""What parse_json returns for a document it could not read."""


# --- stage 1: JSON ---------------------------------------------------------------------------


class _NotJsonConstant(ValueError):
    pass


def parse_json(raw: bytes) -> tuple[Any, list[Finding]]:
    """The document (or UNPARSED) and what is wrong with it as JSON. Repeated keys in an
    object are reported (JSON would silently keep the last); NaN and Infinity are refused."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return UNPARSED, [
            ((), f"not UTF-8 text: byte {error.object[error.start]:#04x} at offset {error.start}")
        ]
    repeated: list[tuple[dict, str]] = []

    def object_without_repeats(pairs: list[tuple[str, Any]]) -> dict:
        result: dict = {}
        for key, value in pairs:
            if key in result:
                repeated.append((result, key))
            result[key] = value
        return result

    def refuse(name: str) -> None:
        raise _NotJsonConstant(name)

    try:
        data = json.loads(text, object_pairs_hook=object_without_repeats, parse_constant=refuse)
    except json.JSONDecodeError as error:
        return UNPARSED, [((), f"not valid JSON: {describe_decode_error(error)}")]
    except _NotJsonConstant as error:
        return UNPARSED, [((), f"not valid JSON: {error} is not a JSON number")]
    owners = _paths_of_objects(data, {id(owner) for owner, _ in repeated})
    return data, [
        (owners.get(id(owner), ()) + (key,), "this key appears more than once in its object")
        for owner, key in repeated
    ]


def describe_decode_error(error: json.JSONDecodeError) -> str:
    return f"{error.msg} at line {error.lineno}, column {error.colno}"


def _paths_of_objects(data: Any, wanted: set[int]) -> dict[int, Parts]:
    found: dict[int, Parts] = {}
    stack: list[tuple[Parts, Any]] = [((), data)]
    while stack and len(found) < len(wanted):
        parts, value = stack.pop()
        if isinstance(value, dict):
            if id(value) in wanted:
                found[id(value)] = parts
            stack.extend((parts + (key,), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((parts + (index,), item) for index, item in enumerate(value))
    return found


# --- stage 2: the JSON Schema ---------------------------------------------------------------


def schema_findings(validator: Draft202012Validator, data: Any) -> list[Finding]:
    return [finding for error in validator.iter_errors(data) for finding in _describe(error)]


_JSON_TYPES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _json_type(value: Any) -> str:
    for python_type, name in (
        (bool, "boolean"), (dict, "object"), (list, "array"), (str, "string"), (int, "integer"),
        (float, "number"),
    ):  # fmt: skip
        if isinstance(value, python_type):
            return _JSON_TYPES[name]
    return "null"


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(error: ValidationError) -> list[Finding]:
    parts: Parts = tuple(error.absolute_path)
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "required" and isinstance(instance, dict):
        return [(parts + (name,), "is required but missing") for name in expected
                if name not in instance]  # fmt: skip
    if kind == "additionalProperties" and expected is False and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        return [
            (parts + (key,), f"unknown property; allowed here: {', '.join(allowed)}")
            for key in instance
            if key not in allowed
        ]
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_JSON_TYPES.get(name, name) for name in names)
        message = f"must be {wanted}, not {_json_type(instance)}"
    elif kind == "minItems":
        message = f"needs at least {expected} item(s), has {len(instance)}"
    elif kind == "maxItems":
        message = f"allows at most {expected} item(s), has {len(instance)}"
    elif kind == "minLength":
        message = "must not be empty" if expected == 1 else f"needs at least {expected} characters"
    elif kind == "maxLength":
        message = f"allows at most {expected} characters, has {len(instance)}"
    elif kind == "pattern":
        message = f"{_short(instance)} does not match the pattern {expected}"
    elif kind == "enum":
        message = f"{_short(instance)} is not one of: {', '.join(map(str, expected))}"
    else:
        message = error.message if len(error.message) <= 200 else error.message[:199] + "…"
    return [(parts, message)]
