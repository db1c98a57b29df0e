"""The real `pacer` command: a server over HTTP on 127.0.0.1, and the other commands."""

from __future__ import annotations

import json
import os
import subprocess

import httpx
import pytest

from tests.support.db import fresh_postgres_database
from tests.support.pacer_cli import PACER, ROOT, free_port, pacer, wait_until_up


@pytest.fixture
def sqlite_env(tmp_path) -> dict[str, str]:
    return {"PACER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}"}


def test_serve_demo_answers_graphql_over_http(tmp_path, env):
    """`serve --demo` on a copy of the run's demo company (made by `pacer demo` once): it
    finds the company and renews the tokens."""
    sqlite_env = env
    port = free_port()
    tokens_file = tmp_path / "tokens.json"
    process = subprocess.Popen(
        [PACER, "serve", "--demo", "--port", str(port), "--tokens-file", str(tokens_file)],
        cwd=tmp_path,
        env={**os.environ, **sqlite_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        tokens = json.loads(tokens_file.read_text())
        assert set(tokens) == {"admin", "director", "manager", "rep", "intake"}
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        anonymous = httpx.post(f"{base}/graphql", json={"query": "{ __typename }"})
        assert anonymous.json() == {"data": {"__typename": "Query"}}
        assert anonymous.headers["x-request-id"]
        reps = httpx.post(
            f"{base}/graphql",
            json={"query": "{ me { login } reps(first: 100) { totalCount } }"},
            headers={"Authorization": f"Bearer {tokens['director']}"},
        ).json()
        assert reps["data"] == {"me": {"login": "director"}, "reps": {"totalCount": 68}}
        ide = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
        assert ide.status_code == 200 and "graphiql" in ide.text.lower()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Traceback" not in output


def test_serve_refuses_a_postgres_database_behind_the_migrations(tmp_path, postgres_server_url):
    with fresh_postgres_database(postgres_server_url) as url:
        env = {"PACER_DATABASE_URL": url}
        refused = pacer("serve", "--port", str(free_port()), cwd=tmp_path, env=env)
        assert refused.returncode == 1
        assert refused.stderr.strip().count("\n") == 0
        assert "pacer db upgrade" in refused.stderr
        upgraded = pacer("db", "upgrade", cwd=tmp_path, env=env)
        assert upgraded.returncode == 0, upgraded.stderr
        current = pacer("db", "current", cwd=tmp_path, env=env)
        assert "up to date" in current.stdout


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("PACER_MAX_QUERY_DEPTH", "deep", "PACER_MAX_QUERY_DEPTH"),
        ("PACER_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("PACER_DATABASE_URL", "mysql://x", "sqlite+aiosqlite://"),
        ("PACER_GRAPHIQL", "maybe", "PACER_GRAPHIQL"),
        ("PACER_JWT_JWKS_FILE", "/nope.json", "does not exist"),
    ],
)
def test_bad_setting_stops_with_one_line(tmp_path, variable, value, words):
    result = pacer("serve", cwd=tmp_path, env={variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and variable in lines[0], result.stderr


def test_every_command_has_help_with_an_example(tmp_path):
    for command in ("serve", "demo", "db", "token", "schema"):
        result = pacer(command, "--help", cwd=tmp_path)
        assert result.returncode == 0 and "example" in result.stdout, command


def test_schema_command_prints_the_committed_sdl(tmp_path):
    result = pacer("schema", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == (ROOT / "schema.graphql").read_text(encoding="utf-8"), (
        "schema.graphql is stale: run `pacer schema --output schema.graphql`"
    )


def test_token_commands(tmp_path, env):
    sqlite_env = env  # a copy of the run's demo company
    created = pacer(
        "token",
        "create",
        "--user",
        "manager.shanghai",
        "--expires-in-days",
        "3",
        cwd=tmp_path,
        env=sqlite_env,
    )
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("pacer_") and "expires" in created.stdout
    token_id = created.stdout.split()[1]
    revoked = pacer("token", "revoke", "--id", token_id, cwd=tmp_path, env=sqlite_env)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    again = pacer("token", "revoke", "--id", token_id, cwd=tmp_path, env=sqlite_env)
    assert again.returncode == 1 and "already revoked" in again.stderr
    unknown = pacer("token", "create", "--user", "ghost", cwd=tmp_path, env=sqlite_env)
    assert unknown.returncode == 1 and unknown.stderr.strip() == (
        "pacer: error: no user with login 'ghost'"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("alerts", "run", "--as-of", "0001-01-01"),
        ("alerts", "run", "--from", "9999-12-31"),
        ("targets", "snapshot", "--as-of", "1969-12-31"),
        ("capability", "milestones", "--as-of", "2026-13-01"),
    ],
)
def test_a_day_outside_1970_to_2100_is_one_line(tmp_path, sqlite_env, args):
    result = pacer(*args, cwd=tmp_path, env=sqlite_env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("pacer")
    assert "between 1970 and 2100" in result.stderr or "is not a day" in result.stderr
