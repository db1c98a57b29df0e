"""Benchmark: Pacer under a bounded mixed load over real HTTP on PostgreSQL (run on demand).

    python tests/perf/bench_load.py [--seconds 30] [--levels 1,8,32,64] [--workers 2]
                                    [--write-share 0.2] [--warmup 5] [--keep-database NAME]

A fresh PostgreSQL database `pacer_bench_load_<pid>` is created on
`postgresql://postgres@127.0.0.1:5432/` (override with PACER_BENCH_POSTGRES_URL), brought to
the head migration with `pacer db upgrade`, loaded with the demo company (`pacer demo`) and
dropped at the end. `--keep-database NAME` uses (and keeps) that database instead: created
and seeded the first time, only upgraded afterwards. Tokens valid for a day are minted for
the director, manager.shanghai, intake and the 8 reps with the most open opportunities (the
code `pacer token create` runs), and revoked at the end.

`pacer serve --workers 2` (uvicorn, every Pacer default: admission, pool, access log, the
notification loop) is started on a free port of 127.0.0.1. After `--warmup` seconds at 4
clients, each level runs `--seconds` with that many clients, each a closed loop on its own
connection (send, await the answer, send the next; 60 s client timeout). A request is a
write with probability `--write-share`, else a read:

- reads (weights): `me` 30 (any token), `opportunities(first: 20)` with owner and account 25
  (director, manager, rep), `alerts(first: 20)` with unit and rep 20 (director, manager, rep),
  `reps(first: 50)` with unit 15 (director, manager), `targetTree` East, this year's revenue,
  with progress 10 (director);
- writes: `logFollowUp` 3 in 4 (a rep's token, one of that rep's own open opportunities, a
  call 10 minutes ago: one append-only `follow_up` row, no version to race on), `intakeLead`
  1 in 4 (the intake login, a unique external id, a random demo segment and territory: one
  lead routed to a rep or queued, with its decision).

Printed per level: requests/s, p50/p95/p99/max latency in ms as the client saw it (all,
reads, writes, each operation), answers by kind (503 OVERLOADED counted apart as shed load;
other HTTP statuses, GraphQL `extensions.code`, payload error codes, client-side exceptions
such as httpx's ReadError), the server's CPU (user + system of `pacer serve` and its worker
processes, /proc/<pid>/stat) per request and per worker; half-way through, the connections
each worker holds, any still in the accept queue, any the server has closed that the client
has not noticed yet, and the connections open to the database by state; the client's worst
event-loop lag (over 250 ms a WARNING says its latencies include its own delays); the cores
busy: server, PostgreSQL (every database of the server), this client and everything else on
the machine; and, counted by SQL once the level is over, how many writes answered as success
are stored ("writes stored: N of N"), plus any stored write whose answer was not a success.
Every request carries an `X-Request-ID` naming the run, level, client and number; each is
written to `samples.tsv` in the run's folder (level, operation, request id, ms, outcome, wall
clock of the answer) beside `serve.log`, which is scanned for tracebacks at the end. The
client runs on the same machine as the server and PostgreSQL, with its own cyclic collector
paused during a level (its passes would count as the server's latency); nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.pacer_cli import PACER, free_port  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES = os.environ.get("PACER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
TOKEN_NAME = f"bench-load-{os.getpid()}"
REPS_WITH_TOKENS = 8
SEGMENTS = ["government", "private_buyer", "enterprise_fleet", "soe_procurement", "rental"]
SOURCES = ["website", "douyin", "auto_show", "referral", "telemarketing"]

PAGE = "totalCount pageInfo { hasNextPage endCursor }"
ME = "{ me { login roles rep { name unit { name } } } }"
OPPORTUNITIES = f"""query($first: Int) {{ opportunities(first: $first) {{ {PAGE}
  edges {{ node {{ id title amount stage expectedClose
                 owner {{ id name }} account {{ id name }} }} }} }} }}"""
ALERTS = f"""query($first: Int) {{ alerts(first: $first) {{ {PAGE}
  edges {{ node {{ id rule severity status raisedOn
                 unit {{ id name }} rep {{ id name }} }} }} }} }}"""
REPS = f"""query($first: Int) {{ reps(first: $first) {{ {PAGE}
  edges {{ node {{ id name level hireDate status unit {{ id name }} }} }} }} }}"""
TARGET_TREE = """query($rootId: ID!, $metric: Metric!, $periodKind: PeriodKind!,
      $periodStart: Date!) {
  targetTree(rootId: $rootId, metric: $metric, periodKind: $periodKind, periodStart: $periodStart) {
    depth
    target { id amount status version ownerUnit { name } ownerRep { name } }
    progress { achieved completion paceRatio projection gap }
  }
}"""
LOG_FOLLOW_UP = """mutation($i: LogFollowUpInput!) { logFollowUp(input: $i) {
  followUp { id } errors { field code message } } }"""
INTAKE_LEAD = """mutation($i: IntakeLeadInput!) { intakeLead(input: $i) {
  lead { id externalId status } created errors { field code message } } }"""
OPEN_OPPORTUNITIES = "{ opportunities(first: 100, openOnly: true) { edges { node { id } } } }"


# --- the database -----------------------------------------------------------------------------


def server_url(database: str) -> str:
    return POSTGRES.rstrip("/") + "/" + database


async def admin_execute(statement: str) -> None:
    connection = await asyncpg.connect(server_url("postgres"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def database_exists(name: str) -> bool:
    connection = await asyncpg.connect(server_url("postgres"))
    try:
        return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", name))
    finally:
        await connection.close()


async def demo_loaded(name: str) -> bool:
    connection = await asyncpg.connect(server_url(name))
    try:
        if not await connection.fetchval("SELECT to_regclass('app_user') IS NOT NULL"):
            return False
        return bool(await connection.fetchval("SELECT 1 FROM app_user WHERE login = 'director'"))
    finally:
        await connection.close()


def prepare(name: str, env: dict[str, str], folder: Path) -> None:
    """`pacer db upgrade`, then `pacer demo` unless the demo company is there already."""
    subprocess.run([PACER, "db", "upgrade"], cwd=folder, env=env, check=True)
    if asyncio.run(demo_loaded(name)):
        print("demo company already loaded: not seeded again", flush=True)
        return
    started = time.monotonic()
    log = folder / "demo.log"
    with log.open("w") as out:
        done = subprocess.run([PACER, "demo"], cwd=folder, env=env, stdout=out, stderr=out)
    if done.returncode:
        raise RuntimeError(f"`pacer demo` failed:\n{log.read_text()[-3000:]}")
    print(f"demo company loaded in {time.monotonic() - started:.0f} s", flush=True)


@dataclass
class Cast:
    """Who sends what: tokens by login, the reps' logins, the territories leads come from."""

    tokens: dict[str, str]
    reps: list[str]
    territories: list[str]


