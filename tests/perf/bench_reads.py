"""Benchmark: Pacer's server CPU per read against a hand-written floor (run on demand).

    python tests/perf/bench_reads.py [--databases sqlite,postgresql] [--repeat 30] [--runs 3]
                                     [--only targetTree]

For each database (a fresh SQLite file; or a fresh PostgreSQL database created on
`postgresql://postgres@127.0.0.1:5432/`, override with PACER_BENCH_POSTGRES_URL, dropped at
the end) `pacer serve --demo` seeds the demo company and writes its tokens (`pacer db
upgrade` first on PostgreSQL), then is stopped. Two uvicorn processes are started with the
same flags (one worker, access log off, Pacer's connection protocol and limits) on that
database: Pacer (`api.core.app:app_from_env`, the notification loop off so only requests
cost CPU) and the floor (`tests/perf/floor_app.py`: bare Starlette, one hand-written SQL
statement to authenticate the bearer token, hand-written SQL for the read, the same JSON;
`{ __typename }` goes to a one-field strawberry app in the same process).

Every read is sent once to both and their answers compared (row counts and ids must agree,
a WARNING line says when they do not; values are compared too). Then, per read: a warm-up,
and `--runs` runs of `--repeat` requests in a row from one client, alternating Pacer and
floor runs (P, F, P, F, …) so both see the same machine noise; around each run the server
process's CPU (user + system, /proc/<pid>/stat) is read. Printed per database: CPU ms per
request, min and median over the runs, for Pacer and the floor, and Pacer ÷ floor of the
medians and of the mins. Wall time is not measured; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.pacer_cli import PACER, free_port  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES = os.environ.get("PACER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")

TARGET_TREE = """query($rootId: ID!, $metric: Metric!, $periodKind: PeriodKind!,
      $periodStart: Date!) {
  targetTree(rootId: $rootId, metric: $metric, periodKind: $periodKind, periodStart: $periodStart) {
    depth
    target { id amount status version ownerUnit { name } ownerRep { name }
             explanation { sentence } }
    progress { achieved completion paceRatio projection gap }
  }
}"""
PAGE = "totalCount pageInfo { hasNextPage endCursor }"
OPPORTUNITIES = f"""query($first: Int) {{ opportunities(first: $first) {{ {PAGE}
  edges {{ node {{ id title amount stage expectedClose
                 owner {{ id name }} account {{ id name }} }} }} }} }}"""
REPS = f"""query($first: Int) {{ reps(first: $first) {{ {PAGE}
  edges {{ node {{ id name level hireDate status unit {{ id name }} }} }} }} }}"""
ALERTS = f"""query($first: Int) {{ alerts(first: $first) {{ {PAGE}
  edges {{ node {{ id rule severity status raisedOn conditionSeenOn
                 unit {{ id name }} rep {{ id name }} }} }} }} }}"""
HEALTH = """query($unitId: ID!, $from: Date!, $to: Date!) {
  healthDashboard(unitId: $unitId, from: $from, to: $to) {
    unit { id name } from to months repCount gapReasonsPeriodStart
    indicators { kind value threshold direction status sampleSize }
    targets { target { id periodKind amount }
              progress { achieved completion paceRatio projection gap } }
    gapReasons { reason { code } count }
    openAlerts { yellow orange red total }
    leaderboard { rank repName revenue completion targetAmount }
  }
}"""


@dataclass(frozen=True)
class Case:
    name: str  # also the floor's endpoint, /floor/<name>
    label: str
    query: str
    variables: dict | None
    role: str | None  # whose token; None: no token


def cases(east: str) -> list[Case]:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the demo's company time zone
    january = date(today.year, 1, 1).isoformat()
    tree = {"rootId": east, "metric": "REVENUE", "periodKind": "YEAR", "periodStart": january}
    health = {"unitId": east, "from": january, "to": today.isoformat()}
    me, me_rep = "{ me { login roles } }", "{ me { login roles rep { name unit { name } } } }"
    return [
        Case("targetTree", "targetTree East, YEAR, progress", TARGET_TREE, tree, "director"),
        Case("me", "me { login roles }", me, None, "director"),
        Case("meWithRep", "me { login roles rep{name unit{name}} } (rep)", me_rep, None, "rep"),
        Case(
            "opportunities",
            "opportunities(first:100) owner account",
            OPPORTUNITIES,
            {"first": 100},
            "director",
        ),  # fmt: skip
        Case("reps", "reps(first:50) with unit", REPS, {"first": 50}, "director"),
        Case("alerts", "alerts(first:50) unit rep", ALERTS, {"first": 50}, "director"),
        Case("healthDashboard", "healthDashboard East, year to date", HEALTH, health, "director"),
        Case("typename", "{ __typename }", "{ __typename }", None, None),
    ]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wait_up(base: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not come up within {timeout:.0f} s")


def uvicorn_flags() -> list[str]:
    """The same for both servers: Pacer's connection settings, one worker, no access log."""
    from domain.settings import Settings

    settings = Settings()
    return [
        "--host", "127.0.0.1",
        "--workers", "1",
        "--no-access-log",
        "--log-level", "warning",
        "--http", "api.core.connections:HeaderDeadlineProtocol",
        "--timeout-keep-alive", str(settings.keep_alive_seconds),
        "--limit-concurrency", str(settings.max_connections),
        "--app-dir", str(ROOT),
    ]  # fmt: skip


