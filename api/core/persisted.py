"""Automatic persisted queries, Apollo's protocol: a client sends only the SHA-256 of its
document in `extensions.persistedQuery` ({"version": 1, "sha256Hash": H}), over POST or GET
(`extensions` as URL-encoded JSON). An unknown H answers the error Apollo clients look for
(message `PersistedQueryNotFound`, code PERSISTED_QUERY_NOT_FOUND, HTTP 200), and they send
the document again with H: Pacer checks H against it, remembers it, and from then on H alone
is enough, until the document falls out of the worker's bounded cache.

Refusals (each a GraphQL error with `extensions.code`; the message follows Accept-Language
except where a client matches it):
- PERSISTED_QUERY_NOT_FOUND (200): H unknown and no document sent.
- PERSISTED_QUERY_NOT_SUPPORTED (200, message `PersistedQueryNotSupported`): the cache is off
  (`PACER_PERSISTED_QUERIES=0`); Apollo clients stop hashing and send documents.
- PERSISTED_QUERY_HASH_MISMATCH (400): a document came with an H that is not its SHA-256.
- PERSISTED_QUERY_VERSION_UNSUPPORTED (400): a version other than 1.
- BAD_REQUEST (400): `persistedQuery` is not an object or H is not 64 hex digits."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import OrderedDict

from strawberry.http import GraphQLRequestData
from strawberry.http.async_base_view import HTTPException  # the class strawberry raises

VERSION = 1
CACHE_CHARACTERS = 8_000_000  # all remembered documents together, at most (~8 MB a worker)
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


class PersistedQueryRefusal(HTTPException):
    """A refusal with its own code and its message in both languages."""

    def __init__(self, status_code: int, code: str, zh: str, en: str) -> None:
        super().__init__(status_code, en)
        self.code, self.zh = code, zh


def not_found() -> PersistedQueryRefusal:
    return PersistedQueryRefusal(
        200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound", "PersistedQueryNotFound"
    )


def not_supported() -> PersistedQueryRefusal:
    return PersistedQueryRefusal(
        200,
        "PERSISTED_QUERY_NOT_SUPPORTED",
        "PersistedQueryNotSupported",
        "PersistedQueryNotSupported",
    )


def malformed() -> PersistedQueryRefusal:
    return PersistedQueryRefusal(
        400,
        "BAD_REQUEST",
        "extensions.persistedQuery 必须是对象，其 sha256Hash 为 64 位十六进制的 SHA-256。",
        "extensions.persistedQuery must be an object whose sha256Hash is a SHA-256 in 64 "
        "hex digits",
    )


class PersistedQueries:
    """Documents by the SHA-256 of their text, least recently used out first, bounded in
    count (`size`) and in characters (CACHE_CHARACTERS); documents longer than `longest`
    characters are refused later by the size limit, so they are never kept."""

    def __init__(self, size: int, longest: int) -> None:
        self.size = size
        self.longest = longest
        self.documents: OrderedDict[str, str] = OrderedDict()
        self.characters = 0

    def get(self, digest: str) -> str | None:
        query = self.documents.get(digest)
        if query is not None:
            self.documents.move_to_end(digest)
        return query

    def add(self, digest: str, query: str) -> None:
        if digest in self.documents or len(query) > self.longest:
            return
        self.documents[digest] = query
        self.characters += len(query)
        while len(self.documents) > self.size or self.characters > CACHE_CHARACTERS:
            _, dropped = self.documents.popitem(last=False)
            self.characters -= len(dropped)

    def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """`data` with its document filled in from the cache (or checked and remembered)."""
        asked = (data.extensions or {}).get("persistedQuery")
        if asked is None:
            return data
        if self.size == 0:
            raise not_supported()
        if not isinstance(asked, dict):
            raise malformed()
        version = asked.get("version")
        if version != VERSION or isinstance(version, bool):
            raise PersistedQueryRefusal(
                400,
                "PERSISTED_QUERY_VERSION_UNSUPPORTED",
                f"不支持持久化查询版本 {version!r}，仅支持 1。",
                f"Unsupported persisted query version {version!r}: only 1 is",
            )
        digest = asked.get("sha256Hash")
        if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest):
            raise malformed()
        digest = digest.lower()
        if data.query is None:
            query = self.get(digest)
            if query is None:
                raise not_found()
            return dataclasses.replace(data, query=query)
        sent = hashlib.sha256(data.query.encode("utf-8", "surrogatepass")).hexdigest()
        if sent != digest:
            raise PersistedQueryRefusal(
                400,
                "PERSISTED_QUERY_HASH_MISMATCH",
                "persistedQuery 的 sha256Hash 与随附的查询不符（应为查询文本 UTF-8 编码的 "
                "SHA-256）。",
                "The persistedQuery sha256Hash does not match the query sent with it (it must "
                "be the SHA-256 of the query text in UTF-8)",
            )
        self.add(digest, data.query)
        return data
