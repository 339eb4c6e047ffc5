"""Job writes: create, partial update with versions, skills, the status lifecycle, audit rows."""

from __future__ import annotations

import asyncio
import uuid

from sqlmodel import select

from models.enums import JobStatus, OrganizationKind, Role
from models.job import Job, JobSkill
from tests.helpers import (
    audit_rows,
    gql,
    make_job,
    make_org,
    make_skill,
    make_user,
    recruiter_token,
    stored,
    token_for,
)

JOB_FIELDS = """
  id title description location remote employmentType salaryMin salaryMax salaryCurrency
  status externalId version publishedAt createdAt updatedAt organization { id }
"""

CREATE = f"""
mutation ($input: CreateJobInput!) {{
  createJob(input: $input) {{
    __typename
    ... on CreateJobSuccess {{ job {{ {JOB_FIELDS} }} }}
    ... on UserError {{ code field }}
    ... on ValidationError {{ errors {{ field code }} }}
    ... on Duplicate {{ existingId }}
  }}
}}
"""

UPDATE = f"""
mutation ($id: ID!, $version: Int!, $input: UpdateJobInput!) {{
  updateJob(id: $id, version: $version, input: $input) {{
    __typename
    ... on UpdateJobSuccess {{ job {{ {JOB_FIELDS} }} }}
    ... on UserError {{ code field }}
    ... on ValidationError {{ errors {{ field code }} }}
    ... on Conflict {{ currentVersion }}
  }}
}}
"""

SET_STATUS = """
mutation ($id: ID!, $status: JobStatus!) {
  setJobStatus(id: $id, status: $status) {
    __typename
    ... on SetJobStatusSuccess { job { status version publishedAt } }
    ... on UserError { code field }
    ... on ValidationError { errors { field code } }
  }
}
"""

SET_SKILLS = """
mutation ($jobId: ID!, $skills: [JobSkillInput!]!) {
  setJobSkills(jobId: $jobId, skills: $skills) {
    __typename
    ... on SetJobSkillsSuccess { job { version skills { name required weight } } }
    ... on UserError { code field }
    ... on ValidationError { errors { field code } }
  }
}
"""

NEW_JOB = {"title": "Backend Engineer", "employmentType": "FULL_TIME"}


