"""Scenario files: load every `*.json` of a directory, validate it, return typed scenarios.

A file passes three stages: it is JSON (UTF-8, no repeated keys, no NaN), it matches
`coaching/scenarios/scenario.schema.json` (draft 2020-12; every error, not only the first), and
it keeps the rules the schema cannot express (`rule_findings`). Every problem is a
`Problem(file, path, message)` whose path is a JSON path like `$.objections[2].addressed_by[0]`.
Recommendations (fewer than 4 objections, 2 phrasings each, 3 phrasings per red line) are
`warnings`, in the same form; they never stop a file from loading.
A file with any problem is not loaded at all; `load_scenarios(directory, strict=True)` (used
at start-up) raises one `ScenarioError` listing every problem of every file.

The schema always comes from `coaching/scenarios/`, whichever directory is loaded: it is the
contract of the engines, not of the content.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, SchemaError

from coaching.scenario_checks import (
    UNPARSED,
    Parts,
    describe_decode_error,
    json_path,
    parse_json,
    schema_findings,
)
from coaching.scenario_model import (
    Check,
    Criterion,
    Difficulty,
    Objection,
    Persona,
    Phrases,
    RedLine,
    Scenario,
    Text,
    build_scenario,
)
from coaching.scenario_rules import recommendation_findings, rule_findings
from domain.kernel.problems import Problem
from domain.settings import Settings

__all__ = [
    "SCENARIOS_DIR",
    "SCHEMA_PATH",
    "Check",
    "Criterion",
    "Difficulty",
    "Objection",
    "Persona",
    "Phrases",
    "Problem",
    "RedLine",
    "Scenario",
    "ScenarioError",
    "ScenarioSet",
    "Text",
    "json_path",
    "load_scenarios",
    "scenarios_directory",
]

SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"
SCHEMA_FILE_NAME = "scenario.schema.json"
SCHEMA_PATH = SCENARIOS_DIR / SCHEMA_FILE_NAME


class ScenarioError(Exception):
    """Scenario files with problems, raised by a strict load; `.problems` lists them all."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        files = len({problem.file for problem in self.problems})
        head = f"{len(self.problems)} problem(s) in {files} scenario file(s)"
        super().__init__(head + ":\n" + "\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class ScenarioSet:
    """The scenarios of a directory that passed every check, and the problems of the rest."""

    directory: Path
    files: tuple[Path, ...]
    scenarios: tuple[Scenario, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()
    """Recommendations a file does not follow (it is loaded all the same)."""
    _by_id: dict[str, Scenario] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {scenario.id: scenario for scenario in self.scenarios})

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def get(self, scenario_id: str) -> Scenario | None:
        return self._by_id.get(scenario_id)

    def __getitem__(self, scenario_id: str) -> Scenario:
        return self._by_id[scenario_id]

    def __contains__(self, scenario_id: object) -> bool:
        return scenario_id in self._by_id

    def __iter__(self) -> Iterator[Scenario]:
        return iter(self.scenarios)

    def __len__(self) -> int:
        return len(self.scenarios)


def scenarios_directory(settings: Settings) -> Path:
    """PACER_SCENARIOS_DIR, or the shipped `coaching/scenarios/` when it is not set."""
    return settings.scenarios_dir if settings.scenarios_dir is not None else SCENARIOS_DIR


def load_scenarios(
    directory: Path | str | None = None, *, strict: bool = False, schema: Path = SCHEMA_PATH
) -> ScenarioSet:
    """Check every `*.json` of `directory` (default: the shipped `coaching/scenarios/`) except the
    schema; load the files without problems. `strict=True` raises ScenarioError instead of
    returning when any file has a problem."""
    directory = SCENARIOS_DIR if directory is None else Path(directory)
    files: list[Path] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    scenarios: list[Scenario] = []
    if directory.is_dir():
        files = sorted(
            path
            for path in directory.glob("*.json")
            if path.name != SCHEMA_FILE_NAME and path.is_file()
        )
    else:
        problems.append(Problem(directory, "$", "no such directory"))
    compiled = _compiled_schema(schema)
    if isinstance(compiled, Problem):
        problems.append(compiled)
    else:
        validator, default_pass_mark = compiled
        for path in files:
            scenario, found = check_file(path, validator, default_pass_mark)
            problems.extend(found)
            if scenario is not None:
                warnings.extend(recommendation_problems(path, scenario.raw))
            if scenario is not None:
                scenarios.append(scenario)
    if strict and problems:
        raise ScenarioError(problems)
    return ScenarioSet(
        directory=directory,
        files=tuple(files),
        scenarios=tuple(sorted(scenarios, key=lambda scenario: scenario.id)),
        problems=tuple(problems),
        warnings=tuple(warnings),
    )


def recommendation_problems(path: Path, data: Any) -> list[Problem]:
    """The recommendations a loaded file does not follow, as Problems (warnings)."""
    findings = recommendation_findings(thaw(data))
    return [Problem(path, json_path(parts), message) for parts, message in findings]


def thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [thaw(item) for item in value]
    return value


def check_file(
    path: Path, validator: Draft202012Validator, default_pass_mark: int
) -> tuple[Scenario | None, list[Problem]]:
    """The file's scenario (None when it has any problem) and its problems."""
    try:
        data, findings = parse_json(path.read_bytes())
    except OSError as error:
        data, findings = UNPARSED, [((), f"cannot read the file: {error.strerror}")]
    if data is not UNPARSED:
        findings += schema_findings(validator, data)
        if isinstance(data, dict):
            findings += rule_findings(data, path.stem)
    ordered = sorted(set(findings), key=lambda item: (_sort_key(item[0]), item[1]))
    problems = [Problem(path, json_path(parts), message) for parts, message in ordered]
    if problems:
        return None, problems
    return build_scenario(data, path, default_pass_mark), []


def _sort_key(parts: Parts) -> tuple:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in parts)


@lru_cache(maxsize=8)
def _compiled_schema_at(path: Path, modified_ns: int) -> tuple[Draft202012Validator, int]:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    default_pass_mark = schema.get("properties", {}).get("pass_mark", {}).get("default", 80)
    return Draft202012Validator(schema), default_pass_mark


def _compiled_schema(path: Path) -> tuple[Draft202012Validator, int] | Problem:
    try:
        return _compiled_schema_at(path, path.stat().st_mtime_ns)
    except OSError as error:
        return Problem(path, "$", f"cannot read the schema: {error.strerror}")
    except json.JSONDecodeError as error:
        return Problem(path, "$", f"the schema is not valid JSON: {describe_decode_error(error)}")
    except SchemaError as error:
        return Problem(path, json_path(tuple(error.absolute_path)), f"bad schema: {error.message}")