async def mint_tokens(name: str) -> Cast:
    """Day-long tokens, minted as `pacer token create` does (only their hash is stored)."""
    from sqlalchemy import select

    from domain import db
    from domain.kernel.actor import Actor, Role
    from domain.org import access
    from domain.org.models import User

    connection = await asyncpg.connect(server_url(name))
    try:
        reps = [
            row["login"]
            for row in await connection.fetch(
                "SELECT u.login, count(*) FROM opportunity o JOIN app_user u"
                " ON u.rep_id = o.owner_rep_id WHERE o.stage NOT IN ('won', 'lost')"
                " GROUP BY u.login ORDER BY count(*) DESC, u.login LIMIT $1",
                REPS_WITH_TOKENS,
            )
        ]
        territories = [
            row["territory"]
            for row in await connection.fetch(
                "SELECT DISTINCT territory FROM rep_territory ORDER BY 1"
            )
        ]
    finally:
        await connection.close()
    system = Actor(user_id=0, roles=frozenset({Role.ADMIN.value}))
    engine = db.create_engine(server_url(name).replace("postgresql://", "postgresql+asyncpg://"))
    tokens = {}
    try:
        async with db.session_factory(engine)() as session:
            for login in ["director", "manager.shanghai", "intake", *reps]:
                user = await session.scalar(select(User).where(User.login == login))
                _, secret = await access.issue_token(
                    session,
                    system,
                    user_id=user.id,
                    name=TOKEN_NAME,
                    expires_at=datetime.now(UTC) + timedelta(days=1),
                )
                tokens[login] = secret
            await session.commit()
    finally:
        await engine.dispose()
    return Cast(tokens, reps, territories)


