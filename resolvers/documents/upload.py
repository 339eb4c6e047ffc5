"""`uploadCv`: authorize, receive the file (bounded, hashed), vet it, store it, queue the parse.

The file is checked before anything is stored: its size while it is copied, the `%PDF-`
signature in its first 1,024 bytes, then pypdf opening it in the parser's sandbox (encryption
and page count). The client's filename and content type are never trusted: the file is stored
under a generated key, and the name is kept only as display metadata. Calling the sandboxed
inspection of `tasks.cv` from here is deliberate: it is pure code, and a file must be vetted
while the client waits for a typed answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from loaders.policy import can_view_job
from models.base import utcnow
from models.db import SessionFactory
from models.document import Document
from models.enums import ApplyMode, DocumentStatus
from models.job import Job
from models.settings import Settings
from models.storage import Storage, new_key, open_storage
from resolvers import outbox
from resolvers.audit import record
from resolvers.candidate_writes import writable_candidate
from resolvers.context import Context
from resolvers.errors import (
    EncryptedPdfError,
    FileTooLargeError,
    ForbiddenError,
    NotAPdfError,
    NotFoundError,
    TooManyPagesError,
)
from resolvers.write_checks import WriteChecks
from tasks.broker import send_async
from tasks.cv import Limits, has_pdf_magic, inspect_pdf_async
from tasks.names import PARSE_DOCUMENT

logger = logging.getLogger("talentgraph.documents")

CHUNK_BYTES = 64 * 1024
MAGIC_WINDOW = 1024
MAX_KEY_SKILLS = 50
CONTENT_TYPES = ("application/pdf",)


@dataclass(frozen=True)
class JobContext:
    """What the CV was sent for: a job, or a free-text role (kept for evaluations)."""

    job_id: uuid.UUID | None = None
    role: str | None = None
    description: str | None = None
    key_skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Uploaded:
    document: Document
    duplicate: bool


@dataclass(frozen=True)
class Received:
    path: Path
    size: int
    sha256: str
    head: bytes


def limits_of(settings: Settings) -> Limits:
    return Limits(max_pages=settings.max_cv_pages)


def display_name(raw: str | None) -> str:
    """The client's filename as harmless display text: last path segment, no control or
    bidirectional-format characters, at most 255 characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    name = " ".join(name.split())[:255]
    return name or "cv.pdf"


def _copy(source: BinaryIO, staging: Path, max_bytes: int) -> Received:
    """Copy the upload to a staged file, hashing as it goes; stop past `max_bytes`."""
    fd, name = tempfile.mkstemp(dir=staging, suffix=".part")
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        source.seek(0)
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLargeError(
                        f"The file is larger than {max_bytes} bytes", limit=max_bytes
                    )
                if len(head) < MAGIC_WINDOW:
                    head += chunk[: MAGIC_WINDOW - len(head)]
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, size, digest.hexdigest(), head)


def clean_job_context(checks: WriteChecks, given: JobContext | None) -> JobContext | None:
    if given is None:
        return None
    role = checks.string("role", given.role, required=False, max_length=200)
    description = checks.string("description", given.description, required=False, max_length=20_000)
    checks.size(checks.name("key_skills"), list(given.key_skills), max_items=MAX_KEY_SKILLS)
    skills = []
    for index, skill in enumerate(given.key_skills[:MAX_KEY_SKILLS]):
        cleaned = checks.text(
            f"{checks.name('key_skills')}[{index}]", skill, required=True, max_length=100
        )
        if cleaned:
            skills.append(cleaned)
    free_text = bool(role or description or skills)
    if given.job_id is not None and free_text:
        checks.reject("job_id", "INVALID_VALUE", "Give either jobId or a free-text role, not both")
    if given.job_id is None and not free_text:
        return None
    return JobContext(given.job_id, role, description, tuple(skills))


async def _visible_job(ctx: Context, job_id: uuid.UUID) -> None:
    async with ctx.session_factory() as session:
        job = await session.get(Job, job_id)
    if job is None or not can_view_job(ctx.viewer, job):
        raise NotFoundError("Job not found", field="jobContext.jobId")


async def _existing(ctx: Context, candidate_id: uuid.UUID, sha256: str) -> Document | None:
    async with ctx.session_factory() as session:
        statement = select(Document).where(
            col(Document.candidate_id) == candidate_id, col(Document.sha256) == sha256
        )
        return (await session.exec(statement)).first()


async def _vet(received: Received, limits: Limits) -> int | None:
    """Raise the typed rejection a bad file deserves; return its page count."""
    if not has_pdf_magic(received.head):
        raise NotAPdfError("The file is not a PDF (no %PDF- signature in its first 1,024 bytes)")
    inspection = await inspect_pdf_async(received.path, limits)
    if inspection.ok:
        return inspection.page_count
    message = inspection.message or "The PDF cannot be read"
    if inspection.error == "ENCRYPTED":
        raise EncryptedPdfError(message)
    if inspection.error == "TOO_MANY_PAGES":
        raise TooManyPagesError(message, limit=limits.max_pages)
    raise NotAPdfError(message)


