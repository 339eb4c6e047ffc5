"""Unexpected failures outside GraphQL execution answer with the documented JSON error.

Inside an operation, `schema.api.PublicErrors` masks what went wrong. Everything around it (the
bearer sign-in, which reads the database before GraphQL runs; the rate limiter; the download
route; readiness) used to let an exception reach Starlette, which answers with a plain-text
500 that no GraphQL client can read and that carries no request id to report. This middleware
turns any such exception into the same error the masked ones get, logs it with its stack
trace under the request id, and leaves responses that already started alone.
"""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("talentgraph.errors")

UNEXPECTED_MESSAGE = "Unexpected error."  # as strawberry's MaskErrors words it
UNEXPECTED_CODE = "INTERNAL_SERVER_ERROR"


def unexpected_error(request_id: str | None) -> JSONResponse:
    """HTTP 500 with `extensions.code` and `extensions.requestId`, nothing internal."""
    error = {
        "message": UNEXPECTED_MESSAGE,
        "extensions": {"code": UNEXPECTED_CODE, "requestId": request_id},
    }
    return JSONResponse({"errors": [error]}, status_code=500)


class UnexpectedErrors:
    """ASGI middleware for HTTP requests; place it inside the one that sets the request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            request_id = scope.get("state", {}).get("request_id")
            logger.exception(
                "unexpected error in %s %s (request %s)",
                scope.get("method"),
                scope.get("path"),
                request_id,
            )
            if started:
                raise  # too late for an error body; the server closes the connection
            await unexpected_error(request_id)(scope, receive, send)
