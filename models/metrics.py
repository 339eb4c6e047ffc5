"""Prometheus metrics of every process: the API processes and the workers.

With `PROMETHEUS_MULTIPROC_DIR` set (`server.py serve` creates and empties it), each process
writes its samples to files in that folder and `/metrics` adds them up, so one scrape of any API
process covers the whole machine. The folder must be set before `prometheus_client` is first
imported, which is why the command line sets it before it imports the app.

Other modules record through the small functions here (not the metric objects), so a metric's
labels are kept bounded in one place.
"""

from __future__ import annotations

import hmac
import os
import re
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
if os.environ.get(MULTIPROC_ENV):
    # a worker started without `serve` (its own container) writes its samples here too
    os.makedirs(os.environ[MULTIPROC_ENV], exist_ok=True)

from prometheus_client import Counter, Gauge, Histogram  # noqa: E402 - after the folder exists

OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_NAMES = 200  # distinct names per process; later ones count as "other"
ANONYMOUS_OPERATION = "anonymous"
OTHER_OPERATION = "other"
NO_OPERATION = "none"  # the request never reached an operation (refused, malformed)

REQUESTS = Counter(
    "talentgraph_graphql_requests",
    "GraphQL requests over HTTP by operation name and outcome "
    "(ok, error, rejected, unauthenticated, rate_limited, internal_error).",
    ["operation", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "talentgraph_graphql_request_duration_seconds",
    "Time to answer a GraphQL request over HTTP, by operation name.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SQL_STATEMENTS = Histogram(
    "talentgraph_graphql_request_sql_statements",
    "SQL statements one GraphQL request ran, by operation name.",
    ["operation"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144),
)
HTTP_RESPONSES = Counter(
    "talentgraph_http_responses",
    "HTTP responses by route and status class (2xx, 4xx, ...).",
    ["route", "status"],
)
RATE_LIMIT_REFUSALS = Counter(
    "talentgraph_rate_limit_refusals",
    "Requests refused with 429 by the per-user or per-address request limit.",
)
RATE_LIMIT_FALLBACKS = Counter(
    "talentgraph_rate_limit_fallbacks",
    "Requests limited by this process alone because the shared Redis limiter was unreachable.",
)
JOBS = Counter(
    "talentgraph_jobs",
    "Background job messages processed, by actor and outcome (succeeded, failed, retried).",
    ["actor", "outcome"],
)
JOB_SECONDS = Histogram(
    "talentgraph_job_duration_seconds",
    "Time one background job message took, by actor.",
    ["actor"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
JOBS_RUNNING = Gauge(
    "talentgraph_jobs_running",
    "Background job messages being processed now, by actor.",
    ["actor"],
    multiprocess_mode="livesum",
)
SWEEPER_RESENDS = Counter(
    "talentgraph_sweeper_resends",
    "Unfinished jobs the sweeper sent again because their heartbeat or claim was stale, by kind.",
    ["kind"],
)
CV_PARSES = Counter(
    "talentgraph_cv_parses",
    "CV parse jobs finished, by the document's resulting status.",
    ["status"],
)
DB_POOL_IN_USE = Gauge(
    "talentgraph_db_pool_connections_in_use",
    "Database connections checked out of the pools of live processes.",
    multiprocess_mode="livesum",
)
DB_POOL_SIZE = Gauge(
    "talentgraph_db_pool_size",
    "Configured pool size (without overflow), summed over live processes.",
    multiprocess_mode="livesum",
)

_operation_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """The operation name as a label: bounded, so clients cannot grow the series without end."""
    if not name:
        return ANONYMOUS_OPERATION
    if not OPERATION_NAME.match(name):
        return OTHER_OPERATION
    if name not in _operation_names:
        if len(_operation_names) >= MAX_OPERATION_NAMES:
            return OTHER_OPERATION
        _operation_names.add(name)
    return name


def record_request(
    operation: str, outcome: str, seconds: float, statements: int, *, timed: bool = True
) -> None:
    """One GraphQL request over HTTP; `operation` is a label from `operation_label`."""
    REQUESTS.labels(operation, outcome).inc()
    if timed:
        REQUEST_SECONDS.labels(operation).observe(seconds)
        SQL_STATEMENTS.labels(operation).observe(statements)


def record_response(route: str, status: int) -> None:
    HTTP_RESPONSES.labels(route, f"{status // 100}xx").inc()


def record_rate_limit_refusal() -> None:
    RATE_LIMIT_REFUSALS.inc()


def record_rate_limit_fallback() -> None:
    """Call when a request was limited in memory because Redis could not be reached."""
    RATE_LIMIT_FALLBACKS.inc()


def record_sweeper_resends(kind: str, count: int) -> None:
    """Call with the number of `kind` jobs (import, document, evaluation, ...) re-sent."""
    if count:
        SWEEPER_RESENDS.labels(kind).inc(count)


def record_cv_parse(status: str) -> None:
    """A CV parse job ended with the document in `status` (PARSED, FAILED, NEEDS_OCR, ...)."""
    CV_PARSES.labels(status).inc()


def record_job(actor: str, outcome: str, seconds: float | None) -> None:
    JOBS.labels(actor, outcome).inc()
    if seconds is not None:
        JOB_SECONDS.labels(actor).observe(seconds)


def job_started(actor: str) -> None:
    JOBS_RUNNING.labels(actor).inc()


def job_ended(actor: str) -> None:
    JOBS_RUNNING.labels(actor).dec()


_watched: dict[int, int] = {}  # id of a watched engine -> its pool size


def watch_pool(engine: Any, pool_size: int) -> None:
    """Count `engine`'s checked-out connections (an `AsyncEngine`)."""
    from sqlalchemy import event

    _watched[id(engine)] = pool_size
    DB_POOL_SIZE.inc(pool_size)
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkout")
    def _checkout(*_: Any) -> None:
        DB_POOL_IN_USE.inc()

    @event.listens_for(pool, "checkin")
    def _checkin(*_: Any) -> None:
        DB_POOL_IN_USE.dec()


def release_pool(engine: Any) -> None:
    """The engine of `watch_pool` was disposed (once; disposing it again changes nothing)."""
    size = _watched.pop(id(engine), None)
    if size is not None:
        DB_POOL_SIZE.dec(size)


def exposition() -> tuple[bytes, str]:
    """The metrics of every process (or of this one without multiprocess mode), as text."""
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        REGISTRY,
        CollectorRegistry,
        generate_latest,
        multiprocess,
    )

    registry = REGISTRY
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry), CONTENT_TYPE_LATEST


def scrape_refusal(settings: Any, authorization: str) -> tuple[int, str] | None:
    """Why a scrape is refused (status and text), or None: the rule of the API's `/metrics`.

    With `METRICS_TOKEN` set it needs `Authorization: Bearer <token>`; without one it is open
    in development and not served in production, so production never exposes it by accident.
    """
    if settings.metrics_token is None:
        return (404, "Not Found") if settings.production else None
    expected = f"Bearer {settings.metrics_token}".encode()
    if hmac.compare_digest(authorization.encode("latin-1", "replace"), expected):
        return None
    return 401, "metrics need `Authorization: Bearer <METRICS_TOKEN>`"
