"""The Mutation root: expected failures are members of each field's result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import auth
from resolvers.context import Context
from resolvers.errors import InvalidCredentialsError
from schema.types.common import ErrorCode, UserError
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


LoginResult = Annotated[
    LoginSuccess | InvalidCredentials,
    strawberry.union("LoginResult", description="Result of `login`."),
]


@strawberry.type(description="Changes to the recruiting graph.")
class Mutation:
    @strawberry.mutation(description="Sign in with email and password.")
    async def login(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="Login email (any case).")],
        password: Annotated[str, strawberry.argument(description="The password.")],
    ) -> LoginResult:
        ctx = info.context
        try:
            issued = await auth.login(ctx.settings, ctx.session_factory, email, password)
        except InvalidCredentialsError as exc:
            return InvalidCredentials(
                code=ErrorCode.INVALID_CREDENTIALS, message=exc.message, field=None
            )
        return LoginSuccess(
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            token_type="Bearer",  # noqa: S106
            expires_in=issued.expires_in,
            user=UserType.from_model(issued.user),
        )
