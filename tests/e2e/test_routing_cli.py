"""`pacer routing batch|sweep|check` on a copy of the demo company, as cron runs them."""

from __future__ import annotations

import re

from tests.support.pacer_cli import pacer


def test_batch_and_sweep_run_on_the_demo_and_say_what_they_did(tmp_path, env):
    batch = pacer("routing", "batch", cwd=tmp_path, env=env)
    assert batch.returncode == 0, batch.stderr
    assert re.fullmatch(
        r"\d+ queued lead\(s\): \d+ assigned, \d+ still queued", batch.stdout.strip()
    ), batch.stdout
    sweep = pacer("routing", "sweep", cwd=tmp_path, env=env)
    assert sweep.returncode == 0, sweep.stderr
    assert re.match(r"\d+ contacted in time, \d+ closed meanwhile", sweep.stdout), sweep.stdout


def test_check_names_the_policy_and_a_file_is_refused_elsewhere(tmp_path, env):
    check = pacer("routing", "check", cwd=tmp_path, env=env)
    assert check.returncode == 0 and "all good" in check.stdout, check.stderr
    wrong = pacer("routing", "batch", str(tmp_path / "x.json"), cwd=tmp_path, env=env)
    assert wrong.returncode != 0 and "routing batch takes no file" in wrong.stderr
