"""The error codes coaching.engines raises: each a stable string, one per broken rule."""

from __future__ import annotations

from enum import StrEnum


class EngineError(StrEnum):
    """Codes of the coaching engines (the simulated customer)."""

    SCENARIO_MISMATCH = "SCENARIO_MISMATCH"
    SESSION_FINISHED = "SESSION_FINISHED"
    UNKNOWN_DIFFICULTY = "UNKNOWN_DIFFICULTY"
    UNKNOWN_PERSONA = "UNKNOWN_PERSONA"