async def revoke_tokens(name: str) -> None:
    connection = await asyncpg.connect(server_url(name))
    try:
        await connection.execute(
            "UPDATE api_token SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL",
            TOKEN_NAME,
        )
    finally:
        await connection.close()


async def stored_writes(name, follow_up_ids: list[int], lead_ids: list[str], marker, level):
    """(follow-ups answered as success that are stored, follow-ups the level wrote, leads
    answered as success that are stored, leads the level wrote)."""
    connection = await asyncpg.connect(server_url(name))
    try:
        return (
            await connection.fetchval(
                "SELECT count(*) FROM follow_up WHERE id = ANY($1::int[])", follow_up_ids
            ),
            await connection.fetchval(
                "SELECT count(*) FROM follow_up WHERE notes LIKE $1", f"{marker} L{level} %"
            ),
            await connection.fetchval(
                "SELECT count(*) FROM lead WHERE external_id = ANY($1::text[])", lead_ids
            ),
            await connection.fetchval(
                "SELECT count(*) FROM lead WHERE external_id LIKE $1", f"{marker}-L{level}-%"
            ),
        )
    finally:
        await connection.close()


# --- the server and CPU -----------------------------------------------------------------------


def cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def process_tree(root: int) -> list[int]:
    """`root` and its descendants alive now."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def tree_cpu(root: int) -> dict[int, float]:
    found = {}
    for pid in process_tree(root):
        try:
            found[pid] = cpu_of(pid)
        except OSError:
            continue
    return found


def role_of(pid: int, root: int) -> str:
    """`serve` (the supervisor), `worker` (serves requests) or `helper`."""
    if pid == root:
        return "serve"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "helper"
    return "worker" if "spawn_main" in command and "resource_tracker" not in command else "helper"


def connections_per_process(port: int, pids: list[int]) -> dict:
    """Established TCP connections on the server's port held by each process (by socket
    inode, /proc/net/tcp and /proc/<pid>/fd); under `backlog`, those still waiting in the
    listening socket's accept queue (its rx_queue); under `closed`, client ends the server
    has closed and the client has not noticed yet (CLOSE_WAIT)."""
    inodes = set()
    backlog = closed = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if int(parts[2].rsplit(":", 1)[1], 16) == port and parts[3] == "08":
                closed += 1  # the client's end, CLOSE_WAIT: the server closed it
            if int(parts[1].rsplit(":", 1)[1], 16) != port:
                continue
            if parts[3] == "01":
                inodes.add(parts[9])
            elif parts[3] == "0A":  # listening: rx_queue is the accept queue's length
                backlog += int(parts[4].split(":")[1], 16)
    counts: dict = {"backlog": backlog, "closed": closed}
    for pid in pids:
        count = 0
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    link = os.readlink(fd)
                except OSError:
                    continue
                count += link.startswith("socket:[") and link[8:-1] in inodes
        except OSError:
            continue
        counts[pid] = count
    return counts


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process alive now, plus what the postmaster reaped
    from ended ones (closed connections): all databases of the server, not only ours."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS
        if int(fields[1]) == 1 or not Path(f"/proc/{fields[1]}/comm").exists():
            total += (int(fields[13]) + int(fields[14])) / TICKS  # the postmaster's children
    return total


async def database_connections(name: str) -> Counter:
    """Connections to the database by state (this query's own left out)."""
    connection = await asyncpg.connect(server_url(name))
    try:
        rows = await connection.fetch(
            "SELECT coalesce(state, '?') AS state, count(*) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid() GROUP BY 1",
            name,
        )
    finally:
        await connection.close()
    return Counter({row["state"]: row["count"] for row in rows})


def machine_busy() -> tuple[float, float]:
    """(busy, total) seconds of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(values[:8])
    return (total - values[3] - values[4]) / TICKS, total / TICKS


class Server:
    def __init__(self, env: dict[str, str], folder: Path, workers: int, database: str) -> None:
        self.database = database
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "serve.log"
        self.process = subprocess.Popen(
            [PACER, "serve", "--workers", str(workers), "--port", str(self.port)],
            cwd=folder,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers = workers

    def wait_ready(self, timeout: float = 120) -> None:
        """Until /readyz answers 200 ten times running (each worker serves some of them)."""
        deadline, running = time.monotonic() + timeout, 0
        while running < 10:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server was not ready within {timeout:.0f} s")
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped:\n{self.log.read_text()[-3000:]}")
            try:
                ready = httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200
            except httpx.TransportError:
                ready = False
            running = running + 1 if ready else 0
            time.sleep(0.2 if not ready else 0.05)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()


# --- the load ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    name: str
    query: str
    variables: dict | None
    logins: tuple[str, ...]
    weight: int


def reads(east: str, cast: Cast) -> list[Read]:
    january = date(datetime.now(ZoneInfo("Asia/Shanghai")).year, 1, 1).isoformat()
    tree = {"rootId": east, "metric": "REVENUE", "periodKind": "YEAR", "periodStart": january}
    managers = ("director", "manager.shanghai")
    everyone = (*managers, *cast.reps)
    return [
        Read("me", ME, None, everyone, 30),
        Read("opportunities", OPPORTUNITIES, {"first": 20}, everyone, 25),
        Read("alerts", ALERTS, {"first": 20}, everyone, 20),
        Read("reps", REPS, {"first": 50}, managers, 15),
        Read("targetTree", TARGET_TREE, tree, ("director",), 10),
    ]


@dataclass
class Sample:
    kind: str  # "read" or "write"
    operation: str
    seconds: float
    outcome: str  # "ok", "shed", or what went wrong
    request_id: str  # sent as X-Request-ID: the server's log names it
    answered_at: float  # wall clock (time.time()) when the answer was in


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    follow_ups: list[int] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)


class Load:
    """The request mix of one run: which token sends what."""

    def __init__(self, cast: Cast, east: str, opportunities: dict[str, list[str]], args):
        self.cast = cast
        self.reads = reads(east, cast)
        self.weights = [read.weight for read in self.reads]
        self.opportunities = opportunities
        self.write_share = args.write_share
        self.marker = f"bench-load-{os.getpid()}-{int(time.time())}"

    def request(self, rng: random.Random, client: int, tag: str) -> tuple[str, str, dict, str]:
        """(kind, operation, body, login) of the next request of `client`."""
        if rng.random() < self.write_share:
            if rng.random() < 0.75:
                rep = self.cast.reps[client % len(self.cast.reps)]
                occurred = datetime.now(UTC) - timedelta(minutes=10)
                entry = {
                    "opportunityId": rng.choice(self.opportunities[rep]),
                    "type": "CALL",
                    "occurredAt": occurred.isoformat(),
                    "customerStatus": "evaluating",
                    "customerResponded": True,
                    "notes": f"{self.marker} {tag}",
                }
                return (
                    "write",
                    "logFollowUp",
                    {"query": LOG_FOLLOW_UP, "variables": {"i": entry}},
                    rep,
                )
            lead = {
                "externalId": f"{self.marker}-{tag.replace(' ', '-')}",
                "source": rng.choice(SOURCES),
                "segment": rng.choice(SEGMENTS),
                "region": rng.choice(self.cast.territories),
                "estimatedValue": rng.choice([8, 15, 30, 60]) * 1_000_000,
                "contact": {"name": "王先生", "phone": f"+86 138 {rng.randrange(10**8):08d}"},
            }
            return "write", "intakeLead", {"query": INTAKE_LEAD, "variables": {"i": lead}}, "intake"
        read = rng.choices(self.reads, self.weights)[0]
        body: dict = {"query": read.query}
        if read.variables is not None:
            body["variables"] = read.variables
        return "read", read.name, body, rng.choice(read.logins)


def outcome_of(operation: str, response: httpx.Response, tally: Tally) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200:
        code = ""
        if isinstance(body, dict) and body.get("errors"):
            code = body["errors"][0].get("extensions", {}).get("code", "")
        if response.status_code == 503 and code == "OVERLOADED":
            return "shed"
        return f"HTTP {response.status_code} {code}".strip()
    if not isinstance(body, dict):
        return "HTTP 200, not JSON"
    if body.get("errors"):
        code = body["errors"][0].get("extensions", {}).get("code", "no code")
        kind = f"GraphQL {code}"
        tally.examples.setdefault(kind, str(body["errors"][0])[:300])
        return kind
    if operation == "logFollowUp":
        payload = body["data"]["logFollowUp"]
        if payload["errors"]:
            return f"payload {payload['errors'][0]['code']}"
        tally.follow_ups.append(int(payload["followUp"]["id"]))
    elif operation == "intakeLead":
        payload = body["data"]["intakeLead"]
        if payload["errors"]:
            return f"payload {payload['errors'][0]['code']}"
        tally.leads.append(payload["lead"]["externalId"])
    return "ok"


async def client_loop(
    http: httpx.AsyncClient, load: Load, client: int, label: str, stop_at: float, tally: Tally
) -> None:
    rng = random.Random(f"{load.marker}:{label}:{client}")
    number = 0
    while time.monotonic() < stop_at:
        tag = f"{label} c{client} n{number}"
        kind, operation, body, login = load.request(rng, client, tag)
        request_id = f"{load.marker}-{tag.replace(' ', '-')}"
        headers = {"Authorization": f"Bearer {load.cast.tokens[login]}", "X-Request-ID": request_id}
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", json=body, headers=headers)
            outcome = outcome_of(operation, response, tally)
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
            tally.examples.setdefault(outcome, repr(exc)[:300])
        seconds = time.perf_counter() - started
        tally.samples.append(Sample(kind, operation, seconds, outcome, request_id, time.time()))
        number += 1


@contextlib.contextmanager
def collector_paused():
    """This client's cyclic collector off while a level runs: its passes (up to ~100 ms at
    this heap) stalled every client at once, and the stall counted as the server's latency.
    What the level leaves behind is collected after it."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


