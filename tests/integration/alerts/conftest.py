"""The alert month (tests/support/alerts.py) written for a test."""

from __future__ import annotations

import pytest

from tests.support.alerts import Month, build_month


@pytest.fixture
async def month(sessions, world) -> Month:
    return await build_month(sessions, world)
