"""Typed mutation errors and the handlers that turn domain exceptions into them."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.errors import EmailTakenError, InvalidRefreshTokenError, ValidationFailedError
from schema.types.common import ErrorCode, UserError


@strawberry.type(description="One rejected input field.")
class FieldError:
    field: str = strawberry.field(description="The input field, e.g. `email`.")
    code: ErrorCode = strawberry.field(description="Why it was rejected.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.type(description="Inputs were rejected; nothing was changed.")
class ValidationError(UserError):
    errors: list[FieldError] = strawberry.field(description="Every rejected field.")


@strawberry.type(description="An account with this email already exists.")
class EmailTaken(UserError):
    pass


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


class EmailTakenHandler(strawberry.ExceptionHandler[EmailTakenError, EmailTaken]):
    def handle(self, exception: EmailTakenError, *, field: Any, info: Any) -> EmailTaken:
        return EmailTaken(code=ErrorCode.EMAIL_TAKEN, message=exception.message, field="email")


class InvalidRefreshTokenHandler(
    strawberry.ExceptionHandler[InvalidRefreshTokenError, InvalidRefreshToken]
):
    def handle(
        self, exception: InvalidRefreshTokenError, *, field: Any, info: Any
    ) -> InvalidRefreshToken:
        return InvalidRefreshToken(
            code=ErrorCode.INVALID_TOKEN, message=exception.message, field="refreshToken"
        )


EXCEPTION_HANDLERS = (ValidationHandler(), EmailTakenHandler(), InvalidRefreshTokenHandler())