async def run_level(
    server: Server, load: Load, clients: int, seconds: float, label: str
) -> tuple[Tally, float, dict]:
    """The level's samples, how long it took and, half-way through, the connections each
    worker held and those open to the database by state (`database`)."""
    tally = Tally()
    one_connection = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    workers = [
        pid
        for pid in process_tree(server.process.pid)
        if role_of(pid, server.process.pid) == "worker"
    ]
    held: dict = {"lag": 0.0}

    async def look_half_way() -> None:
        await asyncio.sleep(seconds / 2)
        held.update(connections_per_process(server.port, workers))
        held["database"] = await database_connections(server.database)

    async def watch_lag(stop_at: float) -> None:
        """The client's own event-loop lag: how late a 50 ms sleep wakes up, at worst."""
        while time.monotonic() < stop_at:
            asked = time.perf_counter()
            await asyncio.sleep(0.05)
            held["lag"] = max(held["lag"], time.perf_counter() - asked - 0.05)

    async with contextlib.AsyncExitStack() as stack:  # each client its own connection
        https = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=server.base, timeout=60, limits=one_connection)
            )
            for _ in range(clients)
        ]
        started = time.monotonic()
        stop_at = started + seconds
        with collector_paused():
            await asyncio.gather(
                look_half_way(),
                watch_lag(stop_at),
                *(
                    client_loop(http, load, c, label, stop_at, tally)
                    for c, http in enumerate(https)
                ),
            )
        elapsed = time.monotonic() - started  # the last answers come in after stop_at
    return tally, elapsed, held


