"""OpenTelemetry tracing, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

Spans for each HTTP request (ASGI), each GraphQL operation and resolver (strawberry's
extension) and each SQL statement (SQLAlchemy) go to the collector over OTLP/HTTP. The packages
are an optional group (`uv sync --group otel`), so the default install does not carry them.
Resolver arguments are never recorded: they hold passwords, tokens and personal data.
"""

from __future__ import annotations

import threading
from typing import Any

SERVICE_NAME = "talentgraph"
_lock = threading.Lock()
_provider: Any = None


def _missing() -> RuntimeError:
    return RuntimeError(
        "OTEL_EXPORTER_OTLP_ENDPOINT is set but the tracing packages are not installed: "
        "run `uv sync --group otel` (or unset it)"
    )


def tracer_provider(endpoint: str) -> Any:
    """This process's tracer provider, exporting in batches to `endpoint` (set up once)."""
    global _provider
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise _missing() from exc
    with _lock:
        if _provider is None:
            provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
            exporter = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
            provider.add_span_processor(BatchSpanProcessor(exporter))
            trace.set_tracer_provider(provider)
            _provider = provider
        return _provider


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    del arguments, info
    return {}


def schema_extension() -> Any:
    """strawberry's OpenTelemetry extension, recording no resolver arguments."""
    try:
        from strawberry.extensions.tracing import OpenTelemetryExtension
    except ImportError as exc:
        raise _missing() from exc

    def build() -> Any:
        return OpenTelemetryExtension(arg_filter=_no_arguments)

    return build


def tracing_middleware(engine: Any, endpoint: str) -> Any:
    """Trace SQL on `engine` and return the ASGI middleware that traces each request."""
    provider = tracer_provider(endpoint)
    try:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
        from starlette.middleware import Middleware
    except ImportError as exc:
        raise _missing() from exc
    # the instrumentor's version pin lags SQLAlchemy 2.1, whose engine events it uses unchanged
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True
    )
    return Middleware(
        OpenTelemetryMiddleware, excluded_urls="healthz,readyz,metrics", tracer_provider=provider
    )
