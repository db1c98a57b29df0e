"""The scalars of the schema: BigInt, and the built-in Date, DateTime and JSON with sane bounds."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode
from strawberry.scalars import JSON
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY

from domain.kernel.time import FIRST_YEAR, LAST_YEAR, is_business_date

BigInt = NewType("BigInt", int)
BIG_INT_LIMIT = 2**63  # a PostgreSQL bigint
JSON_BYTES, JSON_NESTING = 16_384, 8


class InvalidScalar(ValueError):
    """A scalar's refusal of the caller's value: graphql-core reports it with the argument or
    variable at fault, and the error policy codes it BAD_USER_INPUT rather than masking it."""


def invalid(message: str) -> InvalidScalar:
    return InvalidScalar(message)


def _parse_big_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise invalid(f"BigInt must be a whole number, not {value!r}")
    if isinstance(value, str):
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
            raise invalid(f"BigInt must be a whole number of at most 19 digits, not {value!r}")
    number = int(value)
    if not -BIG_INT_LIMIT < number < BIG_INT_LIMIT:
        raise invalid(f"BigInt must lie strictly between -2^63 and 2^63, not {number}")
    return number


def _parse_big_int_literal(node: ValueNode, variables: object = None) -> int:
    if isinstance(node, IntValueNode | StringValueNode):
        return _parse_big_int(node.value)
    raise invalid("BigInt must be a whole number")


def _in_business_range(parse):
    def parse_in_range(value: object):
        parsed = parse(value)
        if not is_business_date(parsed):
            raise invalid(f"must lie between {FIRST_YEAR} and {LAST_YEAR}, not {value!r}")
        return parsed

    return parse_in_range


def _nesting(value: object, depth: int = 0) -> int:
    if depth > JSON_NESTING:
        return depth
    if isinstance(value, dict):
        return max((_nesting(item, depth + 1) for item in value.values()), default=depth + 1)
    if isinstance(value, list):
        return max((_nesting(item, depth + 1) for item in value), default=depth + 1)
    return depth


def _parse_json(value: object) -> object:
    if _nesting(value) > JSON_NESTING:
        raise invalid(f"JSON may nest at most {JSON_NESTING} levels")
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise invalid("JSON may not hold NaN or Infinity") from None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > JSON_BYTES:
        raise invalid(f"JSON may take at most {JSON_BYTES} bytes, not {size}")
    return value


SCALARS = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=_parse_big_int,
        parse_literal=_parse_big_int_literal,
        description="A whole number beyond 32 bits. Money is in minor units (fen, cents); "
        "ratios in basis points.",
    ),
    # The built-in Date, DateTime and JSON, unchanged in the schema, with sane bounds.
    date: dataclasses.replace(
        DateDefinition, parse_value=_in_business_range(DateDefinition.parse_value)
    ),
    datetime: dataclasses.replace(
        DateTimeDefinition, parse_value=_in_business_range(DateTimeDefinition.parse_value)
    ),
    JSON: dataclasses.replace(DEFAULT_SCALAR_REGISTRY[JSON], parse_value=_parse_json),
}