# --- the figures ------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


def latency_line(label: str, samples: list[Sample], elapsed: float) -> str:
    if not samples:
        return f"    {label:<16} {0:>7}"
    ms = [s.seconds * 1000 for s in samples]
    return (
        f"    {label:<16} {len(ms):>7} {len(ms) / elapsed:>8.1f} {percentile(ms, 0.5):>8.1f}"
        f" {percentile(ms, 0.95):>8.1f} {percentile(ms, 0.99):>8.1f} {max(ms):>8.1f}"
    )


@dataclass
class Row:
    clients: int
    rps: float
    p50: float
    p95: float
    p99: float
    shed: int
    errors: int
    cpu_ms: float
    stored: str
    server_cores: float
    other_cores: float  # everything but the server, PostgreSQL and this client
    lag_ms: float


@dataclass
class Level:
    clients: int
    tally: Tally
    elapsed: float
    root: int  # `pacer serve`'s pid
    cpu: dict[int, float]  # per process of the server
    held: dict  # connections per worker and to the database, half-way
    machine: dict[str, float]  # CPU seconds: the machine's, the server's, …
    wall: float  # seconds the machine figures cover


def report(level: Level, stored, rows: list[Row]) -> None:
    clients, tally, elapsed, cpu, held = (
        level.clients, level.tally, level.elapsed, level.cpu, level.held
    )  # fmt: skip
    samples = tally.samples
    answered = [s for s in samples if s.outcome != "shed"]
    shed = len(samples) - len(answered)
    outcomes = Counter(s.outcome for s in samples if s.outcome not in ("ok", "shed"))
    print(
        f"\n== {clients} client(s), {elapsed:.1f} s: {len(samples)} requests, "
        f"{len(samples) / elapsed:.1f}/s; succeeded {len(samples) - shed - sum(outcomes.values())}"
        f", shed (503 OVERLOADED) {shed}, errors {sum(outcomes.values())}"
    )
    header = f"{'n':>7} {'per s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"
    print(f"    {'latency, ms':<16} {header}")
    print(latency_line("all", samples, elapsed))
    for kind in ("read", "write"):
        print(latency_line(kind + "s", [s for s in samples if s.kind == kind], elapsed))
    by_operation = defaultdict(list)
    for sample in samples:
        by_operation[sample.operation].append(sample)
    for operation, group in sorted(by_operation.items(), key=lambda item: -len(item[1])):
        print(latency_line("  " + operation, group, elapsed))
    if outcomes:
        print("    errors by kind:")
        for outcome, count in outcomes.most_common():
            operations = Counter(s.operation for s in samples if s.outcome == outcome)
            where = ", ".join(f"{op} {n}" for op, n in operations.most_common())
            print(f"      {outcome}: {count} ({where})")
            if outcome in tally.examples:
                print(f"        e.g. {tally.examples[outcome]}")
    else:
        print("    errors by kind: none")
    total_cpu = sum(cpu.values())
    cpu_ms = total_cpu * 1000 / len(samples) if samples else 0.0
    workers = sorted(pid for pid in cpu if role_of(pid, level.root) == "worker")
    per_worker = ", ".join(
        f"pid {pid} {cpu[pid]:.1f} s, {held.get(pid, '?')} connections" for pid in workers
    )
    others = total_cpu - sum(cpu[pid] for pid in workers)
    print(
        f"    server CPU: {total_cpu:.1f} s = {cpu_ms:.1f} ms per request; per worker "
        f"(connections held half-way): {per_worker}; supervisor and helpers {others:.1f} s"
    )
    print(
        f"    half-way: {held.get('backlog', '?')} connections not yet accepted by a worker, "
        f"{held.get('closed', '?')} closed by the server and not yet noticed by the client; "
        f"the client's event loop lagged {held['lag'] * 1000:.0f} ms at worst"
    )
    if held["lag"] > 0.25:
        print(
            "    WARNING: the client itself was slow (starved of CPU, or too many clients for "
            "one process): its latencies include its own delays"
        )
    database = held.get("database") or {}
    states = ", ".join(f"{state} {count}" for state, count in sorted(database.items()))
    print(f"    connections to the database half-way: {sum(database.values())} ({states})")
    shares = " + ".join(
        f"{what} {seconds / level.wall:.2f}"
        for what, seconds in level.machine.items()
        if what != "machine"
    )
    print(
        f"    cores busy: {level.machine['machine'] / level.wall:.2f} of {os.cpu_count()} = "
        f"{shares}; client CPU {level.machine['this client'] * 1000 / max(1, len(samples)):.1f}"
        " ms per request"
    )
    acked_follow_ups, marked_follow_ups, acked_leads, marked_leads = stored
    acked = len(tally.follow_ups) + len(tally.leads)
    print(
        f"    writes stored: {acked_follow_ups + acked_leads} of {acked} "
        f"(follow-ups {acked_follow_ups} of {len(tally.follow_ups)}, "
        f"leads {acked_leads} of {len(tally.leads)})"
    )
    extra = (marked_follow_ups - acked_follow_ups) + (marked_leads - acked_leads)
    if extra:
        print(f"    stored although not answered as success: {extra}")
    ms = [s.seconds * 1000 for s in samples] or [0.0]
    rows.append(
        Row(
            clients,
            len(samples) / elapsed,
            percentile(ms, 0.5),
            percentile(ms, 0.95),
            percentile(ms, 0.99),
            shed,
            sum(outcomes.values()),
            cpu_ms,
            f"{acked_follow_ups + acked_leads}/{acked}",
            level.machine["server"] / level.wall,
            level.machine["everything else"] / level.wall,
            held["lag"] * 1000,
        )
    )


