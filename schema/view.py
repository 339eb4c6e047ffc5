"""The /graphql endpoint: bearer authentication, per-request context, offline GraphiQL."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from loaders.policy import ANONYMOUS, Viewer
from loaders.registry import Loaders
from models.db import SessionFactory
from models.settings import Settings
from resolvers.auth import authenticate
from resolvers.context import Context
from resolvers.errors import AuthenticationError, MalformedAuthorizationError
from resolvers.external_idp import ExternalIdentityProvider
from resolvers.ratelimit import Limit, RateLimiter, retry_after_header
from schema.multipart import (
    FORM_STATE,
    LimitedFormAdapter,
    forgery_refusal,
    operations_with_files,
)
from schema.websocket import TransportWSHandler

logger = logging.getLogger("talentgraph.graphiql")

GRAPHIQL_ASSETS_PATH = "/graphiql-assets"
# the CDN files strawberry's GraphiQL page loads, and their names in the local asset folder
GRAPHIQL_FILES = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


def graphiql_assets_present(directory: Path) -> bool:
    return all((directory / name).is_file() for name in GRAPHIQL_FILES.values())


def offline_graphiql_html(template: str) -> str:
    """Point strawberry's GraphiQL page at our local copies of its assets."""
    html = template
    for url, name in GRAPHIQL_FILES.items():
        html = html.replace(url, f"{GRAPHIQL_ASSETS_PATH}/{name}")
    if "unpkg.com" in html:
        raise RuntimeError("strawberry's GraphiQL template changed: update GRAPHIQL_FILES")
    return html


class TalentgraphGraphQL(GraphQL[Context, None]):
    request_adapter_class = LimitedFormAdapter
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(
        self,
        schema: Any,
        *,
        settings: Settings,
        session_factory: SessionFactory,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,  # CSV imports and CVs; see schema/multipart.py
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        )
        self.settings = settings
        self.session_factory = session_factory
        self.rate_limiter = rate_limiter
        self.external: ExternalIdentityProvider | None = None
        if settings.oidc_issuer and settings.oidc_audience and settings.oidc_jwks_url:
            self.external = ExternalIdentityProvider(
                settings.oidc_issuer, settings.oidc_audience, settings.oidc_jwks_url
            )
        self.offline_ide: str | None = None
        if settings.graphiql:
            if graphiql_assets_present(settings.graphiql_dir):
                self.offline_ide = offline_graphiql_html(self.graphql_ide_html)
            else:
                logger.warning(
                    "GraphiQL assets not found in %s (run `make graphiql`); the page will load "
                    "them from the unpkg CDN",
                    settings.graphiql_dir,
                )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            refusal = forgery_refusal(request.method, request.headers)
            if refusal is not None:
                response = JSONResponse(
                    {
                        "errors": [
                            {"message": refusal, "extensions": {"code": "PREFLIGHT_REQUIRED"}}
                        ]
                    },
                    status_code=400,
                )
                await response(scope, receive, send)
                return
            try:
                viewer = await authenticate(
                    self.settings,
                    self.session_factory,
                    request.headers.get("authorization"),
                    self.external,
                )
            except AuthenticationError as exc:
                reason = (
                    "invalid_request"
                    if isinstance(exc, MalformedAuthorizationError)
                    else "invalid_token"
                )
                response = JSONResponse(
                    {"errors": [{"message": exc.message, "extensions": exc.extensions}]},
                    status_code=401,
                    headers={"WWW-Authenticate": f'Bearer error="{reason}"'},
                )
                await response(scope, receive, send)
                return
            scope.setdefault("state", {})["viewer"] = viewer
            wait = await self._over_limit(viewer, request)
            if wait is not None:
                seconds = retry_after_header(wait)
                response = JSONResponse(
                    {
                        "errors": [
                            {
                                "message": "Too many requests; try again later",
                                "extensions": {
                                    "code": "RATE_LIMITED",
                                    "retryAfterSeconds": int(seconds),
                                },
                            }
                        ]
                    },
                    status_code=429,
                    headers={"Retry-After": seconds},
                )
                await response(scope, receive, send)
                return
        try:
            await super().__call__(scope, receive, send)
        finally:
            form = scope.get("state", {}).pop(FORM_STATE, None)
            if form is not None:
                await form.close()  # the uploaded files' temporary files

    async def _over_limit(self, viewer: Viewer, request: Request) -> float | None:
        """Requests per minute of a user, or of a client address when anonymous."""
        if self.rate_limiter is None or (request.method == "GET" and not request.query_params):
            return None  # GraphiQL page loads are not API calls
        if viewer.user_id is not None:
            key, per_minute = f"req:user:{viewer.user_id}", self.settings.rate_limit_user
        else:
            client = request.client.host if request.client else "unknown"
            key, per_minute = f"req:ip:{client}", self.settings.rate_limit_anonymous
        wait: float | None = await self.rate_limiter.hit(key, Limit(per_minute, 60))
        return wait

    async def get_context(self, request: Any, response: Any = None) -> Context:
        state = request.scope.get("state", {})
        viewer: Viewer = state.get("viewer", ANONYMOUS)
        client = request.client
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            session_factory=self.session_factory,
            viewer=viewer,
            loaders=Loaders(self.session_factory, viewer),
            request_id=state.get("request_id", ""),
            client_ip=client.host if client else None,
            rate_limiter=self.rate_limiter,
        )

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        form_data = await request.get_form_data()
        return operations_with_files(form_data)  # type: ignore[no-any-return]

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A WebSocket is authenticated from `Authorization` in its `connection_init` payload
        by `schema.websocket.TransportWSHandler` (4401 for a bad token), which also re-checks
        the sign-in before every operation."""
        del context
        return ACK

    async def process_result(self, request: Any, result: Any) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        for error in response.get("errors") or []:
            public_error(error)  # type: ignore[arg-type]
        return response

    async def render_graphql_ide(self, request: Any) -> Response:
        if self.offline_ide is not None:
            return HTMLResponse(self.offline_ide)
        return HTMLResponse(self.graphql_ide_html)


ACK: UnsetType = UNSET  # acknowledge a WebSocket connection without a payload
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def public_error(error: dict[str, Any]) -> None:
    """Give every error a machine-readable code and drop schema suggestions (G-04).

    Done here rather than in an extension because parse errors (syntax, token limit) are
    raised before the operation hooks that extensions see.
    """
    message = str(error.get("message", ""))
    if "Did you mean" in message:
        error["message"] = SUGGESTION.sub("", message)
    extensions = error.setdefault("extensions", {})
    if "code" not in extensions:
        if message.startswith("Syntax Error") or message.startswith("Document contains more"):
            extensions["code"] = "GRAPHQL_PARSE_FAILED"
        elif error.get("path"):
            extensions["code"] = "BAD_REQUEST"
        else:
            extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
