"""Pure rules of notifications: what a message says on each channel, in the subscription's
language; how it is signed; when a failed delivery is tried again; which destinations are
acceptable. No I/O here: the dispatcher resolves host names and sends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import socket
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.alerts.models import Severity, TaskKind
from domain.errors import InvalidInput
from domain.labels import LabelledEnum, register
from domain.notifications.models import Channel

MAX_DESTINATION = 500
MAX_SECRET = 200
MIN_SECRET = 16
BACKOFF_CAP_SECONDS = 6 * 3600
SIGNATURE_HEADER = "X-Pacer-Signature"
TIMESTAMP_HEADER = "X-Pacer-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Pacer-Event"
USER_AGENT = "Pacer-Notify/1"


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


def event_label(kind: str, language: str) -> str:
    zh, en = EVENT_LABELS.get(kind, (kind, kind))
    return en if language == "en" else zh


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


# --- message text -----------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A notification as words: a title and labelled lines, in one language."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    severity: str | None = None
    language: str = "zh"

    @property
    def colon(self) -> str:
        return ": " if self.language == "en" else "："


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


def _severity_label(value: Any, language: str) -> str:
    try:
        return Severity(str(value)).label(language)
    except ValueError:
        return _text(value, language)


def _task_label(task: dict[str, Any], language: str) -> str:
    return _text(task.get("label"), language) or _task_kind_label(task.get("kind"), language)


def _task_kind_label(value: Any, language: str) -> str:
    try:
        return TaskKind(str(value)).label(language)
    except ValueError:
        return _text(value, language)


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


def render(kind: str, payload: dict[str, Any] | None, language: str = "zh") -> Message:
    """The words of an outbox event for people; every payload key may be missing."""
    payload = payload if isinstance(payload, dict) else {}
    alert = payload.get("alert") if isinstance(payload.get("alert"), dict) else {}
    task = payload.get("task") if isinstance(payload.get("task"), dict) else None
    label = event_label(kind or str(payload.get("event") or ""), language)
    severity = alert.get("severity")
    severity_text = _severity_label(severity, language) if severity else ""
    subject = _text(alert.get("title"), language) or _text(alert.get("rule_label"), language)
    if kind == "task.created" and task is not None:
        subject = _task_label(task, language) + (f" · {subject}" if subject else "")
    if severity_text:
        title = f"[{severity_text}] {label}" if language == "en" else f"【{severity_text}】{label}"
    else:
        title = label
    if subject:
        title += f": {subject}" if language == "en" else f"：{subject}"
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
        title=title,
        lines=lines,
        severity=str(severity) if severity else None,
        language="en" if language == "en" else "zh",
    )


def markdown(message: Message, *, wecom: bool = False) -> str:
    """The message as robot markdown (DingTalk and WeCom share the basics)."""
    title = message.title
    if wecom and message.severity in WECOM_COLOURS:
        title = f'<font color="{WECOM_COLOURS[message.severity]}">{title}</font>'
    body = [f"### {title}", ""]
    body += [f"- **{label}**{message.colon}{value}" for label, value in message.lines]
    return "\n".join(body)


WECOM_COLOURS = {"red": "warning", "orange": "warning", "yellow": "comment"}


def plain_text(message: Message) -> str:
    lines = [f"{label}{message.colon}{value}" for label, value in message.lines]
    return "\n".join([message.title, "", *lines])


# --- requests per channel ---------------------------------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    body: str
    headers: dict[str, str]


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def webhook_body(
    kind: str,
    payload: dict[str, Any] | None,
    idempotency_key: str,
    event_id: int,
    sent_at: datetime,
) -> bytes:
    """The generic webhook's JSON: the payload plus the delivery's identity and send time."""
    body = dict(payload) if isinstance(payload, dict) else {}
    body.setdefault("event", kind)
    body.update(idempotency_key=idempotency_key, event_id=event_id, sent_at=sent_at.isoformat())
    return json_bytes(body)


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>")."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_webhook_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (also used by the tests)."""
    if not timestamp.isdigit():
        return False
    return hmac.compare_digest(webhook_signature(secret, int(timestamp), body), signature)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's robot signature: base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")),
    URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def with_query(url: str, extra: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit(parts._replace(query=query))


def build_request(
    *,
    channel: str,
    destination: str,
    secret: str | None,
    language: str,
    kind: str,
    payload: dict[str, Any] | None,
    event_id: int,
    idempotency_key: str,
    now: datetime,
) -> HttpRequest | EmailMessage:
    """What to send for one delivery attempt, fully formed."""
    common = {IDEMPOTENCY_HEADER: idempotency_key, EVENT_HEADER: kind, "User-Agent": USER_AGENT}
    json_type = {"Content-Type": "application/json; charset=utf-8"}
    if channel == Channel.WEBHOOK:
        body = webhook_body(kind, payload, idempotency_key, event_id, now)
        headers = {**json_type, **common}
        if secret:
            timestamp = int(now.timestamp())
            headers[TIMESTAMP_HEADER] = str(timestamp)
            headers[SIGNATURE_HEADER] = webhook_signature(secret, timestamp, body)
        return HttpRequest(destination, headers, body)
    message = render(kind, payload, language)
    if channel == Channel.DINGTALK:
        url = destination
        if secret:
            timestamp_ms = int(now.timestamp() * 1000)
            url = with_query(
                url, f"timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
            )
        body = json_bytes(
            {"msgtype": "markdown", "markdown": {"title": message.title, "text": markdown(message)}}
        )
        return HttpRequest(url, {**json_type, **common}, body)
    if channel == Channel.WECOM:
        body = json_bytes(
            {"msgtype": "markdown", "markdown": {"content": markdown(message, wecom=True)}}
        )
        return HttpRequest(destination, {**json_type, **common}, body)
    if channel == Channel.EMAIL:
        footer = (
            "\n\n-- \nPacer" + (" notification" if language == "en" else " 通知") + f" #{event_id}"
        )
        return EmailMessage(
            to=destination,
            subject=message.title,
            body=plain_text(message) + footer,
            headers={
                "Message-ID": f"<{idempotency_key}@pacer.notify>",
                "X-Pacer-Idempotency-Key": idempotency_key,
                EVENT_HEADER: kind,
            },
        )
    raise ValueError(f"unknown channel {channel!r}")


def robot_error(channel: str, response_body: bytes) -> str | None:
    """DingTalk and WeCom answer HTTP 200 with `errcode` ≠ 0 when they refuse a message."""
    if channel not in (Channel.DINGTALK, Channel.WECOM):
        return None
    try:
        answer = json.loads(response_body or b"{}")
    except ValueError:
        return None
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0, "0"):
        return f"robot refused: errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"
    return None


