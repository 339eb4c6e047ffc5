"""HTTP endpoints and hardening of /graphql (security checklist G-* and H-* rows)."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

import server
from models import migrate
from models.candidate import Candidate
from models.enums import CandidateSource, Role
from tasks import names
from tests.helpers import BASE_TIME, add, gql, make_user, token_for, variant_client

# every queue an actor consumes
QUEUES = {r.queue for r in vars(names).values() if isinstance(r, names.Route)}

TYPENAME = "{ __typename }"
ANON_JOBS = "{ jobs { totalCount } }"
GET_MUTATION = 'mutation { login(email: "a@example.org", password: "pw") { __typename } }'
# depth 12: jobs edges node applications edges node job applications edges node candidate id
TOO_DEEP = """
query {
  jobs { edges { node { applications { edges { node { job { applications { edges { node {
    candidate { id }
  } } } } } } } } } }
}
"""
CYCLIC_FRAGMENTS = """
query { jobs { edges { node { ...A } } } }
fragment A on Job { id ...B }
fragment B on Job { title ...A }
"""
CANDIDATES_PAGE = """
query ($first: Int, $after: String) {
  candidates(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage }
    edges { node { id } }
  }
}
"""
TOKENS = "{ jobs(filter: {skills: [ITEMS]}) { totalCount } }"
SYNTAX_ERROR = "qwerty cop { abc }"
TYPOS = [
    # field, argument, type (fragment condition, variable), enum value (literal, variable),
    # input field, introspection field
    ("{ jobz { totalCount } }", None),
    ("{ jobs(frist: 1) { totalCount } }", None),
    ("{ jobs { edges { node { ... on Jbo { id } } } } }", None),
    ("query ($f: Strng) { jobs(after: $f) { totalCount } }", None),
    ("{ candidates(orderBy: {field: NAMEE}) { totalCount } }", None),
    (
        "query ($o: CandidateOrderInput) { candidates(orderBy: $o) { totalCount } }",
        {"o": {"field": "NAMEE"}},
    ),
    ("{ jobs(filter: {statuss: [OPEN]}) { totalCount } }", None),
    ("{ __schema { directive { name } } }", None),
]


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


def unreachable_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'x.db'}"


# --- health and readiness -----------------------------------------------------------------------


async def test_healthz_is_ok_without_sql(client):
    # when
    response = await client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-sql-statements"] == "0"


async def test_readyz_reports_head_migration(client):
    # when
    response = await client.get("/readyz")
    # then
    assert response.status_code == 200
    body = response.json()
    queues = body.pop("queues")  # messages other tests left on the in-memory broker
    assert body == {
        "status": "ok",
        "database": "ok",
        "migration": migrate.head_revision(),
        "broker": "in-memory",
    }
    assert set(queues) == QUEUES
    assert all(isinstance(depth, int) and depth >= 0 for depth in queues.values())


async def test_readyz_503_when_database_unreachable(settings, tmp_path):
    # given
    async with variant_client(settings, database_url=unreachable_url(tmp_path)) as c:
        # when
        response = await c.get("/readyz")
    # then
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


async def test_readyz_503_with_migrations_when_database_unmigrated(settings, tmp_path):
    # given
    empty = tmp_path / "empty.db"
    async with variant_client(settings, database_url=f"sqlite+aiosqlite:///{empty}") as c:
        # when
        response = await c.get("/readyz")
    # then
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "migrations": {"current": None, "head": migrate.head_revision()},
    }


# --- request id and statement count -------------------------------------------------------------


async def test_sane_request_id_is_echoed(client):
    # when
    response = await client.get("/healthz", headers={"X-Request-ID": "trace-42.abc_DEF"})
    # then
    assert response.headers["x-request-id"] == "trace-42.abc_DEF"


@pytest.mark.parametrize("incoming", ["x" * 65, "a b", "id;drop", "<script>", "ümlaut"])
async def test_insane_request_id_is_replaced(client, incoming):
    # when
    response = await client.get("/healthz", headers={"X-Request-ID": incoming.encode()})
    # then
    echoed = response.headers["x-request-id"]
    assert echoed != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", echoed)


async def test_graphql_response_has_statement_count(client):
    # when
    response = await client.post("/graphql", json={"query": ANON_JOBS})
    # then
    assert response.status_code == 200
    assert int(response.headers["x-sql-statements"]) >= 1


# --- transport: G-13, G-15, G-16, H-03 ----------------------------------------------------------


async def test_g15_get_query_works(client):
    # when
    response = await client.get("/graphql", params={"query": TYPENAME})
    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_g15_get_mutation_rejected(client):
    # when
    response = await client.get("/graphql", params={"query": GET_MUTATION})
    # then
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    assert "mutations are not allowed when using GET" in response.text
    assert response.headers["x-sql-statements"] == "0"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"query": "{ __typename }"}'),
        ("application/x-www-form-urlencoded", "query=%7B__typename%7D"),
    ],
)
async def test_g16_non_json_post_rejected(client, content_type, body):
    # when
    response = await client.post("/graphql", content=body, headers={"content-type": content_type})
    # then
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}


async def test_g13_array_batch_rejected(client):
    # when
    response = await client.post("/graphql", json=[{"query": TYPENAME}] * 10)
    # then
    assert response.status_code == 400
    assert "Batching is not enabled" in response.text


async def test_h03_malformed_json_is_400(client):
    # when
    response = await client.post(
        "/graphql", content=b'{"query": ', headers={"content-type": "application/json"}
    )
    # then
    assert response.status_code == 400


# --- validation limits: G-04 .. G-09 ------------------------------------------------------------


async def test_g05_depth_limit_rejects_before_any_sql(client):
    # when
    result = await gql(client, TOO_DEEP)
    # then
    assert result.data is None
    assert [e["message"] for e in result.errors] == [
        "'anonymous' exceeds maximum operation depth of 10"
    ]
    assert result.errors[0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert result.statements == 0


async def test_g06_cyclic_fragments_are_a_validation_error(client):
    # when
    result = await gql(client, CYCLIC_FRAGMENTS)
    # then
    assert result.status == 200
    assert result.data is None
    assert [e["message"] for e in result.errors] == [
        "Cannot spread fragment 'A' within itself via 'B'."
    ]
    assert result.errors[0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert result.statements == 0


async def test_g07_alias_limit(client):
    # when
    accepted = await gql(client, aliases(15))
    rejected = await gql(client, aliases(16))
    # then
    assert accepted.errors == []
    assert len(accepted.data) == 15
    assert rejected.data is None
    assert [e["message"] for e in rejected.errors] == ["16 aliases found. Allowed: 15"]
    assert rejected.errors[0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


async def test_g08_token_limit(client):
    # given: 16 tokens around the list plus one per item; the accepted document gets as far
    # as the resolver's own list cap
    at_limit = TOKENS.replace("ITEMS", ' "s"' * 1984)
    over_limit = TOKENS.replace("ITEMS", ' "s"' * 1985)
    # when
    accepted = await gql(client, at_limit)
    rejected = await gql(client, over_limit)
    # then
    assert [(e["message"], e["extensions"]) for e in accepted.errors] == [
        ("at most 20 values are allowed", {"code": "BAD_USER_INPUT", "field": "filter.skills"})
    ]
    assert [e["message"] for e in rejected.errors] == [
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    ]
    assert rejected.errors[0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert rejected.data is None
    assert rejected.statements == 0


async def test_g10_field_duplication_rejected(client):
    # when
    result = await gql(client, "{" + " __typename" * 500 + " }")
    # then
    assert result.data is None
    assert result.errors[0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert result.statements == 0


async def test_g09_directive_overloading_gives_one_error(client):
    # when
    over = await gql(client, "{ __typename" + " @aa" * 21 + " }")
    at_limit = await gql(client, "{ __typename" + " @aa" * 20 + " }")
    # then
    assert over.data is None
    assert over.errors == [
        {
            "message": "Document uses more than 20 directives.",
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ]
    assert over.statements == 0
    assert {e["message"] for e in at_limit.errors} == {"Unknown directive '@aa'."}


@pytest.mark.parametrize(("query", "variables"), TYPOS)
async def test_g04_no_suggestions_for_typos(client, query, variables):
    # when
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    # then
    assert response.json()["errors"]
    assert "did you mean" not in response.text.lower()


# --- pagination: G-12 ---------------------------------------------------------------------------


async def test_g12_page_size_is_capped_at_100(client, db, settings):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    rows = [
        Candidate(
            first_name=f"Bulk{i}",
            last_name="Candidate",
            email=f"bulk{i}-{uuid.uuid4().hex[:8]}@example.com",
            date_of_birth=date(1990, 1, 1),
            source=CandidateSource.DIRECT,
            created_at=BASE_TIME,
            updated_at=BASE_TIME,
        )
        for i in range(101)
    ]
    await add(db, *rows)
    # when
    result = await gql(client, CANDIDATES_PAGE, {"first": 1_000_000_000}, token=token)
    # then
    assert result.errors == []
    page = result.data["candidates"]
    assert page["totalCount"] == 101
    assert len(page["edges"]) == 100
    assert page["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize(
    ("variables", "field"), [({"first": -1}, "first"), ({"after": "garbage"}, "after")]
)
async def test_g12_g18_bad_page_arguments_are_bad_user_input(
    client, db, settings, variables, field
):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    # when
    result = await gql(client, CANDIDATES_PAGE, variables, token=token)
    # then
    assert result.data is None
    assert len(result.errors) == 1
    assert result.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert result.errors[0]["message"] != "Unexpected error."


# --- error hygiene: G-18, G-19 ------------------------------------------------------------------


async def test_g18_internal_errors_are_masked_with_request_id(settings, tmp_path):
    # given
    async with variant_client(settings, database_url=unreachable_url(tmp_path)) as c:
        # when
        response = await c.post("/graphql", json={"query": ANON_JOBS})
        traced = await c.post(
            "/graphql", json={"query": ANON_JOBS}, headers={"X-Request-ID": "client-req-7"}
        )
    # then
    assert traced.json()["errors"][0]["extensions"]["requestId"] == "client-req-7"
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": response.headers["x-request-id"],
    }
    for leak in ("sqlite", "OperationalError", "Traceback", "missing", "x.db", str(tmp_path)):
        assert leak not in response.text


@pytest.mark.parametrize(
    ("query", "message", "code"),
    [
        ("{ abc }", "Cannot query field 'abc' on type 'Query'.", "GRAPHQL_VALIDATION_FAILED"),
        (SYNTAX_ERROR, "Syntax Error: Unexpected Name 'qwerty'.", "GRAPHQL_PARSE_FAILED"),
    ],
)
async def test_g18_client_errors_keep_message_and_code(client, query, message, code):
    # when
    result = await gql(client, query)
    # then
    assert result.status == 200
    assert result.data is None
    assert [e["message"] for e in result.errors] == [message]
    assert result.errors[0]["extensions"] == {"code": code}


async def test_g19_no_tracing_extensions(client):
    # when
    response = await client.post(
        "/graphql",
        json={"query": TYPENAME},
        headers={"apollo-federation-include-trace": "ftv1"},
    )
    # then
    body = response.json()
    assert body == {"data": {"__typename": "Query"}}
    assert "tracing" not in body.get("extensions", {})


async def test_client_errors_are_not_logged_as_errors(client, caplog):
    # given: a flood of typos must not fill the error log with tracebacks
    caplog.set_level(logging.DEBUG)
    # when
    for document in ("query {", "{ jobz { id } }", "{ jobs(first: -1) { totalCount } }"):
        await gql(client, document)
    # then
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_single_process_requeues_every_unfinished_job(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: no process group
    monkeypatch.delenv(server.GROUP_ENV, raising=False)
    # when
    restart = server.group_restart()
    # then
    assert restart == server.Restart(requeues=True, before=None)


def test_only_the_first_process_of_a_group_requeues_jobs_older_than_the_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the environment `serve --workers 2` gives its processes
    started = "2026-11-22T08:00:00+00:00"
    # when
    monkeypatch.setenv(server.GROUP_ENV, f"0:{started}")
    first = server.group_restart()
    monkeypatch.setenv(server.GROUP_ENV, f"1:{started}")
    second = server.group_restart()
    # then
    assert first == server.Restart(requeues=True, before=datetime.fromisoformat(started))
    assert second.requeues is False
