"""CV uploads and accepting what a parsed CV suggests."""

from __future__ import annotations

from typing import Annotated, Any, cast

import strawberry
from strawberry.file_uploads import Upload

from models.enums import ApplyMode
from resolvers.context import Context
from resolvers.documents import suggestions
from resolvers.documents.upload import JobContext, upload_cv
from resolvers.errors import (
    EncryptedPdfError,
    FileTooLargeError,
    NotAPdfError,
    TooManyPagesError,
    ValidationFailedError,
)
from schema.inputs import lookup_id
from schema.types.candidate import CandidateType
from schema.types.common import ErrorCode, UserError
from schema.types.document import DocumentType
from schema.types.errors import (
    AuthenticationRequired,
    Conflict,
    Forbidden,
    InvalidState,
    NotFound,
    ValidationError,
)

Info = strawberry.Info[Context, None]


@strawberry.input(
    description="What the CV is sent for, kept for evaluating it later: a job, or a "
    "free-text role (not both)."
)
class CvJobContextInput:
    job_id: strawberry.ID | None = strawberry.field(default=None, description="A job you may see.")
    role: str | None = strawberry.field(default=None, description="Job role (max 200).")
    description: str | None = strawberry.field(
        default=None, description="Job description (max 20,000)."
    )
    key_skills: list[str] | None = strawberry.field(
        default=None, description="Key skills of the role (at most 50, each max 100)."
    )

    def to_context(self) -> JobContext:
        job_id = lookup_id(self.job_id) if self.job_id is not None else None
        if self.job_id is not None and job_id is None:
            raise ValidationFailedError(
                [("jobContext.jobId", "INVALID_FORMAT", "jobContext.jobId is not a UUID")]
            )
        return JobContext(job_id, self.role, self.description, tuple(self.key_skills or ()))


@strawberry.type(description="The CV was stored and its parse queued (or it was stored before).")
class UploadCvSuccess:
    document: DocumentType = strawberry.field(
        description="The document: PENDING when new; when `duplicate`, the stored one as it is."
    )
    duplicate: bool = strawberry.field(
        description="True when this candidate already had this exact file (same SHA-256): "
        "nothing was stored or queued."
    )


@strawberry.type(description="The file is larger than `maxBytes`; nothing was stored.")
class FileTooLarge(UserError):
    max_bytes: int = strawberry.field(description="The limit in bytes.")


@strawberry.type(
    description="The file is not a PDF: no `%PDF-` signature in its first 1,024 bytes, or it "
    "cannot be opened as one. Nothing was stored."
)
class NotAPdf(UserError):
    pass


@strawberry.type(description="The PDF is password-protected; upload an unprotected copy.")
class EncryptedPdf(UserError):
    pass


@strawberry.type(description="The PDF has more than `maxPages` pages; nothing was stored.")
class TooManyPages(UserError):
    max_pages: int = strawberry.field(description="The page limit.")


@strawberry.type(description="The chosen changes were applied to the candidate's profile.")
class AcceptProfileSuggestionSuccess:
    document: DocumentType = strawberry.field(description="The document (its suggestion shrank).")
    candidate: CandidateType = strawberry.field(description="The profile after the change.")
    applied_fields: list[str] = strawberry.field(
        description="What was written; chosen fields that already matched are left out."
    )


UploadCvResult = Annotated[
    UploadCvSuccess
    | ValidationError
    | AuthenticationRequired
    | Forbidden
    | NotFound
    | FileTooLarge
    | NotAPdf
    | EncryptedPdf
    | TooManyPages,
    strawberry.union("UploadCvResult", description="Result of `uploadCv`."),
]
AcceptProfileSuggestionResult = Annotated[
    AcceptProfileSuggestionSuccess
    | ValidationError
    | AuthenticationRequired
    | Forbidden
    | NotFound
    | InvalidState
    | Conflict,
    strawberry.union(
        "AcceptProfileSuggestionResult", description="Result of `acceptProfileSuggestion`."
    ),
]


