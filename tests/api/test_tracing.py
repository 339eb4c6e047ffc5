"""Tracing: off (and not even imported) by default; with an OTLP endpoint, spans for the HTTP
request, the GraphQL operation and its SQL reach a real collector over HTTP, without arguments."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from models.settings import ROOT
from tests.helpers import variant_client

LOGIN = """
mutation SignIn($email: String!, $password: String!) {
  login(email: $email, password: $password) { __typename }
}
"""
JOBS = "query OpenJobs { jobs { totalCount } }"
PASSWORD = "a-password-that-must-not-be-traced"
PROBE = """
import sys
from models.settings import Settings
from server import create_app
create_app(Settings(database_url="sqlite+aiosqlite:///unused.db", jwt_secret="x" * 40))
tracing = ("opentelemetry.instrumentation", "opentelemetry.exporter", "strawberry.extensions.trac")
print(sorted(m for m in sys.modules if m.startswith(tracing)))
"""


class Collector(BaseHTTPRequestHandler):
    bodies: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers["content-length"])
        Collector.bodies.append(self.rfile.read(length))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        del args


@pytest.fixture
def collector() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_without_an_endpoint_tracing_is_not_even_imported():
    """(redis-py itself imports the OpenTelemetry API when it is installed; that is not ours.)"""
    # when
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


async def test_spans_of_request_operation_and_sql_reach_the_collector(settings, collector):
    pytest.importorskip("opentelemetry.sdk", reason="the otel group is not installed")
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    from schema.tracing import tracer_provider

    # given
    Collector.bodies.clear()
    async with variant_client(settings, otel_endpoint=collector) as client:
        # when
        await client.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"email": "a@example.org", "password": PASSWORD}},
        )
        await client.post("/graphql", json={"query": JOBS})
    assert tracer_provider(collector).force_flush(10_000)
    # then
    spans = []
    for body in Collector.bodies:
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                spans.extend(scope.spans)
    names = {span.name for span in spans}
    assert "GraphQL Query: OpenJobs" in names
    assert "GraphQL Mutation: SignIn" in names or "GraphQL Query: SignIn" in names
    assert any(name.startswith("POST /graphql") for name in names)
    assert any(name.startswith("SELECT") for name in names)
    assert all(PASSWORD not in str(span.attributes) for span in spans)
