"""The settings of Pacer's outside: HTTP and GraphQL limits, admission, the database pool,
notification delivery and login tokens. `domain.settings.Settings` adds the business ones."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

DEFAULT_PORTS = {"http": 80, "https": 443}


class ServerSettings(BaseSettings):
    graphiql: bool = Field(True, description="Serve the GraphiQL IDE at /graphql.")
    introspection: bool = Field(True, description="Answer introspection queries.")
    cors_origins: list[str] | None = Field(
        None,
        description="Origins whose browser pages may call the API (CORS and websockets), as a "
        'JSON list, e.g. ["http://localhost:5173"]; "*" allows any; unset: no CORS headers.',
    )
    persisted_queries: int = Field(
        1000,
        ge=0,
        le=100_000,
        description="Automatic persisted queries each worker remembers by hash (least recently "
        "used out first); 0 turns them off.",
    )
    debug: bool = Field(False, description="Show unexpected errors unmasked (never in production).")
    metrics: bool = Field(True, description="Serve Prometheus metrics at /metrics.")
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as text or as one JSON object per line."
    )
    max_query_depth: int = Field(10, ge=2, le=50, description="Deepest selection allowed.")
    max_aliases: int = Field(30, ge=1, le=1000, description="Most aliases in one document.")
    max_tokens: int = Field(5000, ge=100, le=100_000, description="Most tokens in one document.")
    max_page_size: int = Field(100, ge=1, le=10_000, description="Cap on `first` of connections.")
    max_fields: int = Field(
        1000,
        ge=10,
        le=100_000,
        description="Most field selections in one document, fragments expanded.",
    )
    max_field_merges: int = Field(
        2000,
        ge=100,
        le=1_000_000,
        description="Most comparisons of same-named fields validation may need in one document.",
    )
    max_cost: int = Field(
        2_000,
        ge=10,
        le=10_000_000,
        description="Highest query cost (connections count `first` times).",
    )
    max_document_bytes: int = Field(
        100_000, ge=1_000, le=10_000_000, description="Longest GraphQL document, in bytes."
    )
    max_body_bytes: int = Field(
        1_000_000, ge=10_000, le=100_000_000, description="Largest HTTP request body, in bytes."
    )
    keep_alive_seconds: int = Field(
        5, ge=1, le=300, description="Close an idle HTTP connection after this many seconds."
    )
    header_timeout_seconds: int = Field(
        10, ge=1, le=300, description="Close a connection whose request headers take longer."
    )
    max_connections: int = Field(
        1000, ge=1, le=100_000, description="Most concurrent connections; more answer 503."
    )
    max_in_flight: int = Field(
        20,
        ge=1,
        le=10_000,
        description="Requests one worker serves at once (at most its database connections); "
        "the next wait in line.",
    )
    max_running: int = Field(
        4,
        ge=1,
        le=10_000,
        description="Of the requests a worker serves, how many run at once; the others wait "
        "their turn in order of arrival (a request waiting on a language model gives its turn "
        "to the next).",
    )
    max_queued: int = Field(
        200, ge=0, le=100_000, description="Requests waiting in line per worker; more answer 503."
    )
    queue_seconds: float = Field(
        2.0, gt=0, le=60, description="Longest wait in line for a turn before a 503."
    )
    db_pool_size: int = Field(
        10, ge=1, le=1_000, description="Database connections each worker keeps open."
    )
    db_max_overflow: int = Field(
        15, ge=0, le=1_000, description="Extra connections a worker may open under load."
    )
    db_ping_after_idle_seconds: float = Field(
        10,
        ge=0,
        le=86_400,
        description="A connection idle in the pool this long is tested before use (0: always).",
    )
    notify_loop: bool = Field(
        True, description="Run the notification dispatcher inside `pacer serve`."
    )
    notify_interval_seconds: float = Field(
        5, gt=0, le=3600, description="How often the dispatcher loop looks for due deliveries."
    )
    notify_max_attempts: int = Field(
        8, ge=1, le=100, description="Failed attempts before a delivery becomes a dead letter."
    )
    notify_backoff_seconds: float = Field(
        30, gt=0, le=86400, description="First retry delay; doubles with every failure."
    )
    notify_timeout_seconds: float = Field(
        10, gt=0, le=300, description="How long one delivery attempt may take."
    )
    notify_allow_private: bool = Field(
        False,
        description="Allow webhook URLs on loopback and private addresses (tests, intranets).",
    )
    smtp_host: str | None = Field(None, description="SMTP server for e-mail notifications.")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port.")
    smtp_sender: str = Field("pacer@localhost", description="From address of notifications.")
    smtp_user: str | None = Field(None, description="SMTP login, if the server needs one.")
    smtp_password: str | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    jwt_hs256_secret: str | None = Field(None, description="Shared secret for HS256 JWTs.")
    jwt_public_key_file: Path | None = Field(None, description="PEM public key for RS256 JWTs.")
    jwt_jwks_file: Path | None = Field(None, description="JWKS file with RS256 keys.")
    jwt_audience: str | None = Field(None, description="Required `aud` claim, if set.")
    jwt_issuer: str | None = Field(None, description="Required `iss` claim, if set.")
    jwt_user_claim: str = Field("sub", description="Claim holding the Pacer user's login.")

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        return [_origin(entry) for entry in value]

    @field_validator("jwt_public_key_file", "jwt_jwks_file")
    @classmethod
    def _key_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"file {str(value)!r} does not exist")
        return value


def _origin(entry: str) -> str:
    """An origin as browsers send it (scheme and host lowercased, default port left out), or
    "*"; a path other than "/", a query, a fragment or a login is refused."""
    text = entry.strip()
    if text == "*":
        return text
    refused = ValueError(f"{entry!r} is not an origin like http://localhost:5173")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise refused from None
    if (
        parts.scheme.lower() not in DEFAULT_PORTS
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise refused
    scheme, host = parts.scheme.lower(), parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return f"{scheme}://{host}"
