"""Sending one claimed delivery: over HTTP to a webhook or robot (after checking that the
host does not resolve to a private address), or over SMTP. Whatever the destination does
comes back as the reason it failed, never as an exception."""

from __future__ import annotations

import asyncio
import email.message
import email.utils
import logging
import smtplib
import socket
import ssl
import urllib.parse
from datetime import datetime

import httpx

from domain.errors import DomainError
from domain.notifications import rules
from domain.notifications.channel_requests import (
    EmailMessage,
    HttpRequest,
    build_request,
    robot_error,
)
from domain.notifications.leases import Job
from domain.settings import Settings

log = logging.getLogger("pacer.notify")


def new_client(settings: Settings, concurrency: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=settings.notify_timeout_seconds,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=concurrency),
    )


async def check_resolves_public(host: str, port: int) -> str | None:
    """Why `host` may not be sent to (it is, or resolves to, a private address), or None."""
    if rules.host_is_refused(host):
        return f"refused: {host} is a loopback, private or reserved address"
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"DNS lookup of {host} failed: {exc}"
    addresses = sorted({str(info[4][0]) for info in infos})
    refused = rules.refused_addresses(addresses)
    if refused:
        return f"refused: {host} resolves to the private or reserved address {refused[0]}"
    return None


async def send_http(
    request: HttpRequest, channel: str, client: httpx.AsyncClient, settings: Settings
) -> str | None:
    parts = urllib.parse.urlsplit(request.url)
    if not settings.notify_allow_private:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        refusal = await check_resolves_public(parts.hostname or "", port)
        if refusal:
            return refusal
    response = await client.post(request.url, content=request.body, headers=request.headers)
    if not 200 <= response.status_code < 300:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    return robot_error(channel, response.content)


def _send_email_sync(message: EmailMessage, settings: Settings, host: str) -> None:
    mail = email.message.EmailMessage()
    mail["From"] = settings.smtp_sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(usegmt=True)
    for name, value in message.headers.items():
        mail[name] = value
    mail.set_content(message.body)
    timeout = settings.notify_timeout_seconds
    if settings.smtp_port == 465:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, 465, timeout=timeout)
    else:
        smtp = smtplib.SMTP(host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_starttls and settings.smtp_port != 465:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(mail)


async def send_email(message: EmailMessage, settings: Settings) -> str | None:
    host = settings.smtp_host
    if not host:
        return "e-mail is not configured: set PACER_SMTP_HOST"
    await asyncio.to_thread(_send_email_sync, message, settings, host)
    return None


async def send(
    job: Job, client: httpx.AsyncClient, settings: Settings, now: datetime
) -> str | None:
    """Send one delivery; None when the destination accepted it, else why not. Never raises
    (but for cancellation)."""
    timeout = settings.notify_timeout_seconds
    try:
        rules.check_destination(job.channel, job.destination, settings.notify_allow_private)
        request = build_request(
            channel=job.channel,
            destination=job.destination,
            secret=job.secret,
            language=job.language,
            kind=job.kind,
            payload=job.payload,
            event_id=job.event_id,
            idempotency_key=job.idempotency_key,
            now=now,
        )
        async with asyncio.timeout(timeout):
            if isinstance(request, EmailMessage):
                return await send_email(request, settings)
            return await send_http(request, job.channel, client, settings)
    except DomainError as exc:
        return f"{exc.code}: {exc.message_en}"
    except TimeoutError:
        return f"timed out after {timeout:g} s"
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {str(exc) or 'no answer'}"
    except (OSError, smtplib.SMTPException) as exc:
        return f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a destination must never stop the dispatcher
        log.exception("delivery %s: unexpected error while sending", job.delivery_id)
        return f"unexpected {type(exc).__name__}: {exc}"
