"""GraphQL over HTTP (H-03, H-05, G-15, G-16) and malformed requests (issue 13, items 8, 9).

Every request the server cannot read is a 4xx with a JSON error body, never a 500; the
media type the client accepts decides the status of GraphQL errors.
"""

from __future__ import annotations

import json

import pytest

from tests.api.test_cv_upload import UPLOAD_CV

TYPENAME = "{ __typename }"
JSON = {"content-type": "application/json"}
GRAPHQL_RESPONSE = "application/graphql-response+json"
SUBSCRIPTION = 'subscription { documentUpdated(id: "00000000-0000-0000-0000-000000000000") { id } }'
TWO_OPERATIONS = "query A { __typename } mutation B { __typename }"
DEEP = b"[" * 1000 + b"]" * 1000
HUGE_INT = b"9" * 4301

MALFORMED_BODIES = {
    "invalid UTF-8": b'{"query": "{ __typename }", "x": "\xff\xfe"}',
    "null": b"null",
    "a number": b"1",
    "a string": b'"x"',
    "a list (batching is off)": b'[{"query": "{ __typename }"}]',
    "an empty list": b"[]",
    "nesting depth 1000": b'{"query": "{ __typename }", "variables": {"a": ' + DEEP + b"}}",
    "nesting depth 100000": b"[" * 100_000 + b"]" * 100_000,
    "an integer over 4300 digits": b'{"query": "{ __typename }", "variables": {"a": '
    + HUGE_INT
    + b"}}",
    "NaN": b'{"query": "{ __typename }", "variables": {"a": NaN}}',
    "operationName a number": b'{"query": "{ __typename }", "operationName": 5}',
    "query a list": b'{"query": ["{ __typename }"]}',
    "variables a list": b'{"query": "{ __typename }", "variables": [1]}',
    "extensions a string": b'{"query": "{ __typename }", "extensions": "x"}',
    "no body": b"",
}


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR"
    assert "Traceback" not in response.text
    return error


@pytest.mark.parametrize("case", sorted(MALFORMED_BODIES))
async def test_h03_malformed_json_bodies_are_400_with_a_json_error(client, case):
    # when
    response = await client.post("/graphql", content=MALFORMED_BODIES[case], headers=JSON)
    # then
    error = assert_json_error(response, 400)
    assert error["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("variables", "[" * 1000 + "]" * 1000),
        ("variables", "null x"),
        ("variables", "1"),
        ("variables", '"x"'),
        ("variables", "9" * 4301),
        ("extensions", "9" * 4301),
        ("extensions", "[" * 1000 + "]" * 1000),
    ],
)
async def test_h03_malformed_get_parameters_are_400_with_a_json_error(client, name, value):
    # when
    response = await client.get("/graphql", params={"query": TYPENAME, name: value})
    # then
    error = assert_json_error(response, 400)
    assert error["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("operations", "files_map"),
    [
        ("null", '{"0": ["variables.file"]}'),
        ("[" * 1000 + "]" * 1000, '{"0": ["variables.file"]}'),
        ('{"query": "x", "variables": {"file": null, "n": ' + "9" * 4301 + "}}", "{}"),
        (json.dumps({"query": UPLOAD_CV, "variables": {"file": None}}), "[" * 1000 + "]" * 1000),
        (json.dumps({"query": UPLOAD_CV, "variables": {"file": None}}), "9" * 4301),
    ],
    ids=["operations-null", "operations-deep", "operations-huge-int", "map-deep", "map-huge"],
)
async def test_u03_malformed_multipart_json_is_400_with_a_json_error(client, operations, files_map):
    # when
    response = await client.post(
        "/graphql",
        data={"operations": operations, "map": files_map},
        files={"0": ("cv.pdf", b"%PDF-1.4", "application/pdf")},
        headers={"GraphQL-Require-Preflight": "1"},
    )
    # then
    assert_json_error(response, 400)


async def test_a_subscription_over_http_is_400(client):
    """Issue 13 item 9: it used to run and fail as an internal error."""
    # when
    post = await client.post("/graphql", json={"query": SUBSCRIPTION})
    get = await client.get("/graphql", params={"query": SUBSCRIPTION})
    # then
    for response in (post, get):
        error = assert_json_error(response, 400)
        assert "WebSocket" in error["message"]


async def test_several_operations_without_a_name_are_400_not_the_first_one(client):
    # when
    unnamed = await client.post("/graphql", json={"query": TWO_OPERATIONS})
    named = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "A"})
    # then
    error = assert_json_error(unnamed, 400)
    assert error["extensions"]["code"] == "OPERATION_NAME_REQUIRED"
    assert "data" not in unnamed.json()
    assert named.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/graphql"],
)
async def test_g16_unsupported_request_types_are_415(client, content_type):
    # given
    headers = {"content-type": content_type} if content_type else {}
    # when
    body = b'{"query": "{ __typename }"}'
    response = await client.post("/graphql", content=body, headers=headers)
    # then
    error = assert_json_error(response, 415)
    assert error["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_g15_a_get_mutation_is_405_with_allow(client):
    # when
    response = await client.get(
        "/graphql",
        params={"query": "mutation { __typename }"},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    # then
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("accept", ["text/xml", "text/html", "application/xml, image/png"])
async def test_h05_unsupported_accept_is_406(client, accept):
    # when
    response = await client.post("/graphql", json={"query": TYPENAME}, headers={"accept": accept})
    # then
    error = assert_json_error(response, 406)
    assert error["extensions"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"application/json;q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
    ],
)
async def test_h05_the_response_has_the_media_type_the_client_prefers(client, accept, media_type):
    # when
    response = await client.post("/graphql", json={"query": TYPENAME}, headers={"accept": accept})
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "document",
    ["{", "{ noSuchField }", "query ($n: Int!) { jobs(first: $n) { totalCount } }"],
    ids=["parse", "validation", "missing-variable"],
)
async def test_h03_graphql_response_json_makes_request_errors_400_without_data(client, document):
    # when
    strict = await client.post(
        "/graphql", json={"query": document}, headers={"accept": GRAPHQL_RESPONSE}
    )
    legacy = await client.post(
        "/graphql", json={"query": document}, headers={"accept": "application/json"}
    )
    # then: application/json keeps answering 200 with errors, as existing clients expect
    assert strict.status_code == 400
    assert strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in strict.json()
    assert strict.json()["errors"]
    assert legacy.status_code == 200
    assert legacy.json()["errors"]


async def test_h03_explicit_application_json_gets_request_errors_as_400(client):
    """graphql-http 1.23 audits BCF8 and 476x: 400 for requests it cannot read."""
    # when
    unreadable = await client.post(
        "/graphql", content=b'{ "not a JSON', headers={**JSON, "accept": "application/json"}
    )
    typo = await client.post(
        "/graphql", json={"qeury": TYPENAME}, headers={"accept": "application/json"}
    )
    # then
    for response in (unreadable, typo):
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
