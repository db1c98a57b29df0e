"""The real `pacer capability …` commands on a copy of the demo company."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

from tests.support.pacer_cli import pacer


def run(tmp_path: Path, env: dict[str, str], *args: str):
    result = pacer("capability", *args, cwd=tmp_path, env=env)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def one_value(env: dict[str, str], query: str):
    path = env["PACER_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(query).fetchone()[0]


def awards_in_force(env: dict[str, str]) -> int:
    return one_value(env, "SELECT count(*) FROM capability_award WHERE revoked_on IS NULL")


def test_refresh_and_milestones_are_idempotent_on_the_demo(tmp_path, env):
    # The day the demo refreshed its evidence: a run just after the company's midnight would
    # otherwise be a new day, with new evidence.
    day = one_value(env, "SELECT max(observed_on) FROM capability_evidence WHERE source = 'deals'")
    refreshed = run(tmp_path, env, "refresh", "--as-of", day)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "closed deal(s), new evidence for 0 rep(s)" in refreshed.stdout
    evaluated = run(tmp_path, env, "milestones", "--as-of", day)
    assert evaluated.returncode == 0, evaluated.stderr
    held = awards_in_force(env)  # the demo's own evaluation made them (how many: its days')
    assert f": 68 rep(s), 0 awarded, 0 revoked, {held} held" in evaluated.stdout
    future = run(tmp_path, env, "milestones", "--as-of", "2099-01-01")
    assert future.returncode == 1 and future.stderr.strip().endswith("(DAY_IN_FUTURE)")


def test_import_ratings_twice(tmp_path, env):
    path = tmp_path / "survey.csv"
    rows = [
        "external_id,follow_up_id,opportunity_id,rating,dimensions,rated_on,comment",
        "nps-1,1,,5,,,很专业",
        "nps-2,,1,4,negotiation;closing,,",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    first = run(tmp_path, env, "import-ratings", str(path))
    assert first.returncode == 0, first.stderr
    assert "read 2 · inserted 2 · unchanged 0 · bad 0" in first.stdout
    again = run(tmp_path, env, "import-ratings", str(path))
    assert "read 2 · inserted 0 · unchanged 2 · bad 0" in again.stdout
    path.write_text("\n".join([rows[0], "nps-3,,1,9,,,"]) + "\n", encoding="utf-8")
    refused = run(tmp_path, env, "import-ratings", str(path))
    assert refused.returncode == 1
    assert "line 2: rating: The rating must be a whole number from 1 to 5" in refused.stdout
    assert "nothing written" in refused.stderr


def test_check_milestones_names_file_path_and_problem(tmp_path):
    good = pacer("capability", "check-milestones", cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "customer_success_consultant  客户成功顾问 / Customer Success Consultant" in good.stdout
    assert good.stdout.strip().endswith("milestones.json: all good.")
    bad = tmp_path / "milestones.json"
    rule = {"id": "x", "title": {"zh": "x", "en": "x"}, "requires": [{"kind": "flag", "flag": "y"}]}
    bad.write_text(json.dumps({"version": 1, "milestones": [rule]}), encoding="utf-8")
    checked = pacer("capability", "check-milestones", str(bad), cwd=tmp_path)
    assert checked.returncode == 1
    assert f"{bad}: $.milestones[0].requires[0].flag: no milestone unlocks the flag 'y'" in (
        checked.stdout
    )
    env = {"PACER_MILESTONES_FILE": str(bad)}
    at_start = pacer("capability", "check-milestones", cwd=tmp_path, env=env)
    assert at_start.returncode == 2
    assert at_start.stderr.startswith(f"pacer: error: PACER_MILESTONES_FILE: {bad}: $.milestones")
