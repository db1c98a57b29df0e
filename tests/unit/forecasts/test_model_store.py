"""Stored models: versions, the recorded checksum, and what is never loaded (no database)."""

from __future__ import annotations

import json

import pytest

from domain.forecasts import model_store


def test_versions_count_up_and_the_newest_is_loaded(tmp_path):
    assert model_store.latest(tmp_path / "none") is None
    first, path = model_store.save(tmp_path, {"weights": [1, 2]}, {"trained_on": "2026-11-30"})
    second, _ = model_store.save(tmp_path, {"weights": [3]}, {"trained_on": "2026-12-01"})
    assert (first, second) == (1, 2) and path.name == "win-v0001.joblib"
    stored = model_store.latest(tmp_path)
    assert stored is not None and stored.version == 2
    assert stored.bundle["weights"] == [3] and stored.meta["trained_on"] == "2026-12-01"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "win-v0001.joblib", "win-v0001.json", "win-v0002.joblib", "win-v0002.json",
    ]  # fmt: skip


def test_an_altered_model_file_is_refused(tmp_path):
    _, path = model_store.save(tmp_path, {"weights": [1]}, {})
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(model_store.ModelFileError, match="SHA-256"):
        model_store.latest(tmp_path)


def test_a_json_naming_another_file_is_refused(tmp_path):
    model_store.save(tmp_path, {"weights": [1]}, {})
    meta_path = tmp_path / "win-v0001.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "file": "../elsewhere.joblib"}))
    with pytest.raises(model_store.ModelFileError, match="expected win-v0001.joblib"):
        model_store.latest(tmp_path)


def test_a_symlink_out_of_the_directory_is_refused(tmp_path):
    store, outside = tmp_path / "store", tmp_path / "outside"
    model_store.save(outside, {"weights": [1]}, {})
    store.mkdir()
    (store / "win-v0001.json").write_text((outside / "win-v0001.json").read_text())
    (store / "win-v0001.joblib").symlink_to(outside / "win-v0001.joblib")
    with pytest.raises(model_store.ModelFileError, match="not a plain file"):
        model_store.latest(store)


def test_other_files_are_ignored(tmp_path):
    (tmp_path / "win-latest.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("hello")
    assert model_store.latest(tmp_path) is None
