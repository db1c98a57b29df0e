"""`pacer forecast train` in-process on SQLite and PostgreSQL: it stores a model from a thick
history and refuses a thin one in one line, without a traceback."""

from __future__ import annotations

import json
from datetime import date

import pytest

from api.cli import main
from tests.support.forecast_history import generate, store

AS_OF = date(2026, 11, 30)


@pytest.fixture
def cli_env(monkeypatch, db_url, tmp_path):
    monkeypatch.setenv("PACER_DATABASE_URL", db_url)
    monkeypatch.setenv("PACER_FORECAST_MODEL_DIR", str(tmp_path / "models"))
    return tmp_path / "models"


async def _history(sessions, world, deals: int) -> None:
    generated = generate(11, deals=deals, today=AS_OF, reps=sorted(world.reps.values()))
    async with sessions() as session:
        await store(session, generated)
        await session.commit()


@pytest.fixture
async def thick_history(sessions, world):
    await _history(sessions, world, 200)


@pytest.fixture
async def thin_history(sessions, world):
    await _history(sessions, world, 15)


def test_train_stores_the_next_version(thick_history, cli_env, capsys):
    assert main(["forecast", "train", "--as-of", AS_OF.isoformat()]) == 0
    first = capsys.readouterr()
    assert first.out.startswith("trained win-probability model v1 on ")
    assert "log loss" in first.out and first.err == ""
    assert main(["forecast", "train", "--as-of", AS_OF.isoformat()]) == 0
    assert "model v2" in capsys.readouterr().out
    meta = json.loads((cli_env / "win-v0002.json").read_text())
    assert meta["version"] == 2 and meta["trained_on"] == AS_OF.isoformat()
    assert meta["metrics"]["log_loss"] > 0 and len(meta["sha256"]) == 64


def test_train_refuses_a_thin_history(thin_history, cli_env, capsys):
    assert main(["forecast", "train", "--as-of", AS_OF.isoformat()]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pacer: error: history too thin to train: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not cli_env.exists() or not any(cli_env.iterdir())


def test_train_says_when_the_model_directory_cannot_be_written(
    thick_history, cli_env, monkeypatch, capsys
):
    blocker = cli_env.parent / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("PACER_FORECAST_MODEL_DIR", str(blocker))
    assert main(["forecast", "train", "--as-of", AS_OF.isoformat()]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"pacer: error: cannot store the model in {blocker}: ")
    assert err.count("\n") == 1 and "Traceback" not in err
