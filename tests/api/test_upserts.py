"""Partner bulk upserts: outcomes, match keys, in-batch duplicates, policies, dry runs."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import func, select

from models.candidate import Candidate, CandidateSkill, Education, WorkExperience
from models.enums import CandidateSource, OrganizationKind, Role
from models.imports import ImportBatch
from tests.helpers import audit_rows, gql, make_candidate, make_org, make_user, token_for

UPSERT = """
mutation Upsert($input: UpsertCandidatesInput!) {
  upsertCandidates(input: $input) {
    __typename
    ... on UpsertCandidatesSuccess {
      batchId dryRun
      counts { created updated unchanged failed }
      results {
        index outcome matchedBy entityId
        errors { path code message }
        warnings { path code message }
        candidate { id firstName email source headline version
          education { institution degree } experience { companyName jobTitle }
          skills { name level } }
      }
    }
    ... on ImportQueued { importJob { id status total } }
    ... on ValidationError { code errors { field code } }
    ... on UserError { code message field }
  }
}
"""


def person(n: int, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "externalId": f"ext-{n}",
        "firstName": f"First{n}",
        "lastName": f"Last{n}",
        "email": f"person{n}@example.com",
        "headline": f"Engineer {n}",
        "education": [{"institution": "TU Berlin", "degree": "MSc", "startDate": "2010-10-01"}],
        "workExperience": [
            {"companyName": "Acme", "jobTitle": "Developer", "startDate": "2015-01-01"}
        ],
        "skills": [{"name": "Python", "level": "EXPERT", "years": 6}, {"name": "js"}],
    }
    item.update(extra)
    return item


async def partner(db: Any, settings: Any) -> tuple[Any, str]:
    org = await make_org(db, OrganizationKind.PARTNER)
    user = await make_user(db, Role.PARTNER, org)
    return org, token_for(settings, user)


def batch(items: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    options.setdefault("idempotencyKey", uuid.uuid4().hex)
    return {"input": {"items": items, **options}}


async def count(db: Any, model: Any) -> int:
    async with db() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_fresh_batch_creates_every_item_with_sections_and_partner_source(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    org, token = await partner(db, settings)
    # when
    response = await gql(client, UPSERT, batch([person(1), person(2)]), token)
    # then
    assert not response.errors, response.errors
    result = response.data["upsertCandidates"]
    assert result["__typename"] == "UpsertCandidatesSuccess"
    assert result["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    first = result["results"][0]
    assert first["outcome"] == "CREATED" and first["matchedBy"] is None
    assert first["candidate"]["source"] == "PARTNER"
    assert first["candidate"]["education"] == [{"institution": "TU Berlin", "degree": "MSc"}]
    assert sorted(s["name"] for s in first["candidate"]["skills"]) == [
        "JavaScript",
        "Python",
    ]
    async with db() as session:
        rows = (await session.exec(select(Candidate))).all()
    assert {r.sourced_by_organization_id for r in rows} == {org.id}
    assert {r.source for r in rows} == {CandidateSource.PARTNER}
    assert await count(db, Education) == 2
    assert await count(db, CandidateSkill) == 4
    assert [a.action for a in await audit_rows(db)] == ["candidate.upsert"]


async def test_rerun_is_unchanged_and_writes_nothing(client: Any, db: Any, settings: Any) -> None:
    # given
    _, token = await partner(db, settings)
    await gql(client, UPSERT, batch([person(1), person(2)]), token)
    # when
    response = await gql(client, UPSERT, batch([person(1), person(2)]), token)
    # then
    result = response.data["upsertCandidates"]
    assert result["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "failed": 0}
    assert [r["matchedBy"] for r in result["results"]] == ["EXTERNAL_ID", "EXTERNAL_ID"]
    assert [r["candidate"]["version"] for r in result["results"]] == [1, 1]
