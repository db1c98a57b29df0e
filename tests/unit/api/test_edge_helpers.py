"""The pieces behind CORS, ETags and persisted queries, without a database: origins in the
settings, If-None-Match matching, the gzip suffix, the persisted documents' bounds."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from starlette.staticfiles import StaticFiles
from strawberry.http import GraphQLRequestData

from api.core import persisted as persisted_module
from api.core.persisted import PersistedQueries, PersistedQueryRefusal
from api.core.web import Compression, edge_middleware, entity_tag, matches
from domain.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("http://localhost:5173", "http://localhost:5173"),
        ("HTTP://LocalHost:5173/", "http://localhost:5173"),
        ("https://crm.example.com:443", "https://crm.example.com"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        (" * ", "*"),
    ],
)
def test_origins_are_kept_as_browsers_send_them(given, kept):
    assert load_settings(cors_origins=[given]).cors_origins == [kept]


@pytest.mark.parametrize(
    "origin",
    ["localhost:5173", "http://x.example/app", "ftp://x.example", "http://u@x.example", "http:"],
)
def test_what_is_not_an_origin_stops_the_start_naming_the_variable(origin):
    with pytest.raises(SettingsError, match=r"^PACER_CORS_ORIGINS: .* is not an origin"):
        load_settings(cors_origins=[origin])


def test_origins_come_from_the_environment_as_a_json_list(monkeypatch):
    monkeypatch.setenv("PACER_CORS_ORIGINS", '["http://localhost:5173", "https://a.example"]')
    assert load_settings().cors_origins == ["http://localhost:5173", "https://a.example"]
    monkeypatch.delenv("PACER_CORS_ORIGINS")
    assert load_settings().cors_origins is None


def test_cors_middleware_only_when_origins_are_configured():
    assert [m.cls.__name__ for m in edge_middleware(load_settings())] == ["Compression"]
    configured = load_settings(cors_origins=["http://localhost:5173"])
    assert [m.cls.__name__ for m in edge_middleware(configured)] == [
        "CORSMiddleware",
        "Compression",
    ]


def test_entity_tags_are_strong_and_follow_the_bytes():
    tag = entity_tag(b'{"data": {}}')
    assert tag == entity_tag(b'{"data": {}}') != entity_tag(b'{"data": null}')
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34


@pytest.mark.parametrize(
    ("header", "matched"),
    [
        (None, False),
        ("", False),
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ("*", True),
        ('"abcd"', False),
        ('"ab"', False),
        ("abc", False),
    ],
)
def test_if_none_match_compares_weakly(header, matched):
    assert matches(header, '"abc"') is matched


async def test_static_files_behind_compression_revalidate_their_gzip_tags(tmp_path):
    (tmp_path / "app.js").write_text("console.log('pacer');\n" * 200)
    app = Compression(StaticFiles(directory=tmp_path))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        plain = await c.get("/app.js", headers={"Accept-Encoding": "identity"})
        zipped = await c.get("/app.js", headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
        for tag, encoding in (
            (zipped.headers["etag"], "gzip"),
            (plain.headers["etag"], "identity"),
        ):
            cached = await c.get(
                "/app.js", headers={"Accept-Encoding": encoding, "If-None-Match": tag}
            )
            assert cached.status_code == 304
            assert cached.headers["etag"] == tag


async def _tag_after_compression(headers: list[tuple[bytes, bytes]], body: bytes, accept: bytes):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "headers": [(b"accept-encoding", accept)]}
    await Compression(app)(scope, None, send)
    return dict(sent[0]["headers"]).get(b"etag"), dict(sent[0]["headers"]).get(b"content-encoding")


@pytest.mark.parametrize(
    ("tag", "size", "accept", "expected"),
    [
        (b'"abc"', 2000, b"gzip", (b'"abc-gzip"', b"gzip")),
        (b'W/"abc"', 2000, b"gzip", (b'W/"abc"', b"gzip")),  # a weak tag stays as it is
        (b'"abc"', 2000, b"identity", (b'"abc"', None)),
        (b'"abc"', 1000, b"gzip", (b'"abc"', None)),  # under 1 KB: not compressed
    ],
)
async def test_a_compressed_answer_gets_its_own_strong_tag(tag, size, accept, expected):
    headers = [(b"content-type", b"application/json"), (b"etag", tag)]
    assert await _tag_after_compression(headers, b"x" * size, accept) == expected


def _request(query: str | None, digest: str) -> GraphQLRequestData:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    return GraphQLRequestData(
        query=query, variables=None, operation_name=None, extensions=extensions
    )


def _sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def test_a_request_without_the_extension_passes_untouched():
    cache = PersistedQueries(size=10, longest=1000)
    data = GraphQLRequestData(query="{ a }", variables=None, operation_name=None, extensions=None)
    assert cache.resolve(data) is data
    assert cache.documents == {}


def test_documents_are_bounded_in_characters_too(monkeypatch):
    monkeypatch.setattr(persisted_module, "CACHE_CHARACTERS", 25)
    cache = PersistedQueries(size=100, longest=1000)
    for query in ("{ a: __typename }", "{ b: __typename }"):  # 17 characters each
        cache.resolve(_request(query, _sha(query)))
    assert list(cache.documents.values()) == ["{ b: __typename }"]
    assert cache.characters == 17


def test_a_document_longer_than_the_size_limit_is_never_kept():
    cache = PersistedQueries(size=100, longest=10)
    query = "{ a: __typename }"
    assert cache.resolve(_request(query, _sha(query))).query == query
    assert cache.documents == {}
    with pytest.raises(PersistedQueryRefusal) as refused:
        cache.resolve(_request(None, _sha(query)))
    assert refused.value.code == "PERSISTED_QUERY_NOT_FOUND"


def test_the_same_document_again_is_kept_once():
    cache = PersistedQueries(size=100, longest=1000)
    query = "{ a: __typename }"
    for _ in range(3):
        cache.resolve(_request(query, _sha(query).upper()))
    assert list(cache.documents) == [_sha(query)]
    assert cache.characters == len(query)
