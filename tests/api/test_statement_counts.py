"""House rule 4: statements per request depend on the query's shape, never on row counts.

Every nested list runs over 5 and over 50 parents; the statement counts must be equal.
"""

from __future__ import annotations

import pytest

from models.enums import ApplicationStage, OrganizationKind, Role
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

CANDIDATES_NESTED = """
query ($first: Int!) {
  candidates(first: $first) {
    totalCount
    edges { node {
      id email phone dateOfBirth gender
      sourcedBy { name }
      education { institution }
      experience { companyName }
      skills { name years }
      certifications { name }
      applications { stage events { toStage } job { title organization { name } skills { name } } }
      documents { id }
      evaluations(first: 5) {
        totalCount
        edges { node { score candidate { id } job { title } document { filename } } }
      }
    } }
  }
}
"""

JOBS_NESTED = """
query ($first: Int!) {
  jobs(first: $first) {
    totalCount
    edges { node {
      id organization { name }
      skills { name required weight }
      applications(first: 3, orderBy: SCORE) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node {
          stage
          candidate { id email skills { name } }
          events { toStage }
          evaluations { score }
          latestEvaluation { score criteria { name evidence { source } } }
          document { id }
        } }
      }
    } }
  }
}
"""

APPLICATIONS_NESTED = """
query ($first: Int!) {
  applications(first: $first) {
    edges { node {
      id candidate { firstName email } job { title organization { name } }
      events { toStage } evaluations { score } document { filename }
    } }
  }
}
"""


EVALUATIONS_NESTED = """
query ($first: Int!) {
  evaluations(first: $first, orderBy: {field: SCORE}) {
    totalCount
    edges { node {
      score status criteria { name score }
      candidate { firstName email skills { name } }
      job { title organization { name } }
      document { filename }
    } }
  }
}
"""


async def _world(db, parents: int):
    """`parents` candidates, jobs and applications with every nested list populated."""
    employer = await make_org(db)
    partner = await make_org(db, OrganizationKind.PARTNER)
    skills = [await make_skill(db, f"Skill-{i}") for i in range(3)]
    jobs = [await make_job(db, employer, skills=skills) for _ in range(parents)]
    for i in range(parents):
        candidate = await make_candidate(db, skills=skills, sourced_by=partner if i % 2 else None)
        await make_application(db, candidate, jobs[i], ApplicationStage.SCREENING, with_extras=True)
        if i % 3 == 0:  # some jobs get a second applicant: page sizes differ per parent
            other = await make_candidate(db, nested=0)
            await make_application(db, other, jobs[i])
    recruiter = await make_user(db, Role.RECRUITER, employer)
    admin = await make_user(db, Role.ADMIN)
    return admin, recruiter


async def _count(client, settings, db, parents: int, query: str, viewer: str) -> int:
    admin, recruiter = await _world(db, parents)
    token = token_for(settings, admin if viewer == "admin" else recruiter)
    result = await gql(client, query, {"first": parents}, token=token)
    assert result.errors == []
    (connection,) = result.data.values()
    assert len(connection["edges"]) == parents
    return result.statements


@pytest.mark.parametrize("viewer", ["admin", "recruiter"])
@pytest.mark.parametrize(
    "query",
    [CANDIDATES_NESTED, JOBS_NESTED, APPLICATIONS_NESTED, EVALUATIONS_NESTED],
    ids=["candidates", "jobs", "apps", "evaluations"],
)
async def test_statements_do_not_grow_with_parents(app, settings, db, client, query, viewer):
    # given / when: the same query over 5 parents, then (on a fresh set of rows) over 50
    small = await _count(client, settings, db, 5, query, viewer)
    async with db() as session:  # start the second world empty
        from sqlmodel import SQLModel

        for table in reversed(SQLModel.metadata.sorted_tables):
            await session.exec(table.delete())  # type: ignore[call-overload]
        await session.commit()
    large = await _count(client, settings, db, 50, query, viewer)
    # then
    assert small == large
    assert small <= 25  # one per relation in the document, plus auth and count


async def test_nested_lists_are_complete(app, settings, db, client):
    # given
    admin, _ = await _world(db, 5)
    # when
    result = await gql(client, CANDIDATES_NESTED, {"first": 10}, token=token_for(settings, admin))
    # then: 5 full applicants (plus 2 bare second applicants), each with all nested rows
    nodes = [e["node"] for e in result.data["candidates"]["edges"]]
    assert len([n for n in nodes if n["applications"]]) == 7
    applicants = [n for n in nodes if n["documents"]]
    assert len(applicants) == 5
    for node in applicants:
        assert len(node["education"]) == 2
        assert len(node["experience"]) == 2
        assert len(node["certifications"]) == 2
        assert [s["name"] for s in node["skills"]] == ["Skill-0", "Skill-1", "Skill-2"]
        assert len(node["documents"]) == 1
        (application,) = node["applications"]
        assert node["evaluations"]["totalCount"] == 1
        (evaluation,) = [e["node"] for e in node["evaluations"]["edges"]]
        assert evaluation["candidate"] == {"id": node["id"]}
        assert evaluation["job"]["title"] == application["job"]["title"]
        assert evaluation["document"] == {"filename": "cv.pdf"}
        assert [e["toStage"] for e in application["events"]] == ["APPLIED", "SCREENING"]
        assert len(application["job"]["skills"]) == 3
