"""Benchmark of `pacer import deals` on a fresh SQLite database (run on demand, not by pytest).

    python tests/perf/bench_import.py [--rows 1000000]

Loads the demo company (68 reps), writes a CSV of N deals for its reps into a temporary
directory, runs the real `pacer import deals` on it and prints rows, seconds, rows/second and
the importer's peak memory.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from domain.targets.imports.csv_file import REQUIRED_COLUMNS  # noqa: E402

PACER = str(Path(sys.executable).parent / "pacer")
HEADER = [*REQUIRED_COLUMNS, "one_off"]
SEGMENTS = ["government", "private_buyer", "enterprise_fleet", "smb", "education", "rental"]
PRODUCT_LINES = ["EV sedan", "EV SUV", "Fleet van", "Charging"]
FIRST_DAY = date(2023, 1, 1)


def pacer(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PACER, *args], env={**os.environ, **env}, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"pacer {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


def demo_reps(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT external_id FROM rep")]


def write_deals(path: Path, rows: int, reps: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            fen = rng.randint(100_000, 50_000_000)
            writer.writerow(
                [
                    f"deal-{number:08d}",
                    (FIRST_DAY + timedelta(days=rng.randrange(730))).isoformat(),
                    f"{fen // 100:,}.{fen % 100:02d}",
                    rng.choice(reps),
                    f"客户 {rng.randrange(20_000):05d}",
                    rng.choice(SEGMENTS),
                    rng.choice(PRODUCT_LINES),
                    rng.choice(["是", "否"]),
                    "false",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="deals in the file")
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        database = folder / "bench.db"
        env = {"PACER_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
        pacer("demo", env=env)
        csv_file = folder / "deals.csv"
        write_deals(csv_file, rows, demo_reps(database))
        print(f"{rows:,} rows, {csv_file.stat().st_size / 1e6:.1f} MB of CSV")
        started = time.perf_counter()
        result = pacer("import", "deals", str(csv_file), env=env)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(result.stdout.strip())
        print(
            f"rows={rows} seconds={seconds:.1f} rows/s={rows / seconds:,.0f} peak={peak_mb:.0f} MB"
        )


if __name__ == "__main__":
    main()
