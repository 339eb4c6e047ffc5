"""Issue 13 items 2 and 9: query documents are capped apart from the body, their caches are
bounded by bytes, and strings the database cannot store are the client's error (G-21)."""

from __future__ import annotations

import dataclasses
import json

import httpx2
import pytest

from models.enums import Role
from server import close_app, create_app
from tests.asgi_ws import WebSocketClient
from tests.helpers import GraphQLResponse, gql, make_user, token_for, variant_client

TYPENAME = "{ __typename }"
JOB_SEARCH = "query ($s: String) { jobs(filter: {search: $s}) { totalCount } }"
CANDIDATES_SINCE = "query ($t: DateTime) { candidates(filter: {updatedSince: $t}) { totalCount } }"


def padded(size: int, tag: str = "") -> str:
    """`{ __typename }` preceded by a comment, `size` bytes in all (comments are no tokens)."""
    head = f"# {tag} "
    return head + "x" * (size - len(head) - len(TYPENAME) - 1) + "\n" + TYPENAME


async def ascii_gql(
    client: httpx2.AsyncClient, query: str, variables: dict[str, object], token: str
) -> GraphQLResponse:
    """Like `gql`, with JSON escapes for what UTF-8 cannot carry (lone surrogates)."""
    response = await client.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    return GraphQLResponse(response.status_code, response.json(), response.headers)


async def test_g21_a_document_over_its_cap_is_refused_though_the_body_fits(client):
    # when
    small = await gql(client, padded(90_000))
    large = await gql(client, padded(110_000))
    # then
    assert small.data == {"__typename": "Query"}
    assert large.data is None
    (error,) = large.errors
    assert error["extensions"] == {"code": "DOCUMENT_TOO_LARGE", "maxBytes": 100_000}


async def test_g21_a_string_literal_over_its_cap_is_bad_user_input(client):
    # given
    literal = '{ jobs(filter: {search: "%s"}) { totalCount } }' % ("a" * 20_001)
    # when
    result = await gql(client, literal)
    # then: the same text in a variable is what clients should send
    assert result.data is None
    (error,) = result.errors
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "maxLength": 20_000}


async def test_g21_distinct_documents_never_grow_the_caches_past_their_bytes(settings):
    # given
    app = create_app(dataclasses.replace(settings, document_cache_bytes=300_000))
    caches = app.state.schema.document_caches
    transport = httpx2.ASGITransport(app=app)
    try:
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as client:
            # when: 60 distinct documents of 15 KB each, then one of 50 KB
            for n in range(60):
                result = await gql(client, padded(15_000, tag=str(n)))
                assert result.data == {"__typename": "Query"}
            large = padded(50_000, tag="large")
            assert (await gql(client, large)).data == {"__typename": "Query"}
    finally:
        await close_app(app)
    # then
    assert 0 < caches.parsed.bytes <= 300_000
    assert 0 < caches.validated.bytes <= 300_000
    assert 0 < len(caches.parsed) < 60
    assert caches.parsed.get(large) is None
    assert caches.validated.get(large) is None


async def test_g21_a_repeated_document_is_served_from_the_cache(client, app):
    # given
    caches = app.state.schema.document_caches
    document = padded(2_000, tag="repeated-document")
    # when
    first = await gql(client, document)
    second = await gql(client, document)
    # then
    assert first.body == second.body == {"data": {"__typename": "Query"}}
    assert caches.parsed.get(document) is not None
    assert caches.validated.get(document) == []