async def upload_cv(
    ctx: Context,
    candidate_id: uuid.UUID | None,
    file: Any,
    apply_mode: ApplyMode,
    job_context: JobContext | None,
) -> Uploaded:
    """Store a vetted CV for the candidate and queue its parse (sent after the commit).

    The same bytes uploaded again for the same candidate return the stored document
    (`duplicate`), whatever state it is in; one stalled in PENDING has its parse sent again.
    """
    try:
        return await _upload(ctx, candidate_id, file, apply_mode, job_context)
    finally:
        with contextlib.suppress(Exception):
            await file.close()


async def _upload(
    ctx: Context,
    candidate_id: uuid.UUID | None,
    file: Any,
    apply_mode: ApplyMode,
    job_context: JobContext | None,
) -> Uploaded:
    checks = WriteChecks(prefix="jobContext")
    context = clean_job_context(checks, job_context)
    async with ctx.session_factory() as session:
        candidate = await writable_candidate(session, ctx, candidate_id)
    if apply_mode is ApplyMode.REPLACE and not ctx.viewer.is_admin:
        raise ForbiddenError("Only admins may replace a profile from a CV", field="applyMode")
    checks.done()
    if context is not None and context.job_id is not None:
        await _visible_job(ctx, context.job_id)
    storage = open_storage(ctx.settings)
    received = await asyncio.to_thread(
        _copy, file.file, storage.staging_dir(), ctx.settings.max_upload_bytes
    )
    try:
        existing = await _existing(ctx, candidate.id, received.sha256)
        if existing is not None:
            await _audit_duplicate(ctx, existing)
            if _stalled(existing):
                await outbox.submit(ctx.session_factory, PARSE_DOCUMENT, str(existing.id))
            return Uploaded(existing, duplicate=True)
        page_count = await _vet(received, limits_of(ctx.settings))
        document = Document(
            candidate_id=candidate.id,
            organization_id=ctx.viewer.organization_id if ctx.viewer.org_member else None,
            uploaded_by_id=ctx.viewer.user_id,
            filename=display_name(getattr(file, "filename", None)),
            content_type=CONTENT_TYPES[0],
            size_bytes=received.size,
            sha256=received.sha256,
            storage_key=new_key("cv", "pdf"),
            status=DocumentStatus.PENDING,
            apply_mode=apply_mode,
            page_count=page_count,
            job_id=context.job_id if context else None,
            job_context=_context_json(context),
        )
        await storage.put(document.storage_key, received.path)
    finally:
        received.path.unlink(missing_ok=True)
    return await _insert(ctx, storage, document)


def _context_json(context: JobContext | None) -> dict[str, Any] | None:
    if context is None or context.job_id is not None:
        return None
    return {
        "role": context.role,
        "description": context.description,
        "keySkills": list(context.key_skills),
    }


async def _insert(ctx: Context, storage: Storage, document: Document) -> Uploaded:
    details = {
        "candidateId": str(document.candidate_id),
        "sizeBytes": document.size_bytes,
        "sha256": document.sha256,
        "applyMode": document.apply_mode.value,
    }
    try:
        async with ctx.session_factory() as session:
            session.add(document)
            record(session, ctx, "document.upload", "Document", document.id, details)
            message = outbox.stage(session, PARSE_DOCUMENT, str(document.id))
            await session.commit()
    except IntegrityError:
        # a concurrent upload of the same bytes for this candidate won the unique index
        await storage.delete(document.storage_key)
        existing = await _existing(ctx, document.candidate_id, document.sha256)
        if existing is None:
            raise
        await _audit_duplicate(ctx, existing)
        return Uploaded(existing, duplicate=True)
    except BaseException:
        await storage.delete(document.storage_key)
        raise
    await outbox.relay_after_commit(ctx.session_factory, [message])
    return Uploaded(document, duplicate=False)


STALLED_AFTER = timedelta(minutes=2)


def _stalled(document: Document) -> bool:
    """Still PENDING long after its upload: its message was lost (or never sent)."""
    return document.status is DocumentStatus.PENDING and utcnow() - document.updated_at > (
        STALLED_AFTER
    )


async def _audit_duplicate(ctx: Context, existing: Document) -> None:
    async with ctx.session_factory() as session:
        record(
            session,
            ctx,
            "document.upload",
            "Document",
            existing.id,
            {"candidateId": str(existing.candidate_id), "duplicate": True},
        )
        await session.commit()


async def enqueue(document_id: uuid.UUID) -> None:
    """Queue the parse of a committed document (the message carries only its id)."""
    await send_async(PARSE_DOCUMENT.actor, str(document_id), queue_name=PARSE_DOCUMENT.queue)


async def requeue_unfinished(factory: SessionFactory, before: datetime | None = None) -> int:
    """Send again the parse of every document left PENDING or PARSING (the embedded worker's
    in-memory queue died with the previous process); `before` leaves newer uploads alone."""
    async with factory() as session:
        statement = select(col(Document.id)).where(
            col(Document.status).in_([DocumentStatus.PENDING, DocumentStatus.PARSING])
        )
        if before is not None:
            statement = statement.where(col(Document.created_at) < before)
        ids = list((await session.exec(statement)).all())
    for document_id in ids:
        await enqueue(document_id)
    return len(ids)
