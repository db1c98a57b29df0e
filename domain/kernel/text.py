"""Free text and codes as every context takes them: whitespace collapsed, bounded, named."""

from __future__ import annotations

import re

from domain.errors import InvalidInput
from domain.kernel.errors import KernelError

SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


def clean_text(value: str, field_name: str, max_length: int = 120) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidInput(KernelError.REQUIRED, "不能为空", "Must not be empty", field_name)
    if len(text) > max_length:
        raise InvalidInput(
            KernelError.TOO_LONG,
            f"不能超过 {max_length} 个字符",
            f"Must be at most {max_length} characters",
            field_name,
        )
    return text


def clean_optional_text(value: str | None, field_name: str, max_length: int) -> str | None:
    """Free text that may be left out: whitespace collapsed, blank as None, at most
    `max_length` characters (TOO_LONG)."""
    text = " ".join((value or "").split())
    return clean_text(text, field_name, max_length) if text else None


def clean_slug(value: str, field_name: str) -> str:
    slug = value.strip().lower()
    if not SLUG.match(slug):
        raise InvalidInput(
            KernelError.INVALID_CODE,
            "只能使用小写字母、数字、下划线、点和连字符（最多 40 个）",
            "Use 1-40 lower-case letters, digits, '_', '.' or '-'",
            field_name,
        )
    return slug
