"""How `pacer serve` treats connections: uvicorn closes a connection idle between requests
after `keep_alive_seconds`, but one that never finishes sending its request headers (or
sends them a byte at a time) it keeps forever. This protocol gives every request a deadline
for its headers, from the moment the connection opens or the previous response ends."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

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


def server_options(settings: Settings) -> dict[str, object]:
    """uvicorn's connection settings, from Pacer's (by import path, so workers find it). The
    event loop is uvicorn's "auto": uvloop when installed."""
    protocol = (
        "FastHeaderDeadlineProtocol"
        if HttpToolsProtocol is not None
        else ("HeaderDeadlineProtocol")
    )
    return {
        "http": f"api.core.connections:{protocol}",
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.max_connections,
    }
