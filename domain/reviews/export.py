"""Exports of a weekly review, as plain functions over plain data.

JSON: one object — ``review`` (who, which unit and week), ``snapshot`` (exactly as frozen),
``anomalies``, ``suggestions`` and ``key_customers`` — UTF-8, Chinese left unescaped.

PDF: a printable A4 report (domain.reviews.pdf) of the same document, agenda first; over
GraphQL it travels base64-encoded.

The document also carries ``agenda``: the 15-minute meeting plan (top-3 gaps, alerts,
suggestions, minutes per item) built from the snapshot and the suggestions
(domain.reviews.agenda).

CSV: one flat table, so Excel can filter and pivot it. It starts with a UTF-8 byte-order
mark (U+FEFF) so Excel opens Chinese names correctly; rows end with CRLF. The first column,
``section``, says what a row is; the other columns are filled where they apply:

    review                 the unit, the week (period), as_of (date)
    target                 a target of the snapshot: owner (subject_*), metric, period,
                           amount, achieved, completion, pace_ratio, gap, status
    kpi_miss               a rep who missed KPIs: count = days missed, note = per-KPI misses
                           and the streak, period = the days counted
    alert_count            count of open alerts per severity
    alert                  an open alert: subject, severity, rule, status, date = raised on
    funnel_stage           stage (subject_name), count = reached, rate = conversion to next
    funnel                 a funnel figure: metric = its name, count or rate
    suggested_key_customer account (subject), count = open opportunities, amount = open
                           amount, note = segment
    agenda                 an agenda item: subject_kind = gap|alerts|suggestions, count =
                           minutes, note = its title (zh | en), gap for a gap
    anomaly                note, subject = its target or rep, date = when marked
    suggestion             target (subject), amount = proposed, status, note = reason
    key_customer           confirmed account (subject), note, date = when confirmed

Ids are the database ids of the rows (not the API's global IDs)."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.labels import LabelledEnum, register
from domain.reviews.agenda import build_agenda

FORMAT_NAME = "pacer.weekly_review"
FORMAT_VERSION = 1
BOM = "\ufeff"
COLUMNS = [
    "section",
    "id",
    "subject_kind",
    "subject_id",
    "subject_name",
    "metric",
    "period",
    "amount",
    "achieved",
    "completion",
    "pace_ratio",
    "gap",
    "count",
    "rate",
    "severity",
    "rule",
    "status",
    "date",
    "note",
]


@dataclass(frozen=True)
class Names:
    """Display names by id, for the rows an export refers to."""

    users: Mapping[int | None, str] = field(default_factory=dict)
    targets: Mapping[int | None, str] = field(default_factory=dict)
    reps: Mapping[int | None, str] = field(default_factory=dict)
    accounts: Mapping[int | None, str] = field(default_factory=dict)


@register
class ReviewExportFormat(LabelledEnum):
    JSON = ("json", "JSON（完整数据）", "JSON (all data)")
    CSV = ("csv", "CSV（Excel，UTF-8 带 BOM）", "CSV (Excel, UTF-8 with BOM)")
    PDF = ("pdf", "PDF（打印版，base64 编码）", "PDF (printable, base64-encoded)")


def _moment(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def review_document(
    review: Any,
    *,
    unit_name: str,
    anomalies: Sequence[Any],
    suggestions: Sequence[Any],
    key_customers: Sequence[Any],
    names: Names,
) -> dict[str, Any]:
    """The whole review as plain data: the rows are the ORM rows (or anything with the same
    attributes), `names` the display names they refer to."""
    document = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "review": {
            "id": review.id,
            "unit_id": review.unit_id,
            "unit_name": unit_name,
            "week_start": review.week_start.isoformat(),
            "week_label": review.snapshot["week"]["label"],
            "created_at": _moment(review.created_at),
            "created_by": names.users.get(review.created_by_user_id),
        },
        "snapshot": review.snapshot,
        "anomalies": [
            {
                "id": a.id,
                "note": a.note,
                "target_id": a.target_id,
                "target_name": names.targets.get(a.target_id),
                "rep_id": a.rep_id,
                "rep_name": names.reps.get(a.rep_id),
                "created_by": names.users.get(a.created_by_user_id),
                "created_at": _moment(a.created_at),
            }
            for a in anomalies
        ],
        "suggestions": [
            {
                "id": s.id,
                "target_id": s.target_id,
                "target_name": names.targets.get(s.target_id),
                "proposed_amount": s.proposed_amount,
                "reason": s.reason,
                "status": s.status,
                "created_by": names.users.get(s.created_by_user_id),
                "created_at": _moment(s.created_at),
                "decided_by": names.users.get(s.decided_by_user_id),
                "decided_at": _moment(s.decided_at),
            }
            for s in suggestions
        ],
        "key_customers": [
            {
                "account_id": k.account_id,
                "account_name": names.accounts.get(k.account_id),
                "note": k.note,
                "confirmed_by": names.users.get(k.confirmed_by_user_id),
                "confirmed_at": _moment(k.confirmed_at),
            }
            for k in key_customers
        ],
    }
    document["agenda"] = build_agenda(review.snapshot, document["suggestions"])
    return document


def render(document: dict[str, Any], fmt: ReviewExportFormat) -> str:
    if fmt == ReviewExportFormat.PDF:
        from domain.reviews.pdf import render_pdf  # reportlab loads only when asked

        return base64.b64encode(render_pdf(document)).decode("ascii")
    return render_csv(document) if fmt == ReviewExportFormat.CSV else render_json(document)


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def render_csv(document: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, restval="", extrasaction="raise")
    writer.writeheader()
    for row in csv_rows(document):
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return BOM + buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_rows(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The rows of the CSV export, section by section (see the module docstring)."""
    review, snapshot = document["review"], document["snapshot"]
    yield {
        "section": "review",
        "id": review["id"],
        "subject_kind": "unit",
        "subject_id": review["unit_id"],
        "subject_name": review["unit_name"],
        "period": snapshot["week"]["label"],
        "date": snapshot["as_of"],
        "note": f"month {snapshot['month']['label']}; taken at {snapshot['taken_at']}",
    }
    for t in snapshot["targets"]:
        yield {
            "section": "target",
            "id": t["target_id"],
            "subject_kind": t["owner_role"],
            "subject_id": t["owner_id"],
            "subject_name": t["owner_name"],
            "metric": t["metric"],
            "period": t["period_label"],
            "amount": t["amount"],
            "achieved": t["achieved"],
            "completion": t["completion"],
            "pace_ratio": t["pace_ratio"],
            "gap": t["gap"],
            "status": t["status"],
        }
    kpi = snapshot["kpi_misses"]
    for rep in kpi["reps"]:
        missed = ", ".join(f"{name} {days}" for name, days in rep["missed"].items() if days)
        yield {
            "section": "kpi_miss",
            "id": rep["rep_id"],
            "subject_kind": "rep",
            "subject_id": rep["rep_id"],
            "subject_name": rep["rep_name"],
            "period": f"{kpi['from']}..{kpi['to']}",
            "count": rep["days_missed"],
            "status": rep["level"],
            "note": f"{missed}; streak {rep['miss_streak']}",
        }
    alerts = snapshot["alerts"]
    for severity, count in alerts["by_severity"].items():
        yield {"section": "alert_count", "severity": severity, "count": count}
    for a in alerts["items"]:
        yield {
            "section": "alert",
            "id": a["alert_id"],
            "subject_kind": a["subject_kind"],
            "subject_id": a["subject_id"],
            "subject_name": a["subject_name"],
            "severity": a["severity"],
            "rule": a["rule"],
            "status": a["status"],
            "date": a["raised_on"],
        }
    funnel = snapshot["funnel"]
    period = f"{funnel['from']}..{funnel['to']}"
    for stage in funnel["stages"]:
        yield {
            "section": "funnel_stage",
            "subject_kind": "stage",
            "subject_name": stage["stage"],
            "period": period,
            "count": stage["reached"],
            "rate": stage["conversion_to_next"],
        }
    for metric in ("won", "lost", "follow_ups", "stale_key_opportunities"):
        yield {"section": "funnel", "metric": metric, "period": period, "count": funnel[metric]}
    for metric in ("win_rate", "effective_follow_up_rate", "lead_to_qualified_median_days"):
        yield {"section": "funnel", "metric": metric, "period": period, "rate": funnel[metric]}
    for c in snapshot["suggested_key_customers"]:
        yield {
            "section": "suggested_key_customer",
            "id": c["account_id"],
            "subject_kind": "account",
            "subject_id": c["account_id"],
            "subject_name": c["name"],
            "amount": c["open_amount"],
            "count": c["open_opportunities"],
            "note": c["segment"],
        }
    for item in document.get("agenda", {}).get("items", []):
        yield {
            "section": "agenda",
            "id": item.get("target_id"),
            "subject_kind": item["kind"],
            "count": item["minutes"],
            "gap": item.get("gap"),
            "note": f"{item['title_zh']} | {item['title_en']}",
        }
    for a in document["anomalies"]:
        kind: str | None
        subject_id: int | None
        name: str | None
        if a["target_id"] is not None:
            kind, subject_id, name = "target", a["target_id"], a["target_name"]
        elif a["rep_id"] is not None:
            kind, subject_id, name = "rep", a["rep_id"], a["rep_name"]
        else:
            kind, subject_id, name = None, None, None
        yield {
            "section": "anomaly",
            "id": a["id"],
            "subject_kind": kind,
            "subject_id": subject_id,
            "subject_name": name,
            "date": a["created_at"],
            "note": a["note"],
        }
    for s in document["suggestions"]:
        yield {
            "section": "suggestion",
            "id": s["id"],
            "subject_kind": "target",
            "subject_id": s["target_id"],
            "subject_name": s["target_name"],
            "amount": s["proposed_amount"],
            "status": s["status"],
            "date": s["created_at"],
            "note": s["reason"],
        }
    for k in document["key_customers"]:
        yield {
            "section": "key_customer",
            "id": k["account_id"],
            "subject_kind": "account",
            "subject_id": k["account_id"],
            "subject_name": k["account_name"],
            "date": k["confirmed_at"],
            "note": k["note"],
        }
