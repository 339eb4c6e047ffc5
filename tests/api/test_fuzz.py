"""A bounded, seeded fuzz of the /graphql endpoint (issue 13): malformed bodies, hostile
documents and hostile variables through the real ASGI app, as anonymous and as an admin.

Nothing may answer 5xx, report an internal error, or show internals (tracebacks, file
paths, SQL) in its body. The seed is fixed, so a failure reproduces; the case is printed.
"""

from __future__ import annotations

import json
import random
from typing import Any

import httpx2
import pytest

from models.enums import Role
from tests.helpers import make_candidate, make_user, token_for, variant_client

SEED = 1313
REQUESTS = 2_000
MAX_URL = 60_000  # the test client's limit on a URL (percent-encoding may triple a character)
INTERNALS = (
    "Traceback",
    'File "',
    "/work/",
    "site-packages",
    ".py:",
    "sqlalchemy",
    "asyncpg",
    "sqlite3",
    "SELECT ",
    "INTERNAL_SERVER_ERROR",
)
FIELDS = (
    "__typename",
    "id",
    "firstName",
    "lastName",
    "email",
    "headline",
    "totalCount",
    "title",
    "name",
    "edges { node { id } }",
    "pageInfo { hasNextPage endCursor }",
)
ROOTS = (
    "candidates(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node "
    "{ id firstName skills { name } } } }",
    "jobs(first: $first, after: $after, filter: $jfilter) { totalCount edges { node { title } } }",
    "skills(search: $search, first: $first) { name }",
    "auditLog(first: $first, after: $after) { edges { node { id } } }",
    "candidate(id: $id) { id firstName }",
    "__typename",
)
VARIABLES = (
    "$first: Int, $after: String, $filter: CandidateFilterInput, $jfilter: JobFilterInput, "
    "$search: String, $id: ID!"
)
ODD_TEXT = (
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\ufeff",
    "e\u0301" * 50,
    "\U0001f600" * 10,
    "'; DROP TABLE candidates; --",
    "%_\\",
    "a" * 300,
    "a" * 25_000,
    "\n\t\r",
    "",
)


