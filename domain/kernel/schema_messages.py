"""A JSON Schema violation in words, in zh-CN and en, so that a Chinese reply never carries
jsonschema's English message.

`rule(error)` says what is wrong with the value, as a predicate on it ("须为整数" / "must be an
integer", "缺少必填项 x" / "lacks the required property x") for the common validators, keyed on
`error.validator`; the caller names the value first ("The attribute fleet_size … it must be an
integer"). Another validator gets a generic predicate: in Chinese "取值不符合定义", in English
"is not valid: " and jsonschema's own message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError

MAX_LISTED = 10
"""At most this many enum values or property names are listed; then "…"."""

TYPES: dict[str, tuple[str, str]] = {
    "string": ("文本", "a string"),
    "integer": ("整数", "an integer"),
    "number": ("数字", "a number"),
    "boolean": ("布尔值（true 或 false）", "a boolean (true or false)"),
    "object": ("对象", "an object"),
    "array": ("列表", "a list"),
    "null": ("空值（null）", "null"),
}
FORMATS: dict[str, tuple[str, str]] = {
    "email": ("邮箱地址", "e-mail address"),
    "idn-email": ("邮箱地址", "e-mail address"),
    "date": ("日期（YYYY-MM-DD）", "date (YYYY-MM-DD)"),
    "date-time": ("日期时间（ISO 8601）", "date and time (ISO 8601)"),
    "time": ("时间（HH:MM:SS）", "time (HH:MM:SS)"),
    "duration": ("时长（ISO 8601）", "duration (ISO 8601)"),
    "uri": ("网址（URI）", "URI"),
    "uri-reference": ("网址（URI）", "URI reference"),
    "iri": ("网址（IRI）", "IRI"),
    "uuid": ("UUID", "UUID"),
    "ipv4": ("IPv4 地址", "IPv4 address"),
    "ipv6": ("IPv6 地址", "IPv6 address"),
    "hostname": ("主机名", "host name"),
    "idn-hostname": ("主机名", "host name"),
    "regex": ("正则表达式", "regular expression"),
}


@dataclass(frozen=True)
class Rule:
    """What the value at `path` (the instance's absolute path) must be, in both languages."""

    path: tuple[str | int, ...]
    zh: str
    en: str

    def where(self) -> str:
        return ".".join(str(part) for part in self.path)


def rule(error: ValidationError) -> Rule:
    """The violated rule in words, for the validators a form schema commonly uses."""
    path = tuple(error.absolute_path)
    value = error.validator_value
    words = _false if error.schema is False else _RULES.get(str(error.validator))
    if words is not None:
        try:
            zh, en = words(error, value)
        except (TypeError, ValueError, KeyError, re.error):
            zh, en = _generic(error)
    else:
        zh, en = _generic(error)
    return Rule(path, zh, en)


def _generic(error: ValidationError) -> tuple[str, str]:
    return "取值不符合定义", f"is not valid: {error.message}"


def shown(value: Any) -> str:
    """A value as the caller would write it: text as is, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def listed(values: Sequence[Any], separator: str) -> str:
    items = [shown(v) for v in values[:MAX_LISTED]]
    if len(values) > MAX_LISTED:
        items.append("…")
    return separator.join(items)


def _type(error: ValidationError, value: Any) -> tuple[str, str]:
    names = [value] if isinstance(value, str) else list(value)
    zh = [TYPES.get(name, (name, name))[0] for name in names]
    en = [TYPES.get(name, (name, name))[1] for name in names]
    return f"须为{one_of(zh, '、', '或')}", f"must be {one_of(en, ', ', ' or ')}"


def one_of(words: Sequence[str], separator: str, last: str) -> str:
    """ "a, b or c" in either language."""
    return words[0] if len(words) == 1 else separator.join(words[:-1]) + last + words[-1]


def _enum(error: ValidationError, value: Any) -> tuple[str, str]:
    values = list(value)
    return f"须为以下取值之一：{listed(values, '、')}", f"must be one of {listed(values, ', ')}"


def _const(error: ValidationError, value: Any) -> tuple[str, str]:
    return f"须为 {shown(value)}", f"must be {shown(value)}"


def _max_length(error: ValidationError, value: Any) -> tuple[str, str]:
    return f"最多 {value} 个字符", f"must be at most {value} characters long"


def _min_length(error: ValidationError, value: Any) -> tuple[str, str]:
    if value == 1:
        return "不能为空", "must not be empty"
    return f"至少 {value} 个字符", f"must be at least {value} characters long"


def _bound(zh: str, en: str):
    def words(error: ValidationError, value: Any) -> tuple[str, str]:
        return f"{zh} {shown(value)}", f"{en} {shown(value)}"

    return words


def _required(error: ValidationError, value: Any) -> tuple[str, str]:
    # jsonschema reports each missing property as its own error, in the schema's order
    missing = [name for name in value if name not in error.instance]
    name = next((n for n in missing if error.message.startswith(repr(n))), None)
    name = name if name is not None else (missing[0] if missing else "?")
    return f"缺少必填项 {name}", f"lacks the required property {name}"


def _additional(error: ValidationError, value: Any) -> tuple[str, str]:
    if value is not False:  # a schema for the others: its own errors name them
        return _generic(error)
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extra = [
        key
        for key in error.instance
        if key not in known and not any(re.search(pattern, key) for pattern in patterns)
    ]
    what = "a property" if len(extra) == 1 else "properties"
    return (
        f"含有不允许的属性：{listed(extra, '、')}",
        f"has {what} not allowed here: {listed(extra, ', ')}",
    )


def _max_properties(error: ValidationError, value: Any) -> tuple[str, str]:
    return f"最多 {value} 个属性", f"must have at most {value} properties"


def _min_properties(error: ValidationError, value: Any) -> tuple[str, str]:
    return f"至少 {value} 个属性", f"must have at least {value} properties"


def _max_items(error: ValidationError, value: Any) -> tuple[str, str]:
    return f"最多 {value} 项", f"must have at most {value} items"


def _min_items(error: ValidationError, value: Any) -> tuple[str, str]:
    return f"至少 {value} 项", f"must have at least {value} items"


def _unique(error: ValidationError, value: Any) -> tuple[str, str]:
    return "各项不能重复", "must not repeat an item"


def _pattern(error: ValidationError, value: Any) -> tuple[str, str]:
    return f"格式不符，须匹配 {value}", f"must match the pattern {value}"


def _format(error: ValidationError, value: Any) -> tuple[str, str]:
    known = FORMATS.get(str(value))
    if known is None:
        return f"须符合 {value} 格式", f"must be in the {value} format"
    return f"须为有效的{known[0]}", f"must be a valid {known[1]}"


def _multiple(error: ValidationError, value: Any) -> tuple[str, str]:
    return f"须为 {shown(value)} 的整数倍", f"must be a multiple of {shown(value)}"


def _false(error: ValidationError, value: Any) -> tuple[str, str]:
    return "此处不允许任何取值", "is not allowed here"


_RULES = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "maxLength": _max_length,
    "minLength": _min_length,
    "minimum": _bound("须不小于", "must be at least"),
    "maximum": _bound("须不大于", "must be at most"),
    "exclusiveMinimum": _bound("须大于", "must be greater than"),
    "exclusiveMaximum": _bound("须小于", "must be less than"),
    "multipleOf": _multiple,
    "required": _required,
    "additionalProperties": _additional,
    "maxProperties": _max_properties,
    "minProperties": _min_properties,
    "maxItems": _max_items,
    "minItems": _min_items,
    "uniqueItems": _unique,
    "pattern": _pattern,
    "format": _format,
}
