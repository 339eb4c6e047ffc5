"""Every way an organization becomes "related" to a candidate (which reveals contact PII) needs
the right to edit that candidate (issue 13, item 3; A-01, A-05).

Related means: sourced by the organization, or applied to one of its jobs (loaders/policy.py).
Sourcing happens only by creating a new candidate (createCandidate, upserts, CSV imports); a
match on another organization's record is refused (test_upserts.py); CV uploads need the right
to edit (test_cv_upload.py::test_who_may_upload_for_whom); stage moves need the application.
Here: filing an application, the one path that linked an existing candidate to an organization.
"""

from __future__ import annotations

from typing import Any

import pytest

from models.enums import OrganizationKind, Role
from tests.helpers import gql, make_candidate, make_job, make_org, make_user, token_for

APPLY = """
mutation ($job: ID!, $candidate: ID) {
  applyToJob(jobId: $job, candidateId: $candidate) { __typename ... on UserError { code field } }
}
"""
CONTACT = """
query ($id: ID!) { candidate(id: $id) { id email phone dateOfBirth gender } }
"""
HIDDEN = {"email": None, "phone": None, "dateOfBirth": None, "gender": None}


@pytest.fixture
async def world(db: Any, settings: Any) -> dict[str, Any]:
    employer = await make_org(db)
    partner_org = await make_org(db, OrganizationKind.PARTNER)
    recruiter = await make_user(db, Role.RECRUITER, employer)
    partner = await make_user(db, Role.PARTNER, partner_org)
    return {
        "job": await make_job(db, employer),
        "partner_job": await make_job(db, partner_org),
        "recruiter": token_for(settings, recruiter),
        "partner": token_for(settings, partner),
        # in the talent pool: visible to recruiters, sourced by nobody
        "pool": await make_candidate(db, nested=0),
        "sourced": await make_candidate(db, sourced_by=employer, nested=0),
        "partner_sourced": await make_candidate(db, sourced_by=partner_org, nested=0),
    }


@pytest.mark.parametrize(
    ("actor", "job", "candidate", "expected"),
    [
        # the job's organization may not file for a pool candidate it did not source
        ("recruiter", "job", "pool", "FORBIDDEN"),
        # nor for a candidate another organization sourced (partners' candidates stay unseen)
        ("recruiter", "job", "partner_sourced", "FORBIDDEN"),
        ("partner", "partner_job", "pool", "NOT_FOUND"),
        ("partner", "partner_job", "sourced", "NOT_FOUND"),
    ],
)
async def test_filing_an_application_needs_the_right_to_edit_the_candidate(
    client: Any, world: dict[str, Any], actor: str, job: str, candidate: str, expected: str
) -> None:
    # given
    token, target = world[actor], str(world[candidate].id)
    # when
    result = await gql(client, APPLY, {"job": str(world[job].id), "candidate": target}, token)
    # then: refused, and the candidate's contact data stays hidden from the organization
    assert result.data["applyToJob"] == {
        "__typename": expected.title().replace("_", ""),
        "code": expected,
        "field": "candidateId",
    }
    after = await gql(client, CONTACT, {"id": target}, token)
    if after.data["candidate"] is not None:
        assert {k: after.data["candidate"][k] for k in HIDDEN} == HIDDEN


@pytest.mark.parametrize(
    ("actor", "job", "candidate"),
    [("recruiter", "job", "sourced"), ("partner", "job", "partner_sourced")],
)
async def test_an_organization_files_for_a_candidate_it_sourced(
    client: Any, world: dict[str, Any], actor: str, job: str, candidate: str
) -> None:
    # given
    variables = {"job": str(world[job].id), "candidate": str(world[candidate].id)}
    # when
    result = await gql(client, APPLY, variables, world[actor])
    # then
    assert result.data["applyToJob"] == {"__typename": "ApplyToJobSuccess"}
