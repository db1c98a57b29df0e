"""The scripted OpenAI-compatible server (tests/support/scripted_llm.py) for a test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.scripted_llm import ScriptedLlm, scripted_llm


@pytest.fixture
def llm_server() -> Iterator[ScriptedLlm]:
    with scripted_llm() as server:
        yield server
