"""`/metrics`: Prometheus text (or OpenMetrics, when the scraper asks for it) through
`prometheus-client`. Off with `PACER_METRICS=false`.

What each worker records as it serves (`/graphql` over HTTP only; probes, `/metrics` and
GraphiQL's files are not counted):
- `pacer_graphql_requests_total{operation, outcome}`: outcome `ok`, `graphql_error` (an answer
  with errors), `refused` (4xx), `overloaded` (503 from admission), `server_error` (other 5xx,
  or an answer carrying an INTERNAL_SERVER_ERROR). `operation` is the operation's name
  (`operationName`, else the name in the document), at most `OPERATION_NAME_CHARACTERS`
  characters; `(anonymous)` for an unnamed operation, `(none)` when there was no operation (the
  GraphiQL page, a body refused before parsing). A name becomes a label only once a request
  with it has answered without errors, and at most `OPERATION_NAMES` names per worker do;
  every other name is `(other)`. So a client cannot grow the series by inventing names.
- `pacer_graphql_request_duration_seconds{operation}`: the same requests' latency, from the
  request scope's start (admission wait included) to the end of the response.
- `pacer_graphql_request_statements`: SQL statements per request.
- live gauges of the worker: `pacer_db_pool_{size,checked_out,checked_in,overflow}` (the
  SQLAlchemy pool), `pacer_admission_{in_flight,queued,running}`, `pacer_worker_requests`.
  They are read when `/metrics` is served and, with several workers, also when each request
  ends (the answering worker reads the others' from their files).

Read from the database when `/metrics` is served (one connection, two short statements, at
most every `DATABASE_SECONDS`; skipped while the pool has no connection free):
- `pacer_notification_deliveries{status="pending"|"dead"}` and
  `pacer_notification_overdue_seconds` (the oldest due pending delivery's wait: the
  dispatcher's backlog, whichever process runs the dispatcher);
- `pacer_alert_run_duration_seconds` (a histogram of every alert run in `alert_run_log`,
  started by `pacer alerts run` or the `runAlerts` mutation, in whatever process) and
  `pacer_alert_run_last_finished_timestamp_seconds`;
- `pacer_database_up`: 1 when those statements answered.

Several workers (`pacer serve --workers N`): prometheus-client's multiprocess mode. `pacer
serve` sets `PROMETHEUS_MULTIPROC_DIR` to a temporary directory (or uses yours) before it
starts the workers; each writes its values there and whichever worker answers `/metrics`
adds them all up. The live gauges then carry a `pid` label per worker (gone when a worker
ends); `process_*` and `python_gc_*` metrics are only served by a single process, since they
would describe only the worker that happened to answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Final

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.core.admission import Admission
from domain.alerts.models import AlertRunLog
from domain.db import utcnow
from domain.kernel.time import as_utc
from domain.notifications.models import Delivery, DeliveryStatus
from domain.settings import Settings

log = logging.getLogger("pacer.metrics")
disable_created_metrics()  # no `_created` series beside every counter and histogram

PATH = "/metrics"
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
OPERATION_NAMES = 100  # distinct operation labels per worker; later names count as (other)
OPERATION_NAME_CHARACTERS = 64  # longer names are cut
ANONYMOUS, OTHER, NONE = "(anonymous)", "(other)", "(none)"
OUTCOMES = ("ok", "graphql_error", "refused", "overloaded", "server_error")
GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
STATEMENT_BUCKETS = (0, 1, 2, 4, 8, 16, 32, 64, 128, 256)
ALERT_RUN_BUCKETS = (1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
LIVE: Final = "liveall"  # the worker gauges: one series per living worker, with its pid
DATABASE_SECONDS = 5.0  # the database figures are read at most this often
DATABASE_TIMEOUT = 3.0  # and given this long


def multiprocess_directory() -> str | None:
    """The directory of prometheus-client's multiprocess mode, when it is on (as the library
    decides: by the variable, read when it is first imported)."""
    return os.environ.get(MULTIPROCESS_VARIABLE) or None


class OperationLabels:
    """The bounded set of operation names used as label values (see the module's docstring)."""

    def __init__(self, limit: int = OPERATION_NAMES) -> None:
        self.limit = limit
        self.known: set[str] = set()

    def label(self, name: str | None, admit: bool) -> str:
        """`name` as a label: None when no operation was seen, "" for an unnamed one; `admit`
        when this request answered without errors."""
        if name is None:
            return NONE
        if not name:
            return ANONYMOUS
        name = name[:OPERATION_NAME_CHARACTERS]
        if name in self.known:
            return name
        if admit and len(self.known) < self.limit and GRAPHQL_NAME.fullmatch(name):
            self.known.add(name)
            return name
        return OTHER


class Metrics:
    """One app's metrics: what its requests record, and the `/metrics` answer."""

    def __init__(self, settings: Settings, engine: AsyncEngine, admission: Admission | None):
        self.engine = engine
        self.admission = admission
        self.directory = multiprocess_directory()
        self.operations = OperationLabels()
        # Single process: the metrics live in this registry, which is also served. Several:
        # they live in the directory's files; the served registry reads them all.
        own = None if self.directory else CollectorRegistry()
        self.requests = Counter(
            "pacer_graphql_requests",
            "GraphQL requests over HTTP by operation name and outcome.",
            ["operation", "outcome"],
            registry=own,
        )
        self.latency = Histogram(
            "pacer_graphql_request_duration_seconds",
            "Time from a GraphQL request's arrival (admission wait included) to its answer.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=own,
        )
        self.statements = Histogram(
            "pacer_graphql_request_statements",
            "SQL statements per GraphQL request.",
            buckets=STATEMENT_BUCKETS,
            registry=own,
        )
        self.served = Gauge(
            "pacer_worker_requests",
            "GraphQL requests this worker has answered since it started.",
            registry=own,
            multiprocess_mode=LIVE,
        )
        live = (
            ("db_pool_size", "Connections the database pool keeps open when idle."),
            ("db_pool_checked_out", "Database connections in use by requests and jobs."),
            ("db_pool_checked_in", "Open database connections waiting in the pool."),
            ("db_pool_overflow", "Connections open beyond the pool's size."),
            ("admission_in_flight", "Requests being served: running, or waiting their turn."),
            ("admission_queued", "Requests waiting in line for an admission turn."),
            ("admission_running", "Requests running (the others served wait their turn)."),
        )
        # By the name `sample` knows them by: the pool's figure or the admission counter.
        self._gauges = {
            name.removeprefix("db_pool_").removeprefix("admission_"): Gauge(
                f"pacer_{name}", text, registry=own, multiprocess_mode=LIVE
            )
            for name, text in live
        }
        self._sampled: dict[str, float] = {}  # what the gauges were last set to
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.database = DatabaseFigures(engine)
        self.exposed = own or CollectorRegistry()
        if self.directory:
            MultiProcessCollector(self.exposed, path=self.directory)
        else:
            self.exposed.register(ProcessFigures())
        self.exposed.register(self.database)

    def observe(
        self,
        operation: str | None,
        outcome: str,
        seconds: float,
        statements: int,
    ) -> str:
        """Records one GraphQL request; returns the operation label it was counted under."""
        label = self.operations.label(operation, admit=outcome == "ok")
        children = self._children.get((label, outcome))
        if children is None:  # at most (OPERATION_NAMES + 3) × 5 of them
            children = (self.requests.labels(label, outcome), self.latency.labels(label))
            self._children[(label, outcome)] = children
        children[0].inc()
        children[1].observe(seconds)
        self.statements.observe(statements)
        self.served.inc()
        if self.directory:  # other workers' gauges are read from their files: keep them fresh
            self.sample()
        return label

    def sample(self) -> None:
        """Sets the live gauges from the pool and the admission gate (those that changed)."""
        values: dict[str, float] = {}
        pool = self.engine.sync_engine.pool
        with contextlib.suppress(AttributeError):  # a pool without counts (NullPool, …)
            values["size"] = pool.size()  # type: ignore[attr-defined]
            values["checked_out"] = pool.checkedout()  # type: ignore[attr-defined]
            values["checked_in"] = pool.checkedin()  # type: ignore[attr-defined]
            values["overflow"] = max(0, pool.overflow())  # type: ignore[attr-defined]
        if self.admission is not None:
            values["in_flight"] = self.admission.in_flight
            values["queued"] = self.admission.waiting
            values["running"] = self.admission.running
        for name, number in values.items():
            if self._sampled.get(name) != number:
                self._gauges[name].set(number)
                self._sampled[name] = number

    async def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """The body and content type of `/metrics`, in the format the scraper accepts."""
        self.sample()
        await self.database.refresh(self._pool_has_room())
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.exposed), content_type

    def _pool_has_room(self) -> bool:
        """Whether a connection is free without waiting (a scrape never queues for one)."""
        pool = self.engine.sync_engine.pool
        try:
            in_use, size = pool.checkedout(), pool.size()  # type: ignore[attr-defined]
        except AttributeError:
            return True
        overflow = getattr(pool, "_max_overflow", 0)  # QueuePool's; -1 means unbounded
        return overflow < 0 or in_use < size + overflow