def scan_log(log: Path) -> None:
    text = log.read_text(errors="replace")
    lines = text.splitlines()
    tracebacks = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
    statuses = Counter(
        line.rsplit('" ', 1)[1].split()[0]
        for line in lines
        if "POST /graphql HTTP/1.1" in line and '" ' in line
    )
    print(f"\nserver log {log}: {len(lines)} lines, access log statuses {dict(statuses)}, "
          f"{len(tracebacks)} traceback(s)")  # fmt: skip
    for index in tracebacks[:3]:
        end = next((j for j in range(index + 1, len(lines)) if not lines[j].startswith(" ")), index)
        print("  " + "\n  ".join(lines[max(0, index - 1) : end + 1][-12:]))


# --- main -------------------------------------------------------------------------------------


def discover(base: str, cast: Cast) -> tuple[str, dict[str, list[str]]]:
    """The East region's id (director) and each rep's own open opportunities (their token)."""
    with httpx.Client(base_url=base, timeout=60) as http:

        def data(query: str, login: str) -> dict:
            body = http.post(
                "/graphql",
                json={"query": query},
                headers={"Authorization": f"Bearer {cast.tokens[login]}"},
            ).json()
            if body.get("errors"):
                raise RuntimeError(f"{query!r} as {login}: {body['errors']}")
            return body["data"]

        units = data("{ orgUnits(kind: REGION) { edges { node { id code } } } }", "director")
        east = next(
            e["node"]["id"] for e in units["orgUnits"]["edges"] if e["node"]["code"] == "east"
        )
        opportunities = {
            rep: [e["node"]["id"] for e in data(OPEN_OPPORTUNITIES, rep)["opportunities"]["edges"]]
            for rep in cast.reps
        }
    return east, opportunities


