"""Import jobs: large batches and CSV files run by the real dramatiq worker; revert."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dramatiq
import pytest
from sqlmodel import func, select

import tasks.imports  # noqa: F401 - declares the actor
from models.candidate import Candidate
from resolvers.upserts.jobs import requeue_unfinished
from tasks import runtime
from tasks.worker import start_worker, stop_worker
from tests.api.test_upserts import UPSERT, batch, partner, person
from tests.helpers import gql, make_candidate, make_org

JOB = """
query Job($id: ID!, $after: Int) {
  importJob(id: $id) {
    id status total processed progress filename error
    counts { created updated unchanged failed }
    rows(first: 1000, after: $after) { index outcome entityId errors { path code } }
  }
}
"""
REVERT = """
mutation Revert($id: ID!) {
  revertImport(id: $id) {
    __typename
    ... on RevertImportSuccess { reverted skippedIndexes importJob { status revertedAt } }
    ... on UserError { code }
  }
}
"""
CSV_IMPORT = """
mutation Csv($file: Upload!, $key: String) {
  importCandidatesCsv(file: $file, idempotencyKey: $key) {
    __typename
    ... on ImportQueued { importJob { id status total } }
    ... on ValidationError { errors { field code message } }
    ... on UserError { code }
  }
}
"""


@pytest.fixture
def worker(settings: Any) -> Iterator[Any]:
    runtime.configure(settings)
    broker = dramatiq.get_broker()
    broker.flush_all()
    running = start_worker(broker, threads=1, timeout_ms=100)
    yield running
    stop_worker(running)


async def finished(client: Any, token: str, job_id: str) -> dict[str, Any]:
    for _ in range(600):
        job = (await gql(client, JOB, {"id": job_id}, token)).data["importJob"]
        if job["status"] in ("COMPLETED", "FAILED"):
            return dict(job)
        await asyncio.sleep(0.1)
    raise AssertionError(f"import job {job_id} did not finish")


async def candidates(db: Any) -> int:
    async with db() as session:
        return int((await session.exec(select(func.count()).select_from(Candidate))).one())


async def test_large_batch_becomes_an_import_job_and_can_be_reverted(
    client: Any, db: Any, settings: Any, worker: Any
) -> None:
    # given: 1,200 items (over the synchronous limit), one repeating an earlier email
    _, token = await partner(db, settings)
    items = [person(n, skills=[], education=[], workExperience=[]) for n in range(1200)]
    items[1100]["email"] = items[5]["email"]
    # when
    queued = await gql(client, UPSERT, batch(items), token)
    job = queued.data["upsertCandidates"]["importJob"]
    done = await finished(client, token, job["id"])
    # then
    assert job["total"] == 1200
    assert done["status"] == "COMPLETED" and done["progress"] == 1.0
    assert done["counts"] == {"created": 1199, "updated": 0, "unchanged": 0, "failed": 1}
    page = (await gql(client, JOB, {"id": job["id"], "after": 1099}, token)).data["importJob"]
    assert page["rows"][0]["index"] == 1100
    assert page["rows"][0]["errors"] == [{"path": "email", "code": "DUPLICATE_IN_BATCH"}]
    assert await candidates(db) == 1199
    told = await gql(client, "{ notifications { edges { node { event } } } }", {}, token)
    assert [e["node"]["event"] for e in told.data["notifications"]["edges"]] == ["IMPORT_FINISHED"]
    # when: the whole batch is reverted
    reverted = (await gql(client, REVERT, {"id": job["id"]}, token)).data["revertImport"]
    # then
    assert reverted["reverted"] == 1199 and reverted["skippedIndexes"] == []
    assert reverted["importJob"]["status"] == "REVERTED"
    assert await candidates(db) == 0


async def test_revert_restores_updated_records_and_skips_later_edits(
    client: Any, db: Any, settings: Any
) -> None:
    # given: two candidates, then a batch that updates both
    _, token = await partner(db, settings)
    await gql(client, UPSERT, batch([person(1), person(2)]), token)
    second = await gql(
        client,
        UPSERT,
        batch([person(1, headline="Changed"), person(2, headline="Changed too")]),
        token,
    )
    batch_id = second.data["upsertCandidates"]["batchId"]
    later = second.data["upsertCandidates"]["results"][1]["entityId"]
    await gql(client, UPSERT, batch([person(2, headline="Edited later")]), token)
    # when
    reverted = (await gql(client, REVERT, {"id": batch_id}, token)).data["revertImport"]
    # then
    assert reverted["reverted"] == 1 and reverted["skippedIndexes"] == [1]
    async with db() as session:
        rows = {c.email: c for c in (await session.exec(select(Candidate))).all()}
    assert rows["person1@example.com"].headline == "Engineer 1"
    assert rows["person2@example.com"].headline == "Edited later"
    assert str(rows["person2@example.com"].id) == later


CSV = (
    "externalId,firstName,lastName,email,skills,workExperience\n"
    'c-1,Ada,Lovelace,ada@example.com,Python:EXPERT:5; SQL,"[{""companyName"": ""Acme"", '
    '""jobTitle"": ""Engineer"", ""startDate"": ""2020-01-01""}]"\n'
    "c-2,Alan,Turing,alan@example.com,,\n"
    "c-3,,Nameless,nobody@example.com,,\n"
    "c-4,Grace,Hopper,grace@example.com,Go::x,\n"
)


async def upload(client: Any, token: str, data: bytes, key: str | None) -> Any:
    import json

    operations = {"query": CSV_IMPORT, "variables": {"file": None, "key": key}}
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("people.csv", data, "text/csv")},
        # anonymous: the preflight header multipart requests need when there is no token
        headers={"Authorization": f"Bearer {token}"}
        if token
        else {"GraphQL-Require-Preflight": "1"},
    )
    return response.json()


async def test_csv_file_becomes_an_import_job_with_per_line_errors(
    client: Any, db: Any, settings: Any, worker: Any
) -> None:
    # given
    _, token = await partner(db, settings)
    # when
    body = await upload(client, token, CSV.encode(), uuid.uuid4().hex)
    job = body["data"]["importCandidatesCsv"]["importJob"]
    done = await finished(client, token, job["id"])
    # then
    assert done["filename"] == "people.csv"
    assert done["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 2}
    errors = {r["index"]: r["errors"] for r in done["rows"] if r["errors"]}
    assert errors == {
        2: [{"path": "firstName", "code": "REQUIRED"}],
        3: [{"path": "skills[0].years", "code": "INVALID_FORMAT"}],
    }
    async with db() as session:
        ada = (
            await session.exec(select(Candidate).where(Candidate.email == "ada@example.com"))
        ).one()
    assert ada.external_id == "c-1"


async def test_a_csv_row_with_another_organizations_email_is_a_plain_duplicate(
    client: Any, db: Any, settings: Any, worker: Any
) -> None:
    """Issue 13 items 3/4: an import never takes over (sources) another organization's
    candidate, and its row result tells nothing about whose email it is."""
    # given
    _, token = await partner(db, settings)
    theirs = await make_candidate(db, sourced_by=await make_org(db), email="ada@example.com")
    # when
    body = await upload(client, token, CSV.encode(), uuid.uuid4().hex)
    done = await finished(client, token, body["data"]["importCandidatesCsv"]["importJob"]["id"])
    # then
    first = next(r for r in done["rows"] if r["index"] == 0)
    assert (first["outcome"], first["entityId"]) == ("FAILED", None)
    assert first["errors"] == [{"path": "email", "code": "DUPLICATE"}]
    async with db() as session:
        stored = await session.get(Candidate, theirs.id)
    assert stored is not None
    assert (stored.sourced_by_organization_id, stored.version) == (
        theirs.sourced_by_organization_id,
        theirs.version,
    )


async def test_csv_with_a_bad_header_is_refused_whole(client: Any, db: Any, settings: Any) -> None:
    # given
    _, token = await partner(db, settings)
    # when
    body = await upload(client, token, b"firstName,lastName,shoeSize\nA,B,42\n", "k1")
    # then
    result = body["data"]["importCandidatesCsv"]
    assert result["__typename"] == "ValidationError"
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("file", "INVALID_FORMAT")]


async def test_csv_import_needs_a_signed_in_partner(client: Any) -> None:
    # when
    body = await upload(client, "", CSV.encode(), "k1")
    # then
    assert body["data"]["importCandidatesCsv"] == {
        "__typename": "AuthenticationRequired",
        "code": "UNAUTHENTICATED",
    }


async def test_a_restart_sends_again_only_jobs_queued_before_it(
    client: Any, db: Any, settings: Any
) -> None:
    # given: a job queued, then its process died (its in-memory queue is gone)
    runtime.configure(settings)
    broker = dramatiq.get_broker()
    _, token = await partner(db, settings)
    items = [person(n, skills=[], education=[], workExperience=[]) for n in range(1001)]
    queued = await gql(client, UPSERT, batch(items), token)
    job = queued.data["upsertCandidates"]["importJob"]
    broker.flush_all()
    # when: the restarted group's first process sends again what is older than the group
    older = await requeue_unfinished(db, before=datetime.now(UTC) - timedelta(hours=1))
    sent = await requeue_unfinished(db, before=datetime.now(UTC))
    running = start_worker(broker, threads=1, timeout_ms=100)
    try:
        done = await finished(client, token, job["id"])
    finally:
        stop_worker(running)
    # then: a job newer than the cut-off is left to the process that queued it
    assert (older, sent) == (0, 1)
    assert done["counts"]["created"] == 1001


async def test_an_import_of_candidates_without_any_match_key_writes_every_one(
    client: Any, db: Any, settings: Any, worker: Any
) -> None:
    # given: 1,001 items with no id, externalId, email or phone (planning reads nothing)
    _, token = await partner(db, settings)
    items = [{"firstName": f"Nameless{n}", "lastName": "Person"} for n in range(1001)]
    # when
    queued = await gql(client, UPSERT, batch(items), token)
    done = await finished(client, token, queued.data["upsertCandidates"]["importJob"]["id"])
    # then
    assert done["counts"] == {"created": 1001, "updated": 0, "unchanged": 0, "failed": 0}
    assert await candidates(db) == 1001