class DatabaseFigures:
    """The figures read from the database at scrape time, kept `DATABASE_SECONDS`: the
    notification backlog and the alert runs. Alert runs are read incrementally (rows past the
    last id seen), so every scrape reads only the runs since the previous one; runs commit in
    id order, one at a time (the evaluator lock), so none is skipped."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.read_at: float | None = None
        self.up = 0.0
        self.deliveries: dict[str, int] = {}
        self.overdue = 0.0
        self.last_run_id = 0
        self.run_buckets = [0] * (len(ALERT_RUN_BUCKETS) + 1)
        self.run_sum = 0.0
        self.last_finished: datetime | None = None
        self._lock = asyncio.Lock()

    async def refresh(self, may_connect: bool) -> None:
        async with self._lock:
            now = time.monotonic()
            if self.read_at is not None and now - self.read_at < DATABASE_SECONDS:
                return
            if not may_connect:
                return  # the pool is busy: keep the figures of the last read
            self.read_at = now
            try:
                await asyncio.wait_for(self._read(), DATABASE_TIMEOUT)
            except Exception as exc:  # the database away or slow: say so, keep serving
                self.up = 0.0
                log.warning("metrics: the database figures could not be read (%s)", exc)
            else:
                self.up = 1.0

    async def _read(self) -> None:
        async with self.engine.connect() as connection:
            backlog = await connection.execute(
                select(Delivery.status, func.count(), func.min(Delivery.next_attempt_at))
                .where(
                    Delivery.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.DEAD.value])
                )
                .group_by(Delivery.status)
            )
            deliveries, overdue = {}, 0.0
            for status, count, earliest in backlog:
                deliveries[status] = count
                if status == DeliveryStatus.PENDING.value and earliest is not None:
                    overdue = max(0.0, (utcnow() - as_utc(earliest)).total_seconds())
            runs = await connection.execute(
                select(AlertRunLog.id, AlertRunLog.started_at, AlertRunLog.finished_at)
                .where(AlertRunLog.id > self.last_run_id)
                .order_by(AlertRunLog.id)
            )
            for run_id, started, finished in runs:
                self._add_run(as_utc(started), as_utc(finished))
                self.last_run_id = run_id
        self.deliveries, self.overdue = deliveries, overdue

    def _add_run(self, started: datetime, finished: datetime) -> None:
        seconds = max(0.0, (finished - started).total_seconds())
        self.run_sum += seconds
        index = next(
            (i for i, bound in enumerate(ALERT_RUN_BUCKETS) if seconds <= bound),
            len(ALERT_RUN_BUCKETS),
        )
        self.run_buckets[index] += 1
        if self.last_finished is None or finished > self.last_finished:
            self.last_finished = finished

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "pacer_database_up",
            "1 when the database answered the statements behind the figures below.",
            value=self.up,
        )
        if self.read_at is None:
            return
        deliveries = GaugeMetricFamily(
            "pacer_notification_deliveries",
            "Notification deliveries waiting to be sent (pending) or given up (dead).",
            labels=["status"],
        )
        for status in (DeliveryStatus.PENDING.value, DeliveryStatus.DEAD.value):
            deliveries.add_metric([status], self.deliveries.get(status, 0))
        yield deliveries
        yield GaugeMetricFamily(
            "pacer_notification_overdue_seconds",
            "How long the oldest due pending delivery has waited past its attempt time.",
            value=self.overdue,
        )
        yield HistogramMetricFamily(
            "pacer_alert_run_duration_seconds",
            "Duration of the alert runs (pacer alerts run, runAlerts) recorded in the database.",
            buckets=list(_cumulative(ALERT_RUN_BUCKETS, self.run_buckets)),
            sum_value=self.run_sum,
        )
        if self.last_finished is not None:
            yield GaugeMetricFamily(
                "pacer_alert_run_last_finished_timestamp_seconds",
                "When the latest alert run finished (Unix time).",
                value=self.last_finished.timestamp(),
            )

    def describe(self) -> Iterable[Metric]:
        return []  # not known before the first read; nothing to check for duplicates


def _cumulative(bounds: tuple[float, ...], counts: list[int]) -> Iterator[tuple[str, float]]:
    total = 0
    for bound, count in zip((*[str(b) for b in bounds], "+Inf"), counts, strict=True):
        total += count
        yield bound, total


class ProcessFigures:
    """The process's CPU, memory, file descriptors, Python version and collector passes:
    prometheus-client's own collectors (made once per process, whatever the apps)."""

    def collect(self) -> Iterator[Metric]:
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            yield from collector.collect()

    def describe(self) -> Iterable[Metric]:
        return []


def routes(metrics: Metrics | None) -> list[Route]:
    """`/metrics`, when metrics are on."""
    if metrics is None:
        return []

    async def endpoint(request: Request) -> Response:
        body, content_type = await metrics.exposition(request.headers.get("accept"))
        return Response(body, headers={"Content-Type": content_type})

    return [Route(PATH, endpoint, methods=["GET"])]


def outcome_of(status: int, errors: str | None) -> str:
    """A request's outcome from its HTTP status and what its GraphQL answer carried
    (`errors`: None, "errors", or "internal" when one was an unexpected failure)."""
    if status == 503:
        return "overloaded"
    if status >= 500 or status == 0 or errors == "internal":  # 0: no answer was started
        return "server_error"
    if status >= 400:
        return "refused"
    if errors:
        return "graphql_error"
    return "ok"
