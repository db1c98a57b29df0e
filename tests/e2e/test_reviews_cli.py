"""The real `pacer reviews snapshot` on a copy of the demo company: idempotent."""

from __future__ import annotations

import re

from tests.support.pacer_cli import pacer


def test_snapshot_freezes_every_unit_once(tmp_path, env):
    first = pacer("reviews", "snapshot", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    line = re.search(r"week of (\S+): (\d+) frozen.*, (\d+) already frozen", first.stdout)
    assert line and int(line.group(2)) > 0, first.stdout
    week, total = line.group(1), int(line.group(2)) + int(line.group(3))
    again = pacer("reviews", "snapshot", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert f"week of {week}: 0 frozen, {total} already frozen" in again.stdout


def test_an_unknown_user_is_one_clear_line(tmp_path, env):
    refused = pacer("reviews", "snapshot", "--user", "nobody", cwd=tmp_path, env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "pacer: error: no active user 'nobody'"
    assert "Traceback" not in refused.stderr
