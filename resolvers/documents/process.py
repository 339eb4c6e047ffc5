"""The parse job: PENDING -> PARSING -> PARSED | FAILED | NEEDS_OCR, safe to run again.

The `parse_document` actor calls `process_document`; tests call it directly. State lives in the
row: a message for a finished document does nothing, and so does one for a document another
worker is parsing right now (a redelivered or duplicate message must not start a second parse);
a PARSING document whose claim is older than `STALE_CLAIM` lost its worker and is picked up
again. Each claim counts an attempt, so a file that keeps killing its worker ends FAILED after
`MAX_ATTEMPTS` instead of being retried forever; a parse that a stopping worker cut off and
handed back is not an attempt, and one that raised is handed back PENDING with its attempt
counted, so the retried message claims it at once. Finishing is conditional on the row still
carrying this claim, so two deliveries racing each other apply the profile once.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, update
from sqlmodel import col

from models import metrics
from models.base import utcnow
from models.candidate import Candidate
from models.db import SessionFactory
from models.document import Document
from models.enums import DocumentStatus
from models.storage import Storage
from resolvers import audit, events
from resolvers.documents.apply import choose, load_current, write
from resolvers.errors import ConflictError
from tasks.cv import Limits, ParseOutcome, parse_pdf_async

logger = logging.getLogger("talentgraph.documents")

MAX_ATTEMPTS = 3
APPLY_ROUNDS = 3  # a person saving the profile meanwhile makes the apply start over
UNFINISHED = (DocumentStatus.PENDING, DocumentStatus.PARSING)
TERMINAL = (DocumentStatus.PARSED, DocumentStatus.FAILED, DocumentStatus.NEEDS_OCR)
MAX_REASON = 500
GIVEN_UP = f"parsing did not complete after {MAX_ATTEMPTS} attempts"
# a PARSING document claimed longer ago than this lost its worker: the actor's time limit is 5
# minutes (the sandbox stops the parse itself after 15 s; reading storage and applying the
# profile take the rest); a younger claim is still being worked on, so a duplicate message
# leaves it alone. The sweeper re-sends parses by the same bound.
STALE_CLAIM = timedelta(minutes=6)


async def process_document(
    factory: SessionFactory,
    storage: Storage,
    document_id: uuid.UUID,
    limits: Limits | None = None,
    *,
    request_id: str | None = None,
    redis_url: str | None = None,
) -> None:
    """Parse the stored file and apply it to the profile.

    `redis_url` also announces each status change to the other processes' subscribers.

    Raises whatever went wrong unexpectedly (storage or database trouble) while attempts
    remain, so the message is retried; a bad PDF is an outcome, never an exception.
    """
    changed = await _claim(factory, document_id)
    if changed:
        await events.announce(document_id, redis_url=redis_url)
    document = changed if isinstance(changed, Document) else None
    if document is None:
        return
    try:
        outcome = await _parse(storage, document, limits or Limits())
        finished = await _finish(factory, document, outcome, request_id)
    except asyncio.CancelledError:
        await _hand_back(factory, document)
        raise
    except Exception:
        if document.attempts < MAX_ATTEMPTS:
            # PENDING again (the attempt counts), so the retried message claims it at once
            await _hand_back_after_error(factory, document)
            raise
        logger.exception("giving up on document %s", document_id)
        finished = await _finish(factory, document, ParseOutcome.failed(GIVEN_UP), request_id)
    if finished:
        await events.announce(document_id, redis_url=redis_url)


async def _claim(factory: SessionFactory, document_id: uuid.UUID) -> Document | bool:
    """Mark the document PARSING and count the attempt, returning it; else whether the row
    changed (True when attempts had run out and it was marked FAILED).

    Only a PENDING document is claimed, or a PARSING one whose claim is older than
    `STALE_CLAIM` (its worker is gone); a document being parsed right now is left alone.
    """
    now = utcnow()
    claimable = and_(
        col(Document.id) == document_id,
        or_(
            col(Document.status) == DocumentStatus.PENDING,
            and_(
                col(Document.status) == DocumentStatus.PARSING,
                col(Document.updated_at) < now - STALE_CLAIM,
            ),
        ),
    )
    async with factory() as session:
        given_up = await session.exec(
            update(Document)
            .where(claimable, col(Document.attempts) >= MAX_ATTEMPTS)  # earlier workers died
            .values(status=DocumentStatus.FAILED, failure_reason=GIVEN_UP, updated_at=now)
        )
        if given_up.rowcount == 1:
            await session.commit()
            return True
        result = await session.exec(
            update(Document)
            .where(claimable, col(Document.attempts) < MAX_ATTEMPTS)
            .values(
                status=DocumentStatus.PARSING,
                attempts=col(Document.attempts) + 1,
                updated_at=now,
            )
        )
        if result.rowcount != 1:
            return False
        await session.commit()
        document = await session.get(Document, document_id, populate_existing=True)
    return document if document is not None else False


def _held(document: Document) -> ColumnElement[bool]:
    """The row still carries this delivery's claim (no later claim took it since)."""
    return and_(
        col(Document.id) == document.id,
        col(Document.status) == DocumentStatus.PARSING,
        col(Document.attempts) == document.attempts,
    )


