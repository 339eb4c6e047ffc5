"""Automatic persisted queries (Apollo's protocol) and the trusted-documents mode."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from models.settings import Settings
from schema.persisted import PersistedQueries, load_manifest
from tests.helpers import variant_client

QUERY = "query OpenJobs { jobs(first: 1) { totalCount } }"
OTHER = "query Me { me { email } }"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text: str, *, with_query: bool) -> dict:
    body: dict = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest(text)}}}
    if with_query:
        body["query"] = text
    return body


async def test_an_unknown_hash_asks_for_the_query_then_the_hash_alone_runs(client):
    # when
    first = await client.post("/graphql", json=persisted(QUERY, with_query=False))
    registered = await client.post("/graphql", json=persisted(QUERY, with_query=True))
    by_hash = await client.post("/graphql", json=persisted(QUERY, with_query=False))
    by_get = await client.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(QUERY, with_query=False)["extensions"])},
    )
    # then
    assert first.status_code == 200
    assert first.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert first.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert registered.json() == {"data": {"jobs": {"totalCount": 0}}}
    assert by_hash.json() == registered.json()
    assert by_get.json() == registered.json()


async def test_the_graphql_response_media_type_gets_a_4xx_for_an_unknown_hash(client):
    # when
    response = await client.post(
        "/graphql",
        json=persisted(OTHER, with_query=False),
        headers={"Accept": "application/graphql-response+json"},
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    ("extension", "code"),
    [
        ({"version": 1, "sha256Hash": digest(OTHER)}, "PERSISTED_QUERY_HASH_MISMATCH"),
        ({"version": 2, "sha256Hash": digest(QUERY)}, "BAD_REQUEST"),
        ({"version": 1, "sha256Hash": "abc"}, "BAD_REQUEST"),
        ("yes", "BAD_REQUEST"),
    ],
)
async def test_malformed_persisted_queries_are_400(client, extension, code):
    # when
    response = await client.post(
        "/graphql", json={"query": QUERY, "extensions": {"persistedQuery": extension}}
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_trusted_documents_mode_runs_only_the_manifest(settings, tmp_path):
    # given
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": digest(QUERY), "name": "OpenJobs", "type": "query", "body": QUERY}
                ],
            }
        )
    )
    async with variant_client(
        settings, trusted_documents_only=True, trusted_documents_manifest=manifest
    ) as client:
        # when
        by_hash = await client.post("/graphql", json=persisted(QUERY, with_query=False))
        by_text = await client.post("/graphql", json={"query": QUERY})
        free_form = await client.post("/graphql", json={"query": OTHER})
        unknown = await client.post("/graphql", json=persisted(OTHER, with_query=True))
    # then
    assert by_hash.json() == {"data": {"jobs": {"totalCount": 0}}}
    assert by_text.json() == by_hash.json()
    for refused in (free_form, unknown):
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"


def test_the_registry_is_bounded_by_bytes():
    # given
    registry = PersistedQueries(max_bytes=10_000, max_document=2_000)
    # when: 100 distinct documents of about 1 KB
    for n in range(100):
        text = f"query Q{n} {{ jobs {{ totalCount }} }} # {'x' * 1000}"
        registry.resolve(persisted(text, with_query=True), 200)
    # then
    assert registry.cached_bytes <= 10_000
    newest = f"query Q99 {{ jobs {{ totalCount }} }} # {'x' * 1000}"
    assert registry.resolve(persisted(newest, with_query=False), 200)["query"] == newest


def test_a_manifest_entry_must_be_the_hash_of_its_document(tmp_path):
    # given
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({digest(OTHER): QUERY}))
    # when / then
    with pytest.raises(ValueError, match="is not the SHA-256"):
        load_manifest(manifest)


def test_trusted_mode_needs_a_manifest(tmp_path):
    # when / then
    with pytest.raises(ValueError, match="TRUSTED_DOCUMENTS_MANIFEST"):
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/{uuid.uuid4().hex}.db",
            jwt_secret="s" * 40,
            trusted_documents_only=True,
        )