# --- retries ----------------------------------------------------------------------------


def backoff_seconds(attempt: int, base: float, cap: float = BACKOFF_CAP_SECONDS) -> float:
    """Delay after the `attempt`-th failure (1-based): base × 2^(attempt−1), at most the cap
    (never below the base). Deterministic: no jitter."""
    exponent = min(max(attempt, 1) - 1, 60)
    return min(base * (2**exponent), max(cap, base))


def after_failure(
    attempts_before: int, max_attempts: int, base: float, now: datetime
) -> tuple[int, datetime | None]:
    """(attempts now, next attempt time or None when the delivery is dead)."""
    attempts = attempts_before + 1
    if attempts >= max_attempts:
        return attempts, None
    return attempts, now + timedelta(seconds=backoff_seconds(attempts, base))


def lease_seconds(timeout: float, batch: int, concurrency: int) -> float:
    """How long a claim holds its rows: every round of sends at its full timeout, one round
    more for the slots' uneven finishing, and a little for the claim itself. The dispatcher
    starts no send that could end after its lease (it gives such rows back instead), so a
    key is never in flight twice; an outcome recorded too late is dropped and resent."""
    rounds = -(-max(batch, 1) // max(concurrency, 1))
    return timeout * (rounds + 1) + 2


# --- destinations -----------------------------------------------------------------------

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def is_refused_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local, unspecified, reserved, shared, multicast: anything
    that is not a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_refused_ip(mapped)
    return (
        not address.is_global
        or address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
    )


def literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address when the host is an IP literal, including the old IPv4 spellings that
    resolvers accept (`127.1`, `0x7f.0.0.1`, `2130706433`)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fA-FxX.]+", host) and re.search(r"[0-9]", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _url_error(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(code, zh, en, "destination")


