"""Keyset pagination, ordering and filters of the list queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.enums import (
    ApplicationStage,
    CandidateSource,
    EmploymentType,
    JobStatus,
    OrganizationKind,
    Role,
)
from tests.helpers import (
    gql,
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_skill,
    make_user,
    token_for,
)

CANDIDATE_PAGE = """
query ($first: Int, $after: String, $order: CandidateOrderInput) {
  candidates(first: $first, after: $after, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id firstName lastName createdAt updatedAt } }
  }
}
"""

CANDIDATE_IDS = """
query ($filter: CandidateFilterInput) {
  candidates(first: 100, filter: $filter) { totalCount edges { node { id } } }
}
"""

JOB_IDS = """
query ($filter: JobFilterInput) {
  jobs(first: 100, filter: $filter) { totalCount edges { node { id } } }
}
"""

APPLICATION_IDS = """
query ($filter: ApplicationFilterInput) {
  applications(first: 100, filter: $filter) { totalCount edges { node { id } } }
}
"""

JOB_APPLICATIONS = """
query ($id: ID!, $after: String, $stage: [ApplicationStage!]) {
  job(id: $id) {
    applications(first: 2, after: $after, stage: $stage) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id stage } }
    }
  }
}
"""


async def _admin_token(db, settings):
    return token_for(settings, await make_user(db, Role.ADMIN))


async def _walk(client, token, order, first=3):
    """Follow `endCursor` until the last page; return node ids in the order served."""
    seen, after, pages = [], None, 0
    while True:
        result = await gql(
            client, CANDIDATE_PAGE, {"first": first, "after": after, "order": order}, token
        )
        assert result.errors == []
        connection = result.data["candidates"]
        seen += [edge["node"] for edge in connection["edges"]]
        pages += 1
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not connection["pageInfo"]["hasNextPage"]:
            return seen, pages
        after = connection["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("field", "direction"),
    [("CREATED_AT", "ASC"), ("CREATED_AT", "DESC"), ("UPDATED_AT", "DESC"), ("NAME", "ASC")],
)
async def test_keyset_pages_visit_every_row_once_in_order(db, settings, client, field, direction):
    # given: 8 candidates, two sharing a last name and an identical timestamp (ties break on id)
    same = datetime(2026, 3, 1, tzinfo=UTC)
    for i in range(6):
        await make_candidate(db, nested=0, last_name=f"Zed{i % 4}")
    await make_candidate(db, nested=0, last_name="Same", created_at=same, updated_at=same)
    await make_candidate(db, nested=0, last_name="Same", created_at=same, updated_at=same)
    token = await _admin_token(db, settings)
    order = {"field": field, "direction": direction}
    # when
    nodes, pages = await _walk(client, token, order)
    everything = await gql(client, CANDIDATE_PAGE, {"first": 100, "order": order}, token)
    # then
    assert pages == 3
    assert len(nodes) == 8
    assert len({n["id"] for n in nodes}) == 8
    assert nodes == [e["node"] for e in everything.data["candidates"]["edges"]]
    key = {
        "CREATED_AT": lambda n: (n["createdAt"], n["id"]),
        "UPDATED_AT": lambda n: (n["updatedAt"], n["id"]),
        "NAME": lambda n: (n["lastName"], n["firstName"]),
    }[field]
    expected = sorted(nodes, key=key, reverse=direction == "DESC")
    assert [key(n) for n in nodes] == [key(n) for n in expected]
    assert everything.data["candidates"]["totalCount"] == 8


async def test_page_size_defaults_to_20_and_is_capped_at_100(db, settings, client):
    # given (G-12)
    for _ in range(105):
        await make_candidate(db, nested=0)
    token = await _admin_token(db, settings)
    # when
    default = await gql(client, CANDIDATE_PAGE, {}, token)
    huge = await gql(client, CANDIDATE_PAGE, {"first": 1_000_000_000}, token)
    # then
    assert len(default.data["candidates"]["edges"]) == 20
    assert len(huge.data["candidates"]["edges"]) == 100
    assert huge.data["candidates"]["pageInfo"]["hasNextPage"] is True
    assert huge.data["candidates"]["totalCount"] == 105


@pytest.mark.parametrize(
    "after", ["garbage", "eyJub3QiOiJhIGxpc3QifQ", "WyJqb2I6Q1JFQVRFRF9BVCIsIngiLCJ5Il0"]
)
async def test_bad_or_foreign_cursors_are_typed_errors(db, settings, client, after):
    # given: nonsense, valid base64 of a non-list, and a cursor of the jobs list
    token = await _admin_token(db, settings)
    # when
    result = await gql(client, CANDIDATE_PAGE, {"after": after}, token)
    # then
    assert result.data is None
    assert result.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_cursor_of_another_order_is_rejected(db, settings, client):
    # given
    await make_candidate(db, nested=0)
    await make_candidate(db, nested=0)
    token = await _admin_token(db, settings)
    first = await gql(client, CANDIDATE_PAGE, {"first": 1}, token)
    cursor = first.data["candidates"]["pageInfo"]["endCursor"]
    # when
    result = await gql(client, CANDIDATE_PAGE, {"after": cursor, "order": {"field": "NAME"}}, token)
    # then
    assert result.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_candidate_filters(db, settings, client):
    # given
    employer = await make_org(db)
    partner = await make_org(db, OrganizationKind.PARTNER)
    python, rust = await make_skill(db, "Python"), await make_skill(db, "Rust")
    ada = await make_candidate(db, first_name="Ada", skills=[python, rust], location="Berlin")
    zoe = await make_candidate(
        db, first_name="Zoë", headline="Data 100% wizard", skills=[python], location="Paris"
    )
    sourced = await make_candidate(db, sourced_by=partner, location="Berlin", nested=0)
    old = await make_candidate(
        db,
        nested=0,
        location=None,
        updated_at=datetime(2020, 1, 1, tzinfo=UTC),
        created_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    token = token_for(settings, await make_user(db, Role.RECRUITER, employer))
    cases = [
        ({"search": "ada"}, {ada.id}),
        ({"search": "zoë"}, {zoe.id}),
        ({"search": "100%"}, {zoe.id}),  # LIKE wildcards are literal
        ({"search": "rus"}, {ada.id}),  # skill names
        ({"search": ada.email}, set()),  # email only where the recruiter may see it
        ({"skills": ["python", "RUST"]}, {ada.id}),
        ({"skills": ["Python"]}, {ada.id, zoe.id}),
        ({"location": "berl"}, {ada.id, sourced.id}),
        ({"source": "PARTNER"}, {sourced.id}),
        ({"updatedSince": "2025-01-01T00:00:00+00:00"}, {ada.id, zoe.id, sourced.id}),
    ]
    for flt, expected in cases:
        # when
        result = await gql(client, CANDIDATE_IDS, {"filter": flt}, token)
        # then
        ids = {e["node"]["id"] for e in result.data["candidates"]["edges"]}
        assert ids == {str(i) for i in expected}, flt
        assert result.data["candidates"]["totalCount"] == len(expected)
    assert old.id not in expected


async def test_search_by_email_for_related_candidates(db, settings, client):
    # given: the candidate applied to the recruiter's job, so contact data is visible
    employer = await make_org(db)
    candidate = await make_candidate(db, nested=0)
    await make_application(db, candidate, await make_job(db, employer))
    token = token_for(settings, await make_user(db, Role.RECRUITER, employer))
    # when
    result = await gql(client, CANDIDATE_IDS, {"filter": {"search": candidate.email}}, token)
    # then
    assert [e["node"]["id"] for e in result.data["candidates"]["edges"]] == [str(candidate.id)]


async def test_too_many_filter_values_is_a_typed_error(db, settings, client):
    # given
    token = await _admin_token(db, settings)
    # when
    result = await gql(client, CANDIDATE_IDS, {"filter": {"skills": ["x"] * 21}}, token)
    # then
    assert result.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "filter.skills"}


async def test_job_filters(db, settings, client):
    # given
    org, other = await make_org(db), await make_org(db)
    go = await make_skill(db, "Go")
    remote = await make_job(db, org, title="Backend Engineer", remote=True, skills=[go])
    contract = await make_job(
        db,
        org,
        title="Designer",
        employment_type=EmploymentType.CONTRACT,
        location="Paris",
        salary_min=90000,
        salary_max=120000,
    )
    closed = await make_job(db, other, status=JobStatus.CLOSED, description="backend too")
    token = await _admin_token(db, settings)
    cases = [
        ({"status": ["OPEN"]}, {remote.id, contract.id}),
        ({"search": "backend"}, {remote.id, closed.id}),
        ({"skills": ["go"]}, {remote.id}),
        ({"location": "paris"}, {contract.id}),
        ({"employmentType": ["CONTRACT"]}, {contract.id}),
        ({"remote": True}, {remote.id}),
        ({"salaryAtLeast": 100000}, {contract.id}),
        ({"salaryAtMost": 60000}, {remote.id, closed.id}),
        ({"organizationId": str(other.id)}, {closed.id}),
    ]
    for flt, expected in cases:
        # when
        result = await gql(client, JOB_IDS, {"filter": flt}, token)
        # then
        assert {e["node"]["id"] for e in result.data["jobs"]["edges"]} == {
            str(i) for i in expected
        }, flt


async def test_application_filters_and_nested_job_pages(db, settings, client):
    # given: 5 applications to one job, 1 to another
    org = await make_org(db)
    job, other_job = await make_job(db, org), await make_job(db, org)
    stages = [ApplicationStage.APPLIED] * 3 + [ApplicationStage.OFFER] * 2
    apps = [
        await make_application(db, await make_candidate(db, nested=0), job, stage)
        for stage in stages
    ]
    lone = await make_candidate(db, nested=0, source=CandidateSource.INTERNAL)
    await make_application(db, lone, other_job)
    token = await _admin_token(db, settings)
    # when
    by_job = await gql(client, APPLICATION_IDS, {"filter": {"jobId": str(job.id)}}, token)
    by_stage = await gql(client, APPLICATION_IDS, {"filter": {"stage": ["OFFER"]}}, token)
    by_candidate = await gql(
        client, APPLICATION_IDS, {"filter": {"candidateId": str(lone.id)}}, token
    )
    bad_id = await gql(client, APPLICATION_IDS, {"filter": {"jobId": "nope"}}, token)
    # then
    assert by_job.data["applications"]["totalCount"] == 5
    assert by_stage.data["applications"]["totalCount"] == 2
    assert by_candidate.data["applications"]["totalCount"] == 1
    assert bad_id.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "filter.jobId"}
    # when: page through the job's applications two at a time
    seen, after = [], None
    for _ in range(3):
        page = await gql(client, JOB_APPLICATIONS, {"id": str(job.id), "after": after}, token)
        connection = page.data["job"]["applications"]
        assert connection["totalCount"] == 5
        seen += [e["node"]["id"] for e in connection["edges"]]
        after = connection["pageInfo"]["endCursor"]
    # then: oldest first, each exactly once, and the last page says so
    assert seen == [str(a.id) for a in apps]
    assert connection["pageInfo"]["hasNextPage"] is False
    offers = await gql(client, JOB_APPLICATIONS, {"id": str(job.id), "stage": ["OFFER"]}, token)
    assert offers.data["job"]["applications"]["totalCount"] == 2
    assert [e["node"]["stage"] for e in offers.data["job"]["applications"]["edges"]] == [
        "OFFER",
        "OFFER",
    ]


NESTED_PAGE = """
query Applicants($job: ID!, $after: String, $withCursors: Boolean!) {
  job(id: $job) { applications(first: 2, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor @include(if: $withCursors) node { id } }
  } }
}
"""


async def test_nested_pages_continue_whether_or_not_edge_cursors_are_selected(db, settings, client):
    # given: five applicants of one job
    job = await make_job(db, await make_org(db))
    for _ in range(5):
        await make_application(db, await make_candidate(db), job)
    token = token_for(settings, await make_user(db, Role.ADMIN))

    async def walk(with_cursors: bool) -> tuple[list[str], list[str]]:
        ids, ends, after = [], [], None
        while True:
            variables = {"job": str(job.id), "after": after, "withCursors": with_cursors}
            page = (await gql(client, NESTED_PAGE, variables, token)).data["job"]["applications"]
            ids += [edge["node"]["id"] for edge in page["edges"]]
            if with_cursors:  # the last edge's cursor is the page's end cursor
                assert page["edges"][-1]["cursor"] == page["pageInfo"]["endCursor"]
            ends.append(page["pageInfo"]["endCursor"])
            if not page["pageInfo"]["hasNextPage"]:
                return ids, ends
            after = page["pageInfo"]["endCursor"]

    # when: edge cursors are only encoded when selected
    plain = await walk(False)
    with_cursors = await walk(True)

    # then: the same pages, the same end cursors
    assert plain == with_cursors
    assert len(plain[0]) == len(set(plain[0])) == 5
