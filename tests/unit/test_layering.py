"""DESIGN.md §1: imports flow api -> coaching -> domain; only api knows the web."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "domain": {"api", "coaching", "strawberry", "starlette", "uvicorn"},
    "coaching": {"api", "strawberry", "starlette", "uvicorn"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_direction(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: bad for path, bad in offenders.items() if bad} == {}


# Inside domain/: the shared modules every context may use, then each context with the
# contexts below it that it may import. The table has no cycle (tested below).
SHARED = {"db", "errors", "labels", "paging", "versioning", "settings", "kernel", "changes"}
CONTEXTS = {
    "kernel": set(),
    "org": set(),
    "pipeline": {"org"},
    "targets": {"org", "pipeline"},
    "leads": {"org", "pipeline"},
    "notifications": {"org"},
    "capability": {"org", "pipeline", "targets"},
    "forecasts": {"org", "pipeline", "targets"},
    "alerts": {"org", "pipeline", "targets", "notifications", "forecasts", "capability"},
    "reviews": {"org", "pipeline", "targets", "alerts"},
    "health": {"org", "pipeline", "targets", "alerts"},
}


def domain_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
    return {name.split(".")[1] for name in modules if name.startswith("domain.")}


def test_every_domain_context_is_declared():
    packages = {
        path.name for path in (ROOT / "domain").iterdir() if (path / "__init__.py").exists()
    }
    assert packages == set(CONTEXTS)


@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_a_context_imports_only_the_shared_modules_and_the_contexts_below_it(context):
    allowed = (
        {context} | CONTEXTS[context] | ({"errors", "labels"} if context == "kernel" else SHARED)
    )
    offenders = {
        str(path.relative_to(ROOT)): sorted(domain_imports(path) - allowed)
        for path in (ROOT / "domain" / context).rglob("*.py")
    }
    assert {path: bad for path, bad in offenders.items() if bad} == {}


def test_the_context_table_has_no_cycle():
    placed: list[str] = []
    pending = dict(CONTEXTS)
    while pending:
        ready = [name for name, below in pending.items() if below <= set(placed)]
        assert ready, f"a cycle among {sorted(pending)}"
        placed += ready
        for name in ready:
            del pending[name]
