"""Applying to jobs and moving applications along the pipeline (issue 3, item 1)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlmodel import select

from models.application import Application
from models.enums import JobStatus, Role
from tests.helpers import (
    audit_rows,
    gql,
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_user,
    token_for,
)

APPLY = """
mutation ($job: ID!, $candidate: ID, $letter: String) {
  applyToJob(jobId: $job, candidateId: $candidate, coverLetter: $letter) {
    __typename
    ... on ApplyToJobSuccess {
      application { id stage coverLetter job { id } candidate { id } events { fromStage toStage } }
    }
    ... on ApplicationExists { code field existingApplication { id stage } }
    ... on UserError { code field message }
  }
}
"""

MOVE = """
mutation ($id: ID!, $stage: ApplicationStage!, $note: String) {
  moveApplication(id: $id, stage: $stage, note: $note) {
    __typename
    ... on MoveApplicationSuccess {
      application { id stage events { fromStage toStage note actorId } }
    }
    ... on InvalidStageTransition { code fromStage toStage allowedStages }
    ... on UserError { code field }
  }
}
"""


@pytest.fixture
async def world(db, settings):
    org, other_org = await make_org(db), await make_org(db)
    recruiter = await make_user(db, Role.RECRUITER, org)
    outsider = await make_user(db, Role.RECRUITER, other_org)
    candidate_user = await make_user(db, Role.CANDIDATE)
    candidate = await make_candidate(db, user=candidate_user, nested=0)
    job = await make_job(db, org)
    return {
        "org": org,
        "job": job,
        "candidate": candidate,
        "recruiter": token_for(settings, recruiter),
        "recruiter_id": str(recruiter.id),
        "outsider": token_for(settings, outsider),
        "me": token_for(settings, candidate_user),
        "admin": token_for(settings, await make_user(db, Role.ADMIN)),
    }


async def test_candidate_applies_and_a_second_application_is_a_duplicate(client, db, world):
    # when
    first = await gql(client, APPLY, {"job": str(world["job"].id), "letter": " Hi "}, world["me"])
    second = await gql(client, APPLY, {"job": str(world["job"].id)}, world["me"])
    # then
    application = first.data["applyToJob"]["application"]
    assert first.data["applyToJob"]["__typename"] == "ApplyToJobSuccess"
    assert application["stage"] == "APPLIED"
    assert application["coverLetter"] == "Hi"
    assert application["candidate"] == {"id": str(world["candidate"].id)}
    assert application["events"] == [{"fromStage": None, "toStage": "APPLIED"}]
    assert second.data["applyToJob"] == {
        "__typename": "ApplicationExists",
        "code": "DUPLICATE",
        "field": "jobId",
        "existingApplication": {"id": application["id"], "stage": "APPLIED"},
        "message": "The candidate has already applied to this job",
    }
    assert len(await audit_rows(db, "application.create")) == 1


async def test_concurrent_applications_create_one(client, db, world):
    # when
    results = await asyncio.gather(
        *(gql(client, APPLY, {"job": str(world["job"].id)}, world["me"]) for _ in range(10))
    )
    # then
    kinds = sorted(r.data["applyToJob"]["__typename"] for r in results)
    assert kinds == ["ApplicationExists"] * 9 + ["ApplyToJobSuccess"]
    async with db() as session:
        assert len((await session.exec(select(Application))).all()) == 1


@pytest.mark.parametrize("status", [JobStatus.DRAFT, JobStatus.CLOSED])
async def test_jobs_that_are_not_open_accept_no_applications(client, db, world, status):
    # given
    job = await make_job(db, world["org"], status=status)
    # when: a recruiter of the organization can see the job, the candidate cannot see a draft
    as_recruiter = await gql(
        client, APPLY, {"job": str(job.id), "candidate": str(world["candidate"].id)}, world["admin"]
    )
    # then
    assert as_recruiter.data["applyToJob"]["code"] == "JOB_NOT_OPEN"
    assert await audit_rows(db, "application.create") == []


async def test_apply_errors(client, db, world):
    job = str(world["job"].id)
    cases = [
        ({"job": job}, None, "AuthenticationRequired", "UNAUTHENTICATED"),
        ({"job": str(uuid.uuid4())}, world["me"], "NotFound", "NOT_FOUND"),
        ({"job": "not-an-id"}, world["me"], "NotFound", "NOT_FOUND"),
        ({"job": job, "candidate": "nope"}, world["me"], "NotFound", "NOT_FOUND"),
        # a recruiter sees every candidate but may not apply for one it has no relation to
        (
            {"job": job, "candidate": str(world["candidate"].id)},
            world["outsider"],
            "Forbidden",
            "FORBIDDEN",
        ),
        ({"job": job, "letter": "x" * 10_001}, world["me"], "ValidationError", "VALIDATION_FAILED"),
    ]
    for variables, token, typename, code in cases:
        # when
        result = await gql(client, APPLY, variables, token)
        # then
        assert result.data["applyToJob"]["__typename"] == typename, variables
        assert result.data["applyToJob"]["code"] == code


async def test_recruiter_moves_through_the_whole_pipeline(client, db, world):
    # given
    application = await make_application(db, world["candidate"], world["job"])
    # when
    steps = []
    for stage in ("SCREENING", "INTERVIEW", "OFFER", "HIRED"):
        result = await gql(
            client,
            MOVE,
            {"id": str(application.id), "stage": stage, "note": f"to {stage}"},
            world["recruiter"],
        )
        steps.append(result.data["moveApplication"])
    # then
    assert [s["__typename"] for s in steps] == ["MoveApplicationSuccess"] * 4
    final = steps[-1]["application"]
    assert final["stage"] == "HIRED"
    assert [(e["fromStage"], e["toStage"]) for e in final["events"]] == [
        (None, "APPLIED"),
        ("APPLIED", "SCREENING"),
        ("SCREENING", "INTERVIEW"),
        ("INTERVIEW", "OFFER"),
        ("OFFER", "HIRED"),
    ]
    assert final["events"][-1]["note"] == "to HIRED"
    assert final["events"][-1]["actorId"] == world["recruiter_id"]
    assert len(await audit_rows(db, "application.move")) == 4
    # and a hired application is final
    again = await gql(
        client, MOVE, {"id": str(application.id), "stage": "REJECTED"}, world["recruiter"]
    )
    assert again.data["moveApplication"] == {
        "__typename": "InvalidStageTransition",
        "code": "INVALID_TRANSITION",
        "field": "stage",
        "fromStage": "HIRED",
        "toStage": "REJECTED",
        "allowedStages": [],
    }


async def test_illegal_moves_and_roles(client, db, world):
    # given
    application = await make_application(db, world["candidate"], world["job"])
    app_id = str(application.id)
    # when
    skip = await gql(client, MOVE, {"id": app_id, "stage": "OFFER"}, world["recruiter"])
    recruiter_withdraws = await gql(
        client, MOVE, {"id": app_id, "stage": "WITHDRAWN"}, world["recruiter"]
    )
    candidate_promotes = await gql(client, MOVE, {"id": app_id, "stage": "SCREENING"}, world["me"])
    outsider = await gql(client, MOVE, {"id": app_id, "stage": "REJECTED"}, world["outsider"])
    withdraw = await gql(client, MOVE, {"id": app_id, "stage": "WITHDRAWN"}, world["me"])
    # then
    assert skip.data["moveApplication"]["allowedStages"] == ["SCREENING", "REJECTED"]
    assert recruiter_withdraws.data["moveApplication"]["code"] == "INVALID_TRANSITION"
    assert candidate_promotes.data["moveApplication"]["allowedStages"] == ["WITHDRAWN"]
    assert outsider.data["moveApplication"]["code"] == "NOT_FOUND"
    assert withdraw.data["moveApplication"]["application"]["stage"] == "WITHDRAWN"
    assert len(await audit_rows(db, "application.move")) == 1


async def test_racing_moves_apply_once(client, db, world):
    # given
    application = await make_application(db, world["candidate"], world["job"])
    # when: several recruiters' tabs move the same application at once
    results = await asyncio.gather(
        *(
            gql(client, MOVE, {"id": str(application.id), "stage": "SCREENING"}, world["recruiter"])
            for _ in range(4)
        )
    )
    # then: exactly one move happened, the others were told the current stage
    kinds = sorted(r.data["moveApplication"]["__typename"] for r in results)
    assert kinds == ["InvalidStageTransition"] * 3 + ["MoveApplicationSuccess"]
    assert len(await audit_rows(db, "application.move")) == 1
