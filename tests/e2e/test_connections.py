"""The real server's connection limits: a deadline for request headers (a silent or
byte-at-a-time client is cut off), keep-alive, and a cap on concurrent connections."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.pacer_cli import PACER, free_port, wait_until_up

HEADER_TIMEOUT = 2


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {
        "PACER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}",
        "PACER_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "PACER_KEEP_ALIVE_SECONDS": "1",
        "PACER_MAX_CONNECTIONS": "3",
    }
    process = subprocess.Popen(
        [PACER, "serve", "--port", str(port)],
        cwd=tmp_path,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.communicate(timeout=30)


def seconds_until_closed(sock: socket.socket, limit: float = 10.0) -> float:
    started = time.monotonic()
    sock.settimeout(limit)
    while sock.recv(4096):
        pass  # a response, then the close
    return time.monotonic() - started


def test_a_silent_connection_is_closed_after_the_header_timeout(server):
    with socket.create_connection(server) as sock:
        assert seconds_until_closed(sock) < HEADER_TIMEOUT + 2


def test_headers_sent_a_byte_at_a_time_are_cut_off(server):
    with socket.create_connection(server) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed = False
        while time.monotonic() - started < HEADER_TIMEOUT + 4:
            try:
                sock.sendall(b"X")
            except OSError:
                closed = True
                break
            time.sleep(0.25)
            sock.settimeout(0.01)
            try:
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
        assert closed
        assert time.monotonic() - started < HEADER_TIMEOUT + 3


def test_an_idle_kept_alive_connection_is_closed(server):
    with socket.create_connection(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200" in sock.recv(4096)
        assert seconds_until_closed(sock) < 3


def test_connections_over_the_cap_answer_503(server):
    host, port = server
    idle = [socket.create_connection(server) for _ in range(3)]
    try:
        response = httpx.get(f"http://{host}:{port}/healthz", timeout=5)
        assert response.status_code == 503
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.2)
    assert httpx.get(f"http://{host}:{port}/healthz", timeout=5).status_code == 200
