"""Enumerations that carry display labels in zh-CN and en."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Self


class LabelledEnum(StrEnum):
    """A string enum whose members are declared as ``NAME = ("value", "中文", "English")``."""

    label_zh: str
    label_en: str

    if TYPE_CHECKING:
        # After the class is built, Enum swaps in its own ``__new__``: ``Stage("won")``
        # looks a member up by its value alone. The three-argument form below only runs
        # while the members are declared.
        def __new__(cls, value: str) -> Self: ...

    else:

        def __new__(cls, value: str, label_zh: str, label_en: str):
            member = str.__new__(cls, value)
            member._value_ = value
            member.label_zh = label_zh
            member.label_en = label_en
            return member

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_zh


LABELLED_ENUMS: dict[str, type[LabelledEnum]] = {}


def register(enum_cls: type[LabelledEnum]) -> type[LabelledEnum]:
    """Make an enum's labels available to the `enumLabels` query."""
    LABELLED_ENUMS[enum_cls.__name__] = enum_cls
    return enum_cls
