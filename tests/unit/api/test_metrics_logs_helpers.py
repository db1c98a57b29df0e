"""The pieces behind /metrics, the request log line and `pacer serve --workers`: operation
names read from documents, bounded labels, outcomes, log formats, uvicorn's options and
sockets sharing a port."""

from __future__ import annotations

import json
import logging
import socket

import pytest

from api.core.connections import REUSE_PORT, bound_socket, check_port_free, server_options
from api.core.logs import FIELDS, JsonFormatter, logging_config, request_line
from api.core.metrics import ANONYMOUS, NONE, OTHER, OperationLabels, outcome_of
from api.core.request_scope import first_operation_name, note_errors, safe_name
from domain.settings import load_settings


@pytest.mark.parametrize(
    ("document", "name"),
    [
        ("{ me { login } }", ""),
        ("query { me { login } }", ""),
        ("query Me { me { login } }", "Me"),
        ("query Me($first: Int) { reps(first: $first) { totalCount } }", "Me"),
        ("mutation($input: X!) { a(input: $input) { b } }", ""),
        ("subscription Alerts { alertRaised { id } }", "Alerts"),
        ("\ufeff  # a comment naming query Wrong\n,, query\n# between\n  Right { a }", "Right"),
        ("fragment F on Query { me { login } } query WithFragment { ...F }", "WithFragment"),
        ("fragment F on Query { me { login } }\n{ ...F }", ""),
        ("fragment query on Query { a } query Named { ...query }", "Named"),
        ('fragment F on Query { a(x: "{ query Wrong") } query Right { ...F }', "Right"),
        ("fragment F on Query { a ", ""),  # a syntax error: strawberry will say so
        ('fragment F on Query { a(x: "unterminated', ""),
        ("", None),
        (None, None),
    ],
)
def test_the_first_operation_name_of_a_document(document, name):
    assert first_operation_name(document) == name


def test_a_long_comment_before_fragments_is_read_once():
    document = "#" + " query Wrong" * 10_000 + "\nfragment F on Query { a } query Right { ...F }"
    assert first_operation_name(document) == "Right"


def test_operation_labels_are_bounded_and_admitted_only_after_a_clean_answer():
    labels = OperationLabels(limit=2)
    assert labels.label(None, admit=True) == NONE
    assert labels.label("", admit=True) == ANONYMOUS
    assert labels.label("Probe", admit=False) == OTHER  # not yet seen answering cleanly
    assert labels.label("Probe", admit=True) == "Probe"
    assert labels.label("Probe", admit=False) == "Probe"  # known from now on
    assert labels.label("(invalid)", admit=True) == OTHER  # not a GraphQL name
    long = "A" * 100
    assert labels.label(long, admit=True) == "A" * 64
    assert labels.label("Third", admit=True) == OTHER  # the limit is reached
    assert labels.known == {"Probe", "A" * 64}


@pytest.mark.parametrize(
    ("status", "errors", "outcome"),
    [
        (200, None, "ok"),
        (304, None, "ok"),
        (200, "errors", "graphql_error"),
        (200, "internal", "server_error"),
        (400, "errors", "refused"),
        (413, None, "refused"),
        (405, "errors", "refused"),
        (503, None, "overloaded"),
        (500, "internal", "server_error"),
        (502, None, "server_error"),
        (0, None, "server_error"),
    ],
)
def test_outcomes(status, errors, outcome):
    assert outcome_of(status, errors) == outcome


def test_error_codes_are_noted_for_the_outcome():
    scope: dict = {}
    note_errors(scope, [])
    assert "graphql_errors" not in scope.get("state", {})
    note_errors(scope, [{"extensions": {"code": "UNAUTHENTICATED"}}])
    assert scope["state"]["graphql_errors"] == "errors"
    note_errors(scope, [{"extensions": None}, {"extensions": {"code": "INTERNAL_SERVER_ERROR"}}])
    assert scope["state"]["graphql_errors"] == "internal"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (None, None),
        ("", ""),
        ("TargetTree", "TargetTree"),
        ("A" * 80, "A" * 64),
        ("x\ny", "(invalid)"),
        ("名字", "(invalid)"),
    ],
)
def test_names_in_log_lines(name, shown):
    assert safe_name(name) == shown


def test_logging_config_by_format():
    text = logging_config(load_settings())
    assert text["formatters"]["pacer"] == {"format": "%(levelname)s %(name)s: %(message)s"}
    as_json = logging_config(load_settings(log_format="json"))
    assert as_json["formatters"]["pacer"] == {"()": "api.core.logs.JsonFormatter"}
    for config in (text, as_json):
        assert config["disable_existing_loggers"] is False  # Pacer's loggers keep working
        assert config["loggers"]["uvicorn.access"]["propagate"] is False
        assert config["loggers"]["uvicorn.access"]["level"] == "WARNING"


def test_a_bad_log_format_names_the_variable(monkeypatch):
    from domain.settings import SettingsError

    monkeypatch.setenv("PACER_LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="PACER_LOG_FORMAT"):
        load_settings()


def test_json_lines_carry_the_fields_and_the_traceback():
    logger = logging.getLogger("pacer.test.logs")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        request_line(
            logger,
            {
                "request_id": "r1",
                "method": "POST",
                "path": "/graphql",
                "status": 200,
                "outcome": "ok",
                "operation": "Me",
                "user": "admin",
                "user_id": 1,
                "duration_ms": 3.25,
                "statements": 4,
            },
        )
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("it failed: %s", "因为")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    line, failure = (JsonFormatter().format(record) for record in records)
    entry = json.loads(line)
    assert entry["message"] == (
        "POST /graphql 200 ok op=Me 3.2ms statements=4 user=admin request_id=r1"
    )
    assert entry["event"] == "request" and entry["statements"] == 4
    assert getattr(records[0], FIELDS)["duration_ms"] == 3.25
    failed = json.loads(failure)
    assert failed["level"] == "error" and failed["message"] == "it failed: 因为"
    assert "ValueError: boom" in failed["exception"]
    assert "\n" not in failure


def test_uvicorn_options_turn_its_access_log_off():
    options = server_options(load_settings(log_format="json"))
    assert options["access_log"] is False
    assert options["log_config"] == logging_config(load_settings(log_format="json"))


@pytest.mark.skipif(not REUSE_PORT, reason="SO_REUSEPORT spreads connections on Linux only")
def test_sockets_with_reuse_port_share_one_port_and_a_plain_bind_is_refused():
    first = bound_socket("127.0.0.1", 0, reuse_port=True)
    port = first.getsockname()[1]
    second = bound_socket("127.0.0.1", port, reuse_port=True)
    try:
        first.listen()
        second.listen()
        with pytest.raises(OSError):
            check_port_free("127.0.0.1", port)
        for _ in range(8):  # both accept; the kernel picks one per connection
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                pass
    finally:
        first.close()
        second.close()
    check_port_free("127.0.0.1", port)  # free again
