"""Versioned win-probability models on disk: `win-v0001.joblib` (the fitted estimator) and
`win-v0001.json` beside it (version, training date, metrics, the file's SHA-256).

Trust boundary: a model file is a pickle, and unpickling runs code. Pacer loads only files
named like its own from PACER_FORECAST_MODEL_DIR (no symlinks out of it), and only when the
SHA-256 recorded at training matches; that directory must be writable by Pacer alone —
never point it at uploads or a shared folder."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib

NAME = re.compile(r"^win-v(\d{4,})\.json$")
FORMAT = 1


@dataclass(frozen=True)
class StoredModel:
    version: int
    meta: dict[str, Any]
    bundle: dict[str, Any]


class ModelFileError(Exception):
    """A stored model is missing, altered or unreadable (one line, names the file)."""


_cache: dict[tuple[str, int, int], StoredModel] = {}


def _versions(directory: Path) -> list[int]:
    if not directory.is_dir():
        return []
    found = (NAME.match(entry.name) for entry in os.scandir(directory))
    return sorted(int(match.group(1)) for match in found if match)


def _inside(directory: Path, name: str) -> Path:
    root = directory.resolve()
    path = (root / name).resolve()
    if path.parent != root or (root / name).is_symlink():
        raise ModelFileError(f"{name}: not a plain file of {root}")
    return path


def save(directory: Path, bundle: dict[str, Any], meta: dict[str, Any]) -> tuple[int, Path]:
    """Write the next version (model first, then its JSON: a version exists once its JSON
    does); returns (version, model path)."""
    directory.mkdir(parents=True, exist_ok=True)
    version = max(_versions(directory), default=0) + 1
    model_name = f"win-v{version:04d}.joblib"
    model_path = directory / model_name
    _atomic(model_path, lambda handle: joblib.dump({"format": FORMAT, **bundle}, handle))
    meta = {**meta, "version": version, "file": model_name, "sha256": _sha256(model_path)}
    _atomic(
        directory / f"win-v{version:04d}.json",
        lambda handle: handle.write(json.dumps(meta, indent=2, sort_keys=True).encode()),
    )
    return version, model_path


def latest(directory: Path) -> StoredModel | None:
    """The newest stored model, or None when there is none (cached while its file is
    unchanged). Raises ModelFileError when it is there but cannot be trusted or read."""
    versions = _versions(directory)
    if not versions:
        return None
    version = versions[-1]
    meta_path = _inside(directory, f"win-v{version:04d}.json")
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{meta_path}: unreadable ({exc})") from exc
    expected = f"win-v{version:04d}.joblib"
    if meta.get("file") != expected:
        raise ModelFileError(f"{meta_path}: names {meta.get('file')!r}, expected {expected}")
    model_path = _inside(directory, expected)
    try:
        stat = model_path.stat()
    except OSError as exc:
        raise ModelFileError(f"{model_path}: missing") from exc
    key = (str(model_path), stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    if _sha256(model_path) != meta.get("sha256"):
        raise ModelFileError(f"{model_path}: its SHA-256 differs from the one recorded")
    try:
        bundle = joblib.load(model_path)
    except Exception as exc:  # a damaged or incompatible pickle: say so in one line
        raise ModelFileError(f"{model_path}: unreadable ({type(exc).__name__})") from exc
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise ModelFileError(f"{model_path}: not a Pacer model of format {FORMAT}")
    stored = StoredModel(version=version, meta=meta, bundle=bundle)
    _cache.clear()  # only the newest is ever used
    _cache[key] = stored
    return stored


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic(path: Path, write) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
