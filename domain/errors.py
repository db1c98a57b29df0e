"""Typed business errors. The API turns them into coded payload errors."""

from __future__ import annotations

from enum import StrEnum


class DomainError(Exception):
    """A broken business rule: a stable code, the input field it concerns, zh-CN and en text.

    `code` is a member of the raising context's code enum (`OrgError`, `KernelError`, …, in
    that context's `errors.py`); as a `StrEnum` it compares equal to its string. The codes a
    mutation can raise are declared on its payload, which tests/unit/test_error_codes.py proves.

    `field` is the snake_case name of the service argument (``parent_id``); the API layer
    maps it onto the GraphQL input field (``parentId``).
    """

    def __init__(self, code: StrEnum, message_zh: str, message_en: str, field: str | None = None):
        super().__init__(f"{code}: {message_en}")
        self.code: StrEnum = code
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_zh


class NotFound(DomainError):
    """The referenced row does not exist or lies outside the caller's scope (never leaked)."""


class InvalidInput(DomainError):
    """A value is malformed or out of range."""


class Conflict(DomainError):
    """The action clashes with existing data (a taken code, a cycle, …)."""


class Forbidden(DomainError):
    """The caller may not do this, although the row is visible to them."""


def not_found(code: StrEnum, field: str, what_zh: str, what_en: str) -> NotFound:
    return NotFound(
        code,
        f"在你的权限范围内找不到该{what_zh}",
        f"No {what_en} with this ID in your scope",
        field,
    )


class BrokenRules(Exception):
    """Several broken rules at once (e.g. one per missing field of a stage gate)."""

    def __init__(self, errors: list[DomainError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors
