"""What a notification says, in the subscription's language: a title and labelled lines
rendered from an outbox event's payload, written out as robot markdown or as plain text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.kernel.severity import Severity
from domain.labels import LabelledEnum, register


@register
class NotificationLanguage(LabelledEnum):
    """The language a subscription's messages are written in."""

    ZH = ("zh", "中文", "Chinese")
    EN = ("en", "英文", "English")


EVENT_LABELS = {
    "alert.raised": ("预警触发", "Alert raised"),
    "alert.escalated": ("预警升级", "Alert escalated"),
    "alert.resolved": ("预警解除", "Alert resolved"),
    "task.created": ("新任务", "New task"),
}
FIELD_LABELS = {
    "rule": ("规则", "Rule"),
    "severity": ("级别", "Severity"),
    "status": ("状态", "Status"),
    "unit": ("组织", "Unit"),
    "rep": ("销售", "Rep"),
    "raised_on": ("触发日期", "Raised on"),
    "evidence": ("依据", "Evidence"),
    "task": ("任务", "Task"),
    "due_on": ("截止", "Due"),
    "assignee": ("负责人", "Assignee"),
    "event": ("事件", "Event"),
    "resolution": ("解除原因", "Resolved because"),
}
STATUS_LABELS = {
    "open": ("待处理", "Open"),
    "acknowledged": ("已确认", "Acknowledged"),
    "resolved": ("已解决", "Resolved"),
}
WECOM_COLOURS = {"red": "warning", "orange": "warning", "yellow": "comment"}


def _pick(pair: tuple[str, str], language: str) -> str:
    """The English of a (zh, en) pair for "en", the Chinese for any other language."""
    return pair[1] if language == "en" else pair[0]


def _colon(language: str) -> str:
    return ": " if language == "en" else "："


def event_label(kind: str, language: str) -> str:
    return _pick(EVENT_LABELS.get(kind, (kind, kind)), language)


@dataclass(frozen=True)
class Message:
    """A notification as words: a title and labelled lines, in one language."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    severity: str | None = None
    language: str = "zh"

    @property
    def colon(self) -> str:
        return _colon(self.language)


# --- rendering --------------------------------------------------------------------------


def _text(value: Any, language: str) -> str:
    """A display string from a bilingual dict ({"zh", "en"}), a named dict, or a scalar."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if "zh" in value or "en" in value:
            chosen = value.get(language) or value.get("zh") or value.get("en")
            return str(chosen or "")
        for key in ("name", "display_name", "login", "title", "id"):
            if value.get(key) not in (None, ""):
                return str(value[key])
        return ""
    return str(value)


def _enum_label(enum_cls: type[LabelledEnum], value: Any, language: str) -> str:
    """The label of the member `value` names; a value that names none is shown as text."""
    try:
        return enum_cls(str(value)).label(language)
    except ValueError:
        return _text(value, language)


def _task_label(task: dict[str, Any], language: str) -> str:
    return _text(task.get("label"), language) or _text(task.get("kind"), language)


def _evidence(evidence: Any, language: str) -> str:
    if isinstance(evidence, dict):
        parts = []
        for key, value in evidence.items():
            if isinstance(value, dict):
                value = _text(value, language)
            elif isinstance(value, list | tuple):
                value = "/".join(str(item) for item in value[:6])
            parts.append(f"{key}={value}")
        return ", ".join(parts)[:300]
    return _text(evidence, language)[:300]


def _title(label: str, severity_text: str, subject: str, language: str) -> str:
    if severity_text:
        title = f"[{severity_text}] {label}" if language == "en" else f"【{severity_text}】{label}"
    else:
        title = label
    if subject:
        title += _colon(language) + subject
    return title


def render(kind: str, payload: dict[str, Any] | None, language: str = "zh") -> Message:
    """The words of an outbox event for people; every payload key may be missing."""
    payload = payload if isinstance(payload, dict) else {}
    given = payload.get("alert")
    alert: dict[str, Any] = given if isinstance(given, dict) else {}
    task = payload.get("task") if isinstance(payload.get("task"), dict) else None
    label = event_label(kind or str(payload.get("event") or ""), language)
    severity = alert.get("severity")
    severity_text = _enum_label(Severity, severity, language) if severity else ""
    subject = _text(alert.get("title"), language) or _text(alert.get("rule_label"), language)
    if kind == "task.created" and task is not None:
        subject = _task_label(task, language) + (f" · {subject}" if subject else "")
    lines: list[tuple[str, str]] = []

    def add(key: str, value: str) -> None:
        if value:
            lines.append((_pick(FIELD_LABELS[key], language), value))

    add("rule", _text(alert.get("rule_label"), language) or _text(alert.get("rule"), language))
    add("severity", severity_text)
    status = alert.get("status")
    add("status", _pick(STATUS_LABELS[status], language) if status in STATUS_LABELS else "")
    add("unit", _text(alert.get("unit"), language))
    add("rep", _text(alert.get("rep"), language))
    add("raised_on", _text(alert.get("raised_on"), language))
    add("evidence", _evidence(alert.get("evidence"), language))
    add("resolution", _text(alert.get("resolution_reason"), language))
    if task is not None:
        add("task", _task_label(task, language))
        add("due_on", _text(task.get("due_on"), language))
        add("assignee", _text(task.get("assignee"), language))
    if not lines and not subject:
        add("event", kind)
    return Message(
        title=_title(label, severity_text, subject, language),
        lines=lines,
        severity=str(severity) if severity else None,
        language="en" if language == "en" else "zh",
    )


# --- writing out ------------------------------------------------------------------------


def markdown(message: Message, *, wecom: bool = False) -> str:
    """The message as robot markdown (DingTalk and WeCom share the basics)."""
    title = message.title
    if wecom and message.severity in WECOM_COLOURS:
        title = f'<font color="{WECOM_COLOURS[message.severity]}">{title}</font>'
    body = [f"### {title}", ""]
    body += [f"- **{label}**{message.colon}{value}" for label, value in message.lines]
    return "\n".join(body)


def plain_text(message: Message) -> str:
    lines = [f"{label}{message.colon}{value}" for label, value in message.lines]
    return "\n".join([message.title, "", *lines])
