"""A JSON Schema violation in words: each common validator in Chinese and in English, never
jsonschema's English message inside the Chinese one; the intake attributes name their field."""

from __future__ import annotations

from dataclasses import replace

import pytest
from jsonschema import Draft202012Validator

from domain.errors import BrokenRules
from domain.kernel.schema_messages import rule
from domain.leads.rules import Contact, IntakeItem, clean_lead, intake_validator
from tests.support.language import assert_chinese, assert_english

SCHEMA = {
    "type": "object",
    "required": ["campaign"],
    "additionalProperties": False,
    "maxProperties": 6,
    "properties": {
        "campaign": {"type": "string", "minLength": 3, "maxLength": 5, "pattern": "^[a-z]+$"},
        "fleet_size": {"type": "integer", "minimum": 1, "maximum": 100, "multipleOf": 2},
        "share": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "timeline": {"enum": ["now", "later"]},
        "kind": {"const": "fleet"},
        "email": {"type": "string", "format": "email"},
        "tags": {"type": "array", "minItems": 1, "maxItems": 2, "uniqueItems": True},
        "extra": {"type": "object", "minProperties": 1},
        "nothing": False,
        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    },
}
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

# (the data, the validator expected, its path, the words expected in zh and in en)
CASES = [
    ({"fleet_size": "three"}, "type", "fleet_size", "须为整数", "must be an integer"),
    ({"timeline": "someday"}, "enum", "timeline", "now、later", "must be one of now, later"),
    ({"kind": "car"}, "const", "kind", "须为 fleet", "must be fleet"),
    ({"campaign": "abcdef"}, "maxLength", "campaign", "最多 5 个字符", "at most 5 characters"),
    ({"campaign": "ab"}, "minLength", "campaign", "至少 3 个字符", "at least 3 characters"),
    ({"fleet_size": 0}, "minimum", "fleet_size", "须不小于 1", "must be at least 1"),
    ({"fleet_size": 102}, "maximum", "fleet_size", "须不大于 100", "must be at most 100"),
    ({"share": 0}, "exclusiveMinimum", "share", "须大于 0", "must be greater than 0"),
    ({"share": 1}, "exclusiveMaximum", "share", "须小于 1", "must be less than 1"),
    ({"fleet_size": 3}, "multipleOf", "fleet_size", "2 的整数倍", "a multiple of 2"),
    ({}, "required", "", "缺少必填项 campaign", "lacks the required property campaign"),
    ({"zzz": 1}, "additionalProperties", "", "不允许的属性：zzz", "not allowed here: zzz"),
    ({f"k{i}": 1 for i in range(7)}, "maxProperties", "", "最多 6 个属性", "at most 6 properties"),
    ({"extra": {}}, "minProperties", "extra", "至少 1 个属性", "at least 1 properties"),
    ({"campaign": "AB1"}, "pattern", "campaign", "须匹配 ^[a-z]+$", "the pattern ^[a-z]+$"),
    ({"email": "nope"}, "format", "email", "有效的邮箱地址", "a valid e-mail address"),
    ({"tags": []}, "minItems", "tags", "至少 1 项", "at least 1 items"),
    ({"tags": [1, 2, 3]}, "maxItems", "tags", "最多 2 项", "at most 2 items"),
    ({"tags": [1, 1]}, "uniqueItems", "tags", "不能重复", "must not repeat"),
    # jsonschema gives a `false` subschema's error no path: the words only
    ({"nothing": 1}, None, "", "不允许任何取值", "is not allowed here"),
    ({"either": 1.5}, "anyOf", "either", "取值不符合定义", "is not valid: 1.5 is not valid"),
]


def only_error(data: dict, validator: str | None):
    """The one error of `validator` (None: the `false` schema) among those of `data`."""
    errors = [
        error
        for error in VALIDATOR.iter_errors(data)
        if (error.schema is False if validator is None else error.validator == validator)
    ]
    assert len(errors) == 1, (data, errors)
    return errors[0]


@pytest.mark.parametrize(("data", "validator", "path", "zh", "en"), CASES)
def test_each_validator_in_both_languages(data, validator, path, zh, en):
    broken = rule(only_error(data, validator))
    assert broken.where() == path
    assert zh in broken.zh and en in broken.en, (broken.zh, broken.en)
    assert_chinese(broken.zh, allowed=["campaign", "fleet", "later", "zzz"])
    assert_english(broken.en)


def test_types_are_listed_in_either_language():
    validator = Draft202012Validator({"type": ["string", "number", "boolean"]})
    broken = rule(next(validator.iter_errors({"a": 1})))
    assert broken.zh == "须为文本、数字或布尔值（true 或 false）"
    assert broken.en == "must be a string, a number or a boolean (true or false)"


def test_a_long_enum_is_cut():
    validator = Draft202012Validator({"enum": list(range(30))})
    broken = rule(next(validator.iter_errors(99)))
    assert broken.en == "must be one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …"


# --- intake attributes -----------------------------------------------------------------------

ITEM = IntakeItem(
    external_id="web-1",
    source="website",
    segment="smb",
    region="sh",
    contact=Contact(phone="+86 138 0000 0000"),
)


def refused(attributes, validator=None) -> list[tuple[str, str, str]]:
    with pytest.raises(BrokenRules) as caught:
        clean_lead(replace(ITEM, attributes=attributes), validator or intake_validator())
    return [(e.field, e.message("zh"), e.message("en")) for e in caught.value.errors]


def test_an_intake_attribute_names_its_field_in_both_languages():
    attributes = {"fleet_size": "three", "purchase_timeline": "someday", "budget_range": "x" * 81}
    found = refused(attributes)
    assert [field for field, _, _ in found] == [
        "attributes.budget_range",
        "attributes.fleet_size",
        "attributes.purchase_timeline",
    ]
    for field, zh, en in found:
        name = field.removeprefix("attributes.")
        assert name in zh and name in en
        assert "线索表单" in zh and "intake schema" in en
        timelines = ["within_1_month", "within_3_months", "within_6_months", "later", "unknown"]
        assert_chinese(zh, allowed=[name, *timelines])
        assert_english(en)
    assert found[1][1] == "属性 fleet_size 不符合线索表单定义：须为整数"
    assert found[1][2] == (
        "The attribute fleet_size does not fit the intake schema: it must be an integer"
    )


def test_the_attributes_as_a_whole():
    [(field, zh, en)] = refused(["not", "an", "object"])
    assert (field, zh) == ("attributes", "属性不符合线索表单定义：须为对象")
    assert en == "The attributes object does not fit the intake schema: it must be an object"
    strict = Draft202012Validator({"type": "object", "required": ["campaign"]})
    [(field, zh, en)] = refused({}, strict)
    assert field == "attributes" and "campaign" in zh and "campaign" in en
    assert_chinese(zh, allowed=["campaign"])
