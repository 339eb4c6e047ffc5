"""Plain HTTP routes next to GraphQL (file downloads, calendar files): the same bearer
authentication, rate limit and request context as `/graphql`, and JSON errors."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from loaders.registry import Loaders
from resolvers.auth import authenticate
from resolvers.context import Context
from resolvers.errors import AuthenticationError
from resolvers.ratelimit import Limit, retry_after_header


def error_response(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers or None)


async def signed_in_context(request: Request, what: str) -> Context | JSONResponse:
    """The request's context for a signed-in user, or the error response to send instead
    (401 without a valid token, 429 over the user's request budget)."""
    app: Any = request.app
    settings = app.state.settings
    factory = app.state.session_factory
    try:
        viewer = await authenticate(
            settings, factory, request.headers.get("authorization"), app.state.external_idp
        )
    except AuthenticationError as exc:
        return error_response(401, "UNAUTHENTICATED", exc.message, **{"WWW-Authenticate": "Bearer"})
    if viewer.user_id is None:
        return error_response(401, "UNAUTHENTICATED", f"Sign in to {what}")
    limiter = app.state.rate_limiter
    if limiter is not None:  # the same budget as the user's GraphQL requests
        wait = await limiter.hit(f"req:user:{viewer.user_id}", Limit(settings.rate_limit_user, 60))
        if wait is not None:
            retry = retry_after_header(wait)
            return error_response(
                429, "RATE_LIMITED", "Too many requests; try again later", **{"Retry-After": retry}
            )
    state = request.scope.get("state", {})
    client = request.client
    return Context(
        request=request,
        response=None,
        settings=settings,
        session_factory=factory,
        viewer=viewer,
        loaders=Loaders(factory, viewer),
        request_id=state.get("request_id", ""),
        client_ip=client.host if client else None,
    )