class Servers:
    """`pacer serve --demo` seeds the database; then Pacer and the floor, side by side."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.folder = folder
        self.env = {
            **os.environ,
            "PACER_DATABASE_URL": database_url,
            "PACER_NOTIFY_LOOP": "false",
        }
        self.processes: list[subprocess.Popen] = []

    def seed(self) -> dict[str, str]:
        if not self.env["PACER_DATABASE_URL"].startswith("sqlite"):
            subprocess.run(
                [PACER, "db", "upgrade"], cwd=self.folder, env=self.env, check=True,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
        tokens_file, port = self.folder / "tokens.json", free_port()
        log = self.folder / "seed.log"
        seeding = subprocess.Popen(
            [PACER, "serve", "--demo", "--port", str(port), "--tokens-file", str(tokens_file)],
            cwd=self.folder,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_up(f"http://127.0.0.1:{port}", seeding, log, timeout=900)
        finally:
            seeding.terminate()
            seeding.wait(timeout=60)
        return json.loads(tokens_file.read_text())

    def start(self, app: list[str]) -> tuple[str, subprocess.Popen]:
        port = free_port()
        log = self.folder / f"server-{len(self.processes)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", *app, "--port", str(port), *uvicorn_flags()],
            cwd=self.folder,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_up(base, process, log, timeout=120)
        return base, process

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def request(client: httpx.Client, path: str, case: Case, tokens: dict) -> httpx.Response:
    headers = {"Authorization": f"Bearer {tokens[case.role]}"} if case.role else {}
    body: dict = {"query": case.query}
    if case.variables is not None:
        body["variables"] = case.variables
    return client.post(path, json=body, headers=headers)


def floor_path(case: Case) -> str:
    return "/typename/graphql" if case.name == "typename" else f"/floor/{case.name}"


def skeleton(value, path: str = "") -> list[str]:
    """Row counts and ids: every list's length and every `id`, with where they are."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id":
                found.append(f"{path}.id={item}")
            found += skeleton(item, f"{path}.{key}")
    elif isinstance(value, list):
        found.append(f"{path}[len={len(value)}]")
        for index, item in enumerate(value):
            found += skeleton(item, f"{path}[{index}]")
    return found


def first_difference(a, b, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key} (only in {'Pacer' if key in a else 'the floor'})"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} (length {len(a)} against {len(b)})"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return None if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) else f"{path}: {a} / {b}"
    return None if a == b else f"{path}: {a!r} / {b!r}"


def check_same(case: Case, pacer: httpx.Response, floor: httpx.Response) -> str:
    """One line: do Pacer's `data` and the floor's answer hold the same rows?"""
    try:
        ours, theirs = pacer.json(), floor.json()
    except ValueError:
        return f"WARNING {case.name}: not JSON (HTTP {pacer.status_code} / {floor.status_code})"
    if pacer.status_code != 200 or floor.status_code != 200 or "errors" in ours:
        return (
            f"WARNING {case.name}: HTTP {pacer.status_code} / {floor.status_code}, "
            f"{json.dumps(ours.get('errors'), ensure_ascii=False)[:200]} / "
            f"{json.dumps(theirs.get('errors'), ensure_ascii=False)[:200]}"
        )
    a, b = ours.get("data"), theirs.get("data")
    if skeleton(a) != skeleton(b):
        ours_rows, their_rows = skeleton(a), skeleton(b)
        pairs = zip(ours_rows + [""], their_rows + [""], strict=False)
        wrong = next((f"{x} / {y}" for x, y in pairs if x != y), "count")
        return f"WARNING {case.name}: rows or ids differ (first: {wrong})"
    rows = sum(1 for item in skeleton(a) if "[len=" not in item)
    difference = first_difference(a, b)
    if difference:
        return f"{case.name}: same rows and ids ({rows} ids); a value differs at {difference}"
    return f"{case.name}: same answer ({len(json.dumps(a))} bytes, {rows} ids)"


