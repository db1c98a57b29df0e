"""The real `pacer serve`: one log line per request (uvicorn's access log off), JSON logs,
and `--workers 2` with a SO_REUSEPORT socket per worker: the kernel spreads keep-alive
connections over both workers, `/metrics` adds up what each served, SIGTERM or Ctrl-C stops
them all, and a worker that dies is replaced."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.core.connections import REUSE_PORT
from tests.support.db import fresh_postgres_database
from tests.support.pacer_cli import PACER, free_port, pacer, wait_until_up

CONNECTIONS = 16  # all on one of two workers by chance: 2 × 2^-16
HELLO = json.dumps({"query": "query Hello { __typename }"})
UVICORN_ACCESS = '"POST /graphql HTTP/1.1"'

pytestmark = pytest.mark.skipif(
    not REUSE_PORT, reason="a socket per worker needs Linux's SO_REUSEPORT"
)


# --- processes and sockets, from /proc ----------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def tcp_inodes(port: int, state: str) -> set[str]:
    """Socket inodes of port `port` in a TCP state ("0A" listening, "01" established)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                    inodes.add(fields[9])
    return inodes


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


def workers(server: int, port: int) -> dict[int, set[str]]:
    """The server's worker processes (those listening on the port), with their sockets."""
    listening = tcp_inodes(port, "0A")
    found = {}
    for pid in children(server):
        inodes = socket_inodes(pid)
        if inodes & listening:
            found[pid] = inodes
    return found


def wait_for(check: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def metric_samples(base: str) -> dict[tuple[str, frozenset], float]:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def served_by_pid(found) -> dict[int, float]:
    return {
        int(dict(labels)["pid"]): count
        for (name, labels), count in found.items()
        if name == "pacer_worker_requests"
    }


# --- the server ---------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request, tmp_path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {"PACER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}"}
        return
    server_url = request.getfixturevalue("postgres_server_url")
    with fresh_postgres_database(server_url) as url:
        env = {"PACER_DATABASE_URL": url}
        upgraded = pacer("db", "upgrade", cwd=tmp_path, env=env)
        assert upgraded.returncode == 0, upgraded.stderr
        yield env


@contextlib.contextmanager
def serving(tmp_path: Path, env: dict[str, str], *args: str) -> Iterator[tuple]:
    """`pacer serve ARGS` on a free port, its output in a file (never a full pipe)."""
    port = free_port()
    log_file = tmp_path / "serve.log"
    with log_file.open("w") as output:
        process = subprocess.Popen(
            [PACER, "serve", "--port", str(port), *args],
            cwd=tmp_path,
            env={**os.environ, "PACER_NOTIFY_LOOP": "false", "TMPDIR": str(tmp_path), **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, for Ctrl-C
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, timeout=120)
        yield process, port, base, log_file
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, group: bool = False) -> int:
    if group:
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    return process.wait(timeout=90)


def keep_alive_requests(port: int, connections: int, each: int) -> list[str]:
    """Opens `connections` connections at once, then sends `each` requests on every one
    (HTTP/1.1 keep-alive); returns the request ids sent. The connections stay open."""
    opened = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(connections)]
    for connection in opened:
        connection.connect()
    ids = []
    for number, connection in enumerate(opened):
        for turn in range(each):
            request_id = f"c{number}-r{turn}"
            connection.request(
                "POST",
                "/graphql",
                body=HELLO,
                headers={"Content-Type": "application/json", "X-Request-ID": request_id},
            )
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read()) == {"data": {"__typename": "Query"}}
            ids.append(request_id)
    keep_alive_requests.open = opened  # type: ignore[attr-defined]
    return ids


def close_all() -> None:
    for connection in getattr(keep_alive_requests, "open", []):
        connection.close()
    keep_alive_requests.open = []  # type: ignore[attr-defined]


# --- the tests ----------------------------------------------------------------------------------


