"""Log lines: text (`PACER_LOG_FORMAT=text`, the default) or one JSON object per line
(`json`), for every logger of the process (Pacer's, uvicorn's, SQLAlchemy's …).

Each request is logged once, by the request scope (`request_line`), with its request id,
operation name, user, HTTP status, outcome, duration and SQL statement count; uvicorn's own
access log is off under `pacer serve`. A JSON line holds `time` (UTC, ISO 8601), `level`,
`logger`, `message`, `pid`, and, for a request, `event: "request"` and its fields:

    {"time": "2026-03-02T08:15:02.114+00:00", "level": "info", "logger": "pacer.api",
     "message": "POST /graphql 200 ok op=TargetTree 18.2ms statements=17 user=director
     request_id=9f1c2a7b3e4d5f60", "pid": 4242, "event": "request",
     "request_id": "9f1c2a7b3e4d5f60", "method": "POST", "path": "/graphql", "status": 200,
     "outcome": "ok", "operation": "TargetTree", "user": "director", "user_id": 3,
     "duration_ms": 18.2, "statements": 17}
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from domain.settings import Settings

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
FIELDS = "pacer_fields"  # the LogRecord attribute holding a line's structured fields


class JsonFormatter(logging.Formatter):
    """One JSON object per record; a record's structured fields (`extra={FIELDS: {...}}`)
    are merged in."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        fields = getattr(record, FIELDS, None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary (also uvicorn's `log_config`, so every worker
    process sets it up the same): one handler on stderr for every logger, INFO and up;
    uvicorn's access log silent (Pacer logs each request itself)."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"}
        if settings.log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"pacer": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "pacer",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            "alembic": {"level": "WARNING"},
        },
    }


def configure(settings: Settings) -> None:
    """Sets this process's logging up as `logging_config` says."""
    logging.config.dictConfig(logging_config(settings))


def request_line(logger: logging.Logger, fields: dict[str, Any]) -> None:
    """The one line of a request: readable text; in JSON, the fields themselves."""
    operation = fields.get("operation")
    text = (
        f"{fields['method']} {fields['path']} {fields['status']} {fields['outcome']}"
        f"{f' op={operation}' if operation else ''} {fields['duration_ms']:.1f}ms"
        f" statements={fields['statements']} user={fields.get('user') or '-'}"
        f" request_id={fields['request_id']}"
    )
    logger.info(text, extra={FIELDS: {"event": "request", **fields}})
