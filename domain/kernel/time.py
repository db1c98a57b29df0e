"""Moments: every stored moment is UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime | None) -> datetime | None:
    """The moment in UTC. Every stored moment is UTC, and SQLite gives naive datetimes back
    and drops the offset of those it is given, so convert before storing or comparing."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
