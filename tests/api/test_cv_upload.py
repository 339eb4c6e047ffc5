"""uploadCv: stored under a generated key, vetted before storing, typed errors, who may upload."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import dramatiq
import pytest
from sqlmodel import select

from models.document import Document
from models.enums import JobStatus, OrganizationKind, Role
from tests import pdfs
from tests.helpers import (
    audit_rows,
    gql,
    make_candidate,
    make_job,
    make_org,
    make_user,
    token_for,
    variant_client,
)

UPLOAD_CV = """
mutation Upload($file: Upload!, $candidateId: ID, $mode: ApplyMode, $context: CvJobContextInput) {
  uploadCv(file: $file, candidateId: $candidateId, applyMode: $mode, jobContext: $context) {
    __typename
    ... on UploadCvSuccess {
      duplicate
      document {
        id candidateId filename contentType sizeBytes sha256 status applyMode pageCount
        jobContext { role description keySkills job { id } }
      }
    }
    ... on FileTooLarge { maxBytes }
    ... on TooManyPages { maxPages }
    ... on ValidationError { errors { field code } }
    ... on UserError { code field }
  }
}
"""
CONSTRAINTS = "{ uploadConstraints { maxBytes maxRequestBytes maxPages contentTypes applyModes } }"
DELETE = "mutation($id: ID!) { deleteCandidate(id: $id) { __typename } }"


async def upload(
    client: Any,
    token: str | None,
    data: bytes,
    *,
    filename: str = "cv.pdf",
    content_type: str = "application/pdf",
    **variables: Any,
) -> Any:
    """uploadCv as a multipart request; returns the result object (or the raw response)."""
    operations = {"query": UPLOAD_CV, "variables": {"file": None, **variables}}
    headers = {"Authorization": f"Bearer {token}"} if token else {"GraphQL-Require-Preflight": "1"}
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, data, content_type)},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["uploadCv"]


async def candidate_user(db: Any, settings: Any) -> tuple[Any, str]:
    user = await make_user(db, Role.CANDIDATE)
    candidate = await make_candidate(db, user=user, nested=0)
    return candidate, token_for(settings, user)


@pytest.fixture(autouse=True)
def empty_queues() -> None:
    dramatiq.get_broker().flush_all()


def stored_files(settings: Any) -> list[str]:
    folder: Path = settings.files_dir / "cv"
    return sorted(p.name for p in folder.iterdir())


def queued_parses() -> int:
    return int(dramatiq.get_broker().queues["documents"].qsize())


async def test_a_candidate_uploads_their_cv_and_its_parse_is_queued(client, db, settings):
    # given
    candidate, token = await candidate_user(db, settings)
    data = pdfs.simple_cv_pdf()
    # when: the name tries path traversal and a right-to-left override
    result = await upload(client, token, data, filename="../../evil\u202egpj.pdf")
    # then
    assert result["__typename"] == "UploadCvSuccess" and result["duplicate"] is False
    document = result["document"]
    assert document["candidateId"] == str(candidate.id)
    assert document["status"] == "PENDING" and document["applyMode"] == "AUTO_FILL"
    assert document["filename"] == "evilgpj.pdf"
    assert document["contentType"] == "application/pdf"
    assert document["sizeBytes"] == len(data) and document["pageCount"] == 1
    assert document["sha256"] == hashlib.sha256(data).hexdigest()
    async with db() as session:
        row = (await session.exec(select(Document))).one()
    stored = settings.files_dir / row.storage_key
    assert stored.read_bytes() == data and stored.parent == settings.files_dir / "cv"
    assert list((settings.files_dir / ".incoming").iterdir()) == []
    assert queued_parses() == 1
    audit = await audit_rows(db, "document.upload")
    assert [a.entity_id for a in audit] == [document["id"]]


async def test_the_same_file_twice_returns_the_stored_document(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    data = pdfs.simple_cv_pdf()
    first = await upload(client, token, data)
    # when
    second = await upload(client, token, data, filename="again.pdf")
    # then
    assert second["duplicate"] is True
    assert second["document"]["id"] == first["document"]["id"]
    assert second["document"]["filename"] == "cv.pdf"
    async with db() as session:
        assert len((await session.exec(select(Document))).all()) == 1
    assert len(list((settings.files_dir / "cv").iterdir())) == 1
    assert queued_parses() == 1


async def test_a_file_over_the_upload_limit_is_too_large(db, settings):
    # given
    _, token = await candidate_user(db, settings)
    async with variant_client(settings, max_upload_bytes=5_000) as client:
        # when
        result = await upload(client, token, pdfs.simple_cv_pdf() + b"%" * 5_000)
    # then
    assert result == {
        "__typename": "FileTooLarge",
        "maxBytes": 5_000,
        "code": "TOO_LARGE",
        "field": "file",
    }
    assert list((settings.files_dir / ".incoming").iterdir()) == []


@pytest.mark.parametrize("kind", ["png", "html", "zip"])
async def test_files_that_are_not_pdfs_are_refused_whatever_their_name(client, db, settings, kind):
    # given
    _, token = await candidate_user(db, settings)
    # when: named and typed like a PDF
    result = await upload(client, token, pdfs.not_a_pdf(kind))
    # then
    assert (result["__typename"], result["code"]) == ("NotAPdf", "NOT_A_PDF")


async def test_the_pdf_signature_must_be_in_the_first_1024_bytes(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    # when
    result = await upload(client, token, b" " * 1024 + pdfs.simple_cv_pdf())
    # then
    assert result["code"] == "NOT_A_PDF"


async def test_a_file_pypdf_cannot_open_is_not_a_pdf(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    # when
    result = await upload(client, token, pdfs.truncated_pdf())
    # then
    assert result["code"] == "NOT_A_PDF"
    assert list((settings.files_dir / "cv").glob("*")) == []


async def test_a_real_pdf_named_exe_is_accepted(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    # when
    result = await upload(
        client, token, pdfs.simple_cv_pdf(), filename="cv.exe", content_type="application/x-exe"
    )
    # then
    assert result["document"]["filename"] == "cv.exe"
    assert result["document"]["contentType"] == "application/pdf"


async def test_a_password_protected_pdf_is_encrypted(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    # when
    result = await upload(client, token, pdfs.encrypted_pdf(user_password="secret"))
    # then
    assert (result["__typename"], result["code"]) == ("EncryptedPdf", "ENCRYPTED")


async def test_a_pdf_with_too_many_pages_is_refused(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    # when
    result = await upload(client, token, pdfs.many_pages_pdf(21))
    # then
    assert result["__typename"] == "TooManyPages"
    assert (result["code"], result["maxPages"]) == ("TOO_MANY_PAGES", 20)


async def test_a_flat_thousand_page_pdf_is_too_many_pages(client, db, settings):
    """One /Pages node with 1,000 kids: a valid, long PDF, refused for its length."""
    # given
    _, token = await candidate_user(db, settings)
    # when
    result = await upload(client, token, pdfs.flat_pages_pdf(1000))
    # then
    assert result["__typename"] == "TooManyPages"
    assert (result["code"], result["maxPages"]) == ("TOO_MANY_PAGES", 20)


async def test_upload_constraints_tell_clients_the_limits(client):
    # when
    result = await gql(client, CONSTRAINTS)
    # then
    assert result.data["uploadConstraints"] == {
        "maxBytes": 5 * 1024 * 1024,
        "maxRequestBytes": 10 * 1024 * 1024,
        "maxPages": 20,
        "contentTypes": ["application/pdf"],
        "applyModes": ["AUTO_FILL", "SUGGEST", "REPLACE"],
    }


# --- who may upload ---------------------------------------------------------------------------

ROLES = (
    "anonymous",
    "admin",
    "recruiter_a",
    "recruiter_b",
    "candidate_1",
    "candidate_2",
    "partner",
)
# target: (profile of candidate 1, candidate sourced by recruiter A's org, sourced by the partner)
EXPECTED = {
    "anonymous": ("UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED"),
    "admin": ("OK", "OK", "OK"),
    "recruiter_a": ("FORBIDDEN", "OK", "FORBIDDEN"),
    "recruiter_b": ("FORBIDDEN", "FORBIDDEN", "FORBIDDEN"),
    "candidate_1": ("OK", "NOT_FOUND", "NOT_FOUND"),
    "candidate_2": ("NOT_FOUND", "NOT_FOUND", "NOT_FOUND"),
    "partner": ("NOT_FOUND", "NOT_FOUND", "OK"),
}


@pytest.mark.parametrize("role", ROLES)
async def test_who_may_upload_for_whom(client, db, settings, role):
    # given
    org_a, org_b = await make_org(db), await make_org(db)
    partner_org = await make_org(db, OrganizationKind.PARTNER)
    users = {
        "admin": await make_user(db, Role.ADMIN),
        "recruiter_a": await make_user(db, Role.RECRUITER, org_a),
        "recruiter_b": await make_user(db, Role.RECRUITER, org_b),
        "candidate_1": await make_user(db, Role.CANDIDATE),
        "candidate_2": await make_user(db, Role.CANDIDATE),
        "partner": await make_user(db, Role.PARTNER, partner_org),
    }
    targets = [
        await make_candidate(db, user=users["candidate_1"], nested=0),
        await make_candidate(db, sourced_by=org_a, nested=0),
        await make_candidate(db, sourced_by=partner_org, nested=0),
    ]
    await make_candidate(db, user=users["candidate_2"], nested=0)
    token = token_for(settings, users[role]) if role in users else None
    outcomes = []
    # when
    for target in targets:
        result = await upload(client, token, pdfs.simple_cv_pdf(), candidateId=str(target.id))
        outcomes.append("OK" if result["__typename"] == "UploadCvSuccess" else result["code"])
    # then
    assert tuple(outcomes) == EXPECTED[role]


async def test_only_admins_may_replace_a_profile(client, db, settings):
    # given
    org = await make_org(db)
    recruiter = await make_user(db, Role.RECRUITER, org)
    candidate = await make_candidate(db, sourced_by=org, nested=0)
    # when
    result = await upload(
        client,
        token_for(settings, recruiter),
        pdfs.simple_cv_pdf(),
        candidateId=str(candidate.id),
        mode="REPLACE",
    )
    # then
    assert (result["code"], result["field"]) == ("FORBIDDEN", "applyMode")
    assert queued_parses() == 0


async def test_a_partner_names_no_candidate(client, db, settings):
    # given
    partner = await make_user(db, Role.PARTNER, await make_org(db, OrganizationKind.PARTNER))
    # when
    result = await upload(client, token_for(settings, partner), pdfs.simple_cv_pdf())
    # then
    assert result["errors"] == [{"field": "candidateId", "code": "REQUIRED"}]


# --- job context ------------------------------------------------------------------------------


async def test_a_free_text_job_context_is_stored_with_the_upload(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    context = {"role": " Data Engineer ", "description": "Pipelines.", "keySkills": ["SQL", "Go"]}
    # when
    result = await upload(client, token, pdfs.simple_cv_pdf(), context=context)
    # then
    assert result["document"]["jobContext"] == {
        "role": "Data Engineer",
        "description": "Pipelines.",
        "keySkills": ["SQL", "Go"],
        "job": None,
    }


async def test_a_job_context_names_a_visible_job_or_free_text_not_both(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    org = await make_org(db)
    open_job, draft = await make_job(db, org), await make_job(db, org, status=JobStatus.DRAFT)
    data = pdfs.simple_cv_pdf()
    # when
    hidden = await upload(client, token, data, context={"jobId": str(draft.id)})
    both = await upload(client, token, data, context={"jobId": str(open_job.id), "role": "X"})
    named = await upload(client, token, data, context={"jobId": str(open_job.id)})
    # then
    assert (hidden["code"], hidden["field"]) == ("NOT_FOUND", "jobContext.jobId")
    assert both["errors"] == [{"field": "jobContext.jobId", "code": "INVALID_VALUE"}]
    assert named["document"]["jobContext"]["job"] == {"id": str(open_job.id)}


# --- erasure ----------------------------------------------------------------------------------


async def test_deleting_a_candidate_deletes_their_stored_files(client, db, settings):
    # given
    candidate, token = await candidate_user(db, settings)
    other, other_token = await candidate_user(db, settings)
    await upload(client, token, pdfs.simple_cv_pdf())
    await upload(client, token, pdfs.two_column_cv_pdf())
    await upload(client, other_token, pdfs.simple_cv_pdf())
    admin = token_for(settings, await make_user(db, Role.ADMIN))
    assert len(stored_files(settings)) == 3
    # when
    result = await gql(client, DELETE, {"id": str(candidate.id)}, admin)
    # then
    assert result.data["deleteCandidate"]["__typename"] == "DeleteCandidateSuccess"
    async with db() as session:
        (kept,) = (await session.exec(select(Document))).all()
    assert kept.candidate_id == other.id
    assert stored_files(settings) == [Path(kept.storage_key).name]
