"""The error codes the shared kernel and shared helpers raise (text, paging, versions)."""

from __future__ import annotations

from enum import StrEnum


class KernelError(StrEnum):
    """Codes of the shared kernel and helpers every context uses (text, paging, versions)."""

    INVALID_CODE = "INVALID_CODE"
    INVALID_PAGE_SIZE = "INVALID_PAGE_SIZE"
    INVALID_RANGE = "INVALID_RANGE"
    REQUIRED = "REQUIRED"
    STALE_VERSION = "STALE_VERSION"
    TOO_LONG = "TOO_LONG"
