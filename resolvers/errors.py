"""Domain errors: raised by resolvers, shown to clients with a stable `code`.

Hierarchy:
    PublicError                 message and code are safe to show to any client
    ├── BadUserInputError       an argument is invalid (`field` names it)
    ├── AuthenticationError     a bearer token was sent but is invalid or expired
    │   └── MalformedAuthorizationError  the header is not `Bearer <token>`
    ├── InvalidCredentialsError login with a wrong email or password
    ├── ValidationFailedError   inputs of a mutation are invalid (every field is named)
    ├── EmailTakenError         an account with this email exists
    ├── InvalidRefreshTokenError a refresh token is unknown, expired, revoked or reused
    ├── NotFoundError           missing or not visible (indistinguishable on purpose)
    ├── ForbiddenError          visible, but the viewer may not do this
    ├── AuthenticationRequiredError  the operation needs a signed-in user
    ├── ConflictError           stale `version` (optimistic concurrency)
    ├── DuplicateError          the object exists already
    ├── InvalidTransitionError  an application move the pipeline does not allow
    ├── JobNotOpenError         the job accepts no applications
    ├── RateLimitedError        too many requests; `retry_after` says how long to wait
    ├── IdempotencyKeyReusedError  an idempotency key sent again with another request
    ├── IdempotencyInProgressError the first request with this idempotency key still runs
    ├── InvalidStateError       the object's state does not allow the operation
    ├── EngineUnavailableError  the evaluation engine asked for cannot run now
    ├── ApplicationClosedError  the application is final: no interviews or scorecards
    ├── InterviewInPastError    an interview must start in the future
    ├── InterviewerNotInOrganizationError  interviewers come from the hiring organization
    ├── InterviewOverlapError   an interviewer is busy then
    └── UploadRejectedError     an uploaded file is refused (`code` says why)
        ├── FileTooLargeError   larger than the upload limit
        ├── NotAPdfError        no PDF signature, or pypdf cannot open it
        ├── EncryptedPdfError   password-protected
        └── TooManyPagesError   more pages than the limit

Anything that is not a PublicError (or a GraphQL validation error) is masked as
"Unexpected error." with the request id, and logged.
"""

from __future__ import annotations

from typing import Any


class PublicError(Exception):
    code = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def extensions(self) -> dict[str, Any]:
        extensions: dict[str, Any] = {"code": self.code}
        if self.field is not None:
            extensions["field"] = self.field
        return extensions


class BadUserInputError(PublicError):
    code = "BAD_USER_INPUT"


class AuthenticationError(PublicError):
    code = "UNAUTHENTICATED"


class MalformedAuthorizationError(AuthenticationError):
    """The `Authorization` header is not `Bearer <token>` (RFC 6750 `invalid_request`)."""


class InvalidCredentialsError(PublicError):
    code = "INVALID_CREDENTIALS"


class ValidationFailedError(PublicError):
    """One or more inputs are invalid; `errors` lists every (field, code, message)."""

    code = "VALIDATION_FAILED"

    def __init__(self, errors: list[tuple[str, str, str]]) -> None:
        super().__init__(errors[0][2], field=errors[0][0])
        self.errors = errors


class EmailTakenError(PublicError):
    code = "EMAIL_TAKEN"


class InvalidRefreshTokenError(PublicError):
    code = "INVALID_TOKEN"


class NotFoundError(PublicError):
    """Missing, or not visible to the viewer (the two look the same)."""

    code = "NOT_FOUND"


class ForbiddenError(PublicError):
    """The viewer may see the object (or act at all) but not do this."""

    code = "FORBIDDEN"


class AuthenticationRequiredError(PublicError):
    code = "UNAUTHENTICATED"


class ConflictError(PublicError):
    """Optimistic concurrency: the object changed since the client read it."""

    code = "CONFLICT"

    def __init__(self, message: str, *, current_version: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.current_version = current_version


class DuplicateError(PublicError):
    """The object exists already; `existing_id` names it."""

    code = "DUPLICATE"

    def __init__(self, message: str, *, existing_id: Any, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.existing_id = existing_id


class InvalidTransitionError(PublicError):
    code = "INVALID_TRANSITION"

    def __init__(self, message: str, *, from_stage: Any, to_stage: Any, allowed: list[Any]) -> None:
        super().__init__(message, field="stage")
        self.from_stage = from_stage
        self.to_stage = to_stage
        self.allowed = allowed


class JobNotOpenError(PublicError):
    code = "JOB_NOT_OPEN"


class RateLimitedError(PublicError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class IdempotencyKeyReusedError(PublicError):
    """The idempotency key was used before with a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotencyInProgressError(PublicError):
    """A request with this idempotency key is still running."""

    code = "IDEMPOTENCY_IN_PROGRESS"


class InvalidStateError(PublicError):
    """The object is not in a state that allows this (e.g. reverting a running import)."""

    code = "INVALID_STATE"


class UploadRejectedError(PublicError):
    """An uploaded file is refused before anything is stored; `limit` is the bound it broke."""

    def __init__(self, message: str, *, limit: int | None = None, field: str | None = "file"):
        super().__init__(message, field=field)
        self.limit = limit


class FileTooLargeError(UploadRejectedError):
    code = "TOO_LARGE"


class NotAPdfError(UploadRejectedError):
    code = "NOT_A_PDF"


class EncryptedPdfError(UploadRejectedError):
    code = "ENCRYPTED"


class TooManyPagesError(UploadRejectedError):
    code = "TOO_MANY_PAGES"


class EngineUnavailableError(PublicError):
    """The LLM engine is not configured, or its circuit breaker is open (`retry_after` s)."""

    code = "ENGINE_UNAVAILABLE"

    def __init__(self, message: str, *, engine: str, retry_after: float | None = None) -> None:
        super().__init__(message, field="engine")
        self.engine = engine
        self.retry_after = retry_after


class ApplicationClosedError(PublicError):
    """The application is HIRED, REJECTED or WITHDRAWN: nothing more is scheduled or scored."""

    code = "APPLICATION_CLOSED"


class InterviewInPastError(PublicError):
    code = "INTERVIEW_IN_PAST"


class InterviewerNotInOrganizationError(PublicError):
    """An interviewer is not an active recruiter or admin of the hiring organization."""

    code = "INTERVIEWER_NOT_IN_ORGANIZATION"


class InterviewOverlapError(PublicError):
    """An interviewer has another interview at that time."""

    code = "INTERVIEW_OVERLAP"

    def __init__(self, message: str, *, interviewer_id: Any, interview_id: Any) -> None:
        super().__init__(message, field="interviewerIds")
        self.interviewer_id = interviewer_id
        self.interview_id = interview_id
