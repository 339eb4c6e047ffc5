"""`/metrics`: Prometheus text with request, rate-limit and shared job gauges, behind a token."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from models.enums import DocumentStatus, OrganizationKind, Role
from tests import pdfs
from tests.api.test_cv_processing import finished
from tests.api.test_cv_processing import worker as cv_worker  # noqa: F401 - a fixture
from tests.api.test_cv_upload import candidate_user, upload
from tests.helpers import (
    add,
    gql,
    make_candidate,
    make_document_row,
    make_org,
    make_user,
    token_for,
    variant_client,
)

NAMED = "query OpenJobCount { jobs { totalCount } }"
ANONYMOUS = "{ jobs { totalCount } }"
BROKEN = "query Broken { jobz }"
ME = "query WhoAmI { me { email } }"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


async def scrape(client, token: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_requests_are_counted_by_operation_and_outcome_with_latency_and_statements(client):
    # given
    before = await scrape(client)
    # when
    for _ in range(2):
        assert (await gql(client, NAMED)).status == 200
    broken = await gql(client, BROKEN)
    after = await scrape(client)
    # then
    assert broken.status == 200 and broken.errors
    ok = "talentgraph_graphql_requests_total"
    assert (
        sample(after, ok, operation="OpenJobCount", outcome="ok")
        - sample(before, ok, operation="OpenJobCount", outcome="ok")
        == 2
    )
    assert (
        sample(after, ok, operation="Broken", outcome="rejected")
        - sample(before, ok, operation="Broken", outcome="rejected")
        == 1
    )
    count = "talentgraph_graphql_request_duration_seconds_count"
    assert (
        sample(after, count, operation="OpenJobCount")
        - sample(before, count, operation="OpenJobCount")
        == 2
    )
    statements = "talentgraph_graphql_request_sql_statements_sum"
    assert (
        sample(after, statements, operation="OpenJobCount")
        - sample(before, statements, operation="OpenJobCount")
        >= 2
    )


async def test_unnamed_and_odd_operation_names_share_a_bucket(client):
    # given
    odd = "x" * 65
    before = await scrape(client)
    # when
    await gql(client, ANONYMOUS)
    await client.post("/graphql", json={"query": f"query {odd} {{ __typename }}"})
    after = await scrape(client)
    # then: a client cannot mint one series per request
    total = "talentgraph_graphql_requests_total"
    assert (
        sample(after, total, operation="anonymous", outcome="ok")
        - sample(before, total, operation="anonymous", outcome="ok")
        == 1
    )
    assert (
        sample(after, total, operation="other", outcome="ok")
        - sample(before, total, operation="other", outcome="ok")
        == 1
    )
    assert odd not in after


async def test_rate_limit_refusals_are_counted(settings):
    # given
    async with variant_client(settings, rate_limit_anonymous=1) as client:
        before = await scrape(client)
        # when
        codes = [(await gql(client, NAMED)).status for _ in range(3)]
        after = await scrape(client)
    # then
    assert codes == [200, 429, 429]
    refusals = "talentgraph_rate_limit_refusals_total"
    assert sample(after, refusals) - sample(before, refusals) == 2
    total = "talentgraph_graphql_requests_total"
    assert (
        sample(after, total, operation="none", outcome="rate_limited")
        - sample(before, total, operation="none", outcome="rate_limited")
        == 2
    )


async def test_shared_gauges_report_documents_imports_queues_and_the_pool(client, db):
    # given
    org = await make_org(db, OrganizationKind.PARTNER)
    candidate = await make_candidate(db)
    parsed = make_document_row(candidate, org.id)
    failed = make_document_row(candidate, org.id)
    failed.status, failed.sha256 = DocumentStatus.FAILED, "1" * 64
    await add(db, parsed, failed)
    # when
    text = await scrape(client)
    # then
    assert sample(text, "talentgraph_documents", status="PARSED") == 1
    assert sample(text, "talentgraph_documents", status="FAILED") == 1
    assert sample(text, "talentgraph_queue_depth", queue="documents") == 0
    assert sample(text, "talentgraph_up", source="database") == 1
    assert sample(text, "talentgraph_up", source="broker") == 1
    assert sample(text, "talentgraph_db_pool_size") >= 5
    assert "talentgraph_db_pool_connections_in_use" in text
    assert "talentgraph_llm_circuit_state" not in text  # no LLM configured


async def test_signed_in_requests_count_under_their_operation(client, db, settings):
    # given
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    before = await scrape(client)
    # when
    answer = await gql(client, ME, token=token_for(settings, user))
    after = await scrape(client)
    # then
    assert answer.data == {"me": {"email": user.email}}
    total = "talentgraph_graphql_requests_total"
    assert (
        sample(after, total, operation="WhoAmI", outcome="ok")
        - sample(before, total, operation="WhoAmI", outcome="ok")
        == 1
    )


async def test_metrics_need_the_bearer_token_when_one_is_set(settings):
    # given
    token = uuid.uuid4().hex
    async with variant_client(settings, metrics_token=token) as client:
        # when
        missing = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    # then
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert "talentgraph_graphql_requests_total" in right.text


async def test_metrics_are_not_served_in_production_without_a_token(settings):
    # given
    async with variant_client(settings, environment="production") as client:
        # when
        response = await client.get("/metrics")
    # then
    assert response.status_code == 404


@pytest.mark.usefixtures("cv_worker")
async def test_cv_parse_outcomes_and_the_parse_job_are_counted(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    before = await scrape(client)
    # when
    uploaded = await upload(client, token, pdfs.simple_cv_pdf())
    document = await finished(client, token, uploaded["document"]["id"])
    after = await scrape(client)
    # then
    assert document["status"] == "PARSED"
    parses = "talentgraph_cv_parses_total"
    assert sample(after, parses, status="PARSED") - sample(before, parses, status="PARSED") == 1
    done = "talentgraph_jobs_total"
    labels = {"actor": "parse_document", "outcome": "succeeded"}
    assert sample(after, done, **labels) - sample(before, done, **labels) == 1


async def test_the_llm_circuit_state_is_a_gauge_once_an_llm_is_configured(settings):
    # given: an LLM endpoint that has not failed yet
    async with variant_client(settings, llm_base_url="http://127.0.0.1:1/v1") as client:
        # when
        text = await scrape(client)
    # then
    circuit = "talentgraph_llm_circuit_state"
    assert sample(text, circuit, state="CLOSED") == 1
    assert sample(text, circuit, state="OPEN") == 0
    assert sample(text, "talentgraph_up", source="evaluations") == 1
