"""Optimistic concurrency: two adjustments of the same version, exactly one wins."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.targets import adjust, company_target


@pytest.fixture
def app_settings():
    return {"calibration_window_days": 0}


async def test_two_concurrent_adjustments_with_the_same_version_one_wins(api, world):
    target = await company_target(api, world)
    results = await asyncio.gather(adjust(api, target, 111), adjust(api, target, 222))
    codes = sorted(tuple(e["code"] for e in r["errors"]) for r in results)
    assert codes == [(), ("STALE_VERSION",)], results
    data = await api.data(
        "query($id: ID!) { target(id: $id) { amount version history { action } } }",
        {"id": target["id"]},
    )
    assert data["target"]["version"] == 2 and data["target"]["amount"] in (111, 222)
    assert [v["action"] for v in data["target"]["history"]] == ["set", "adjust"]
