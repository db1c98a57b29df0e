"""The garbage collector set for a process whose heap is mostly long-lived (a server, a
routing batch)."""

from __future__ import annotations

import contextlib
import gc

COLLECTOR_THRESHOLDS = (50_000, 20, 10)
"""The cyclic collector's generation thresholds while serving (Python's are 700, 10, 10)."""


@contextlib.contextmanager
def long_lived_heap():
    """The collector set for a process whose heap is mostly long-lived.

    What start-up loaded (schema, scenarios, policies) is frozen: kept out of the collector's
    full passes, which would otherwise walk it all and stall a request for ~100 ms now and
    then. What comes later and stays (routing's candidate pool: every rep with their
    history) cannot be frozen mid-request, so full passes are made rarer instead: a
    1,000-lead intake allocates enough to set off several, each walking the whole pool, a
    quarter of its time at Python's default thresholds."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
