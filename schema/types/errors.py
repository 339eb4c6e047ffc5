"""Typed mutation errors and the handlers that turn domain exceptions into them."""

from __future__ import annotations

from typing import Any

import strawberry
from starlette.responses import Response

from resolvers.errors import (
    AuthenticationRequiredError,
    ConflictError,
    DuplicateError,
    ForbiddenError,
    IdempotencyInProgressError,
    IdempotencyKeyReusedError,
    InvalidRefreshTokenError,
    InvalidStateError,
    JobNotOpenError,
    NotFoundError,
    RateLimitedError,
    ValidationFailedError,
)
from resolvers.ratelimit import retry_after_header
from schema.types.common import ErrorCode, UserError


@strawberry.type(description="One rejected input field.")
class FieldError:
    field: str = strawberry.field(description="The input field, e.g. `email`.")
    code: ErrorCode = strawberry.field(description="Why it was rejected.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.type(description="Inputs were rejected; nothing was changed.")
class ValidationError(UserError):
    errors: list[FieldError] = strawberry.field(description="Every rejected field.")


@strawberry.type(
    description="The refresh token is unknown, expired or revoked (a reused token revokes "
    "every token of its sign-in); sign in again."
)
class InvalidRefreshToken(UserError):
    pass


class ValidationHandler(strawberry.ExceptionHandler[ValidationFailedError, ValidationError]):
    def handle(self, exception: ValidationFailedError, *, field: Any, info: Any) -> ValidationError:
        return ValidationError(
            code=ErrorCode.VALIDATION_FAILED,
            message=exception.message,
            field=exception.field,
            errors=[
                FieldError(field=name, code=ErrorCode(code), message=message)
                for name, code, message in exception.errors
            ],
        )


class InvalidRefreshTokenHandler(
    strawberry.ExceptionHandler[InvalidRefreshTokenError, InvalidRefreshToken]
):
    def handle(
        self, exception: InvalidRefreshTokenError, *, field: Any, info: Any
    ) -> InvalidRefreshToken:
        return InvalidRefreshToken(
            code=ErrorCode.INVALID_TOKEN, message=exception.message, field="refreshToken"
        )


@strawberry.type(description="The object does not exist or is not visible to you.")
class NotFound(UserError):
    pass


@strawberry.type(description="You may not do this (your role or organization does not allow it).")
class Forbidden(UserError):
    pass


@strawberry.type(description="Sign in first: send `Authorization: Bearer <accessToken>`.")
class AuthenticationRequired(UserError):
    pass


@strawberry.type(
    description="The object changed since you read it (its `version` moved on); nothing was "
    "changed. Read it again and retry."
)
class Conflict(UserError):
    current_version: int = strawberry.field(description="The version now stored.")


@strawberry.type(description="The object exists already.")
class Duplicate(UserError):
    existing_id: strawberry.ID | None = strawberry.field(
        description="Id of the existing object; null when you may not see it (for a taken "
        "email or phone: when you may not see that candidate's contact data), so a duplicate "
        "never reveals whose it is."
    )


@strawberry.type(description="The job is not OPEN, so it accepts no applications.")
class JobNotOpen(UserError):
    pass


@strawberry.type(description="Too many requests; wait `retryAfterSeconds` before trying again.")
class RateLimited(UserError):
    retry_after_seconds: int = strawberry.field(description="Seconds to wait.")


class RateLimitedHandler(strawberry.ExceptionHandler[RateLimitedError, RateLimited]):
    """Also answers HTTP 429 with `Retry-After`, so generic clients back off too (a WebSocket
    operation has no status or headers of its own: it gets the typed error only)."""

    def handle(self, exception: RateLimitedError, *, field: Any, info: Any) -> RateLimited:
        seconds = int(retry_after_header(exception.retry_after))
        response = info.context.response
        if isinstance(response, Response):
            response.status_code = 429
            response.headers["Retry-After"] = str(seconds)
        return RateLimited(
            code=ErrorCode.RATE_LIMITED,
            message=exception.message,
            field=None,
            retry_after_seconds=seconds,
        )


def simple_handler(error_type: type[Any], code: ErrorCode) -> Any:
    """A handler mapping a domain exception onto an error type with code/message/field."""

    def handle(self: Any, exception: Any, *, field: Any, info: Any) -> Any:
        return error_type(code=code, message=exception.message, field=exception.field)

    return handle


class NotFoundHandler(strawberry.ExceptionHandler[NotFoundError, NotFound]):
    handle = simple_handler(NotFound, ErrorCode.NOT_FOUND)


class ForbiddenHandler(strawberry.ExceptionHandler[ForbiddenError, Forbidden]):
    handle = simple_handler(Forbidden, ErrorCode.FORBIDDEN)


class AuthenticationRequiredHandler(
    strawberry.ExceptionHandler[AuthenticationRequiredError, AuthenticationRequired]
):
    handle = simple_handler(AuthenticationRequired, ErrorCode.UNAUTHENTICATED)


class JobNotOpenHandler(strawberry.ExceptionHandler[JobNotOpenError, JobNotOpen]):
    handle = simple_handler(JobNotOpen, ErrorCode.JOB_NOT_OPEN)


class ConflictHandler(strawberry.ExceptionHandler[ConflictError, Conflict]):
    def handle(self, exception: ConflictError, *, field: Any, info: Any) -> Conflict:
        return Conflict(
            code=ErrorCode.CONFLICT,
            message=exception.message,
            field=exception.field,
            current_version=exception.current_version,
        )


class DuplicateHandler(strawberry.ExceptionHandler[DuplicateError, Duplicate]):
    def handle(self, exception: DuplicateError, *, field: Any, info: Any) -> Duplicate:
        return Duplicate(
            code=ErrorCode.DUPLICATE,
            message=exception.message,
            field=exception.field,
            existing_id=(
                None if exception.existing_id is None else strawberry.ID(str(exception.existing_id))
            ),
        )


EXCEPTION_HANDLERS = (
    ValidationHandler(),
    InvalidRefreshTokenHandler(),
    NotFoundHandler(),
    ForbiddenHandler(),
    AuthenticationRequiredHandler(),
    JobNotOpenHandler(),
    ConflictHandler(),
    DuplicateHandler(),
    RateLimitedHandler(),
)


@strawberry.type(description="This idempotencyKey was used with a different request; nothing ran.")
class IdempotencyKeyReused(UserError):
    pass


@strawberry.type(
    description="The first request with this idempotencyKey is still running; retry later to "
    "receive its result."
)
class IdempotencyInProgress(UserError):
    pass


@strawberry.type(description="The object's state does not allow this (e.g. a running import).")
class InvalidState(UserError):
    pass


class IdempotencyKeyReusedHandler(
    strawberry.ExceptionHandler[IdempotencyKeyReusedError, IdempotencyKeyReused]
):
    handle = simple_handler(IdempotencyKeyReused, ErrorCode.IDEMPOTENCY_KEY_REUSED)


class IdempotencyInProgressHandler(
    strawberry.ExceptionHandler[IdempotencyInProgressError, IdempotencyInProgress]
):
    handle = simple_handler(IdempotencyInProgress, ErrorCode.IDEMPOTENCY_IN_PROGRESS)


class InvalidStateHandler(strawberry.ExceptionHandler[InvalidStateError, InvalidState]):
    handle = simple_handler(InvalidState, ErrorCode.INVALID_STATE)


EXCEPTION_HANDLERS: tuple[Any, ...] = (  # type: ignore[no-redef]
    *EXCEPTION_HANDLERS,
    IdempotencyKeyReusedHandler(),
    IdempotencyInProgressHandler(),
    InvalidStateHandler(),
)