async def _hand_back(factory: SessionFactory, document: Document, *, counted: bool = False) -> None:
    """PENDING again for the next delivery, unless another one claimed the document since.

    A parse cut off from outside (a stopping worker hands its job back) is not an attempt, so
    it is taken back; one that raised counts (`counted`).
    """
    async with factory() as session:
        await session.exec(
            update(Document)
            .where(_held(document))
            .values(
                status=DocumentStatus.PENDING,
                attempts=col(Document.attempts) - (0 if counted else 1),
                updated_at=utcnow(),
            )
        )
        await session.commit()


async def _hand_back_after_error(factory: SessionFactory, document: Document) -> None:
    """Hand back a parse that raised; if the database refuses even that, the claim goes stale
    and the sweeper sends the parse again, so the original error is the one that propagates."""
    try:
        await _hand_back(factory, document, counted=True)
    except Exception:
        logger.warning("could not hand document %s back", document.id, exc_info=True)


async def _parse(storage: Storage, document: Document, limits: Limits) -> ParseOutcome:
    try:
        data = await storage.read(document.storage_key)
    except FileNotFoundError:
        return ParseOutcome.failed("the stored file is missing")
    with tempfile.TemporaryDirectory(prefix="cv-") as folder:
        path = Path(folder) / "cv.pdf"
        await asyncio.to_thread(path.write_bytes, data)
        return await parse_pdf_async(path, limits)


def _outcome_values(outcome: ParseOutcome) -> dict[str, Any]:
    status = DocumentStatus(outcome.status)
    reason = outcome.reason
    if status is DocumentStatus.PARSED and not outcome.profile:
        status, reason = DocumentStatus.FAILED, "the parser found no profile in the text"
    if status is DocumentStatus.NEEDS_OCR and not reason:
        reason = "no text layer: the PDF holds only images and needs OCR"
    return {
        "status": status,
        "failure_reason": reason[:MAX_REASON] if reason else None,
        "page_count": outcome.page_count,
        "extracted_text": outcome.text if status is not DocumentStatus.FAILED else None,
        "parsed_profile": outcome.profile if status is DocumentStatus.PARSED else None,
        "findings": list(outcome.findings),
    }


async def _finish(
    factory: SessionFactory, document: Document, outcome: ParseOutcome, request_id: str | None
) -> bool:
    """Store the outcome; False when another delivery finished the document first."""
    values = _outcome_values(outcome)
    for _ in range(APPLY_ROUNDS):
        try:
            done: bool = await _store(factory, document, values, request_id)
        except ConflictError:
            continue
        if done:
            metrics.record_cv_parse(values["status"].value)
        return done
    raise ConflictError("The profile kept changing while the CV was applied", current_version=0)


async def _store(
    factory: SessionFactory, document: Document, values: dict[str, Any], request_id: str | None
) -> bool:
    """Record the outcome and apply the profile in one transaction; False when the claim
    was lost (another delivery finished the document or claimed it since)."""
    now = utcnow()
    async with factory() as session:
        applied: list[str] = []
        candidate = await session.get(Candidate, document.candidate_id)
        if values["status"] is DocumentStatus.PARSED and candidate is not None:
            current = await load_current(session, candidate)
            changes, replaced = choose(document.apply_mode, values["parsed_profile"], current)
            applied = await write(session, candidate, changes, replaced=sorted(replaced))
        result = await session.exec(
            update(Document)
            .where(_held(document))
            .values(
                **values,
                applied_fields=applied,
                parsed_at=now if values["status"] is DocumentStatus.PARSED else None,
                updated_at=now,
            )
        )
        if result.rowcount != 1:  # another delivery finished or took it first
            await session.rollback()
            return False
        session.add(
            audit.entry(
                "document.parse",
                "Document",
                document.id,
                {
                    "status": values["status"].value,
                    "candidateId": str(document.candidate_id),
                    "appliedFields": applied,
                },
                actor_id=document.uploaded_by_id,
                request_id=request_id,
            )
        )
        await session.commit()
    return True
