"""A real HTTP receiver on 127.0.0.1 for the notification tests: it answers by a script
(a status, a pause longer than the dispatcher's timeout, a robot's errcode) and records every
request with when it started and ended."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from domain.notifications import channel_requests


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    started: float
    ended: float = 0.0
    answered: int = 0
    complete: bool = True  # False when the sender vanished before the whole body arrived

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def key(self) -> str | None:
        return self.headers.get("idempotency-key")

    def signed_by(self, secret: str) -> bool:
        return channel_requests.verify_webhook_signature(
            secret,
            self.headers.get("x-pacer-timestamp", ""),
            self.body,
            self.headers.get("x-pacer-signature", ""),
        )


@dataclass
class Receiver:
    """`script` is consumed one action per request, then `default` applies. An action is
    an int (that status), ("sleep", seconds) then 200, or ("json", status, body)."""

    default: Any = 200
    delay: float = 0.0  # every request takes at least this long (a slow receiver)
    script: list[Any] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def next_action(self) -> Any:
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def add(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def delivered(self) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if 200 <= r.answered < 300]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, each answer waits for
            # the client's delayed ACK.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            started = time.monotonic()
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            parts = urllib.parse.urlsplit(self.path)
            received = Received(
                path=parts.path,
                query=urllib.parse.parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                started=started,
            )
            receiver.add(received)
            if len(body) < length:  # a sender killed mid-request: nothing to answer
                received.complete = False
                received.ended = time.monotonic()
                self.close_connection = True
                return
            action = receiver.next_action()
            status, reply = 200, {"errcode": 0, "errmsg": "ok"}
            if isinstance(action, int):
                status = action
            elif action[0] == "sleep":  # longer than the dispatcher waits: never answered
                time.sleep(action[1])
                self.close_connection = True
                received.ended = time.monotonic()
                return
            elif action[0] == "json":
                status, reply = action[1], action[2]
            if receiver.delay:
                time.sleep(receiver.delay)
            data = json.dumps(reply).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
            except OSError:  # the dispatcher gave up waiting (a timeout): not an answer
                status = 0
            received.answered = status
            received.ended = time.monotonic()

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # socketserver's 5 drops connections under a burst


@contextlib.contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    server = _Server(("127.0.0.1", 0), _handler(receiver))
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
