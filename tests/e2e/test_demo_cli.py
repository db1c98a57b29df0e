"""`pacer demo` as a user runs it: what it says while it seeds goes to stderr, one line per step
(no progress bar and no colour codes when stderr is not a terminal), and stdout keeps exactly
the lines scripts read — the tokens."""

from __future__ import annotations

import json
import re

from tests.support.pacer_cli import pacer

STEPS = [
    "organisation",
    "pipeline",
    "history and targets",
    "daily activity",
    "alerts",
    "weekly review",
    "practice",
    "capability",
    "loops",
    "routing",
    "forecasts",
    "tokens",
]


def test_demo_says_each_step_on_stderr_and_prints_the_tokens_on_stdout(tmp_path, env):
    """On a copy of the run's demo company (made by `pacer demo` once): every step is there
    already, and says so; the tokens are renewed."""
    tokens_file = tmp_path / "tokens.json"
    done = pacer("demo", "--tokens-file", str(tokens_file), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    of = len(STEPS)
    steps = [line for line in done.stderr.splitlines() if re.match(rf"\[\d+/{of}\] ", line)]
    assert [re.match(rf"\[(\d+)/{of}\] ([^:]+):", line).groups() for line in steps] == [
        (str(n), name) for n, name in enumerate(STEPS, start=1)
    ]
    assert all(line.endswith(" s)") for line in steps)
    assert all(": already there (" in line for line in steps[:-1])
    assert "\x1b" not in done.stderr  # not a terminal: plain lines
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "Demo company already there; tokens renewed.",
        "Tokens (send as 'Authorization: Bearer <token>'):",
    ]
    tokens = json.loads(tokens_file.read_text())
    printed = {line.split()[0]: line.split()[-1] for line in lines[2:7]}
    assert printed == tokens and set(tokens) == {"admin", "director", "manager", "rep", "intake"}
    assert lines[7:] == [f"Tokens written to {tokens_file}"]
