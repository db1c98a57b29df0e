"""A problem found in a configuration file (scenarios, milestones, routing policy): which
file, where in it (a JSON path, `$` for the whole file) and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at a JSON path (`$` for the whole file)."""

    file: Path
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"
