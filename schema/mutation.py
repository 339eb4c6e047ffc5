"""The Mutation root: expected failures are members of each field's result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import auth, identity
from resolvers.auth import IssuedTokens
from resolvers.context import Context
from resolvers.errors import InvalidCredentialsError
from schema.mutations.applications import ApplicationMutations
from schema.mutations.background import BackgroundMutations
from schema.mutations.candidates import CandidateMutations
from schema.mutations.documents import DocumentMutations
from schema.mutations.evaluations import EvaluationMutations
from schema.mutations.interviews import InterviewMutations
from schema.mutations.jobs import JobMutations
from schema.mutations.notifications import NotificationMutations
from schema.mutations.saved_jobs import SavedJobMutations
from schema.mutations.upserts import UpsertMutations
from schema.types.common import ErrorCode, UserError
from schema.types.errors import InvalidRefreshToken, RateLimited, ValidationError
from schema.types.organization import UserType

Info = strawberry.Info[Context, None]


@strawberry.type(description="Tokens for a signed-in user.")
class LoginSuccess:
    access_token: str = strawberry.field(
        description="JWT (HS256) for `Authorization: Bearer ...`; expires after `expiresIn`."
    )
    refresh_token: str = strawberry.field(
        description="Opaque long-lived token to obtain new access tokens; keep it secret."
    )
    token_type: str = strawberry.field(description="Always 'Bearer'.")
    expires_in: int = strawberry.field(description="Lifetime of the access token in seconds.")
    user: UserType = strawberry.field(description="The signed-in user.")


@strawberry.type(description="Email or password is wrong (deliberately not saying which).")
class InvalidCredentials(UserError):
    pass


@strawberry.type(description="The sign-in was ended.")
class LogoutSuccess:
    revoked_tokens: int = strawberry.field(
        description="Refresh tokens revoked (the whole sign-in this token belonged to)."
    )


LoginResult = Annotated[
    LoginSuccess | InvalidCredentials | RateLimited,
    strawberry.union("LoginResult", description="Result of `login`."),
]


@strawberry.type(
    description="The sign-up was received: sign in with the email and password. The answer is "
    "the same when the email already belongs to someone (nothing changes then, and its owner "
    "is told), so sign-up reveals no accounts."
)
class RegistrationReceived:
    email: str = strawberry.field(description="The email as stored (trimmed, lower-cased).")
    message: str = strawberry.field(description="What happens next, for people.")


REGISTRATION_RECEIVED = (
    "If this email can be used, the account is ready: sign in with it and your password. "
    "If it is already registered, its owner has been told."
)
RegisterResult = Annotated[
    RegistrationReceived | ValidationError,
    strawberry.union("RegisterResult", description="Result of `register`."),
]
RefreshTokenResult = Annotated[
    LoginSuccess | InvalidRefreshToken,
    strawberry.union("RefreshTokenResult", description="Result of `refreshToken`."),
]
LogoutResult = Annotated[
    LogoutSuccess | InvalidRefreshToken,
    strawberry.union("LogoutResult", description="Result of `logout`."),
]


def _signed_in(issued: IssuedTokens) -> LoginSuccess:
    return LoginSuccess(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        token_type="Bearer",  # noqa: S106
        expires_in=issued.expires_in,
        user=UserType.from_model(issued.user, is_self=True),
    )


RefreshArg = Annotated[
    str, strawberry.argument(description="The refresh token from `login` or `refreshToken`.")
]


@strawberry.type(description="Changes to the recruiting graph.")
class Mutation(
    CandidateMutations,
    JobMutations,
    ApplicationMutations,
    UpsertMutations,
    DocumentMutations,
    EvaluationMutations,
    InterviewMutations,
    SavedJobMutations,
    NotificationMutations,
    BackgroundMutations,
):
    @strawberry.mutation(description="Sign in with email and password.")
    async def login(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="Login email (any case).")],
        password: Annotated[str, strawberry.argument(description="The password.")],
    ) -> LoginResult:
        ctx = info.context
        try:
            issued = await auth.login(ctx, email, password)
        except InvalidCredentialsError as exc:
            return InvalidCredentials(
                code=ErrorCode.INVALID_CREDENTIALS, message=exc.message, field=None
            )
        return _signed_in(issued)

    @strawberry.mutation(
        description="Sign up as a candidate: creates the account and an empty profile; then "
        "sign in with `login`. An email that is taken gets the same answer and changes nothing. "
        "Passwords need 10 to 256 characters. Recruiters, partners and admins are created by an "
        "admin."
    )
    async def register(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="Login and contact email.")],
        password: Annotated[str, strawberry.argument(description="10 to 256 characters.")],
        first_name: Annotated[str, strawberry.argument(description="Given name (max 100).")],
        last_name: Annotated[str, strawberry.argument(description="Family name (max 100).")],
    ) -> RegisterResult:
        received = await identity.register(info.context, email, password, first_name, last_name)
        return RegistrationReceived(email=received.email, message=REGISTRATION_RECEIVED)

    @strawberry.mutation(
        description="Exchange a refresh token for a new access token and a new refresh token. "
        "Each refresh token works once; presenting a used one again revokes the whole sign-in."
    )
    async def refresh_token(self, info: Info, refresh_token: RefreshArg) -> RefreshTokenResult:
        return _signed_in(await identity.refresh(info.context, refresh_token))

    @strawberry.mutation(
        description="Sign out: revoke the refresh token and every token rotated from it. "
        "Access tokens already issued expire on their own (15 minutes by default)."
    )
    async def logout(self, info: Info, refresh_token: RefreshArg) -> LogoutResult:
        return LogoutSuccess(revoked_tokens=await identity.logout(info.context, refresh_token))