def test_two_workers_each_with_its_own_socket_share_the_connections(tmp_path, database_env):
    env = {**database_env, "PACER_LOG_FORMAT": "json"}
    with serving(tmp_path, env, "--workers", "2") as (process, port, base, log_file):
        wait_for(lambda: len(workers(process.pid, port)) == 2, "both workers listening")
        listening = tcp_inodes(port, "0A")
        assert len(listening) == 2  # a socket each, not one shared

        try:
            ids = keep_alive_requests(port, CONNECTIONS, each=2)
            established = tcp_inodes(port, "01")
            per_worker = {
                pid: len(inodes & established) for pid, inodes in workers(process.pid, port).items()
            }
        finally:
            close_all()
        assert sum(per_worker.values()) == CONNECTIONS
        assert len(per_worker) == 2 and all(per_worker.values()), per_worker

        found = metric_samples(base)
        served = served_by_pid(found)
        assert set(served) == set(per_worker)  # each worker's own gauge, by pid
        assert all(served.values()) and sum(served.values()) == 2 * CONNECTIONS
        total = (
            "pacer_graphql_requests_total",
            frozenset({"operation": "Hello", "outcome": "ok"}.items()),
        )
        assert found[total] == 2 * CONNECTIONS  # counters added up over the workers
        assert found[("pacer_database_up", frozenset())] == 1

        assert stop(process) == 0
    output = log_file.read_text()
    assert "Traceback" not in output, output[output.find("Traceback") - 2000 :]
    assert UVICORN_ACCESS not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    by_id = [line["request_id"] for line in requests if line["path"] == "/graphql"]
    assert sorted(by_id) == sorted(ids)  # exactly one line per request
    assert {line["pid"] for line in requests if line["path"] == "/graphql"} == set(per_worker)
    assert all(
        (line["operation"], line["outcome"], line["status"]) == ("Hello", "ok", 200)
        for line in requests
        if line["path"] == "/graphql"
    )
    assert not list(tmp_path.glob("pacer-metrics-*"))  # the metrics directory is removed


def test_a_worker_that_dies_is_replaced_and_ctrl_c_stops_all(tmp_path):
    env = {"PACER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}"}
    with serving(tmp_path, env, "--workers", "2") as (process, port, base, log_file):
        wait_for(lambda: len(workers(process.pid, port)) == 2, "both workers listening")
        victim, survivor = sorted(workers(process.pid, port))
        os.kill(victim, signal.SIGKILL)
        current: dict[int, set[str]] = {}

        def replaced() -> bool:
            current.clear()
            current.update(workers(process.pid, port))
            return len(current) == 2 and victim not in current

        wait_for(replaced, "a new worker in its place")
        (replacement,) = set(current) - {survivor}
        for _ in range(CONNECTIONS):  # new connections each: both workers get some
            response = httpx.post(
                f"{base}/graphql", content=HELLO, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 200
        served = served_by_pid(metric_samples(base))
        assert victim not in served  # a dead worker's gauges are dropped
        assert set(served) <= {survivor, replacement}
        pids = set(workers(process.pid, port))
        assert stop(process, signal.SIGINT, group=True) == 0  # Ctrl-C in a terminal
        wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids), "workers gone", 30)
    output = log_file.read_text()
    assert f"pid {victim}) ended with exit code -9; starting another" in output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output


def test_one_worker_logs_each_request_once_as_text(tmp_path):
    env = {"PACER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}"}
    with serving(tmp_path, env) as (process, port, base, log_file):
        ids = [f"single-{n}" for n in range(5)]
        for request_id in ids:
            httpx.post(
                f"{base}/graphql",
                content=HELLO,
                headers={"Content-Type": "application/json", "X-Request-ID": request_id},
            )
        found = metric_samples(base)
        assert found[("pacer_worker_requests", frozenset())] == len(ids)  # one process: no pid
        assert stop(process) in (0, -signal.SIGTERM)  # uvicorn ends by the signal it got
    output = log_file.read_text()
    assert UVICORN_ACCESS not in output
    for request_id in ids:
        (line,) = [line for line in output.splitlines() if f"request_id={request_id}" in line]
        assert line.startswith("INFO pacer.api: POST /graphql 200 ok op=Hello ")
        assert "statements=0 user=-" in line
