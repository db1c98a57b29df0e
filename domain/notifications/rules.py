"""Pure rules of notifications: when a failed delivery is tried again, how long a claim
holds its rows, which destinations and secrets are acceptable, and how a destination is
shown. No I/O here: the senders resolve host names and send."""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.parse
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import InvalidInput
from domain.kernel.errors import KernelError
from domain.notifications.errors import NotificationError
from domain.notifications.models import Channel

MAX_DESTINATION = 500
MAX_SECRET = 200
MIN_SECRET = 16
BACKOFF_CAP_SECONDS = 6 * 3600

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

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


def is_refused_ip(address: IpAddress) -> bool:
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


def _standard_ip(text: str) -> IpAddress | None:
    """The address written in standard notation, its IPv6 zone (`%eth0`) left out; or None."""
    try:
        return ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None


def literal_ip(host: str) -> IpAddress | None:
    """The address when the host is an IP literal, including the old IPv4 spellings that
    resolvers accept (`127.1`, `0x7f.0.0.1`, `2130706433`)."""
    host = host.strip("[]")
    address = _standard_ip(host)
    if address is not None:
        return address
    if re.fullmatch(r"[0-9a-fA-FxX.]+", host) and re.search(r"[0-9]", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def host_is_refused(host: str) -> bool:
    """True for a host that names this machine or a non-public address without a lookup."""
    host = host.rstrip(".").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    address = literal_ip(host)
    return address is not None and is_refused_ip(address)


def refused_addresses(addresses: list[str]) -> list[str]:
    """Which of a host's resolved addresses may not be sent to."""
    return [
        text
        for text in addresses
        if (address := _standard_ip(text)) is None or is_refused_ip(address)
    ]


def _invalid_destination(code: StrEnum, zh: str, en: str) -> InvalidInput:
    return InvalidInput(code, zh, en, "destination")


def _invalid_secret(code: StrEnum, zh: str, en: str) -> InvalidInput:
    return InvalidInput(code, zh, en, "secret")


def check_url(url: str, allow_private: bool) -> str:
    """A webhook or robot URL as stored: http(s), a host, no spaces, and (unless allowed) no
    loopback or private address, whether written as an IP or as a local name."""
    url = url.strip()
    invalid = _invalid_destination(
        NotificationError.INVALID_URL,
        "请填写有效的 http(s) 地址",
        "Give a valid http:// or https:// URL",
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
        raise _invalid_destination(
            NotificationError.PRIVATE_ADDRESS,
            "不允许发送到本机、内网或保留地址",
            "Loopback, private and reserved addresses are not allowed",
        )
    return url


def check_email(address: str) -> str:
    address = address.strip()
    if len(address) > 254 or not EMAIL.match(address) or ".." in address:
        raise _invalid_destination(
            NotificationError.INVALID_EMAIL,
            "请填写有效的电子邮件地址",
            "Give a valid e-mail address",
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
            raise _invalid_secret(
                NotificationError.SECRET_REQUIRED,
                "通用 Webhook 必须设置签名密钥",
                "A generic webhook needs a signing secret",
            )
        return None
    if channel == Channel.WEBHOOK and len(secret) < MIN_SECRET:
        raise _invalid_secret(
            NotificationError.SECRET_TOO_SHORT,
            f"签名密钥至少需要 {MIN_SECRET} 个字符",
            f"The signing secret needs at least {MIN_SECRET} characters",
        )
    if len(secret) > MAX_SECRET:
        raise _invalid_secret(
            KernelError.TOO_LONG,
            f"不能超过 {MAX_SECRET} 个字符",
            f"Must be at most {MAX_SECRET} characters",
        )
    return secret


# --- showing ----------------------------------------------------------------------------


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