def check_url(url: str, allow_private: bool) -> str:
    """A webhook or robot URL as stored: http(s), a host, no spaces, and (unless allowed) no
    loopback or private address, whether written as an IP or as a local name."""
    url = url.strip()
    invalid = _url_error(
        "INVALID_URL", "请填写有效的 http(s) 地址", "Give a valid http:// or https:// URL"
    )
    if not url or len(url) > MAX_DESTINATION or any(c.isspace() or ord(c) < 32 for c in url):
        raise invalid
    try:
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise invalid from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise invalid
    if not allow_private and host_is_refused(host):
        raise _url_error(
            "PRIVATE_ADDRESS",
            "不允许发送到本机、内网或保留地址",
            "Loopback, private and reserved addresses are not allowed",
        )
    return url


def host_is_refused(host: str) -> bool:
    """True for a host that names this machine or a non-public address without a lookup."""
    host = host.rstrip(".").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    address = literal_ip(host)
    return address is not None and is_refused_ip(address)


def refused_addresses(addresses: list[str]) -> list[str]:
    """Which of a host's resolved addresses may not be sent to."""
    refused = []
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%")[0])
        except ValueError:
            refused.append(text)
            continue
        if is_refused_ip(address):
            refused.append(text)
    return refused


def check_email(address: str) -> str:
    address = address.strip()
    if len(address) > 254 or not EMAIL.match(address) or ".." in address:
        raise InvalidInput(
            "INVALID_EMAIL",
            "请填写有效的电子邮件地址",
            "Give a valid e-mail address",
            "destination",
        )
    return address


def check_destination(channel: str, destination: str, allow_private: bool) -> str:
    if channel == Channel.EMAIL:
        return check_email(destination)
    return check_url(destination, allow_private)


def check_secret(channel: str, secret: str | None) -> str | None:
    """Generic webhooks must be signed; robots may be (DingTalk's "加签"); e-mail never is."""
    secret = (secret or "").strip() or None
    if channel == Channel.EMAIL:
        return None
    if secret is None:
        if channel == Channel.WEBHOOK:
            raise InvalidInput(
                "SECRET_REQUIRED",
                "通用 Webhook 必须设置签名密钥",
                "A generic webhook needs a signing secret",
                "secret",
            )
        return None
    if channel == Channel.WEBHOOK and len(secret) < MIN_SECRET:
        raise InvalidInput(
            "SECRET_TOO_SHORT",
            f"签名密钥至少需要 {MIN_SECRET} 个字符",
            f"The signing secret needs at least {MIN_SECRET} characters",
            "secret",
        )
    if len(secret) > MAX_SECRET:
        raise InvalidInput(
            "TOO_LONG",
            f"不能超过 {MAX_SECRET} 个字符",
            f"Must be at most {MAX_SECRET} characters",
            "secret",
        )
    return secret


def masked_destination(channel: str, destination: str) -> str:
    """A destination fit to show: query values (robot access tokens, keys) keep only their
    last four characters; e-mail addresses and paths are shown as they are."""
    if channel == Channel.EMAIL:
        return destination
    parts = urllib.parse.urlsplit(destination)
    if not parts.query:
        return destination
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    masked = "&".join(
        f"{key}=" + ("****" + value[-4:] if len(value) > 8 else "****") for key, value in pairs
    )
    return urllib.parse.urlunsplit(parts._replace(query=masked))


def short_error(text: str, limit: int = 500) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
