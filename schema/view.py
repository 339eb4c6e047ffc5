"""The /graphql endpoint: bearer authentication, per-request context, offline GraphiQL."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
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
from schema.documents import OPERATION_NAME_REQUIRED
from schema.http import (
    GRAPHQL_RESPONSE,
    STATE_KEY,
    Mode,
    RequestError,
    decode_json,
    error_response,
    media_type,
    negotiate,
    request_fields,
)
from schema.multipart import (
    FORM_STATE,
    LimitedFormAdapter,
    forgery_refusal,
    operations_with_files,
)
from schema.persisted import PersistedQueries, load_manifest
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


FIRST_TAB = """\
# Welcome to Talentgraph.
# 1. Run SignIn (the play button; pick it from the list): the Variables below hold a demo account
#    (admin@example.com, recruiter@example.com, recruiter2@example.com, partner@example.com,
#    candidate@example.com).
# 2. Copy `accessToken` into Headers as {"Authorization": "Bearer <accessToken>"}.
# 3. Run OpenJobs, or Me. Access tokens expire after `expiresIn` seconds (15 minutes by
#    default): run the refreshToken mutation with `refreshToken` for a new pair.

mutation SignIn($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { accessToken refreshToken expiresIn user { email role } }
    ... on InvalidCredentials { code message }
    ... on RateLimited { code message retryAfterSeconds }
  }
}

query OpenJobs {
  jobs(first: 5) {
    totalCount
    edges { node { title location remote organization { name slug } skills { name required } } }
  }
}

