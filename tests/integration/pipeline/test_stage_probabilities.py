"""A company's own stage probabilities weigh the open pipeline in target progress."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.graphql import run
from tests.support.pipeline import FULL, drive, new_opportunity

TODAY = date.today()


@pytest.fixture
def app_settings():
    return {
        "stage_probabilities": {
            "lead": 0.0,
            "contacted": 0.0,
            "qualified": 0.0,
            "proposal": 0.0,
            "quoted": 0.0,
            "negotiation": 0.9,
        }
    }


async def test_configured_probabilities_are_used(api, world):
    opportunity = await new_opportunity(
        api, world, qualification=FULL, expectedClose=date(TODAY.year, 12, 31).isoformat()
    )
    await drive(api, opportunity, "NEGOTIATION")
    result = await run(
        api,
        "setTarget",
        {
            "metric": "REVENUE",
            "ownerId": world.rep("r1"),
            "periodKind": "YEAR",
            "periodStart": date(TODAY.year, 1, 1).isoformat(),
            "amount": 10,
        },
        "target { progress { weightedPipeline } }",
    )
    assert result["target"]["progress"]["weightedPipeline"] == 2_700_000_00
