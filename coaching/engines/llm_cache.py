"""The `llm` judge's verdict cache: the same message, rubric, prompt and model, the same verdict.

A cached value is JSON (`{"verdict": verdict_to_json(...), "trace": {...}}`), so any store
will do: `MemoryVerdictCache` here, a database table later, through `VerdictCache`.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any, Protocol

from coaching.engines.llm_prompts import PROMPT_VERSION
from coaching.scenario_model import Scenario, language_of


class VerdictCache(Protocol):
    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def put(self, key: str, value: dict[str, Any]) -> None: ...


def cache_key(scenario: Scenario, message: str, language: str, model: str) -> str:
    """sha256 (hex) over everything the judge prompt depends on: the message, its language,
    the scenario and rubric version, the prompt version and the model."""
    parts = [
        "pacer-verdict",
        PROMPT_VERSION,
        model,
        scenario.id,
        scenario.rubric_hash,
        language_of(language),
        message,
    ]
    canonical = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class MemoryVerdictCache:
    """A bounded, least-recently-used cache in this process. Values are kept as JSON text, so
    what comes out is a fresh copy and anything stored would also fit a database."""

    def __init__(self, max_entries: int = 1024) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> dict[str, Any] | None:
        stored = self._entries.get(key)
        if stored is None:
            return None
        self._entries.move_to_end(key)
        return json.loads(stored)

    async def put(self, key: str, value: dict[str, Any]) -> None:
        self._entries[key] = json.dumps(value, ensure_ascii=False)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


__all__ = ["MemoryVerdictCache", "VerdictCache", "cache_key"]
