"""A parsed CV's suggestion: its diff against the profile as it is now, and accepting it.

The suggestion is computed when read, not stored: it always compares with the current profile,
so a change accepted (or typed) since the parse drops out of it by itself.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, cast

from loaders.registry import LoaderSet
from models.candidate import Candidate
from models.document import Document
from models.enums import DocumentStatus
from resolvers.audit import record
from resolvers.candidate_writes import require_viewer, writable_candidate
from resolvers.candidates import can_see_contact_details
from resolvers.context import Context
from resolvers.documents.access import get_document
from resolvers.documents.apply import load_current, write
from resolvers.documents.proposals import Change, Current, diff, proposals
from resolvers.errors import ConflictError, InvalidStateError, NotFoundError, ValidationFailedError

CONTACT = ("email", "phone")
ROUNDS = 3
DOCUMENT_NOT_FOUND = "Document not found"


async def suggestion(ctx: Context, loaders: LoaderSet, document: Document) -> list[Change] | None:
    """The changes a PARSED document still suggests; None before parsing finished.

    Reads through the request's loaders, so a list of documents costs a fixed number of
    statements. Current contact values appear only where the viewer may see contact data.
    """
    if document.status is not DocumentStatus.PARSED or not document.parsed_profile:
        return None
    candidate = await loaders.candidate.load(document.candidate_id)
    if candidate is None:
        return None
    education, experience, certifications, skills = await asyncio.gather(
        loaders.education_by_candidate.load(candidate.id),
        loaders.experience_by_candidate.load(candidate.id),
        loaders.certifications_by_candidate.load(candidate.id),
        loaders.skills_by_candidate.load(candidate.id),
    )
    current = Current(
        candidate,
        education,
        experience,
        certifications,
        [row.name for row in cast("list[Any]", skills)],
    )
    changes = diff(proposals(document.parsed_profile), current)
    if any(c.proposal.column in CONTACT for c in changes if c.proposal.section is None):
        if not await can_see_contact_details(ctx, loaders, candidate):
            changes = [
                Change(c.proposal, None)
                if c.proposal.section is None and c.proposal.column in CONTACT
                else c
                for c in changes
            ]
    return changes


async def accept(
    ctx: Context, loaders: LoaderSet, document_id: uuid.UUID | None, keys: list[str] | None
) -> tuple[Document, Candidate, list[str]]:
    """Apply the chosen changes (every one when `keys` is None); values overwrite.

    Keys of the parsed profile that no longer differ from the profile are accepted as no-ops;
    keys the parse never produced are a ValidationFailedError.
    """
    require_viewer(ctx)
    document = await _visible(ctx, loaders, document_id)
    for _ in range(ROUNDS):
        async with ctx.session_factory() as session:
            try:
                candidate = await writable_candidate(session, ctx, document.candidate_id)
            except NotFoundError as exc:
                raise NotFoundError(DOCUMENT_NOT_FOUND, field="documentId") from exc
            if document.status is not DocumentStatus.PARSED:
                raise InvalidStateError(
                    f"The document is {document.status.value}; only a PARSED one has a suggestion",
                    field="documentId",
                )
            found = proposals(document.parsed_profile)
            _check_keys(keys, {p.key for p in found})
            changes = diff(found, await load_current(session, candidate))
            chosen = [c for c in changes if keys is None or c.proposal.key in keys]
            try:
                applied = await write(session, candidate, chosen)
            except ConflictError:
                continue  # saved meanwhile: compare with the new profile
            record(
                session,
                ctx,
                "document.suggestion.accept",
                "Candidate",
                candidate.id,
                {"documentId": str(document.id), "fields": applied},
            )
            await session.commit()
            return document, candidate, applied
    raise ConflictError(
        "The profile kept changing; read it again and retry",
        current_version=candidate.version,
        field="documentId",
    )


def _check_keys(keys: list[str] | None, known: set[str]) -> None:
    if keys is None:
        return
    errors = [
        (f"fields[{index}]", "INVALID_VALUE", f"{key} is not a field of this document's profile")
        for index, key in enumerate(keys)
        if key not in known
    ]
    if errors:
        raise ValidationFailedError(errors)


async def _visible(ctx: Context, loaders: LoaderSet, document_id: uuid.UUID | None) -> Document:
    document = await get_document(ctx, loaders, document_id) if document_id else None
    if document is None:
        raise NotFoundError(DOCUMENT_NOT_FOUND, field="documentId")
    return document