query Me {
  me { email role }
}
"""
DEMO_EMAIL = "recruiter@example.com"
DEFAULT_DEMO_PASSWORD = "talentgraph"  # noqa: S105 - the documented demo password
EXAMPLE_QUERY = re.compile(r"const EXAMPLE_QUERY = `.*?`;", re.DOTALL)
INITIAL_VARIABLES = "parameters.variables,"


def with_first_tab(template: str, settings: Settings) -> str:
    """strawberry's GraphiQL page, opening on a sign-in mutation and example queries.

    The demo password is filled in only while it is the documented default: a password an
    operator chose must not appear in a page anyone can load.
    """
    password = (
        DEFAULT_DEMO_PASSWORD
        if settings.seed_demo and settings.demo_password == DEFAULT_DEMO_PASSWORD
        else "your password"
    )
    variables = json.dumps({"email": DEMO_EMAIL, "password": password}, indent=2)
    if not EXAMPLE_QUERY.search(template) or INITIAL_VARIABLES not in template:
        raise RuntimeError("strawberry's GraphiQL template changed: update with_first_tab")
    constants = (
        f"const EXAMPLE_QUERY = {json.dumps(FIRST_TAB)};\n"
        f"      const DEFAULT_VARIABLES = {json.dumps(variables)};"
    )
    html = EXAMPLE_QUERY.sub(lambda _: constants, template, count=1)
    return html.replace(INITIAL_VARIABLES, "parameters.variables || DEFAULT_VARIABLES,", 1)


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
        self.operations: asyncio.Semaphore | None = None  # created on the serving loop
        self.external: ExternalIdentityProvider | None = None
        if settings.oidc_issuer and settings.oidc_audience and settings.oidc_jwks_url:
            self.external = ExternalIdentityProvider(
                settings.oidc_issuer, settings.oidc_audience, settings.oidc_jwks_url
            )
        self.persisted = PersistedQueries(
            max_bytes=settings.persisted_query_cache_bytes,
            max_document=settings.max_document_bytes,
            trusted=load_manifest(settings.trusted_documents_manifest)
            if settings.trusted_documents_only and settings.trusted_documents_manifest
            else None,
        )
        self.offline_ide: str | None = None
        self.ide_html = with_first_tab(self.graphql_ide_html, settings) if settings.graphiql else ""
        if settings.graphiql:
            if graphiql_assets_present(settings.graphiql_dir):
                self.offline_ide = offline_graphiql_html(self.ide_html)
            else:
                logger.warning(
                    "GraphiQL assets not found in %s (run `make graphiql`); the page will load "
                    "them from the unpkg CDN",
                    settings.graphiql_dir,
                )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self._http(Request(scope, receive))
        finally:
            form = scope.get("state", {}).pop(FORM_STATE, None)
            if form is not None:
                await form.close()  # the uploaded files' temporary files
        await response(scope, receive, send)

    async def _http(self, request: Request) -> Response:
        """Edge checks (media type, forgery, authentication, rate), then the GraphQL request."""
        scope = request.scope
        ide_page = request.method == "GET" and not (
            {"query", "extensions"} & set(request.query_params)
        )
        mode = Mode.JSON if ide_page else negotiate(request.headers.get("accept"))
        if mode is None:
            return error_response(
                RequestError(406, f"Accept {GRAPHQL_RESPONSE} or application/json"),
                Mode.JSON,
            )
        scope.setdefault("state", {})[STATE_KEY] = mode
        refusal = forgery_refusal(request.method, request.headers)
        if refusal is not None:
            return JSONResponse(
                {"errors": [{"message": refusal, "extensions": {"code": "PREFLIGHT_REQUIRED"}}]},
                status_code=400,
            )
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
            return JSONResponse(
                {"errors": [{"message": exc.message, "extensions": exc.extensions}]},
                status_code=401,
                headers={"WWW-Authenticate": f'Bearer error="{reason}"'},
            )
        scope.setdefault("state", {})["viewer"] = viewer
        wait = await self._over_limit(viewer, request)
        if wait is not None:
            seconds = retry_after_header(wait)
            return JSONResponse(
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
        try:
            response: Response = await self.run(request)
        except HTTPException as exc:
            return error_response(exc, mode)
        return response

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A GET with neither `query` nor `extensions` (a persisted query) wants the page."""
        return super().should_render_graphql_ide(request) and (
            request.query_params.get("extensions") is None
        )

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data)

    def encode_json(self, data: object) -> bytes:
        """Responses through orjson: a nested page encodes in a tenth of the time."""
        return orjson.dumps(data)

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        values = dict(params)
        for name in ("variables", "extensions"):
            if values.get(name):
                values[name] = decode_json(values[name], f"`{name}`")
        return values

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """The GraphQL request of a GET, a JSON POST or a multipart POST (uploads)."""
        if request.method == "GET":
            data: Any = self.parse_query_params(request.query_params)
        else:
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type == "application/json":
                data = decode_json(await request.get_body())
            elif content_type == "multipart/form-data":
                data = await self.parse_multipart(request)
            else:
                raise RequestError(
                    415, "Send `application/json` (or `multipart/form-data` for uploads)"
                )
        fields = request_fields(data)
        scope = request.scope if isinstance(request, LimitedFormAdapter) else {}
        mode = scope.get("state", {}).get(STATE_KEY, Mode.JSON)
        # Apollo's clients look for the error in a 200 answer; the GraphQL-over-HTTP media
        # type says request errors are 4xx
        fields = self.persisted.resolve(fields, 200 if mode is Mode.JSON else 400)
        return GraphQLRequestData(
            query=fields.get("query"),
            variables=fields.get("variables"),
            operation_name=fields.get("operationName"),
            extensions=fields.get("extensions"),
        )

    async def execute_single(
        self,
        request: Any,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Queries over GET, queries and mutations over POST; subscriptions use WebSockets."""
        get = request_adapter.method == "GET"
        allowed = {OperationType.QUERY} if get else {OperationType.QUERY, OperationType.MUTATION}
        try:
            async with self._operations():
                return await self._execute(request_data, root_value, context, allowed)
        except CannotGetOperationTypeError as exc:
            raise RequestError(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.MUTATION:
                reason = exc.as_http_error_reason("GET")
                raise RequestError(405, reason, headers={"Allow": "POST"}) from exc
            raise RequestError(
                400, "Subscriptions are served over WebSocket (graphql-transport-ws) only"
            ) from exc
        except MissingQueryError as exc:
            raise RequestError(400, "No GraphQL query found in the request") from exc

    async def _execute(
        self, request_data: GraphQLRequestData, root_value: Any, context: Context, allowed: Any
    ) -> ExecutionResult:
        return await self.schema.execute(
            request_data.query,
            root_value=root_value,
            variable_values=request_data.variables,
            context_value=context,
            operation_name=request_data.operation_name,
            allowed_operation_types=allowed,
            operation_extensions=request_data.extensions,
        )

    def _operations(self) -> asyncio.Semaphore:
        """At most `MAX_CONCURRENT_OPERATIONS` operations execute at once in this process;
        the others wait their turn.

        The work of an operation is CPU in this process: running more of them at once only
        interleaves them, which holds more responses in memory at a time, makes each
        garbage collection scan more live objects and lengthens every one of them.
        """
        if self.operations is None:
            self.operations = asyncio.Semaphore(self.settings.max_concurrent_operations)
        return self.operations

    async def get_sub_response(self, request: Any) -> Response:
        sub_response: Response = await super().get_sub_response(request)
        mode = request.scope.get("state", {}).get(STATE_KEY, Mode.JSON)
        sub_response.media_type = media_type(mode)
        request.scope["state"]["sub_response"] = sub_response
        return sub_response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response: Response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE:
            response.headers["content-type"] = GRAPHQL_RESPONSE
        return response

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
        state = request.scope.get("state", {})
        if result.errors and result.data is None and not any(e.path for e in result.errors):
            # the operation never ran: a request, parse, validation or variable error
            mode = state.get(STATE_KEY, Mode.JSON)
            codes = {(e.extensions or {}).get("code") for e in result.errors}
            if mode is Mode.GRAPHQL_RESPONSE or (OPERATION_NAME_REQUIRED in codes):
                response.pop("data", None)
                state["sub_response"].status_code = 400
        return response

    async def render_graphql_ide(self, request: Any) -> Response:
        if self.offline_ide is not None:
            return HTMLResponse(self.offline_ide)
        return HTMLResponse(self.ide_html)


ACK: UnsetType = UNSET  # acknowledge a WebSocket connection without a payload
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# graphql-core's messages for variables and literals that do not coerce to their type
USER_INPUT = re.compile(
    r"^(Variable '\$\w+' (has invalid value|of required type .* was not provided)"
    r"|Variable values are nested too deeply|Expected value of "
    r"|(Value|Int|Float|String|Boolean|ID) cannot represent )"
)


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
        elif USER_INPUT.match(message):
            extensions["code"] = "BAD_USER_INPUT"  # a value the client sent does not fit its type
        elif error.get("path"):
            extensions["code"] = "BAD_REQUEST"
        else:
            extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
