"""Pieces every schema module shares: labelled enums and the `enumLabels` query."""

from __future__ import annotations

from typing import Any, ClassVar, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode
from strawberry.types import Info

from api.permissions import allow
from domain.labels import LABELLED_ENUMS, LabelledEnum

BigInt = NewType("BigInt", int)


def _parse_big_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"BigInt must be a whole number, not {value!r}")
    if isinstance(value, str) and not value.lstrip("-").isdigit():
        raise ValueError(f"BigInt must be a whole number, not {value!r}")
    return int(value)


def _parse_big_int_literal(node: ValueNode, variables: object = None) -> int:
    if isinstance(node, IntValueNode | StringValueNode):
        return _parse_big_int(node.value)
    raise ValueError("BigInt must be a whole number")


SCALARS = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=_parse_big_int,
        parse_literal=_parse_big_int_literal,
        description="A whole number beyond 32 bits. Money is in minor units (fen, cents); "
        "ratios in basis points.",
    )
}


def graphql_enum(enum_cls: type[LabelledEnum], description: str) -> type[LabelledEnum]:
    """Expose a domain enum; each value's description carries its zh-CN and en labels."""
    strawberry.enum(enum_cls, description=description)
    for value in enum_cls.__strawberry_definition__.values:
        member = enum_cls(value.value)
        value.description = f"{member.label_zh} / {member.label_en}"
    return enum_cls


@strawberry.interface(description="An entry of a managed list, labelled in zh-CN and en.")
class ManagedLabel:
    _model: ClassVar[Any] = None  # the ORM class behind each implementing type

    code: str
    label_zh: str
    label_en: str

    @strawberry.field(description="In your language.")
    def label(self, info: Info) -> str:
        return self.label_en if info.context.language == "en" else self.label_zh

    @classmethod
    def is_type_of(cls, obj: Any, info: Info) -> bool:
        return isinstance(obj, cls._model)


@strawberry.type(description="A display label of one enum value.")
class EnumLabel:
    value: str = strawberry.field(description="The GraphQL enum value, e.g. `SENIOR`.")
    zh: str = strawberry.field(description="Label in zh-CN.")
    en: str = strawberry.field(description="Label in English.")
    label: str = strawberry.field(description="Label in the request's language.")


@strawberry.type
class MetaQuery:
    @strawberry.field(
        extensions=allow(),
        description="Display labels (zh-CN and en) of the values of a Pacer enum, e.g. "
        "`RepLevel`; an unknown name gives an empty list.",
    )
    async def enum_labels(self, info: Info, name: str) -> list[EnumLabel]:
        enum_cls = LABELLED_ENUMS.get(name)
        if enum_cls is None:
            return []
        return [
            EnumLabel(
                value=member.name,
                zh=member.label_zh,
                en=member.label_en,
                label=member.label(info.context.language),
            )
            for member in enum_cls
        ]
