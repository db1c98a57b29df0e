"""Notification rules without a database: messages per channel and language, signatures,
backoff, destination checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.notifications import channel_requests, messages, rules

NOW = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
ALERT = {
    "event": "alert.raised",
    "alert": {
        "id": 7,
        "rule": "kpi_miss",
        "rule_label": {"zh": "行为指标连续未达标", "en": "Behaviour KPIs missed"},
        "severity": "orange",
        "status": "open",
        "unit": {"id": 3, "name": "上海组"},
        "rep": {"id": 4, "name": "张伟"},
        "title": {"zh": "张伟连续 3 天行为指标未达标", "en": "Zhang Wei missed KPIs 3 days"},
        "evidence": {"days": 3, "kpis": ["touches", "demos_booked"]},
        "raised_on": "2026-11-20",
    },
    "task": None,
}
TASK = {
    **ALERT,
    "event": "task.created",
    "task": {  # as the alert evaluator writes it: the kind's label travels with it
        "id": 9,
        "kind": "one_on_one",
        "label": {"zh": "一对一辅导", "en": "1:1 coaching"},
        "due_on": "2026-11-24",
        "assignee": "王经理",
    },
}


def request(channel: str, **kw) -> channel_requests.HttpRequest | channel_requests.EmailMessage:
    arguments = {
        "channel": channel,
        "destination": "https://hooks.example.com/pacer",
        "secret": "s3cret-s3cret-s3cret",
        "language": "zh",
        "kind": "alert.raised",
        "payload": ALERT,
        "event_id": 11,
        "idempotency_key": "key-1",
        "now": NOW,
        **kw,
    }
    return channel_requests.build_request(**arguments)


# --- message text -----------------------------------------------------------------------


def test_render_in_chinese_by_default_and_in_english_on_request():
    zh = messages.render("alert.raised", ALERT)
    en = messages.render("alert.raised", ALERT, "en")
    assert zh.title == "【橙色预警】预警触发：张伟连续 3 天行为指标未达标"
    assert en.title == "[Orange] Alert raised: Zhang Wei missed KPIs 3 days"
    assert ("规则", "行为指标连续未达标") in zh.lines
    assert ("Rep", "张伟") in en.lines
    assert ("Evidence", "days=3, kpis=touches/demos_booked") in en.lines


def test_render_a_task_names_its_kind_due_date_and_assignee():
    message = messages.render("task.created", TASK, "en")
    assert message.title.startswith("[Orange] New task: 1:1 coaching · ")
    assert ("Due", "2026-11-24") in message.lines
    assert ("Assignee", "王经理") in message.lines


@pytest.mark.parametrize(
    "payload",
    [
        {},
        None,
        {"alert": None, "task": None},
        {"alert": {"severity": "purple", "title": "plain", "unit": "East", "rep": None}},
        {"alert": {"evidence": "text"}, "task": {"kind": "unknown_kind"}},
    ],
)
def test_render_tolerates_missing_and_odd_keys(payload):
    for kind in ("alert.raised", "alert.escalated", "alert.resolved", "task.created", "x"):
        message = messages.render(kind, payload, "en")
        assert message.title
        assert messages.plain_text(message).startswith(message.title)


def test_resolved_alert_without_severity_has_a_plain_title():
    message = messages.render("alert.resolved", {"alert": {"title": {"zh": "已恢复"}}}, "zh")
    assert message.title == "预警解除：已恢复"


# --- channels ---------------------------------------------------------------------------


def test_webhook_body_is_the_payload_plus_the_delivery_identity_and_is_signed():
    sent = request("webhook")
    body = json.loads(sent.body)
    assert body == {**ALERT, "idempotency_key": "key-1", "event_id": 11, "sent_at": NOW.isoformat()}
    timestamp = sent.headers["X-Pacer-Timestamp"]
    assert timestamp == str(int(NOW.timestamp()))
    expected = hmac.new(
        b"s3cret-s3cret-s3cret", f"{timestamp}.".encode() + sent.body, hashlib.sha256
    ).hexdigest()
    assert sent.headers["X-Pacer-Signature"] == f"sha256={expected}"
    assert sent.headers["Idempotency-Key"] == "key-1"
    assert (
        channel_requests.verify_webhook_signature(
            "s3cret-s3cret-s3cret", timestamp, sent.body, expected
        )
        is False
    )
    assert channel_requests.verify_webhook_signature(
        "s3cret-s3cret-s3cret", timestamp, sent.body, f"sha256={expected}"
    )
    assert not channel_requests.verify_webhook_signature(
        "other-secret-123456", timestamp, sent.body, f"sha256={expected}"
    )
    assert not channel_requests.verify_webhook_signature(
        "s3cret-s3cret-s3cret", timestamp, sent.body + b" ", f"sha256={expected}"
    )


def test_dingtalk_markdown_and_signature():
    sent = request(
        "dingtalk",
        destination="https://oapi.dingtalk.com/robot/send?access_token=abc",
        secret="SEC123",
    )
    body = json.loads(sent.body)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"].startswith("【橙色预警】")
    assert "- **销售**：张伟" in body["markdown"]["text"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(sent.url).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    assert timestamp == str(int(NOW.timestamp() * 1000))
    digest = hmac.new(b"SEC123", f"{timestamp}\nSEC123".encode(), hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(digest).decode()]


def test_dingtalk_without_secret_is_unsigned():
    sent = request("dingtalk", destination="https://oapi.dingtalk.com/robot/send", secret=None)
    assert "sign=" not in sent.url and "?" not in sent.url


def test_wecom_markdown_in_english():
    sent = request(
        "wecom", destination="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", language="en"
    )
    body = json.loads(sent.body)
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith('### <font color="warning">[Orange] Alert raised')
    assert "- **Unit**: 上海组" in content


def test_email_subject_body_and_message_id():
    sent = request("email", destination="boss@example.com", kind="task.created", payload=TASK)
    assert isinstance(sent, channel_requests.EmailMessage)
    assert sent.to == "boss@example.com"
    assert sent.subject.startswith("【橙色预警】新任务：一对一辅导")
    assert "截止：2026-11-24" in sent.body and "#11" in sent.body
    assert sent.headers["Message-ID"] == "<key-1@pacer.notify>"
    assert sent.headers["X-Pacer-Idempotency-Key"] == "key-1"


def test_robot_errors_are_read_from_a_200_answer():
    assert channel_requests.robot_error("dingtalk", b'{"errcode":0,"errmsg":"ok"}') is None
    assert "310000" in channel_requests.robot_error(
        "dingtalk", b'{"errcode":310000,"errmsg":"sign"}'
    )
    assert channel_requests.robot_error("wecom", b'{"errcode":93000}') is not None
    assert channel_requests.robot_error("webhook", b'{"errcode":1}') is None
    assert channel_requests.robot_error("wecom", b"not json") is None


# --- backoff ----------------------------------------------------------------------------


def test_backoff_doubles_from_the_base_and_is_capped():
    assert [rules.backoff_seconds(n, 30) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert rules.backoff_seconds(30, 30) == rules.BACKOFF_CAP_SECONDS
    assert rules.backoff_seconds(3, 10, cap=25) == 25
    assert rules.backoff_seconds(1, 100, cap=10) == 100  # the cap never undercuts the base


@given(st.integers(1, 500), st.floats(0.01, 86400))
def test_backoff_is_deterministic_monotonic_and_bounded(attempt, base):
    delay = rules.backoff_seconds(attempt, base)
    assert delay == rules.backoff_seconds(attempt, base)
    assert base <= delay <= max(base, rules.BACKOFF_CAP_SECONDS)
    assert rules.backoff_seconds(attempt + 1, base) >= delay


def test_after_failure_schedules_then_gives_up():
    assert rules.after_failure(0, 3, 10, NOW) == (1, NOW + timedelta(seconds=10))
    assert rules.after_failure(1, 3, 10, NOW) == (2, NOW + timedelta(seconds=20))
    assert rules.after_failure(2, 3, 10, NOW) == (3, None)


def test_lease_covers_every_round_of_sends():
    assert rules.lease_seconds(10, 50, 8) >= 10 * 7
    assert rules.lease_seconds(1, 1, 8) > 1


# --- destinations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "http://hooks.example.com:8080/x",
        "https://8.8.8.8/hook",
        "  https://example.com/trimmed  ",
    ],
)
def test_public_urls_are_accepted(url):
    assert rules.check_url(url, allow_private=False) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "javascript:alert(1)",
        "https://",
        "example.com/hook",
        "https://exa mple.com/",
        "http://example.com:99999/",
        "https://example.com/" + "a" * 500,
        "",
    ],
)
def test_malformed_urls_are_invalid(url):
    with pytest.raises(InvalidInput) as refused:
        rules.check_url(url, allow_private=False)
    assert (refused.value.code, refused.value.field) == ("INVALID_URL", "destination")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://localhost/",
        "http://LOCALHOST./x",
        "http://api.localhost/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://240.0.0.1/",
        "http://100.64.0.1/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://127.1/",
    ],
)
def test_private_and_reserved_addresses_are_refused_unless_allowed(url):
    with pytest.raises(InvalidInput) as refused:
        rules.check_url(url, allow_private=False)
    assert refused.value.code == "PRIVATE_ADDRESS"
    assert refused.value.message_zh and refused.value.message_en
    assert rules.check_url(url, allow_private=True) == url


def test_resolved_addresses_are_checked():
    assert rules.refused_addresses(["93.184.216.34", "2606:2800:220:1::1"]) == []
    assert rules.refused_addresses(["93.184.216.34", "10.0.0.8", "::1"]) == ["10.0.0.8", "::1"]
    assert rules.refused_addresses(["fe80::1%eth0"]) == ["fe80::1%eth0"]


@pytest.mark.parametrize("address", ["boss@example.com", "a.b+tag@mail.example.cn"])
def test_valid_email_addresses(address):
    assert rules.check_destination("email", f" {address} ", allow_private=False) == address


@pytest.mark.parametrize(
    "address", ["boss", "boss@", "@example.com", "a b@example.com", "a@b", "a..b@example.com"]
)
def test_invalid_email_addresses(address):
    with pytest.raises(InvalidInput) as refused:
        rules.check_destination("email", address, allow_private=False)
    assert (refused.value.code, refused.value.field) == ("INVALID_EMAIL", "destination")


def test_secrets_per_channel():
    with pytest.raises(InvalidInput) as missing:
        rules.check_secret("webhook", "  ")
    assert (missing.value.code, missing.value.field) == ("SECRET_REQUIRED", "secret")
    with pytest.raises(InvalidInput) as short:
        rules.check_secret("webhook", "short")
    assert short.value.code == "SECRET_TOO_SHORT"
    with pytest.raises(InvalidInput) as long:
        rules.check_secret("dingtalk", "x" * 201)
    assert long.value.code == "TOO_LONG"
    assert rules.check_secret("dingtalk", None) is None
    assert rules.check_secret("wecom", "") is None
    assert rules.check_secret("email", "ignored") is None
    assert rules.check_secret("webhook", " a-long-enough-secret ") == "a-long-enough-secret"


def test_destinations_are_shown_with_their_tokens_masked():
    url = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"
    assert rules.masked_destination("dingtalk", url).endswith("access_token=****cdef")
    assert rules.masked_destination("wecom", "https://q.example.com/send?key=abc") == (
        "https://q.example.com/send?key=****"
    )
    assert rules.masked_destination("webhook", "https://e.example.com/h") == (
        "https://e.example.com/h"
    )
    assert rules.masked_destination("email", "a@example.com") == "a@example.com"
