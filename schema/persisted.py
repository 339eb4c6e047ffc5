"""Persisted queries: the automatic protocol clients already speak, and trusted documents.

Automatic persisted queries (Apollo's APQ): a client sends `extensions.persistedQuery
{version: 1, sha256Hash}` without the query; a known hash runs its document, an unknown one
answers `PERSISTED_QUERY_NOT_FOUND` and the client sends the query with the hash once, which
registers it. The registry is per process and bounded by bytes (a client cannot pin memory by
registering many documents); with several processes a client may register once per process.

Trusted documents (`TRUSTED_DOCUMENTS_ONLY=true` with `TRUSTED_DOCUMENTS_MANIFEST`): only the
documents of the manifest run, by hash or by their exact text; anything else is refused. The
manifest is a JSON object of hash -> document, or Apollo's persisted query manifest
(`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}, ...]}`).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from schema.http import RequestError

SHA256 = re.compile(r"^[0-9a-f]{64}$")
NOT_FOUND = "PersistedQueryNotFound"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """hash -> document from a manifest file; each hash must be the document's SHA-256."""
    data = json.loads(path.read_text())
    if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
        pairs = [(str(op["id"]), str(op["body"])) for op in data.get("operations", [])]
    elif isinstance(data, dict):
        pairs = [(str(k), str(v)) for k, v in data.items()]
    else:
        raise ValueError(f"{path}: a manifest is a JSON object")
    documents: dict[str, str] = {}
    for digest, body in pairs:
        if sha256(body) != digest.lower():
            raise ValueError(f"{path}: {digest} is not the SHA-256 of its document")
        documents[digest.lower()] = body
    return documents


class PersistedQueries:
    """The registry of one API process."""

    def __init__(
        self, *, max_bytes: int, trusted: dict[str, str] | None = None, max_document: int
    ) -> None:
        self.max_bytes = max_bytes
        self.max_document = max_document
        self.trusted = trusted  # None: automatic registration; else only these documents
        self._lock = threading.Lock()
        self._documents: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0

    @property
    def cached_bytes(self) -> int:
        return self._bytes

    def _get(self, digest: str) -> str | None:
        if self.trusted is not None:
            return self.trusted.get(digest)
        with self._lock:
            found = self._documents.get(digest)
            if found is not None:
                self._documents.move_to_end(digest)
            return found

    def _put(self, digest: str, query: str) -> None:
        size = len(query.encode())
        if size > self.max_document or size > self.max_bytes:
            return  # such documents are simply sent in full every time
        with self._lock:
            if digest in self._documents:
                return
            self._documents[digest] = query
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._documents.popitem(last=False)
                self._bytes -= len(dropped.encode())

    def resolve(self, fields: dict[str, Any], not_found_status: int) -> dict[str, Any]:
        """The request's fields with `query` filled in from the registry when it was left out.

        Raises:
            RequestError: an unknown hash (`PERSISTED_QUERY_NOT_FOUND`, with
                `not_found_status`), a hash that is not the query's, a malformed
                `persistedQuery`, or in trusted mode any document outside the manifest.
        """
        extensions = fields.get("extensions") or {}
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        query = fields.get("query")
        if persisted is None:
            if self.trusted is not None and query is not None and sha256(query) not in self.trusted:
                raise RequestError(
                    400, "Only trusted documents run here", code="PERSISTED_QUERY_REQUIRED"
                )
            return fields
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise RequestError(400, "persistedQuery must be {version: 1, sha256Hash}")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not SHA256.match(digest.lower()):
            raise RequestError(400, "persistedQuery.sha256Hash must be 64 hexadecimal digits")
        digest = digest.lower()
        if query is not None:
            if sha256(query) != digest:
                raise RequestError(
                    400,
                    "persistedQuery.sha256Hash is not the SHA-256 of the query",
                    code="PERSISTED_QUERY_HASH_MISMATCH",
                )
            if self.trusted is not None:
                if digest not in self.trusted:
                    raise RequestError(
                        400, "Only trusted documents run here", code="PERSISTED_QUERY_REQUIRED"
                    )
                return fields
            self._put(digest, query)
            return fields
        found = self._get(digest)
        if found is None:
            raise RequestError(not_found_status, NOT_FOUND, code="PERSISTED_QUERY_NOT_FOUND")
        return {**fields, "query": found}
