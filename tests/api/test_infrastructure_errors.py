"""Infrastructure failures (issue 15, item 7): every unexpected error is the documented JSON error
with `extensions.code` and `requestId` (G-18), and database connections that the server closed
while they sat in the pool cost no failed request."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from models.enums import Role
from models.organization import User
from tests.conftest import ON_POSTGRES
from tests.helpers import make_user, token_for, variant_client

ME = "{ me { id } }"
JOBS = "{ jobs(first: 5) { totalCount edges { node { id } } } }"
LEAKS = ("sqlite", "OperationalError", "Traceback", "missing", "x.db", "asyncpg")


def broken_database_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'x.db'}"


def assert_documented_error(response, tmp_path) -> None:
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": [
            {
                "message": "Unexpected error.",
                "extensions": {
                    "code": "INTERNAL_SERVER_ERROR",
                    "requestId": response.headers["x-request-id"],
                },
            }
        ]
    }
    for leak in (*LEAKS, str(tmp_path)):
        assert leak not in response.text


async def test_g18_a_database_failure_during_sign_in_is_the_documented_error(settings, tmp_path):
    # given: a signed-in caller, and a database that cannot be reached
    token = token_for(settings, User(id=uuid.uuid4(), email="a@example.org", role=Role.ADMIN))
    async with variant_client(settings, database_url=broken_database_url(tmp_path)) as client:
        # when: the bearer sign-in (before GraphQL runs) reads the database
        response = await client.post(
            "/graphql",
            json={"query": ME},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "sign-in-7"},
        )
    # then
    assert_documented_error(response, tmp_path)
    assert response.json()["errors"][0]["extensions"]["requestId"] == "sign-in-7"


async def test_g18_a_database_failure_in_the_download_route_is_the_documented_error(
    settings, tmp_path
):
    # given
    token = token_for(settings, User(id=uuid.uuid4(), email="a@example.org", role=Role.ADMIN))
    async with variant_client(settings, database_url=broken_database_url(tmp_path)) as client:
        # when
        response = await client.get(
            f"/documents/{uuid.uuid4()}/file", headers={"Authorization": f"Bearer {token}"}
        )
    # then
    assert_documented_error(response, tmp_path)


@pytest.mark.skipif(not ON_POSTGRES, reason="server-side connection ends need PostgreSQL")
async def test_pooled_connections_terminated_by_the_server_cost_no_failed_request(
    client, db, settings
):
    # given: a signed-in user, and several connections in the API's pool
    token = token_for(settings, await make_user(db, Role.ADMIN))
    headers = {"Authorization": f"Bearer {token}"}
    warm = await asyncio.gather(
        *(client.post("/graphql", json={"query": JOBS}, headers=headers) for _ in range(4))
    )
    assert [r.status_code for r in warm] == [200] * 4
    # when: the database server ends every connection to this database (a restart, a failover)
    killed = await terminate_other_backends(settings.database_url)
    # then: sign-in, queries and readiness are served on fresh connections, no error anywhere
    responses = [
        await client.post("/graphql", json={"query": query}, headers=headers)
        for query in (ME, JOBS, ME, JOBS)
    ]
    ready = await client.get("/readyz")
    assert killed > 0
    assert [r.status_code for r in responses] == [200] * 4
    assert [r.json().get("errors") for r in responses] == [None] * 4
    assert ready.status_code == 200


async def terminate_other_backends(database_url: str) -> int:
    """`pg_terminate_backend` on every other connection to the database; waits until gone."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            others = (
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = list((await conn.execute(text(others))).scalars())
            for pid in pids:
                await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(200):
                alive = await conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                    {"pids": pids},
                )
                if alive.scalar_one() == 0:
                    break
                await asyncio.sleep(0.05)
        return len(pids)
    finally:
        await engine.dispose()