def bench(name: str, args: argparse.Namespace, folder: Path) -> None:
    env = {
        **os.environ,
        "PACER_DATABASE_URL": server_url(name).replace("postgresql://", "postgresql+asyncpg://"),
    }
    prepare(name, env, folder)
    cast = asyncio.run(mint_tokens(name))
    print(f"tokens minted for director, manager.shanghai, intake and reps {', '.join(cast.reps)}")
    server = Server(env, folder, args.workers, name)
    try:
        server.wait_ready()
        print(f"pacer serve --workers {args.workers} on {server.base} (pid {server.process.pid})")
        east, opportunities = discover(server.base, cast)
        load = Load(cast, east, opportunities, args)
        if args.warmup:
            asyncio.run(run_level(server, load, 4, args.warmup, "W"))
            print(f"warm-up: {args.warmup:g} s at 4 clients (not counted)", flush=True)
        rows: list[Row] = []
        for clients in args.levels:
            cpu_before, busy_before, client_before = (
                tree_cpu(server.process.pid), machine_busy(), time.process_time()
            )  # fmt: skip
            postgres_before = postgres_cpu()
            tally, elapsed, held = asyncio.run(
                run_level(server, load, clients, args.seconds, f"L{clients}")
            )
            postgres = postgres_cpu() - postgres_before
            client_cpu = time.process_time() - client_before
            cpu_after, busy_after = tree_cpu(server.process.pid), machine_busy()
            cpu = {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
            wall = (busy_after[1] - busy_before[1]) / os.cpu_count()
            machine = {
                "machine": busy_after[0] - busy_before[0],
                "server": sum(cpu.values()),
                "PostgreSQL (all databases)": postgres,
                "this client": client_cpu,
            }
            machine["everything else"] = machine["machine"] - sum(list(machine.values())[1:])
            stored = asyncio.run(
                stored_writes(name, tally.follow_ups, tally.leads, load.marker, clients)
            )
            with (folder / "samples.tsv").open("a") as out:
                for sample in tally.samples:
                    out.write(f"{clients}\t{sample.operation}\t{sample.request_id}\t"
                              f"{sample.seconds * 1000:.1f}\t{sample.outcome}\t"
                              f"{sample.answered_at:.3f}\n")  # fmt: skip
            report(
                Level(clients, tally, elapsed, server.process.pid, cpu, held, machine, wall),
                stored,
                rows,
            )
            time.sleep(1)
        print(f"\nsummary ({args.seconds:g} s per level, {args.write_share:.0%} writes, "
              f"pacer serve --workers {args.workers}, PostgreSQL):")  # fmt: skip
        print(f"  {'clients':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
              f"{'shed':>5} {'errors':>6} {'CPU ms/req':>10} {'stored':>9} "
              f"{'server cores':>12} {'others cores':>12} {'client lag ms':>13}")  # fmt: skip
        for row in rows:
            print(f"  {row.clients:>7} {row.rps:>7.1f} {row.p50:>7.1f} {row.p95:>7.1f} "
                  f"{row.p99:>7.1f} {row.shed:>5} {row.errors:>6} {row.cpu_ms:>10.1f} "
                  f"{row.stored:>9} {row.server_cores:>12.2f} {row.other_cores:>12.2f} "
                  f"{row.lag_ms:>13.0f}")  # fmt: skip
    finally:
        server.stop()
        asyncio.run(revoke_tokens(name))
        scan_log(server.log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="per level (default 30)")
    parser.add_argument(
        "--levels",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 8, 32, 64],
        help="comma-separated client counts (default 1,8,32,64)",
    )
    parser.add_argument("--workers", type=int, default=2, help="pacer serve --workers (2)")
    parser.add_argument("--write-share", type=float, default=0.2, help="share of writes (0.2)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds at 4 clients first")
    parser.add_argument(
        "--keep-database",
        metavar="NAME",
        help="use this database (created and seeded if missing) and keep it",
    )
    args = parser.parse_args()
    name = args.keep_database or f"pacer_bench_load_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="pacer-bench-load-"))
    created = not asyncio.run(database_exists(name))
    if created:
        asyncio.run(admin_execute(f'CREATE DATABASE "{name}"'))
    print(f"database {name} ({'new' if created else 'existing'}), files in {folder}", flush=True)
    try:
        bench(name, args, folder)
    finally:
        if not args.keep_database:
            asyncio.run(admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"database {name} dropped")


if __name__ == "__main__":
    main()
