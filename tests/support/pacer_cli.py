"""The real `pacer` command, as a user runs it: a subprocess, a free port, a server up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PACER = str(Path(sys.executable).parent / "pacer")
ROOT = Path(__file__).resolve().parents[2]  # the project


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at the time of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pacer(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 120):
    """`pacer ARGS` run to completion, its output captured."""
    return subprocess.run(
        [PACER, *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until `base`/healthz answers 200 (fails if the process ends first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not come up within {timeout:.0f} s")
