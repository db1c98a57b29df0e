"""A demo company on SQLite, made once per run; each test gets its own copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.pacer_cli import pacer


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """One demo company for the whole run."""
    folder = tmp_path_factory.mktemp("demo")
    env = {"PACER_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'pacer.db'}"}
    assert pacer("demo", cwd=folder, env=env).returncode == 0
    return folder / "pacer.db"


@pytest.fixture
def env(tmp_path, demo_database) -> dict[str, str]:
    shutil.copyfile(demo_database, tmp_path / "pacer.db")
    return {"PACER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}"}