def odd_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(12 if depth < 4 else 8)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 1, 100, 101, 2**31, 2**63, -(2**63) - 1, 10**40])
    if kind == 3:
        return rng.choice([0.5, 1e308, -0.0, 100.0, 1e-300])
    if kind in (4, 5, 6, 7):
        return rng.choice(ODD_TEXT) + rng.choice(["", "2026-01-01", "2026-01-01T00:00:00"])
    if kind in (8, 9):
        return [odd_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["search", "location", "skills", "updatedSince", "source", "status", "x\x00"]
    return {rng.choice(keys): odd_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def hostile_variables(rng: random.Random) -> dict[str, Any]:
    names = ["first", "after", "filter", "jfilter", "search", "id", "extra"]
    return {rng.choice(names): odd_value(rng) for _ in range(rng.randrange(1, 5))}


def hostile_document(rng: random.Random) -> str:
    kind = rng.randrange(9)
    if kind == 0:  # deep nesting
        depth = rng.randrange(5, 400)
        return "{" + "candidates { edges { node { " * depth + "id" + " } } }" * depth + "}"
    if kind == 1:  # fragments spreading each other twice
        levels = rng.randrange(2, 60)
        spreads = " ".join(
            f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
        )
        return f"query {{ ...F0 }} {spreads} fragment F{levels} on Query {{ __typename }}"
    if kind == 2:  # a long or odd string literal
        text = rng.choice(ODD_TEXT).replace("\\", "\\\\").replace('"', '\\"')
        escaped = json.dumps(text)[1:-1]
        return f'{{ skills(search: "{escaped}") {{ name }} }}'
    if kind == 3:  # huge numbers
        number = rng.choice(["9" * 30, "-" + "9" * 5000, "1e400", "0x10", "1" * 4301])
        return f"{{ candidates(first: {number}) {{ totalCount }} }}"
    if kind == 4:  # many aliases and directives
        count = rng.randrange(1, 300)
        return "{" + " ".join(f"a{i}: __typename @skip(if: false)" for i in range(count)) + "}"
    if kind == 5:  # random tokens
        tokens = ["{", "}", "(", ")", ":", "...", "$", "@", "query", "on", "fragment", '"', "#"]
        return " ".join(rng.choice(tokens + list(FIELDS)) for _ in range(rng.randrange(1, 60)))
    if kind == 6:  # operations with variables used every way
        root = rng.choice(ROOTS)
        return f"query Q({VARIABLES}) {{ {root} }}"
    if kind == 7:  # several operations, maybe a subscription
        return rng.choice(
            [
                "query A { __typename } query B { __typename }",
                'subscription { documentUpdated(id: "x") { id } }',
                "mutation { __typename }",
            ]
        )
    return "{ " + " ".join(rng.choice(FIELDS) for _ in range(rng.randrange(1, 30))) + " }"


def malformed_body(rng: random.Random) -> bytes:
    kind = rng.randrange(9)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
    if kind == 1:
        return rng.choice([b"null", b"1", b'"x"', b"[]", b"true", b"{}", b""])
    if kind == 2:
        depth = rng.randrange(10, 5000)
        return (
            b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * depth + b"]" * depth + b"}}"
        )
    if kind == 3:
        return (
            b'{"query": "{ __typename }", "variables": {"n": '
            + b"7" * rng.randrange(4000, 9000)
            + b"}}"
        )
    if kind == 4:
        return b'{"query": "{ __typename }", "x": "\xc3\x28\xff"}'
    if kind == 5:
        body = json.dumps({"query": hostile_document(rng)}).encode()
        return body[: rng.randrange(len(body) + 1)]
    if kind == 6:
        return json.dumps([{"query": "{ __typename }"}] * rng.randrange(1, 4)).encode()
    if kind == 7:
        return json.dumps({"query": odd_value(rng), "variables": odd_value(rng)}).encode()
    return b'{"query": "{ __typename }", "variables": {"a": NaN, "b": Infinity}}'


def request_case(rng: random.Random) -> dict[str, Any]:
    """One request: method, headers and body or parameters."""
    headers = {"content-type": "application/json"}
    if rng.random() < 0.3:
        headers["accept"] = rng.choice(
            ["application/graphql-response+json", "application/json", "*/*", "text/html", "x/y"]
        )
    kind = rng.randrange(10)
    if kind < 3:
        return {"method": "POST", "headers": headers, "content": malformed_body(rng)}
    if kind < 7:
        body = {"query": hostile_document(rng), "variables": hostile_variables(rng)}
        if rng.random() < 0.2:
            body["operationName"] = rng.choice(["Q", "A", None, 7, "\x00"])
        return {"method": "POST", "headers": headers, "content": json.dumps(body).encode()}
    if kind < 9:
        params = {"query": hostile_document(rng)}
        if rng.random() < 0.5:
            params["variables"] = rng.choice(
                [json.dumps(hostile_variables(rng)), "{", "[" * 3000, "9" * 5000, "null"]
            )
        if sum(len(value) for value in params.values()) * 3 < MAX_URL:
            return {"method": "GET", "headers": headers, "params": params}
        return {"method": "POST", "headers": headers, "content": json.dumps(params).encode()}
    headers["content-type"] = rng.choice(
        ["text/plain", "multipart/form-data; boundary=x", "application/graphql", ""]
    )
    return {"method": "POST", "headers": headers, "content": malformed_body(rng)}


async def send(client: httpx2.AsyncClient, case: dict[str, Any], token: str | None) -> Any:
    headers = dict(case["headers"])
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    if "params" in case:
        return await client.get("/graphql", params=case["params"], headers=headers)
    return await client.post("/graphql", content=case["content"], headers=headers)


def describe(case: dict[str, Any]) -> str:
    return repr(case)[:600]


@pytest.mark.parametrize("seed", [SEED])
async def test_fuzz_no_5xx_and_no_internals(db, settings, seed: int) -> None:
    # given
    rng = random.Random(seed)
    admin = token_for(settings, await make_user(db, Role.ADMIN))
    await make_candidate(db)
    failures: list[str] = []

    def check(response: Any, case: dict[str, Any]) -> None:
        text = response.text
        if response.status_code >= 500:
            failures.append(f"{response.status_code}: {describe(case)} -> {text[:300]}")
        leaked = [marker for marker in INTERNALS if marker in text]
        if leaked:
            failures.append(f"leaked {leaked}: {describe(case)} -> {text[:300]}")

    async with variant_client(
        settings, rate_limit_anonymous=1_000_000, rate_limit_user=1_000_000
    ) as client:
        # when
        for _ in range(REQUESTS):
            case = request_case(rng)
            response = await send(client, case, admin if rng.random() < 0.5 else None)
            check(response, case)
    # then
    assert failures == []
