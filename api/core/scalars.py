"""The scalars of the schema: BigInt, and the built-in Date, DateTime and JSON with sane bounds,
each described in the SDL with the format it is serialised in (see codegen.ts)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
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


BIG_INT_DESCRIPTION = (
    "A signed 64-bit integer (strictly between -2^63 and 2^63), serialised as a JSON number. "
    "Every amount of money in this schema is a BigInt of minor units: fen for CNY (1 yuan = "
    "100 fen), cents for USD or EUR; ratio targets are in basis points (1% = 100) and counts "
    "are plain counts. Input accepts a JSON number or a string of at most 19 decimal digits "
    "with an optional leading minus. A JavaScript `number` holds every integer up to 2^53 − 1 "
    "(about 90 trillion yuan in fen) exactly; larger values lose precision in `JSON.parse`."
)
DATE_DESCRIPTION = (
    "A calendar date without a time or a zone, as an ISO 8601 / RFC 3339 `full-date` string: "
    "`YYYY-MM-DD`, e.g. `2026-03-05`. Days are counted in the company's time zone (default "
    f"Asia/Shanghai). Input must lie in the years {FIRST_YEAR}–{LAST_YEAR}."
)
DATE_TIME_DESCRIPTION = (
    "A moment in time as an RFC 3339 string with its UTC offset, e.g. "
    "`2026-03-05T01:30:00+00:00` (fractional seconds may follow the seconds). Responses always "
    "carry an offset: stored moments come back in UTC (`+00:00`). Input should carry an offset "
    "(`Z`, `+08:00`, …); a time without one is taken as UTC. Input must lie in the years "
    f"{FIRST_YEAR}–{LAST_YEAR}."
)
JSON_DESCRIPTION = (
    "Any JSON value (RFC 8259): object, array, string, number, boolean or null, sent and "
    f"received as itself, not as a string. Input may nest at most {JSON_NESTING} levels, take at "
    f"most {JSON_BYTES} bytes as UTF-8 and hold no NaN or Infinity."
)

SCALARS = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=_parse_big_int,
        parse_literal=_parse_big_int_literal,
        description=BIG_INT_DESCRIPTION,
        specified_by_url="https://www.rfc-editor.org/rfc/rfc8259#section-6",
    ),
    # The built-in Date, DateTime and JSON, with sane bounds, documented.
    date: dataclasses.replace(
        DateDefinition,
        description=DATE_DESCRIPTION,
        specified_by_url="https://www.iso.org/iso-8601-date-and-time-format.html",
        parse_value=_in_business_range(DateDefinition.parse_value),
    ),
    datetime: dataclasses.replace(
        DateTimeDefinition,
        description=DATE_TIME_DESCRIPTION,
        specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339",
        parse_value=_in_business_range(DateTimeDefinition.parse_value),
    ),
    JSON: dataclasses.replace(
        DEFAULT_SCALAR_REGISTRY[JSON],
        description=JSON_DESCRIPTION,
        specified_by_url="https://www.rfc-editor.org/rfc/rfc8259",
        parse_value=_parse_json,
    ),
}


def whole(value: float, rounding: str = ROUND_HALF_EVEN) -> BigInt:
    """A float amount of the domain as a BigInt of whole minor units (fen): rounded half to
    even by default (what `round()` does and the stored daily projections use), or as the
    domain rounds that amount. The float's exact binary value is rounded, once."""
    return BigInt(int(Decimal(value).quantize(Decimal(1), rounding=rounding)))
