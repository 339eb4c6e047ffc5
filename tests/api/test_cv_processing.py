"""The parse pipeline through the real dramatiq worker: statuses, hostile PDFs, retries,
redelivery, the claim (a duplicate message leaves a document being parsed alone), and applying
the CV to the profile (AUTO_FILL, SUGGEST + accept, REPLACE)."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker

import tasks.documents  # noqa: F401 - declares the actor
from models.base import utcnow
from models.candidate import Candidate
from models.document import Document
from models.enums import DocumentStatus, Role
from models.storage import LocalStorage, new_key
from resolvers.documents.process import MAX_ATTEMPTS, STALE_CLAIM, process_document
from tasks import runtime
from tasks.broker import send, use_broker
from tasks.cv import Limits, forkserver
from tasks.worker import start_worker, stop_worker
from tests import pdfs
from tests.api.test_cv_upload import candidate_user, upload
from tests.helpers import (
    add,
    audit_rows,
    gql,
    make_candidate,
    make_org,
    make_user,
    stored,
    token_for,
)
from tests.tasks.test_cv_forkserver import SLOW_OPERATIONS, settled, until_new_child

DOCUMENT = """
query Doc($id: ID!) {
  document(id: $id) {
    id status failureReason pageCount attempts appliedFields
    findings { code message }
    profile { name { value confidence source { page line } } email { value } skills { value } }
    profileSuggestion {
      changes { field section currentValue suggestedValue confidence source { page line } }
    }
    candidate { headline location summary version
      skills { name } experience { companyName jobTitle startDate endDate isCurrent }
      education { institution startDate endDate } }
  }
}
"""
ACCEPT = """
mutation Accept($id: ID!, $fields: [String!]) {
  acceptProfileSuggestion(documentId: $id, fields: $fields) {
    __typename
    ... on AcceptProfileSuggestionSuccess { appliedFields candidate { headline version } }
    ... on ValidationError { errors { field code } }
    ... on UserError { code }
  }
}
"""
FINISHED = ("PARSED", "FAILED", "NEEDS_OCR")


@pytest.fixture
def worker(settings: Any) -> Iterator[Any]:
    runtime.configure(settings)
    runtime.use_storage(None)
    broker = dramatiq.get_broker()
    broker.flush_all()
    running = start_worker(broker, threads=1, timeout_ms=100)
    yield running
    stop_worker(running)
    runtime.use_storage(None)


async def finished(client: Any, token: str, document_id: str) -> dict[str, Any]:
    for _ in range(600):
        document = (await gql(client, DOCUMENT, {"id": document_id}, token)).data["document"]
        if document["status"] in FINISHED:
            return dict(document)
        await asyncio.sleep(0.1)
    raise AssertionError(f"document {document_id} did not finish")


async def stored_document(
    db: Any, settings: Any, candidate: Candidate, data: bytes, **fields: Any
) -> Document:
    """A document whose file passed upload (as hostile files crafted to pass it would)."""
    key = new_key("cv", "pdf")
    staged = Path(settings.files_dir) / f"{uuid.uuid4().hex}.tmp"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(data)
    await LocalStorage(settings.files_dir).put(key, staged)
    values: dict[str, Any] = {
        "candidate_id": candidate.id,
        "filename": "cv.pdf",
        "content_type": "application/pdf",
        "size_bytes": len(data),
        "sha256": uuid.uuid4().hex * 2,
        "storage_key": key,
        "status": DocumentStatus.PENDING,
        **fields,
    }
    document = Document(**values)
    await add(db, document)
    return document


async def test_a_cv_is_parsed_and_fills_only_empty_profile_fields(client, db, settings, worker):
    # given: the candidate typed a headline; location and sections are empty
    candidate, token = await candidate_user(db, settings)
    async with db() as session:
        row = await session.get(Candidate, candidate.id)
        row.headline, row.location = "Typed by a person", None
        session.add(row)
        await session.commit()
    uploaded = await upload(client, token, pdfs.simple_cv_pdf())
    # when
    document = await finished(client, token, uploaded["document"]["id"])
    # then
    assert document["status"] == "PARSED" and document["attempts"] == 1
    assert document["profile"]["name"] == {
        "value": "Jane Doe",
        "confidence": 0.9,
        "source": {"page": 1, "line": 1},
    }
    profile = document["candidate"]
    assert profile["headline"] == "Typed by a person"
    assert profile["location"] == "Berlin, Germany"
    assert profile["summary"].startswith("Backend engineer")
    assert {s["name"] for s in profile["skills"]} == {
        "Python",
        "PostgreSQL",
        "Kubernetes",
        "GraphQL",
    }
    assert profile["experience"][-1] == {
        "companyName": "Acme Analytics GmbH",
        "jobTitle": "Senior Software Engineer",
        "startDate": "2019-01-01",
        "endDate": None,
        "isCurrent": True,
    }
    assert profile["education"][0]["startDate"] == "2012-01-01"
    assert "headline" not in document["appliedFields"] and "location" in document["appliedFields"]
    # the typed headline stays, and the CV's differing one is offered as a suggestion
    changes = {c["field"]: c for c in document["profileSuggestion"]["changes"]}
    assert changes["headline"]["currentValue"] == "Typed by a person"
    assert changes["headline"]["suggestedValue"] == "Senior Software Engineer"
    assert changes["headline"]["source"] == {"page": 1, "line": 2}
    assert [a.action for a in await audit_rows(db, "document.parse")] == ["document.parse"]


async def test_suggest_changes_nothing_until_parts_are_accepted(client, db, settings, worker):
    # given
    _, token = await candidate_user(db, settings)
    uploaded = await upload(client, token, pdfs.simple_cv_pdf(), mode="SUGGEST")
    document = await finished(client, token, uploaded["document"]["id"])
    fields = {c["field"] for c in document["profileSuggestion"]["changes"]}
    assert document["appliedFields"] == [] and document["candidate"]["skills"] == []
    assert {"headline", "summary", "skills[0]", "experience[0]", "education[0]"} <= fields
    # when: a part, then an unknown field, then everything left
    part = await gql(
        client, ACCEPT, {"id": document["id"], "fields": ["headline", "skills[1]"]}, token
    )
    unknown = await gql(client, ACCEPT, {"id": document["id"], "fields": ["shoeSize"]}, token)
    rest = await gql(client, ACCEPT, {"id": document["id"]}, token)
    # then
    accepted = part.data["acceptProfileSuggestion"]
    assert accepted["appliedFields"] == ["headline", "skills[1]"]
    assert accepted["candidate"]["headline"] == "Senior Software Engineer"
    assert unknown.data["acceptProfileSuggestion"]["errors"] == [
        {"field": "fields[0]", "code": "INVALID_VALUE"}
    ]
    assert "headline" not in rest.data["acceptProfileSuggestion"]["appliedFields"]
    after = (await gql(client, DOCUMENT, {"id": document["id"]}, token)).data["document"]
    assert after["profileSuggestion"]["changes"] == []
    assert len(after["candidate"]["skills"]) == 4
    assert len(await audit_rows(db, "document.suggestion.accept")) == 2


async def test_replace_overwrites_typed_values_for_admins(client, db, settings, worker):
    # given
    org = await make_org(db)
    candidate = await make_candidate(db, sourced_by=org, nested=1, headline="Typed")
    admin = token_for(settings, await make_user(db, Role.ADMIN))
    uploaded = await upload(
        client, admin, pdfs.simple_cv_pdf(), candidateId=str(candidate.id), mode="REPLACE"
    )
    # when
    document = await finished(client, admin, uploaded["document"]["id"])
    # then: fields overwritten; the sections the CV lists are replaced by its entries
    assert document["candidate"]["headline"] == "Senior Software Engineer"
    companies = [e["companyName"] for e in document["candidate"]["experience"]]
    assert sorted(companies) == ["Acme Analytics GmbH", "Globex Corporation"]


async def test_accepting_needs_the_right_to_change_the_candidate(client, db, settings, worker):
    # given: a document of candidate 1, seen by another candidate and by nobody
    candidate, token = await candidate_user(db, settings)
    _, stranger = await candidate_user(db, settings)
    pending = await stored_document(
        db, settings, candidate, b"%PDF-1.4", status=DocumentStatus.FAILED
    )
    # when
    hidden = await gql(client, ACCEPT, {"id": str(pending.id)}, stranger)
    failed = await gql(client, ACCEPT, {"id": str(pending.id)}, token)
    # then
    assert hidden.data["acceptProfileSuggestion"]["code"] == "NOT_FOUND"
    assert failed.data["acceptProfileSuggestion"]["code"] == "INVALID_STATE"


HOSTILE = {
    "flate bomb": (pdfs.flate_bomb_pdf, "FAILED"),
    "xref loop": (pdfs.xref_loop_pdf, "PARSED"),
    "cyclic page tree": (pdfs.cyclic_pages_pdf, "FAILED"),
    "deep nesting": (pdfs.deep_nesting_pdf, "FAILED"),
    "truncated": (pdfs.truncated_pdf, "FAILED"),
    "image only": (pdfs.image_only_pdf, "NEEDS_OCR"),
    "encrypted": (lambda: pdfs.encrypted_pdf(user_password="secret"), "FAILED"),
    "not a pdf at all": (lambda: pdfs.not_a_pdf("zip"), "FAILED"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
async def test_hostile_pdfs_end_in_a_final_state_and_the_worker_survives(
    client, db, settings, worker, case
):
    # given
    build, expected = HOSTILE[case]
    candidate, token = await candidate_user(db, settings)
    document = await stored_document(db, settings, candidate, build())
    # when
    send("parse_document", str(document.id), queue_name="documents")
    done = await finished(client, token, str(document.id))
    # then
    assert done["status"] == expected
    if expected != "PARSED":
        assert done["failureReason"] and done["profile"] is None
        assert done["profileSuggestion"] is None and done["appliedFields"] == []
    # and the same worker still parses a good CV
    good = await upload(client, token, pdfs.simple_cv_pdf())
    assert (await finished(client, token, good["document"]["id"]))["status"] == "PARSED"


async def test_an_image_only_cv_says_it_needs_ocr(client, db, settings, worker):
    # given
    _, token = await candidate_user(db, settings)
    uploaded = await upload(client, token, pdfs.image_only_pdf())
    # when
    document = await finished(client, token, uploaded["document"]["id"])
    # then
    assert document["status"] == "NEEDS_OCR"
    assert "OCR" in document["failureReason"]
    assert document["profile"] is None and document["candidate"]["skills"] == []


class FlakyStorage(LocalStorage):
    """Local storage whose first `failures` reads fail, like a storage service hiccup."""

    def __init__(self, root: Path, failures: int) -> None:
        super().__init__(root)
        self.failures = failures

    async def read(self, key: str) -> bytes:
        if self.failures > 0:
            self.failures -= 1
            raise OSError("storage unavailable")
        return await super().read(key)


async def test_a_failed_attempt_is_retried(client, db, settings, worker):
    # given
    runtime.use_storage(FlakyStorage(settings.files_dir, failures=1))
    _, token = await candidate_user(db, settings)
    uploaded = await upload(client, token, pdfs.simple_cv_pdf())
    # when
    document = await finished(client, token, uploaded["document"]["id"])
    # then
    assert (document["status"], document["attempts"]) == ("PARSED", 2)


async def test_attempts_run_out_and_the_document_fails(client, db, settings, worker):
    # given: storage that never answers
    runtime.use_storage(FlakyStorage(settings.files_dir, failures=10))
    candidate, token = await candidate_user(db, settings)
    document = await stored_document(db, settings, candidate, pdfs.simple_cv_pdf())
    # when
    send("parse_document", str(document.id), queue_name="documents")
    done = await finished(client, token, str(document.id))
    # then
    assert (done["status"], done["attempts"]) == ("FAILED", 3)
    assert done["failureReason"] == "parsing did not complete after 3 attempts"


async def test_a_parse_stopped_from_outside_is_retried_not_failed(client, db, settings, worker):
    # given: the worker parsing a CV that takes seconds
    candidate, token = await candidate_user(db, settings)
    zygote = (await asyncio.to_thread(forkserver.zygote)).process.pid  # the worker's, too
    assert await asyncio.to_thread(settled, zygote)  # no other document in flight
    slow = pdfs.cpu_heavy_pdf(SLOW_OPERATIONS)
    document = await stored_document(db, settings, candidate, slow)
    send("parse_document", str(document.id), queue_name="documents")
    (child,) = await until_new_child(zygote, set())
    # when: its sandbox child is killed by a signal the parser did not send
    os.kill(child, signal.SIGTERM)
    done = await finished(client, token, str(document.id))
    # then: that attempt judged nothing; the retry parsed the CV
    assert (done["status"], done["attempts"]) == ("PARSED", 2)
    assert done["failureReason"] is None


async def test_a_redelivered_message_for_a_finished_document_does_nothing(
    client, db, settings, worker
):
    # given
    _, token = await candidate_user(db, settings)
    uploaded = await upload(client, token, pdfs.simple_cv_pdf())
    first = await finished(client, token, uploaded["document"]["id"])
    before = await stored(db, Document, first["id"])
    # when
    send("parse_document", first["id"], queue_name="documents")
    dramatiq.get_broker().join("documents")
    worker.join()
    # then
    after = await stored(db, Document, first["id"])
    assert (after.updated_at, after.attempts) == (before.updated_at, 1)
    assert len(await audit_rows(db, "document.parse")) == 1


async def test_a_document_left_parsing_by_a_dead_worker_is_parsed_again(
    client, db, settings, worker
):
    # given: the worker that claimed it died mid-parse, longer ago than a parse may run
    candidate, token = await candidate_user(db, settings)
    document = await stored_document(
        db,
        settings,
        candidate,
        pdfs.simple_cv_pdf(),
        status=DocumentStatus.PARSING,
        attempts=1,
        updated_at=utcnow() - STALE_CLAIM - timedelta(minutes=1),
    )
    # when
    send("parse_document", str(document.id), queue_name="documents")
    done = await finished(client, token, str(document.id))
    # then
    assert (done["status"], done["attempts"]) == ("PARSED", 2)


async def claimed_documents(
    db: Any, settings: Any, candidate: Any, claimed_at: Any
) -> list[Document]:
    """Two documents PARSING since `claimed_at`: one on its first attempt, one on its last."""
    return [
        await stored_document(
            db,
            settings,
            candidate,
            pdfs.simple_cv_pdf(),
            status=DocumentStatus.PARSING,
            attempts=attempts,
            updated_at=claimed_at,
        )
        for attempts in (1, MAX_ATTEMPTS)
    ]


async def until_parsing(db: Any, document_id: uuid.UUID) -> Document:
    for _ in range(1000):
        row: Document = await stored(db, Document, document_id)
        if row.status is not DocumentStatus.PENDING:
            return row
        await asyncio.sleep(0.01)
    raise AssertionError(f"document {document_id} was never claimed")


async def test_a_second_delivery_while_the_document_is_being_parsed_does_nothing(db, settings):
    # given: a parse of a CV that takes seconds to lay out, running now
    candidate, _ = await candidate_user(db, settings)
    document = await stored_document(db, settings, candidate, pdfs.cpu_heavy_pdf(30_000))
    storage = LocalStorage(settings.files_dir)
    first = asyncio.create_task(process_document(db, storage, document.id, Limits()))
    claimed = await until_parsing(db, document.id)
    assert (claimed.status, claimed.attempts) == (DocumentStatus.PARSING, 1)
    # when: a redelivered message for the same document arrives meanwhile
    await process_document(db, storage, document.id, Limits())
    during = await stored(db, Document, document.id)
    await first
    # then: the duplicate neither claimed nor parsed it; the first parse finished it once
    assert (during.status, during.attempts) == (DocumentStatus.PARSING, 1)
    assert during.updated_at == claimed.updated_at
    done = await stored(db, Document, document.id)
    assert (done.status, done.attempts) == (DocumentStatus.PARSED, 1)
    assert len(await audit_rows(db, "document.parse")) == 1


async def test_a_freshly_claimed_document_is_left_to_its_worker(db, settings):
    # given: documents claimed within the bound a parse may run, one on its last attempt
    candidate, _ = await candidate_user(db, settings)
    claimed_at = utcnow() - STALE_CLAIM + timedelta(minutes=1)
    rows = await claimed_documents(db, settings, candidate, claimed_at)
    before = [await stored(db, Document, row.id) for row in rows]
    # when
    for row in rows:
        await process_document(db, LocalStorage(settings.files_dir), row.id, Limits())
    # then: nothing claimed, parsed or given up
    after = [await stored(db, Document, row.id) for row in rows]
    assert [(a.status, a.attempts) for a in after] == [
        (DocumentStatus.PARSING, 1),
        (DocumentStatus.PARSING, MAX_ATTEMPTS),
    ]
    assert [a.updated_at for a in after] == [b.updated_at for b in before]
    assert await audit_rows(db, "document.parse") == []


async def test_a_stale_claim_is_taken_over_or_given_up_when_attempts_ran_out(db, settings):
    # given: documents whose worker claimed them longer ago than a parse may run
    candidate, _ = await candidate_user(db, settings)
    claimed_at = utcnow() - STALE_CLAIM - timedelta(seconds=5)
    rows = await claimed_documents(db, settings, candidate, claimed_at)
    # when
    for row in rows:
        await process_document(db, LocalStorage(settings.files_dir), row.id, Limits())
    # then: the first is parsed on a second attempt, the one out of attempts FAILED
    resumed, exhausted = [await stored(db, Document, row.id) for row in rows]
    assert (resumed.status, resumed.attempts) == (DocumentStatus.PARSED, 2)
    assert (exhausted.status, exhausted.attempts) == (DocumentStatus.FAILED, MAX_ATTEMPTS)
    assert exhausted.failure_reason == "parsing did not complete after 3 attempts"


async def test_a_failed_attempt_is_handed_back_counted_and_the_next_delivery_parses(db, settings):
    # given: storage whose first read fails
    candidate, _ = await candidate_user(db, settings)
    document = await stored_document(db, settings, candidate, pdfs.simple_cv_pdf())
    storage = FlakyStorage(settings.files_dir, failures=1)
    # when
    with pytest.raises(OSError, match="storage unavailable"):
        await process_document(db, storage, document.id, Limits())
    # then: PENDING again at once, the attempt counted
    handed_back = await stored(db, Document, document.id)
    assert (handed_back.status, handed_back.attempts) == (DocumentStatus.PENDING, 1)
    # when: the retried message arrives
    await process_document(db, storage, document.id, Limits())
    # then
    done = await stored(db, Document, document.id)
    assert (done.status, done.attempts) == (DocumentStatus.PARSED, 2)
    assert len(await audit_rows(db, "document.parse")) == 1


async def test_a_missing_stored_file_fails_the_document(client, db, settings, worker):
    # given
    candidate, token = await candidate_user(db, settings)
    document = await stored_document(db, settings, candidate, pdfs.simple_cv_pdf())
    (settings.files_dir / document.storage_key).unlink()
    # when
    send("parse_document", str(document.id), queue_name="documents")
    done = await finished(client, token, str(document.id))
    # then
    assert (done["status"], done["failureReason"]) == ("FAILED", "the stored file is missing")


async def test_restart_requeues_unfinished_documents(db, settings, worker):
    # given
    from resolvers.documents.upload import requeue_unfinished

    candidate, _ = await candidate_user(db, settings)
    pending = await stored_document(db, settings, candidate, pdfs.simple_cv_pdf())
    await stored_document(db, settings, candidate, b"%PDF-", status=DocumentStatus.PARSED)
    # when
    count = await requeue_unfinished(db)
    dramatiq.get_broker().join("documents")
    worker.join()
    # then
    assert count == 1
    assert (await stored(db, Document, pending.id)).status is DocumentStatus.PARSED


class RefusingBroker(StubBroker):
    """A broker that is down: every message is refused, as a lost connection would."""

    def enqueue(self, message: Any, *, delay: int | None = None) -> Any:
        raise ConnectionError("broker unreachable")


async def test_a_broker_outage_keeps_the_upload_and_a_later_upload_sends_the_parse(
    client, db, settings, worker
):
    # given: the broker is down while a CV is uploaded
    _, token = await candidate_user(db, settings)
    data = pdfs.simple_cv_pdf()
    healthy = use_broker(RefusingBroker())
    try:
        first = await upload(client, token, data, mode="SUGGEST")
    finally:
        use_broker(healthy)
    document_id = first["document"]["id"]
    # then: the upload is stored and waits, PENDING
    assert first["__typename"] == "UploadCvSuccess"
    assert (await stored(db, Document, document_id)).status is DocumentStatus.PENDING
    # when: the same file comes again once the document has stalled
    async with db() as session:
        row = await session.get(Document, uuid.UUID(document_id))
        row.updated_at = row.updated_at - timedelta(minutes=5)
        session.add(row)
        await session.commit()
    again = await upload(client, token, data, mode="SUGGEST")
    done = await finished(client, token, document_id)
    # then: the parse was sent again and ran once
    assert (again["duplicate"], again["document"]["id"]) == (True, document_id)
    assert (done["status"], done["attempts"]) == ("PARSED", 1)


async def test_a_recent_pending_duplicate_is_not_sent_twice(client, db, settings):
    # given: an upload whose parse is queued (no worker runs it yet)
    _, token = await candidate_user(db, settings)
    data = pdfs.simple_cv_pdf()
    broker = dramatiq.get_broker()
    broker.flush_all()
    await upload(client, token, data, mode="SUGGEST")
    # when
    again = await upload(client, token, data, mode="SUGGEST")
    # then
    assert again["duplicate"] is True
    assert broker.queues["documents"].qsize() == 1
    broker.flush_all()
