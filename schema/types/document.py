"""GraphQL types of stored CVs: the document, its job context and its profile suggestion."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from models.document import Document
from models.enums import ApplyMode, DocumentStatus
from resolvers.context import Context
from resolvers.documents import suggestions
from resolvers.documents.download import download_path
from resolvers.documents.proposals import Change
from schema.types.parsed_profile import DocumentFinding, ParsedProfile, SourceLocation

if TYPE_CHECKING:
    from schema.types.candidate import CandidateType
    from schema.types.job import JobType

Info = strawberry.Info[Context, None]
LazyCandidate = Annotated["CandidateType", strawberry.lazy("schema.types.candidate")]
LazyJob = Annotated["JobType", strawberry.lazy("schema.types.job")]


@strawberry.type(description="One change a parsed CV suggests for the candidate's profile.")
class ProfileChange:
    field: str = strawberry.field(
        description="What changes: a profile field ('headline', 'email', ...) or a section "
        "entry of the parsed CV ('skills[2]', 'education[0]', 'experience[1]', "
        "'certifications[0]'); pass it to `acceptProfileSuggestion(fields:)`."
    )
    section: str | None = strawberry.field(
        description="'education', 'experience', 'certifications' or 'skills' for an entry to "
        "add; null for a profile field."
    )
    current_value: str | None = strawberry.field(
        description="The profile's value now; null when empty, for entries, and for contact "
        "fields you may not see."
    )
    suggested_value: str = strawberry.field(description="The value from the CV, as text.")
    confidence: float | None = strawberry.field(description="How sure the parser is, 0 to 1.")
    source: SourceLocation | None = strawberry.field(description="Where in the CV it was read.")

    @classmethod
    def of(cls, change: Change) -> ProfileChange:
        proposal = change.proposal
        return cls(
            field=proposal.key,
            section=proposal.section,
            current_value=change.current,
            suggested_value=proposal.display,
            confidence=proposal.confidence,
            source=SourceLocation.of({"source": proposal.source}),
        )


@strawberry.type(
    description="How a parsed CV differs from the candidate's profile as it is now: profile "
    "fields whose value differs and entries the profile lacks. Accepted or typed changes drop "
    "out of it."
)
class ProfileSuggestion:
    changes: list[ProfileChange] = strawberry.field(description="Every suggested change.")


@strawberry.type(description="What a CV was sent for: a job, or a free-text role.")
class JobContext:
    role: str | None = strawberry.field(description="Free-text job role.")
    description: str | None = strawberry.field(description="Free-text job description.")
    key_skills: list[str] = strawberry.field(description="Key skills of the free-text role.")
    job_id: strawberry.Private[object]

    @strawberry.field(description="The job, if one was named and you may see it.")
    def job(self, info: Info) -> LazyJob | None:
        from schema.types.job import visible_job

        return visible_job(info, self.job_id)


@strawberry.type(
    name="Document",
    description="A stored CV: upload metadata, parse progress, what parsing found, and what it "
    "suggests for the candidate's profile.",
)
class DocumentType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the document.")
    candidate_id: strawberry.ID = strawberry.field(description="UUID of the candidate.")
    filename: str = strawberry.field(
        description="The uploaded file's name, cleaned, as display text only (files are "
        "stored under generated keys)."
    )
    content_type: str = strawberry.field(description="Media type: application/pdf.")
    size_bytes: int = strawberry.field(description="File size in bytes.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the file.")
    status: DocumentStatus = strawberry.field(
        description="PENDING (queued), PARSING, then PARSED, FAILED (see failureReason) or "
        "NEEDS_OCR (no text layer: nothing could be read)."
    )
    apply_mode: ApplyMode = strawberry.field(description="What the parse does to the profile.")
    page_count: int | None = strawberry.field(description="Number of pages, once known.")
    failure_reason: str | None = strawberry.field(
        description="Why parsing failed or needs OCR; null otherwise."
    )
    attempts: int = strawberry.field(description="Parse attempts so far (retries included).")
    applied_fields: list[str] = strawberry.field(
        description="Profile fields and entries the parse wrote (AUTO_FILL, REPLACE), as "
        "`ProfileChange.field` names them."
    )
    findings: list[DocumentFinding] = strawberry.field(
        description="Quality findings of the parse (empty before it finished)."
    )
    profile: ParsedProfile | None = strawberry.field(
        description="What parsing found; null unless PARSED."
    )
    parsed_at: datetime | None = strawberry.field(description="When parsing finished (UTC).")
    created_at: datetime = strawberry.field(description="When it was uploaded (UTC).")
    updated_at: datetime = strawberry.field(description="Last status change (UTC).")
    row: strawberry.Private[Document]

    @classmethod
    def from_model(cls, row: Document) -> DocumentType:
        return cls(
            id=strawberry.ID(str(row.id)),
            candidate_id=strawberry.ID(str(row.candidate_id)),
            filename=row.filename,
            content_type=row.content_type,
            size_bytes=row.size_bytes,
            sha256=row.sha256,
            status=row.status,
            apply_mode=row.apply_mode,
            page_count=row.page_count,
            failure_reason=row.failure_reason,
            attempts=row.attempts,
            applied_fields=list(row.applied_fields or []),
            findings=DocumentFinding.many(row.findings),
            profile=ParsedProfile.of(row.parsed_profile)
            if row.status is DocumentStatus.PARSED
            else None,
            parsed_at=row.parsed_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="The candidate, if you may see them.")
    def candidate(self, info: Info) -> LazyCandidate | None:
        from schema.types.candidate import visible_candidate

        return visible_candidate(info, self.row.candidate_id)

    @strawberry.field(
        description="Path of the stored file on this API (`GET` with the same bearer token): "
        "sent as an attachment, to whoever may see this document."
    )
    def download_path(self) -> str:
        return download_path(uuid.UUID(str(self.id)))

    @strawberry.field(description="What the CV was sent for, if the upload said.")
    def job_context(self) -> JobContext | None:
        context = self.row.job_context or {}
        if self.row.job_id is None and not context:
            return None
        return JobContext(
            role=context.get("role"),
            description=context.get("description"),
            key_skills=list(context.get("keySkills") or []),
            job_id=self.row.job_id,
        )

    @strawberry.field(
        description="The parsed profile's differences from the candidate's current profile; "
        "null unless PARSED. Apply them with `acceptProfileSuggestion`."
    )
    async def profile_suggestion(self, info: Info) -> ProfileSuggestion | None:
        loaders = info.context.loaders_at(info)
        changes = await suggestions.suggestion(info.context, loaders, self.row)
        if changes is None:
            return None
        return ProfileSuggestion(changes=[ProfileChange.of(c) for c in changes])


@strawberry.type(description="What `uploadCv` accepts.")
class UploadConstraints:
    max_bytes: int = strawberry.field(description="Largest file accepted (TOO_LARGE above).")
    max_request_bytes: int = strawberry.field(
        description="Largest HTTP request body; bigger requests get HTTP 413 unread."
    )
    max_pages: int = strawberry.field(description="Most pages accepted (TOO_MANY_PAGES above).")
    content_types: list[str] = strawberry.field(
        description="Accepted file types, checked by content (the declared type is ignored)."
    )
    apply_modes: list[ApplyMode] = strawberry.field(description="Choices of `applyMode`.")
