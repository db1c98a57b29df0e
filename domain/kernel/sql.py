"""Helpers for the models' SQL."""

from __future__ import annotations

from domain.labels import LabelledEnum


def one_of(column: str, enum_cls: type[LabelledEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return f"{column} IN ({values})"