@pytest.mark.parametrize(
    "text",
    ["nul\x00byte", "lone \ud800 surrogate", "trailing \udfff"],
    ids=["nul", "high-surrogate", "low-surrogate"],
)
async def test_unstorable_strings_in_variables_are_bad_user_input(db, settings, client, text):
    """Issue 13 item 9: PostgreSQL refuses NUL and surrogates; that is the client's error."""
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    # when
    in_variable = await ascii_gql(client, JOB_SEARCH, {"s": text}, token)
    in_key = await ascii_gql(client, JOB_SEARCH, {"s": "ok", text: 1}, token)
    # then
    for result in (in_variable, in_key):
        assert result.data is None
        (error,) = result.errors
        assert error["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_unstorable_strings_in_literals_are_bad_user_input(db, settings, client):
    """(graphql-core's parser already refuses lone surrogate escapes in literals.)"""
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    document = '{ jobs(filter: {search: "a\\u0000b"}) { totalCount } }'
    # when
    result = await gql(client, document, token=token)
    # then
    assert result.data is None
    (error,) = result.errors
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_a_datetime_without_timezone_is_bad_user_input(db, settings, client):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    # when
    naive = await gql(client, CANDIDATES_SINCE, {"t": "2026-01-01T00:00:00"}, token)
    aware = await gql(client, CANDIDATES_SINCE, {"t": "2026-01-01T00:00:00+02:00"}, token)
    literal = await gql(
        client,
        '{ candidates(filter: {updatedSince: "2026-01-01T00:00:00"}) { totalCount } }',
        token=token,
    )
    # then
    assert naive.data is None
    assert [e["extensions"]["code"] for e in naive.errors] == ["BAD_USER_INPUT"]
    assert [e["extensions"]["code"] for e in literal.errors] == ["BAD_USER_INPUT"]
    assert aware.errors == []
    assert aware.data == {"candidates": {"totalCount": 0}}


async def test_caps_are_settings(settings):
    # given
    async with variant_client(settings, max_document_bytes=500, max_string_literal=5) as client:
        # when
        long_document = await gql(client, padded(600))
        long_literal = await gql(client, '{ jobs(filter: {search: "abcdef"}) { totalCount } }')
    # then
    assert long_document.errors[0]["extensions"]["maxBytes"] == 500
    assert long_literal.errors[0]["extensions"]["maxLength"] == 5


@pytest.mark.parametrize("number", ["1" * 4301, "-" + "9" * 5000, "1" * 65])
async def test_an_over_long_number_literal_is_bad_user_input(client, number):
    """Python refuses to convert integers of over 4,300 digits: that was an internal error."""
    # when
    result = await gql(client, f"{{ jobs(first: {number}) {{ totalCount }} }}")
    # then
    assert result.data is None
    (error,) = result.errors
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "maxLength": 64}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (
            {
                "query": "subscription ($id: ID!) { documentUpdated(id: $id) { id } }",
                "variables": {"id": "a\x00b"},
            },
            "BAD_USER_INPUT",
        ),
        ({"query": "query A { __typename } query B { __typename }"}, "OPERATION_NAME_REQUIRED"),
    ],
    ids=["nul", "unnamed"],
)
async def test_refusals_reach_websocket_clients_as_errors(app, db, settings, payload, code):
    """The same checks over graphql-transport-ws: an `error` message, never a dead operation."""
    # given
    token = token_for(settings, await make_user(db, Role.CANDIDATE))
    async with WebSocketClient(app) as ws:
        await ws.send_json(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        )
        assert (await ws.receive_json())["type"] == "connection_ack"
        # when
        await ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        message = await ws.receive_json()
    # then
    assert message["type"] == "error"
    assert [e["extensions"]["code"] for e in message["payload"]] == [code]


async def test_apps_with_equal_limits_share_one_schema_and_its_caches(settings, tmp_path):
    """The schema is built once per set of limits, not per app (test-suite speed)."""
    # given
    apps = [
        create_app(settings),
        create_app(dataclasses.replace(settings, data_dir=tmp_path / "other")),
        create_app(dataclasses.replace(settings, max_query_depth=5)),
    ]
    try:
        # when
        schemas = [app.state.schema for app in apps]
    finally:
        for app in apps:
            await close_app(app)
    # then
    assert schemas[0] is schemas[1]
    assert schemas[2] is not schemas[0]
    assert schemas[0].document_caches is schemas[1].document_caches
