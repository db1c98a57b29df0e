"""What one delivery attempt sends on each channel, fully formed and signed: the generic
webhook's JSON with HMAC headers, DingTalk's and WeCom's robot markdown, an e-mail; and how
a robot's answer tells that it refused the message. No I/O here: the senders send."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.notifications.messages import Message, markdown, plain_text, render
from domain.notifications.models import Channel

SIGNATURE_HEADER = "X-Pacer-Signature"
TIMESTAMP_HEADER = "X-Pacer-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Pacer-Event"
USER_AGENT = "Pacer-Notify/1"


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


# --- signatures -------------------------------------------------------------------------


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


# --- requests per channel ---------------------------------------------------------------


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


def _json_headers(kind: str, idempotency_key: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        IDEMPOTENCY_HEADER: idempotency_key,
        EVENT_HEADER: kind,
        "User-Agent": USER_AGENT,
    }


def _robot_request(url: str, headers: dict[str, str], content: dict[str, str]) -> HttpRequest:
    """DingTalk and WeCom take the same envelope; only the markdown's fields differ."""
    return HttpRequest(url, headers, json_bytes({"msgtype": "markdown", "markdown": content}))


def _email(
    to: str, message: Message, language: str, kind: str, event_id: int, idempotency_key: str
) -> EmailMessage:
    footer = "\n\n-- \nPacer" + (" notification" if language == "en" else " 通知") + f" #{event_id}"
    return EmailMessage(
        to=to,
        subject=message.title,
        body=plain_text(message) + footer,
        headers={
            "Message-ID": f"<{idempotency_key}@pacer.notify>",
            "X-Pacer-Idempotency-Key": idempotency_key,
            EVENT_HEADER: kind,
        },
    )


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
    headers = _json_headers(kind, idempotency_key)
    if channel == Channel.WEBHOOK:
        body = webhook_body(kind, payload, idempotency_key, event_id, now)
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
        return _robot_request(url, headers, {"title": message.title, "text": markdown(message)})
    if channel == Channel.WECOM:
        return _robot_request(destination, headers, {"content": markdown(message, wecom=True)})
    if channel == Channel.EMAIL:
        return _email(destination, message, language, kind, event_id, idempotency_key)
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
