"""The daily target jobs on the demo company: projections recorded once a day, locks."""

from __future__ import annotations

import sqlite3

from tests.support.pacer_cli import pacer


def test_snapshot_records_once_per_day(tmp_path, env):
    first = pacer("targets", "snapshot", "--as-of", "2026-06-30", cwd=tmp_path, env=env)
    again = pacer("targets", "snapshot", "--as-of", "2026-06-30", cwd=tmp_path, env=env)
    assert first.returncode == 0 and again.returncode == 0
    recorded = int(first.stdout.split()[0])
    assert recorded > 0 and again.stdout.startswith("0 projection(s)")
    with sqlite3.connect(tmp_path / "pacer.db") as db:
        (rows,) = db.execute("SELECT count(*) FROM target_projection").fetchone()
    assert rows == recorded


def test_lock_due_locks_approved_targets_whose_period_started(tmp_path, env):
    with sqlite3.connect(tmp_path / "pacer.db") as db:
        (approved,) = db.execute("SELECT count(*) FROM target WHERE status = 'approved'").fetchone()
    far_future = pacer("targets", "lock-due", "--as-of", "2099-01-01", cwd=tmp_path, env=env)
    assert far_future.returncode == 0 and far_future.stdout.startswith(f"{approved} target")
    bad = pacer("targets", "snapshot", "--as-of", "yesterday", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "--as-of" in bad.stderr
