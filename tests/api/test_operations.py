"""Compression, readiness with the broker and Redis, and GraphiQL's first tab."""

from __future__ import annotations

import os

import pytest

from models.enums import OrganizationKind
from tasks import names
from tests import pdfs
from tests.api.test_cv_upload import candidate_user, upload
from tests.helpers import gql, make_job, make_org, variant_client

# every queue an actor consumes
QUEUES = {r.queue for r in vars(names).values() if isinstance(r, names.Route)}

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
JOBS = "query Jobs { jobs(first: 50) { edges { node { id title description location } } } }"
SMALL = "query Tiny { __typename }"
DOWNLOAD_PATH = "query($id: ID!) { document(id: $id) { downloadPath } }"
HTML = {"Accept": "text/html"}


async def test_large_responses_are_gzipped_when_the_client_accepts_it(client, db):
    # given: a page of jobs well over 1 KB
    org = await make_org(db, OrganizationKind.EMPLOYER)
    for _ in range(20):
        await make_job(db, org, description="Build and run things. " * 10)
    body = {"query": JOBS}
    # when
    zipped = await client.post("/graphql", json=body, headers={"Accept-Encoding": "gzip"})
    plain = await client.post("/graphql", json=body, headers={"Accept-Encoding": "identity"})
    small = await client.post(
        "/graphql", json={"query": SMALL}, headers={"Accept-Encoding": "gzip"}
    )
    # then
    assert zipped.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(plain.content)
    assert len(zipped.json()["data"]["jobs"]["edges"]) == 20  # decoded by the client
    assert zipped.headers["x-request-id"]  # the request headers survive compression
    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in small.headers  # under 1 KB


async def test_a_downloaded_cv_keeps_its_headers_and_is_not_recompressed(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    data = pdfs.simple_cv_pdf()
    result = await upload(client, token, data, mode="SUGGEST")
    path = (await gql(client, DOWNLOAD_PATH, {"id": result["document"]["id"]}, token)).data
    # when
    response = await client.get(
        path["document"]["downloadPath"],
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
    )
    # then
    assert len(data) > 1024
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content == data


async def test_readyz_reports_redis_down_as_degraded_but_stays_ready(settings):
    # given: nothing listens on port 1
    async with variant_client(settings, redis_url="redis://127.0.0.1:1/0") as client:
        # when
        response = await client.get("/readyz")
    # then: reads are still served without Redis, so the process stays in rotation
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["redis"] == "unreachable"
    assert body["broker"] == "in-memory"


async def test_readyz_reports_redis_ok_and_the_queue_depths(settings):
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    # given
    async with variant_client(settings, redis_url=TEST_REDIS_URL) as client:
        # when
        response = await client.get("/readyz")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["redis"] == "ok"
    assert set(body["queues"]) == QUEUES


async def test_graphiql_opens_on_a_sign_in_tab_with_demo_variables(settings):
    # given
    async with variant_client(settings, graphiql=True, seed_demo=True) as client:
        # when
        page = await client.get("/graphql", headers=HTML)
    # then
    assert page.status_code == 200
    assert "mutation SignIn($email: String!, $password: String!)" in page.text
    assert "query OpenJobs" in page.text
    assert "recruiter@example.com" in page.text
    assert '\\"password\\": \\"talentgraph\\"' in page.text
    assert "parameters.variables || DEFAULT_VARIABLES" in page.text
    assert "Welcome to GraphiQL" not in page.text


async def test_graphiql_never_shows_a_password_an_operator_chose(settings):
    # given
    secret = "operator-chosen-demo-password"
    async with variant_client(
        settings, graphiql=True, seed_demo=True, demo_password=secret
    ) as client:
        # when
        page = await client.get("/graphql", headers=HTML)
    # then
    assert page.status_code == 200
    assert secret not in page.text
    assert "your password" in page.text


async def test_first_tab_operations_run_against_the_schema(client):
    # given: the tab's sign-in with an unknown account
    from schema.view import FIRST_TAB

    # when
    signin = await client.post(
        "/graphql",
        json={
            "query": FIRST_TAB,
            "operationName": "SignIn",
            "variables": {"email": "nobody@example.com", "password": "whatever-it-is"},
        },
    )
    jobs = await client.post("/graphql", json={"query": FIRST_TAB, "operationName": "OpenJobs"})
    # then
    assert signin.json()["data"]["login"]["__typename"] == "InvalidCredentials"
    assert jobs.json()["data"]["jobs"]["totalCount"] == 0
