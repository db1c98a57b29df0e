"""How `pacer serve` treats connections: uvicorn closes a connection idle between requests
after `keep_alive_seconds`, but one that never finishes sending its request headers (or
sends them a byte at a time) it keeps forever. This protocol gives every request a deadline
for its headers, from the moment the connection opens or the previous response ends."""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from api.core import logs
from domain.settings import Settings, get_settings

try:  # uvicorn[standard]'s C parser, where the platform has a wheel for it
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools missing: the pure-Python h11 serves
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


class HeaderDeadline:
    """The deadline logic, for either of uvicorn's HTTP protocols: armed when the connection
    opens and after each response, disarmed once a request's headers are in."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[misc]
        self._header_deadline: asyncio.TimerHandle | None = None
        self._arm_header_deadline()

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        timeout = get_settings().header_timeout_seconds
        self._header_deadline = self.loop.call_later(timeout, self._headers_too_slow)

    def _disarm_header_deadline(self) -> None:
        if getattr(self, "_header_deadline", None) is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)  # type: ignore[misc]


class HeaderDeadlineProtocol(HeaderDeadline, H11Protocol):
    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm_header_deadline()  # the headers are in; the request is being served


if HttpToolsProtocol is not None:

    class FastHeaderDeadlineProtocol(HeaderDeadline, HttpToolsProtocol):
        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            self._disarm_header_deadline()


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's connection settings, from Pacer's (by import path, so workers find it). The
    event loop is uvicorn's "auto": uvloop when installed. uvicorn's access log is off: the
    request scope logs every request once, in Pacer's log format, which every process
    (each worker too) sets up from `log_config`."""
    protocol = (
        "FastHeaderDeadlineProtocol"
        if HttpToolsProtocol is not None
        else ("HeaderDeadlineProtocol")
    )
    return {
        "http": f"api.core.connections:{protocol}",
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.max_connections,
        "access_log": False,
        "log_config": logs.logging_config(settings),
    }


# Each worker its own listening socket on the same port, and the kernel spreads incoming
# connections over them (by a hash of the addresses). Linux only: BSD and macOS accept the
# option but hand every connection to one socket.
REUSE_PORT = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bound_socket(host: str, port: int, reuse_port: bool) -> socket.socket:
    """A TCP socket bound to host:port (not yet listening; uvicorn makes it listen), with
    SO_REUSEADDR as uvicorn sets it, and SO_REUSEPORT when asked."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    return sock


def check_port_free(host: str, port: int) -> None:
    """Raises OSError when something listens on host:port already. Bound without
    SO_REUSEPORT, so another server sharing the port with that option counts as there (the
    workers alone would join it silently)."""
    bound_socket(host, port, reuse_port=False).close()
