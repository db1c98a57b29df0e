"""`/metrics` and the request log line, through the ASGI app on both databases: requests by
operation and outcome, latency and statement histograms, pool and admission gauges, the
notification backlog and alert runs read from the database; one log line per request, in
text or JSON, with the caller, the outcome and the statements counted."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.core import metrics as metrics_module
from api.core.logs import FIELDS, JsonFormatter
from domain.alerts.models import AlertRun, AlertRunLog
from domain.kernel.severity import Severity
from domain.notifications import service as notifications
from domain.notifications.models import NotificationSubscription
from domain.org.models import OrgUnit
from tests.support.db import count_statements
from tests.support.graphql import make_app

ME = "query Me { me { login } }"
REQUEST_FIELDS = {
    "event",
    "request_id",
    "method",
    "path",
    "status",
    "outcome",
    "operation",
    "user",
    "user_id",
    "duration_ms",
    "statements",
}


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a Prometheus text answer, by name and labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found, name: str, **labels: str) -> float | None:
    return found.get((name, frozenset(labels.items())))


def bearer(api, login: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {api.world.tokens[login]}"}


async def scrape(api) -> dict:
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return samples(response.text)


@pytest.fixture(autouse=True)
def fresh_database_figures(monkeypatch):
    """The figures read from the database are fresh at every scrape."""
    monkeypatch.setattr(metrics_module, "DATABASE_SECONDS", 0.0)


async def test_requests_are_counted_by_operation_and_outcome(api):
    for _ in range(2):
        assert (await api.post(ME)).json()["data"] == {"me": {"login": "admin"}}
    assert (await api.post("{ __typename }")).status_code == 200
    broken = await api.post("query Broken { nope }")
    assert broken.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unauthenticated = await api.post("query Me { me { login } }", token="not-a-token")
    assert unauthenticated.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    malformed = await api.client.post(
        "/graphql", content=b"[]", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400

    found = await scrape(api)
    total = "pacer_graphql_requests_total"
    assert value(found, total, operation="Me", outcome="ok") == 2
    # `Me` is known once it answered without errors: the failed one is counted under it.
    assert value(found, total, operation="Me", outcome="graphql_error") == 1
    assert value(found, total, operation="(anonymous)", outcome="ok") == 1
    # a name never seen answering without errors is not a label of its own
    assert value(found, total, operation="(other)", outcome="graphql_error") == 1
    assert value(found, total, operation="(none)", outcome="refused") == 1
    assert not any(dict(labels).get("operation") == "Broken" for _, labels in found)

    latency = "pacer_graphql_request_duration_seconds"
    assert value(found, f"{latency}_count", operation="Me") == 3
    buckets = {
        dict(labels)["le"]: count
        for (name, labels), count in found.items()
        if name == f"{latency}_bucket" and dict(labels)["operation"] == "Me"
    }
    assert buckets["+Inf"] == 3
    assert list(buckets) == [str(b) for b in metrics_module.LATENCY_BUCKETS] + ["+Inf"]
    assert value(found, f"{latency}_sum", operation="Me") > 0
    assert value(found, "pacer_graphql_request_statements_count") == 6
    assert value(found, "pacer_graphql_request_statements_sum") >= 2  # the tokens looked up
    assert value(found, "pacer_worker_requests") == 6


async def test_pool_and_admission_gauges_and_process_figures(api):
    await api.post(ME)
    found = await scrape(api)
    assert value(found, "pacer_db_pool_size") >= 1
    assert value(found, "pacer_db_pool_checked_out") == 0  # /metrics holds no session
    assert value(found, "pacer_db_pool_checked_in") >= 1
    assert value(found, "pacer_db_pool_overflow") == 0
    assert value(found, "pacer_admission_in_flight") == 0
    assert value(found, "pacer_admission_queued") == 0
    assert value(found, "pacer_admission_running") == 0
    assert value(found, "pacer_database_up") == 1
    assert value(found, "process_cpu_seconds_total") > 0
    assert ("python_info", frozenset()) not in found  # python_info carries labels
    assert any(name == "python_info" for name, _ in found)


async def test_a_request_in_flight_shows_in_the_gauges(db_url, engine, world):
    """While a request holds an admission turn and a database connection, a scrape sees
    both; the scrape itself takes neither."""
    app = make_app(db_url, engine, max_in_flight=1, max_queued=0)
    metrics = app.state.metrics
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        async with metrics.admission.turn(), engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            full = await client.post("/graphql", json={"query": "{ __typename }"})
            assert full.status_code == 503
            found = samples((await client.get("/metrics")).text)
        assert value(found, "pacer_admission_in_flight") == 1
        assert value(found, "pacer_admission_running") == 1
        assert value(found, "pacer_db_pool_checked_out") == 1
        total = "pacer_graphql_requests_total"
        assert value(found, total, operation="(none)", outcome="overloaded") == 1


async def test_metrics_take_no_admission_turn_and_no_session(db_url, engine, world):
    app = make_app(db_url, engine, max_in_flight=1, max_queued=0)

    def no_session():
        raise AssertionError("/metrics opened a database session")

    app.state.sessions = no_session
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
        app.state.metrics.admission.turn(),  # the worker is full
    ):
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert "pacer_database_up 1.0" in response.text


async def test_metrics_can_be_turned_off(db_url, engine, world):
    app = make_app(db_url, engine, metrics=False)
    assert app.state.metrics is None
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
        assert (await client.get("/metrics")).status_code == 404


async def test_an_unexpected_failure_counts_as_a_server_error(api, monkeypatch):
    from domain.org import queries

    async def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(queries, "list_reps", explode)
    await api.post("query Reps { reps { totalCount } }")
    found = await scrape(api)
    total = "pacer_graphql_requests_total"
    assert value(found, total, operation="(other)", outcome="server_error") == 1


async def test_the_notification_backlog_is_read_from_the_database(api, sessions, world):
    async with sessions() as session:
        session.add(
            NotificationSubscription(
                unit_id=world.units["east.sh"],
                min_severity="yellow",
                channel="webhook",
                destination="https://hooks.example.com/pacer",
                created_by_user_id=world.users["admin"],
            )
        )
        await session.flush()
        unit = await session.get(OrgUnit, world.units["east.sh"])
        await notifications.enqueue(
            session, kind="alert.raised", unit=unit, severity=Severity.RED, payload={"alert": {}}
        )
        await session.commit()
    found = await scrape(api)
    assert value(found, "pacer_notification_deliveries", status="pending") == 1
    assert value(found, "pacer_notification_deliveries", status="dead") == 0
    assert value(found, "pacer_notification_overdue_seconds") >= 0


async def test_alert_runs_are_a_histogram_of_their_durations(api, sessions):
    ran = await api.post(
        "mutation Run($input: RunAlertsInput!) { runAlerts(input: $input) { errors { code } } }",
        {"input": {"day": "2026-11-09"}},
    )
    assert ran.json()["data"]["runAlerts"]["errors"] == []
    first = await scrape(api)
    assert value(first, "pacer_alert_run_duration_seconds_count") == 1
    # two more runs of known length; read incrementally, added to the first
    day = date(2026, 11, 9)
    start = datetime(2026, 11, 9, 22, 0, tzinfo=UTC)
    async with sessions() as session:
        assert await session.get(AlertRun, day) is not None
        for seconds in (3, 45):
            session.add(
                AlertRunLog(
                    day=day,
                    started_at=start,
                    finished_at=start + timedelta(seconds=seconds),
                    summary={},
                    changed=False,
                )
            )
        await session.commit()
    found = await scrape(api)
    name = "pacer_alert_run_duration_seconds"
    assert value(found, f"{name}_count") == 3
    assert value(found, f"{name}_bucket", le="2.5") == 1  # the real run, under a second here
    assert value(found, f"{name}_bucket", le="5.0") == 2
    assert value(found, f"{name}_bucket", le="30.0") == 2
    assert value(found, f"{name}_bucket", le="60.0") == 3
    assert value(found, f"{name}_sum") == pytest.approx(48, abs=2.5)
    last = value(found, "pacer_alert_run_last_finished_timestamp_seconds")
    assert last is not None and last > (start + timedelta(seconds=44)).timestamp()


async def test_openmetrics_when_the_scraper_asks_for_it(api):
    response = await api.client.get(
        "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
    )
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.rstrip().endswith("# EOF")


# --- the log line -------------------------------------------------------------------------


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, FIELDS, {}).get("event") == "request"]


async def test_one_log_line_per_request_with_its_fields(api, engine, caplog):
    caplog.set_level(logging.INFO, logger="pacer.api")
    with count_statements(engine) as counted:
        await api.post(ME, headers={"X-Request-ID": "trace-me"})
    await api.post("{ __typename }", headers={"X-Request-ID": "trace-anon"})
    await api.post("query Broken { nope }", headers={"X-Request-ID": "trace-broken"})
    await api.client.get("/healthz", headers={"X-Request-ID": "trace-probe"})
    records = request_records(caplog)
    ids = [getattr(r, FIELDS)["request_id"] for r in records]
    assert ids == ["trace-me", "trace-anon", "trace-broken", "trace-probe"]

    me = getattr(records[0], FIELDS)
    assert set(me) == REQUEST_FIELDS
    assert me["user"] == "admin" and me["user_id"] == api.world.users["admin"]
    assert (me["method"], me["path"], me["status"]) == ("POST", "/graphql", 200)
    assert (me["operation"], me["outcome"]) == ("Me", "ok")
    assert me["duration_ms"] > 0
    assert me["statements"] == counted.count > 0  # every statement of the request, no other
    message = records[0].getMessage()
    assert message.startswith("POST /graphql 200 ok op=Me ")
    assert "user=admin request_id=trace-me" in message

    anonymous, broken, probe = (getattr(r, FIELDS) for r in records[1:])
    assert (anonymous["operation"], anonymous["user"], anonymous["statements"]) == (
        "(anonymous)",
        None,
        0,
    )
    assert (broken["operation"], broken["outcome"]) == ("Broken", "graphql_error")
    assert (probe["path"], probe["operation"], probe["outcome"]) == ("/healthz", None, "ok")


async def test_the_json_line_holds_the_fields(api, caplog):
    caplog.set_level(logging.INFO, logger="pacer.api")
    await api.post(ME, headers={"X-Request-ID": "trace-json"})
    (record,) = request_records(caplog)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message", "pid"} | REQUEST_FIELDS
    assert entry["time"].endswith("+00:00")
    assert (entry["level"], entry["logger"], entry["event"]) == ("info", "pacer.api", "request")
    assert (entry["request_id"], entry["user"], entry["operation"]) == ("trace-json", "admin", "Me")
    assert isinstance(entry["statements"], int) and entry["statements"] > 0


async def test_a_hostile_operation_name_stays_out_of_the_line(api, caplog):
    caplog.set_level(logging.INFO, logger="pacer.api")
    body = {"query": "query A { __typename }", "operationName": "A\nINFO forged line"}
    await api.client.post("/graphql", json=body)
    (record,) = request_records(caplog)
    assert getattr(record, FIELDS)["operation"] == "(invalid)"
    assert "\n" not in record.getMessage()


async def test_statements_of_concurrent_requests_are_counted_apart(api, caplog):
    caplog.set_level(logging.INFO, logger="pacer.api")
    await asyncio.gather(*(api.post(ME) for _ in range(3)), api.post("{ __typename }"))
    counts = sorted(getattr(r, FIELDS)["statements"] for r in request_records(caplog))
    assert counts[0] == 0 and len(set(counts[1:])) == 1 and counts[1] > 0
