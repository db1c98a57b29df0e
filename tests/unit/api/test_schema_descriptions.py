"""Schema lint: every type, field, argument, input field and enum value of the SDL carries a
description (the introspection types and the built-in scalars aside); every custom scalar
says what it serialises to and links its specification; money is BigInt, never Float."""

from decimal import ROUND_HALF_UP

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    introspection_types,
    specified_scalar_types,
)

from api.core.scalars import whole
from api.core.schema import sdl

SCHEMA: GraphQLSchema = build_schema(sdl())
BUILT_IN = set(introspection_types) | set(specified_scalar_types)


def own_types() -> list[GraphQLNamedType]:
    return [t for name, t in SCHEMA.type_map.items() if name not in BUILT_IN]


def undescribed() -> list[str]:
    """Every element without a description, by its SDL coordinate."""
    found = []
    for kind in own_types():
        if not (kind.description or "").strip():
            found.append(kind.name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in kind.fields.items():
                if not (field.description or "").strip():
                    found.append(f"{kind.name}.{name}")
                for arg_name, arg in field.args.items():
                    if not (arg.description or "").strip():
                        found.append(f"{kind.name}.{name}({arg_name}:)")
        elif isinstance(kind, GraphQLInputObjectType):
            for name, field in kind.fields.items():
                if not (field.description or "").strip():
                    found.append(f"{kind.name}.{name}")
        elif isinstance(kind, GraphQLEnumType):
            for name, value in kind.values.items():
                if not (value.description or "").strip():
                    found.append(f"{kind.name}.{name}")
    return found


def test_the_schema_is_big_enough_for_the_lint_to_mean_something():
    assert len(own_types()) > 200


def test_every_type_field_argument_and_enum_value_is_described():
    missing = undescribed()
    assert missing == [], f"{len(missing)} without a description:\n" + "\n".join(missing)


def test_labelled_enum_values_carry_both_labels():
    """`graphql_enum` describes each value as `中文 / English` from its LabelledEnum."""
    stage = SCHEMA.type_map["Stage"]
    assert isinstance(stage, GraphQLEnumType)
    assert stage.values["WON"].description == "赢单 / Won"


def test_error_codes_are_described_by_the_catalogue():
    codes = SCHEMA.type_map["SetTargetErrorCode"]
    assert isinstance(codes, GraphQLEnumType)
    assert codes.values["TARGET_EXISTS"].description == (
        "The owner already has a target for this metric and period."
    )


@pytest.mark.parametrize(
    ("name", "url", "says"),
    [
        ("BigInt", "https://www.rfc-editor.org/rfc/rfc8259#section-6", "JSON number"),
        ("Date", "https://www.iso.org/iso-8601-date-and-time-format.html", "YYYY-MM-DD"),
        ("DateTime", "https://datatracker.ietf.org/doc/html/rfc3339", "offset"),
        ("JSON", "https://www.rfc-editor.org/rfc/rfc8259", "not as a string"),
    ],
)
def test_custom_scalars_say_what_they_serialise_to(name, url, says):
    scalar = SCHEMA.type_map[name]
    assert isinstance(scalar, GraphQLScalarType)
    assert scalar.specified_by_url == url
    assert says in (scalar.description or "")


def test_every_custom_scalar_is_documented():
    for kind in own_types():
        if isinstance(kind, GraphQLScalarType):
            assert kind.description and kind.specified_by_url, kind.name


MONEY = {
    "Progress": {
        "achieved",
        "expectedToDate",
        "projection",
        "gap",
        "weightedPipeline",
        "pipelineProjection",
    },
    "ReviewTargetRow": {"amount", "achieved", "expectedToDate", "projection", "gap"},
    "BaselineStep": {"value"},
    "BaselineSuggestion": {"amount"},
    "Target": {"amount"},
    "Opportunity": {"amount", "wonAmount", "paidAmount"},
}
MONEY_WORDS = ("amount", "revenue", "projection", "pipeline", "expectedtodate", "outstanding")


def test_amounts_are_big_int():
    for type_name, fields in MONEY.items():
        kind = SCHEMA.type_map[type_name]
        assert isinstance(kind, GraphQLObjectType)
        for field in fields:
            assert get_named_type(kind.fields[field].type).name == "BigInt", (type_name, field)


def test_no_float_is_named_like_money():
    floats = []
    for kind in own_types():
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for name, field in kind.fields.items():
                named = get_named_type(field.type).name
                if named == "Float" and any(word in name.lower() for word in MONEY_WORDS):
                    floats.append(f"{kind.name}.{name}")
    assert floats == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2.5, 2), (3.5, 4), (-2.5, -2), (12_345.5, 12_346), (0.7 * 3_000_000_00, 2_100_000_00)],
)
def test_whole_rounds_half_to_even(value, expected):
    assert whole(value) == expected and isinstance(whole(value), int)


def test_whole_can_round_as_the_domain_does():
    assert whole(2.5, ROUND_HALF_UP) == 3
    assert whole(-2.5, ROUND_HALF_UP) == -3
