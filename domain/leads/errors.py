"""The error codes domain.leads raises: each a stable string, one per broken rule."""

from __future__ import annotations

from enum import StrEnum


class LeadError(StrEnum):
    """Codes of the leads context: intake records and their validation."""

    ATTRIBUTE_INVALID = "ATTRIBUTE_INVALID"
    CONTACT_REQUIRED = "CONTACT_REQUIRED"
    INVALID_FORMAT = "INVALID_FORMAT"
    LEAD_CONFLICT = "LEAD_CONFLICT"
    LEAD_NOT_FOUND = "LEAD_NOT_FOUND"
    NEGATIVE = "NEGATIVE"
