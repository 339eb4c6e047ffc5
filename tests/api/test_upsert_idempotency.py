"""Idempotency keys of partner upserts, and upserting jobs."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import func, select

from models.candidate import Candidate
from models.job import Job
from tests.api.test_upserts import UPSERT, partner, person
from tests.helpers import audit_rows, gql

UPSERT_JOBS = """
mutation Upsert($input: UpsertJobsInput!) {
  upsertJobs(input: $input) {
    __typename
    ... on UpsertJobsSuccess {
      counts { created updated unchanged failed }
      results { index outcome matchedBy errors { path code } job { title status skills { name } } }
    }
    ... on UserError { code }
  }
}
"""


async def candidates(db: Any) -> int:
    async with db() as session:
        return int((await session.exec(select(func.count()).select_from(Candidate))).one())


async def test_same_key_replays_the_stored_result_without_writing(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    _, token = await partner(db, settings)
    variables = {"input": {"items": [person(1), person(2)], "idempotencyKey": "key-1"}}
    first = await gql(client, UPSERT, variables, token)
    # when
    again = await gql(client, UPSERT, variables, token)
    # then: the identical answer (CREATED, not UNCHANGED), one batch, one audit row
    assert again.body == first.body
    assert first.data["upsertCandidates"]["counts"]["created"] == 2
    assert await candidates(db) == 2
    assert len(await audit_rows(db, "candidate.upsert")) == 1


async def test_same_key_with_another_payload_is_refused(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    _, token = await partner(db, settings)
    await gql(client, UPSERT, {"input": {"items": [person(1)], "idempotencyKey": "k"}}, token)
    # when
    other = await gql(
        client, UPSERT, {"input": {"items": [person(2)], "idempotencyKey": "k"}}, token
    )
    # then
    assert other.data["upsertCandidates"]["__typename"] == "IdempotencyKeyReused"
    assert await candidates(db) == 1


async def test_concurrent_calls_with_one_key_have_one_effect(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    _, token = await partner(db, settings)
    variables = {"input": {"items": [person(n) for n in range(20)], "idempotencyKey": "same"}}
    # when
    answers = await asyncio.gather(*(gql(client, UPSERT, variables, token) for _ in range(3)))
    # then
    assert {a.data["upsertCandidates"]["__typename"] for a in answers} == {
        "UpsertCandidatesSuccess"
    }
    assert len({str(a.body) for a in answers}) == 1
    assert await candidates(db) == 20
    assert len(await audit_rows(db, "candidate.upsert")) == 1


async def test_partners_must_send_a_key(client: Any, db: Any, settings: Any) -> None:
    # given
    _, token = await partner(db, settings)
    # when
    result = await gql(client, UPSERT, {"input": {"items": [person(1)]}}, token)
    # then
    assert result.data["upsertCandidates"]["code"] == "VALIDATION_FAILED"
    assert await candidates(db) == 0


async def test_upsert_jobs_matches_by_external_id_and_follows_the_status_machine(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    org, token = await partner(db, settings)
    job = {"externalId": "J-1", "title": "Engineer", "employmentType": "FULL_TIME"}
    skills = [{"name": "Postgres"}, {"name": "Python", "required": False}]
    created = await gql(
        client,
        UPSERT_JOBS,
        {"input": {"items": [{**job, "status": "OPEN", "skills": skills}], "idempotencyKey": "j1"}},
        token,
    )
    # when
    moved = await gql(
        client,
        UPSERT_JOBS,
        {
            "input": {
                "items": [{**job, "status": "DRAFT"}, {**job, "externalId": "J-2"}],
                "idempotencyKey": "j2",
            }
        },
        token,
    )
    # then
    row = created.data["upsertJobs"]["results"][0]
    assert row["outcome"] == "CREATED"
    assert row["job"]["status"] == "OPEN"
    assert [s["name"] for s in row["job"]["skills"]] == ["PostgreSQL", "Python"]
    results = moved.data["upsertJobs"]["results"]
    assert [(r["outcome"], r["matchedBy"]) for r in results] == [
        ("FAILED", "EXTERNAL_ID"),
        ("CREATED", None),
    ]
    assert results[0]["errors"] == [{"path": "status", "code": "INVALID_TRANSITION"}]
    async with db() as session:
        rows = (await session.exec(select(Job))).all()
    assert {r.organization_id for r in rows} == {org.id}
