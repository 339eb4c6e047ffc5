"""What operators watch: request context, the access log, request metrics and `/metrics`.

`RequestContextMiddleware` gives each HTTP request and WebSocket an id (a sane incoming
`X-Request-ID` is kept), counts its SQL statements, puts both into the log context, and when the
response is done writes one access-log line and the request's metrics. `OperationRecorder`, a
schema extension, tells it which GraphQL operation ran, for whom, and how it went.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from prometheus_client import generate_latest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from models import metrics
from models.db import SessionFactory, statement_counter
from models.logs import LogContext, log_context
from models.settings import Settings
from resolvers.gauges import scrape
from schema.view import REQUEST_ID
from tasks.broker import current_request_id

access_logger = logging.getLogger("talentgraph.access")
GRAPHQL_STATE = "graphql_operation"  # (operation label, outcome) in the scope's state
QUIET_PATHS = frozenset({"/healthz"})  # probes: not logged
SHARED_TTL = 5.0  # seconds a read of the database, broker and breaker gauges is reused
ROUTES = ("/graphql", "/documents", "/healthz", "/readyz", "/metrics", "/graphiql-assets")


class OperationRecorder(SchemaExtension):
    """Name the operation and the user on the request's log lines, and record its outcome."""

    def on_operation(self) -> Iterator[None]:
        context: Any = self.execution_context.context
        current = log_context.get()
        viewer = getattr(context, "viewer", None)
        if current is not None and viewer is not None and viewer.user_id is not None:
            current.user_id = str(viewer.user_id)
        yield
        name = self.execution_context.operation_name
        if current is not None:
            current.operation = name
        result = self.execution_context.result
        errors = (result.errors if result is not None else None) or []
        if any((e.extensions or {}).get("code") == "INTERNAL_SERVER_ERROR" for e in errors):
            outcome = "internal_error"
        elif errors and (result is None or result.data is None):
            outcome = "rejected"
        elif errors:
            outcome = "error"
        else:
            outcome = "ok"
        request = getattr(context, "request", None)
        if request is not None and hasattr(request, "scope"):
            state = request.scope.setdefault("state", {})
            state[GRAPHQL_STATE] = (metrics.operation_label(name), outcome)


def _route(path: str) -> str:
    return next((r for r in ROUTES if path == r or path.startswith(r + "/")), "other")


def _graphql_outcome(status: int, state: dict[str, Any]) -> tuple[str, str]:
    operation, outcome = state.get(GRAPHQL_STATE, (metrics.NO_OPERATION, None))
    if status == 429:
        return operation, "rate_limited"
    if status == 401:
        return operation, "unauthenticated"
    if status >= 500:
        return operation, "internal_error"
    return operation, outcome or ("rejected" if status >= 400 else "ok")


class RequestContextMiddleware:
    """Request id, SQL statement count, log context, access log and metrics of a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        counter = [0]
        token = statement_counter.set(counter)
        request_token = current_request_id.set(request_id)  # carried into task messages
        context_token = log_context.set(LogContext(request_id=request_id))
        status = [500]
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"x-sql-statements", str(counter[0]).encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if scope["type"] == "http":
                self._done(scope, status[0], time.perf_counter() - started, counter[0])
            log_context.reset(context_token)
            current_request_id.reset(request_token)
            statement_counter.reset(token)

    @staticmethod
    def _done(scope: Scope, status: int, seconds: float, statements: int) -> None:
        path: str = scope.get("path", "")
        route = _route(path)
        metrics.record_response(route, status)
        state = scope.get("state", {})
        ide_page = scope.get("method") == "GET" and not scope.get("query_string")
        if route == "/graphql" and not ide_page:
            operation, outcome = _graphql_outcome(status, state)
            if outcome == "rate_limited":
                metrics.record_rate_limit_refusal()
            metrics.record_request(operation, outcome, seconds, statements)
        if path in QUIET_PATHS:
            return
        client = scope.get("client")
        access_logger.info(
            '%s "%s %s HTTP/%s" %d',
            client[0] if client else "-",
            scope.get("method"),
            path,
            scope.get("http_version", "1.1"),
            status,
            extra={"duration_ms": round(seconds * 1000, 1), "sql_statements": statements},
        )


def metrics_endpoint(
    settings: Settings, session_factory: SessionFactory
) -> Callable[[Request], Awaitable[Response]]:
    """`/metrics`: every process's counters plus the shared gauges, in Prometheus text.

    With `METRICS_TOKEN` set it needs `Authorization: Bearer <token>`; without one it is open in
    development and not served in production (404), so a production deployment never exposes
    it by accident.
    """
    shared: list[tuple[float, bytes]] = []  # the last read of the shared gauges, and when

    async def shared_gauges() -> bytes:
        """Counting rows by status scans indexes: scrapes within `SHARED_TTL` reuse one read."""
        now = time.monotonic()
        if shared and now - shared[0][0] < SHARED_TTL:
            return shared[0][1]
        text = generate_latest(await scrape(session_factory, settings))
        shared[:] = [(now, text)]
        return text

    async def handler(request: Request) -> Response:
        refusal = metrics.scrape_refusal(settings, request.headers.get("authorization", ""))
        if refusal is not None:
            status, text = refusal
            headers = {"WWW-Authenticate": 'Bearer realm="metrics"'} if status == 401 else None
            return PlainTextResponse(text, status_code=status, headers=headers)
        body, content_type = metrics.exposition()
        return Response(body + await shared_gauges(), media_type=content_type)

    return handler
