"""Log lines: JSON in production, text in development, each naming its request (and user)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from models.enums import Role
from models.logs import ContextFilter, JsonFormatter, TextFormatter
from tests.helpers import make_org, make_user, token_for, variant_client

ME = "query WhoAmI { me { email } }"


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """Every line written while the test runs, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def parsed(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_access_log_is_json_with_request_user_operation_duration_and_statements(
    client, db, settings, lines
):
    # given
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    # when
    response = await client.post(
        "/graphql",
        json={"query": ME},
        headers={"Authorization": f"Bearer {token_for(settings, user)}", "X-Request-ID": "req-42"},
    )
    # then
    assert response.status_code == 200
    access = [line for line in parsed(lines) if line["logger"] == "talentgraph.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "req-42"
    assert line["user_id"] == str(user.id)
    assert line["operation"] == "WhoAmI"
    assert line["level"] == "INFO"
    assert line["sql_statements"] == int(response.headers["x-sql-statements"])
    assert line["duration_ms"] >= 0
    assert '"POST /graphql HTTP/1.1" 200' in line["message"]
    assert line["timestamp"].endswith("+00:00")


async def test_every_line_written_during_a_request_carries_its_id(settings, lines):
    # given: Redis is configured but down, so /readyz writes a warning while it answers
    async with variant_client(settings, redis_url="redis://127.0.0.1:1/0") as client:
        # when
        response = await client.get("/readyz", headers={"X-Request-ID": "ready-1"})
    # then
    assert response.status_code == 200
    assert response.json()["redis"] == "unreachable"
    written = [line for line in parsed(lines) if not line["logger"].startswith("httpx")]
    warning = [line for line in written if line["logger"] == "schema.readiness"]
    assert len(warning) == 1 and warning[0]["level"] == "WARNING"
    assert {line["request_id"] for line in written} == {"ready-1"}


async def test_healthz_is_not_logged(client, lines):
    # when
    response = await client.get("/healthz")
    # then
    assert response.status_code == 200
    assert [line for line in parsed(lines) if line["logger"] == "talentgraph.access"] == []


def test_text_lines_show_the_request_id_and_fields():
    # given
    record = logging.LogRecord("talentgraph.access", logging.INFO, __file__, 1, "GET /", (), None)
    record.request_id, record.duration_ms, record.sql_statements = "abc", 1.5, 3
    # when
    line = TextFormatter().format(record)
    # then
    assert line.endswith("INFO    talentgraph.access [abc] GET / duration_ms=1.5 sql_statements=3")
