"""Labelled enums and managed lists: every exposed enum value carries its zh-CN and en labels."""

from __future__ import annotations

from typing import Any, ClassVar

import strawberry
from strawberry.types import Info

from domain.labels import LabelledEnum


def expose_enum(enum_cls: Any, description: str) -> None:
    """Another schema module may have exposed the enum first (alerts, notifications)."""
    if not hasattr(enum_cls, "__strawberry_definition__"):
        graphql_enum(enum_cls, description)


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

    code: str = strawberry.field(description="Stable code; send it back in inputs.")
    label_zh: str = strawberry.field(description="The label in Chinese (zh-CN).")
    label_en: str = strawberry.field(description="The label in English.")

    @strawberry.field(description="In your language.")
    def label(self, info: Info) -> str:
        return self.label_en if info.context.language == "en" else self.label_zh

    @classmethod
    def is_type_of(cls, obj: Any, info: Info) -> bool:
        return isinstance(obj, cls._model)