def timed_run(client, path, case, tokens, pid: int, repeat: int) -> tuple[float, int]:
    failures = 0
    before = cpu_seconds(pid)
    for _ in range(repeat):
        failures += request(client, path, case, tokens).status_code != 200
    return (cpu_seconds(pid) - before) * 1000 / repeat, failures


def measure(database: str, url: str, args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix=f"pacer-bench-reads-{database}-"))
    servers = Servers(url, folder)
    started = time.monotonic()
    tokens = servers.seed()
    print(f"\n[{database}] demo seeded in {time.monotonic() - started:.0f} s", flush=True)
    try:
        pacer_base, pacer = servers.start(["api.core.app:app_from_env", "--factory"])
        floor_base, floor = servers.start(["tests.perf.floor_app:app"])
        with (
            httpx.Client(base_url=pacer_base, timeout=120) as to_pacer,
            httpx.Client(base_url=floor_base, timeout=120) as to_floor,
        ):
            units = to_pacer.post(
                "/graphql",
                json={"query": "{ orgUnits(kind: REGION) { edges { node { id code } } } }"},
                headers={"Authorization": f"Bearer {tokens['director']}"},
            ).json()["data"]["orgUnits"]["edges"]
            east = next(edge["node"]["id"] for edge in units if edge["node"]["code"] == "east")
            chosen = [c for c in cases(east) if not args.only or c.name in args.only]
            for case in chosen:
                answer = request(to_pacer, "/graphql", case, tokens)
                print(
                    "  "
                    + check_same(case, answer, request(to_floor, floor_path(case), case, tokens))
                )
            results = []
            for case in chosen:
                for _ in range(args.warmup):
                    request(to_pacer, "/graphql", case, tokens)
                    request(to_floor, floor_path(case), case, tokens)
                runs: dict[str, list[float]] = {"pacer": [], "floor": []}
                failed = 0
                for _ in range(args.runs):
                    ms, bad = timed_run(to_pacer, "/graphql", case, tokens, pacer.pid, args.repeat)
                    runs["pacer"].append(ms)
                    failed += bad
                    path = floor_path(case)
                    ms, bad = timed_run(to_floor, path, case, tokens, floor.pid, args.repeat)
                    runs["floor"].append(ms)
                    failed += bad
                results.append((case, runs, failed))
        print(
            f"\n[{database}] server CPU per request, ms: min / median of {args.runs} runs "
            f"× {args.repeat} requests; ratio = Pacer ÷ floor"
        )
        print(
            f"  {'read':<48} {'Pacer min':>9} {'median':>7} {'floor min':>9} {'median':>7}"
            f" {'ratio med':>9} {'ratio min':>9}"
        )
        for case, runs, failed in results:
            p, f = runs["pacer"], runs["floor"]
            p_med, f_med = statistics.median(p), statistics.median(f)
            ratio_med = f"{p_med / f_med:9.1f}" if f_med else f"{'–':>9}"
            ratio_min = f"{min(p) / min(f):9.1f}" if min(f) else f"{'–':>9}"
            note = f"  ({failed} non-200 answers)" if failed else ""
            print(
                f"  {case.label:<48} {min(p):9.2f} {p_med:7.2f} {min(f):9.2f} {f_med:7.2f}"
                f" {ratio_med} {ratio_min}{note}"
            )
        print(f"  (CPU clock tick: {1000 / TICKS:.0f} ms, i.e. {1000 / TICKS / args.repeat:.2f} "
              "ms per request at this --repeat)")  # fmt: skip
    finally:
        servers.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5, help="requests to each server first")
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        help="comma-separated reads: targetTree, me, meWithRep, opportunities, reps, alerts, "
        "healthDashboard, typename",
    )
    args = parser.parse_args()
    for database in args.databases.split(","):
        if database == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="pacer-bench-reads-db-"))
            measure("sqlite", f"sqlite+aiosqlite:///{folder / 'pacer.db'}", args)
        elif database == "postgresql":
            import asyncio

            import asyncpg

            name = f"pacer_bench_reads_{uuid.uuid4().hex[:12]}"

            async def admin(statement: str) -> None:
                connection = await asyncpg.connect(POSTGRES.rstrip("/") + "/postgres")
                try:
                    await connection.execute(statement)
                finally:
                    await connection.close()

            asyncio.run(admin(f'CREATE DATABASE "{name}"'))
            try:
                server = POSTGRES.split("://", 1)[1].rstrip("/")
                measure("postgresql", f"postgresql+asyncpg://{server}/{name}", args)
            finally:
                asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            parser.error(f"unknown database {database!r} (sqlite, postgresql)")


if __name__ == "__main__":
    main()