@strawberry.type
class DocumentMutations:
    @strawberry.mutation(
        description="Upload a CV (a PDF, sent as a GraphQL multipart request with an "
        "`Authorization` or `GraphQL-Require-Preflight` header) for a candidate you may change: "
        "candidates for themselves, recruiters and partners for candidates their organization "
        "sourced, admins for anyone. See `uploadConstraints` for the limits. The file is "
        "parsed in the background: poll `document(id)` or subscribe to `documentUpdated`."
    )
    async def upload_cv(
        self,
        info: Info,
        file: Annotated[Upload, strawberry.argument(description="The CV, a PDF.")],
        candidate_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The candidate; candidates may leave it out for their own profile."
            ),
        ] = None,
        apply_mode: Annotated[
            ApplyMode,
            strawberry.argument(
                description="What the parse does to the profile (REPLACE: admins)."
            ),
        ] = ApplyMode.AUTO_FILL,
        job_context: Annotated[
            CvJobContextInput | None,
            strawberry.argument(description="What the CV is sent for, if anything."),
        ] = None,
    ) -> UploadCvResult:
        ctx = info.context
        try:
            key = _candidate_key(ctx, candidate_id)
            context = job_context.to_context() if job_context is not None else None
        except BaseException:
            await cast("Any", file).close()  # upload_cv closes it on every other path
            raise
        uploaded = await upload_cv(ctx, key, file, apply_mode, context)
        return UploadCvSuccess(
            document=DocumentType.from_model(uploaded.document), duplicate=uploaded.duplicate
        )

    @strawberry.mutation(
        description="Apply a parsed CV's suggestion to the candidate's profile: every change, "
        "or the ones named (values from the CV overwrite the profile's). Needs the right to "
        "change the candidate. Advances the candidate's version."
    )
    async def accept_profile_suggestion(
        self,
        info: Info,
        document_id: Annotated[
            strawberry.ID, strawberry.argument(description="The PARSED document.")
        ],
        fields: Annotated[
            list[str] | None,
            strawberry.argument(
                description="`ProfileChange.field` names to apply; null applies them all."
            ),
        ] = None,
    ) -> AcceptProfileSuggestionResult:
        ctx = info.context
        document, candidate, applied = await suggestions.accept(
            ctx, ctx.loaders_at(info), lookup_id(document_id), fields
        )
        return AcceptProfileSuggestionSuccess(
            document=DocumentType.from_model(document),
            candidate=CandidateType.from_model(candidate),
            applied_fields=applied,
        )


def _candidate_key(ctx: Context, candidate_id: strawberry.ID | None) -> Any:
    """The named candidate, else the candidate's own profile (others must name one)."""
    if candidate_id is not None:
        return lookup_id(candidate_id)
    if ctx.viewer.candidate_id is None and ctx.viewer.user_id is not None:
        raise ValidationFailedError([("candidateId", "REQUIRED", "candidateId is required")])
    return ctx.viewer.candidate_id


def _rejection(error_type: type[Any], code: ErrorCode, **limits: str) -> Any:
    def handle(self: Any, exception: Any, *, field: Any, info: Any) -> Any:
        extra = {name: getattr(exception, attr) for name, attr in limits.items()}
        return error_type(code=code, message=exception.message, field=exception.field, **extra)

    return handle


class FileTooLargeHandler(strawberry.ExceptionHandler[FileTooLargeError, FileTooLarge]):
    handle = _rejection(FileTooLarge, ErrorCode.TOO_LARGE, max_bytes="limit")


class NotAPdfHandler(strawberry.ExceptionHandler[NotAPdfError, NotAPdf]):
    handle = _rejection(NotAPdf, ErrorCode.NOT_A_PDF)


class EncryptedPdfHandler(strawberry.ExceptionHandler[EncryptedPdfError, EncryptedPdf]):
    handle = _rejection(EncryptedPdf, ErrorCode.ENCRYPTED)


class TooManyPagesHandler(strawberry.ExceptionHandler[TooManyPagesError, TooManyPages]):
    handle = _rejection(TooManyPages, ErrorCode.TOO_MANY_PAGES, max_pages="limit")


HANDLERS = (FileTooLargeHandler(), NotAPdfHandler(), EncryptedPdfHandler(), TooManyPagesHandler())
