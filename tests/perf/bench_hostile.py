"""Benchmark: what the worst documents under Pacer's limits cost the server (run on demand).

    python tests/perf/bench_hostile.py [--repeat 20] [--runs 3]

Starts `pacer serve --demo` on a fresh SQLite file, then sends each document `--repeat`
times in a row and reads the server process's own CPU time (user + system, from /proc)
around them: CPU per request, min and median of `--runs` runs. Meanwhile a second client,
in its own process, asks `{ __typename }` every 50 ms; its slowest answer during each case is
printed too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.pacer_cli import PACER, free_port, wait_until_up  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def repeated(times: int) -> str:
    return "{ " + " ".join(["me { rep { unit { id } } }"] * times) + " }"


def doubling_fragments(levels: int) -> str:
    fragments = ["fragment F0 on Query { __typename }"]
    for level in range(1, levels + 1):
        fragments.append(f"fragment F{level} on Query {{ ...F{level - 1} ...F{level - 1} }}")
    return f"{{ ...F{levels} }} " + " ".join(fragments)


def aliases(count: int, selection: str) -> str:
    return "{ " + " ".join(f"a{i}: {selection}" for i in range(count)) + " }"


PAGE = "opportunities(first: 100) { edges { node { owner { unit { id } } account { id } } } }"
CASES: list[tuple[str, dict, bool]] = [
    ("{ __typename }", {"query": "{ __typename }"}, False),
    ("450 × me{rep{unit{id}}}, no token", {"query": repeated(450)}, False),
    ("32 × me{rep{unit{id}}} (most merges allowed)", {"query": repeated(32)}, True),
    ("fragments doubling 12 levels (4,096 fields)", {"query": doubling_fragments(12)}, False),
    ("fragments doubling 9 levels (512 fields)", {"query": doubling_fragments(9)}, True),
    (
        "30 aliases × me{login roles rep{name unit{name}}}",
        {"query": aliases(30, "me { login roles rep { name unit { name } } }")},
        True,
    ),
    (
        "5 × opportunities(first:100){owner{unit} account} (cost 2,510)",
        {"query": aliases(5, PAGE)},
        True,
    ),
    (
        "4 × opportunities(first:99){owner{unit} account} (cost 1,988)",
        {"query": aliases(4, PAGE.replace("100", "99"))},
        True,
    ),
    (
        "1 × opportunities(first:100){owner{unit} account} (cost 502)",
        {"query": aliases(1, PAGE)},
        True,
    ),
    ("document of 99 KB (comment)", {"query": "#" + "x" * 99_000 + "\n{ __typename }"}, False),
    (
        "body of 999 KB (string variable)",
        {"query": "query($pad: String) { __typename }", "variables": {"pad": "x" * 999_000}},
        False,
    ),
    ("body over 1 MB", {"query": "{ __typename }", "variables": {"pad": "x" * 1_000_100}}, False),
    ("JSON nested 100,000 deep", {"raw": b"[" * 100_000 + b"]" * 100_000}, False),
]


def send(client: httpx.Client, case: dict, token: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = case["raw"] if "raw" in case else json.dumps(case).encode()
    return client.post("/graphql", content=body, headers=headers).status_code


def watch_typename(base: str, stop, answers) -> None:
    """In its own process (no GIL shared with the sender): `{ __typename }` every 50 ms."""
    timings = []
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            started = time.time()
            client.post("/graphql", json={"query": "{ __typename }"})
            timings.append((started, time.time() - started))
            time.sleep(0.05)
    answers.put(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pacer-bench-hostile-"))
    port = free_port()
    env = {**os.environ, "PACER_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'pacer.db'}"}
    tokens_file = folder / "tokens.json"
    process = subprocess.Popen(
        [PACER, "serve", "--demo", "--port", str(port), "--tokens-file", str(tokens_file)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    stop, answers = multiprocessing.Event(), multiprocessing.Queue()
    spans: list[tuple[str, float, float]] = []
    try:
        wait_until_up(base, process, timeout=600)
        token = json.loads(tokens_file.read_text())["admin"]
        watcher = multiprocessing.Process(target=watch_typename, args=(base, stop, answers))
        watcher.start()
        results = []
        print(
            f"server CPU per request, ms (min / median of {args.runs} runs × {args.repeat}); "
            "then the slowest { __typename } another client got meanwhile, ms"
        )
        with httpx.Client(base_url=base, timeout=60) as client:
            for label, case, authenticated in CASES:
                started = time.time()
                status = send(client, case, token if authenticated else None)  # warm
                runs = []
                for _ in range(args.runs):
                    before = cpu_seconds(process.pid)
                    for _ in range(args.repeat):
                        send(client, case, token if authenticated else None)
                    runs.append((cpu_seconds(process.pid) - before) * 1000 / args.repeat)
                spans.append((label, started, time.time()))
                results.append((label, runs, status))
        stop.set()
        timings = answers.get(timeout=60)
        watcher.join()
        for label, runs, status in results:
            _, begin, end = next(span for span in spans if span[0] == label)
            during = [seconds for at, seconds in timings if begin <= at <= end] or [0.0]
            print(
                f"  {min(runs):7.1f} {statistics.median(runs):7.1f}  {max(during) * 1000:7.1f}"
                f"  HTTP {status}  {label}"
            )
        every = [seconds for _, seconds in timings]
        print(
            f"{{ __typename }} from another client: {len(every)} answers, "
            f"median {statistics.median(every) * 1000:.1f} ms, slowest {max(every) * 1000:.1f} ms"
        )
    finally:
        stop.set()
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
