"""Every file Pacer reads at run time ships in the wheel: each non-Python file inside a
package matches one of that package's `package-data` patterns in pyproject.toml. An editable
install reads the repository and would never notice a missing pattern; `pip install .` would
(scenario files were once left out that way)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_data_file_of_a_package_is_package_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = project["tool"]["setuptools"]
    packages = [pattern.rstrip("*") for pattern in setuptools["packages"]["find"]["include"]]
    patterns = setuptools["package-data"]
    left_out = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*")):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            inside = path.relative_to(ROOT / package).as_posix()
            if not any(fnmatch(inside, pattern) for pattern in patterns.get(package, [])):
                left_out.append(f"{package}/{inside}")
    assert packages == ["api", "domain", "coaching", "migrations"]
    assert left_out == []