async def test_recruiter_creates_a_draft_job_for_their_organization(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    job = {
        **NEW_JOB,
        "title": "  Backend Engineer ",
        "description": "Build APIs.",
        "remote": True,
        "salaryMin": 60000,
        "salaryMax": 80000,
        "salaryCurrency": "eur",
        "externalId": "ats-7",
    }
    # when
    result = await gql(client, CREATE, {"input": job}, token)
    # then
    payload = result.data["createJob"]
    assert payload["__typename"] == "CreateJobSuccess"
    created = payload["job"]
    assert {k: v for k, v in created.items() if k not in ("id", "createdAt", "updatedAt")} == {
        "title": "Backend Engineer",
        "description": "Build APIs.",
        "location": None,
        "remote": True,
        "employmentType": "FULL_TIME",
        "salaryMin": 60000,
        "salaryMax": 80000,
        "salaryCurrency": "EUR",
        "status": "DRAFT",
        "externalId": "ats-7",
        "version": 1,
        "publishedAt": None,
        "organization": {"id": str(org.id)},
    }
    row = await stored(db, Job, created["id"])
    assert (row.organization_id, row.status) == (org.id, JobStatus.DRAFT)
    [audit] = await audit_rows(db)
    assert (audit.action, audit.entity_type, audit.entity_id) == ("job.create", "Job", str(row.id))
    assert audit.details == {"organizationId": str(org.id)}


async def test_create_job_validates_every_field(db, client, settings):
    # given
    _, token = await recruiter_token(db, settings)
    job = {
        "title": " ",
        "employmentType": "CONTRACT",
        "salaryMin": 90000,
        "salaryMax": 80000,
        "salaryCurrency": "euro",
        "location": "x" * 201,
    }
    negative = {**NEW_JOB, "salaryMin": -1, "remote": None}
    # when
    result = await gql(client, CREATE, {"input": job}, token)
    negative_result = await gql(client, CREATE, {"input": negative}, token)
    # then
    assert result.data["createJob"]["errors"] == [
        {"field": "input.title", "code": "REQUIRED"},
        {"field": "input.location", "code": "TOO_LONG"},
        {"field": "input.salaryCurrency", "code": "INVALID_FORMAT"},
        {"field": "input.salaryMax", "code": "INVALID_VALUE"},
    ]
    assert negative_result.data["createJob"]["errors"] == [
        {"field": "input.remote", "code": "REQUIRED"},
        {"field": "input.salaryMin", "code": "INVALID_VALUE"},
    ]
    assert await audit_rows(db) == []


async def test_create_job_is_authorized_by_organization(db, client, settings):
    # given
    _, token = await recruiter_token(db, settings)
    other = await make_org(db)
    admin = token_for(settings, await make_user(db, Role.ADMIN))
    candidate = token_for(settings, await make_user(db, Role.CANDIDATE))
    # when
    anonymous = await gql(client, CREATE, {"input": NEW_JOB})
    as_candidate = await gql(client, CREATE, {"input": NEW_JOB}, candidate)
    elsewhere = await gql(
        client, CREATE, {"input": {**NEW_JOB, "organizationId": str(other.id)}}, token
    )
    admin_without = await gql(client, CREATE, {"input": NEW_JOB}, admin)
    admin_unknown = await gql(
        client, CREATE, {"input": {**NEW_JOB, "organizationId": str(uuid.uuid4())}}, admin
    )
    admin_with = await gql(
        client, CREATE, {"input": {**NEW_JOB, "organizationId": str(other.id)}}, admin
    )
    # then
    assert anonymous.data["createJob"] == {
        "__typename": "AuthenticationRequired",
        "code": "UNAUTHENTICATED",
        "field": None,
    }
    assert as_candidate.data["createJob"]["__typename"] == "Forbidden"
    assert elsewhere.data["createJob"] == {
        "__typename": "Forbidden",
        "code": "FORBIDDEN",
        "field": "input.organizationId",
    }
    assert admin_without.data["createJob"]["errors"] == [
        {"field": "input.organizationId", "code": "REQUIRED"}
    ]
    assert admin_unknown.data["createJob"] == {
        "__typename": "NotFound",
        "code": "NOT_FOUND",
        "field": "input.organizationId",
    }
    assert admin_with.data["createJob"]["job"]["organization"] == {"id": str(other.id)}
    assert [a.action for a in await audit_rows(db)] == ["job.create"]


async def test_an_external_id_is_unique_per_organization(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    existing = await make_job(db, org, external_id="ats-1")
    await make_job(db, await make_org(db), external_id="ats-2")
    # when
    twin = await gql(client, CREATE, {"input": {**NEW_JOB, "externalId": "ats-1"}}, token)
    elsewhere = await gql(client, CREATE, {"input": {**NEW_JOB, "externalId": "ats-2"}}, token)
    # then
    assert twin.data["createJob"] == {
        "__typename": "Duplicate",
        "code": "DUPLICATE",
        "field": "input.externalId",
        "existingId": str(existing.id),
    }
    assert elsewhere.data["createJob"]["__typename"] == "CreateJobSuccess"


async def test_update_job_changes_only_the_given_fields(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    job = await make_job(db, org, status=JobStatus.DRAFT, salary_min=50000, salary_max=70000)
    # when
    result = await gql(
        client,
        UPDATE,
        {"id": str(job.id), "version": 1, "input": {"salaryMax": 90000, "location": None}},
        token,
    )
    too_low = await gql(
        client, UPDATE, {"id": str(job.id), "version": 2, "input": {"salaryMax": 10}}, token
    )
    # then
    updated = result.data["updateJob"]["job"]
    assert (updated["salaryMin"], updated["salaryMax"], updated["location"]) == (50000, 90000, None)
    assert (updated["title"], updated["version"]) == (job.title, 2)
    assert too_low.data["updateJob"]["errors"] == [
        {"field": "input.salaryMax", "code": "INVALID_VALUE"}
    ]
    row = await stored(db, Job, job.id)
    assert (row.salary_max, row.version) == (90000, 2)
    [audit] = await audit_rows(db)
    assert (audit.action, audit.details) == ("job.update", {"fields": ["location", "salary_max"]})


async def test_update_job_with_a_stale_version_conflicts(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    job = await make_job(db, org, version=4)
    # when
    result = await gql(
        client, UPDATE, {"id": str(job.id), "version": 3, "input": {"title": "New"}}, token
    )
    # then
    assert result.data["updateJob"] == {
        "__typename": "Conflict",
        "code": "CONFLICT",
        "field": "version",
        "currentVersion": 4,
    }
    assert (await stored(db, Job, job.id)).title == job.title
    assert await audit_rows(db) == []


async def test_racing_job_updates_with_one_version_make_one_conflict(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    job = await make_job(db, org)
    # when
    results = await asyncio.gather(
        *(
            gql(
                client,
                UPDATE,
                {"id": str(job.id), "version": 1, "input": {"title": f"T{i}"}},
                token,
            )
            for i in range(2)
        )
    )
    # then
    kinds = sorted(r.data["updateJob"]["__typename"] for r in results)
    assert kinds == ["Conflict", "UpdateJobSuccess"]
    assert (await stored(db, Job, job.id)).version == 2
    assert [a.action for a in await audit_rows(db)] == ["job.update"]


async def test_jobs_of_other_organizations_are_not_found_or_forbidden(db, client, settings):
    # given
    other = await make_org(db)
    draft = await make_job(db, other, status=JobStatus.DRAFT)
    open_job = await make_job(db, other, status=JobStatus.OPEN)
    _, token = await recruiter_token(db, settings)
    partner = await make_user(db, Role.PARTNER, await make_org(db, OrganizationKind.PARTNER))
    change = {"version": 1, "input": {"title": "Mine"}}
    # when
    hidden = await gql(client, UPDATE, {"id": str(draft.id), **change}, token)
    visible = await gql(client, UPDATE, {"id": str(open_job.id), **change}, token)
    by_partner = await gql(
        client,
        SET_STATUS,
        {"id": str(open_job.id), "status": "CLOSED"},
        token_for(settings, partner),
    )
    random = await gql(client, SET_STATUS, {"id": str(uuid.uuid4()), "status": "OPEN"}, token)
    # then
    assert hidden.data["updateJob"] == {
        "__typename": "NotFound",
        "code": "NOT_FOUND",
        "field": "id",
    }
    assert visible.data["updateJob"] == {
        "__typename": "Forbidden",
        "code": "FORBIDDEN",
        "field": "id",
    }
    assert by_partner.data["setJobStatus"]["__typename"] == "Forbidden"
    assert random.data["setJobStatus"]["__typename"] == "NotFound"
    assert await audit_rows(db) == []


async def test_status_moves_draft_open_closed_and_reopens(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    job = await make_job(db, org, status=JobStatus.DRAFT)
    target = {"id": str(job.id)}
    # when
    opened = await gql(client, SET_STATUS, {**target, "status": "OPEN"}, token)
    back_to_draft = await gql(client, SET_STATUS, {**target, "status": "DRAFT"}, token)
    closed = await gql(client, SET_STATUS, {**target, "status": "CLOSED"}, token)
    reopened = await gql(client, SET_STATUS, {**target, "status": "OPEN"}, token)
    # then
    first = opened.data["setJobStatus"]["job"]
    assert (first["status"], first["version"]) == ("OPEN", 2)
    assert first["publishedAt"] is not None
    assert back_to_draft.data["setJobStatus"] == {
        "__typename": "ValidationError",
        "code": "VALIDATION_FAILED",
        "field": "status",
        "errors": [{"field": "status", "code": "INVALID_VALUE"}],
    }
    assert closed.data["setJobStatus"]["job"]["status"] == "CLOSED"
    again = reopened.data["setJobStatus"]["job"]
    assert (again["status"], again["version"]) == ("OPEN", 4)
    assert again["publishedAt"] == first["publishedAt"]
    audit = await audit_rows(db)
    assert [(a.action, a.details) for a in audit] == [
        ("job.status", {"from": "DRAFT", "to": "OPEN"}),
        ("job.status", {"from": "OPEN", "to": "CLOSED"}),
        ("job.status", {"from": "CLOSED", "to": "OPEN"}),
    ]


async def test_job_skills_are_canonicalized_and_weighted(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    await make_skill(db, "PostgreSQL")
    job = await make_job(db, org)
    skills = [
        {"name": "Postgres", "weight": 8},
        {"name": "golang", "required": False, "weight": 2.5},
    ]
    # when
    result = await gql(client, SET_SKILLS, {"jobId": str(job.id), "skills": skills}, token)
    invalid = await gql(
        client,
        SET_SKILLS,
        {"jobId": str(job.id), "skills": [{"name": "Go", "weight": 11}, {"name": "Golang"}]},
        token,
    )
    # then
    payload = result.data["setJobSkills"]["job"]
    assert payload["version"] == 2
    assert payload["skills"] == [
        {"name": "PostgreSQL", "required": True, "weight": 8.0},
        {"name": "Go", "required": False, "weight": 2.5},
    ]
    assert invalid.data["setJobSkills"]["errors"] == [
        {"field": "skills[0].weight", "code": "INVALID_VALUE"}
    ]
    async with db() as session:
        assert len((await session.exec(select(JobSkill))).all()) == 2
    assert [a.action for a in await audit_rows(db)] == ["job.skills"]


async def test_an_empty_skill_list_clears_the_skills(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    job = await make_job(db, org, skills=[await make_skill(db, "Rust")])
    # when
    result = await gql(client, SET_SKILLS, {"jobId": str(job.id), "skills": []}, token)
    # then
    assert result.data["setJobSkills"]["job"] == {"version": 2, "skills": []}
    async with db() as session:
        assert (await session.exec(select(JobSkill))).all() == []
