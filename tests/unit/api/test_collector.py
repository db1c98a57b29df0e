"""The collector as a serving process sets it: start-up's heap frozen, full passes rarer,
and both undone when serving stops."""

from __future__ import annotations

import gc

from api.core.collector import COLLECTOR_THRESHOLDS, long_lived_heap


def test_serving_freezes_the_start_up_heap_and_raises_the_thresholds():
    before = gc.get_threshold()
    assert before != COLLECTOR_THRESHOLDS
    kept = [object() for _ in range(10)]  # something tracked to freeze
    with long_lived_heap():
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert kept
