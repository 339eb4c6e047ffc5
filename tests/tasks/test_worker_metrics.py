"""A separately started worker serves its processes' job metrics: a real `server.py worker`
with two processes on Redis parses a real CV, and its metrics port counts the job."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families

from models.enums import DocumentStatus
from models.metrics import scrape_refusal
from models.settings import ROOT, Settings
from tasks.broker import make_broker
from tasks.jobmetrics import DIR_NAME
from tasks.names import PARSE_DOCUMENT
from tests.helpers import pending_document
from tests.pdfs import simple_cv_pdf
from tests.tasks.test_worker_shutdown import (
    group_count,
    group_size,
    send_parse_through,
    until,
)

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
TOKEN = "worker-metrics-0123456789abcdef"
WAIT_SECONDS = 90.0  # a guard against hanging, not a speed assertion


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def start_worker(settings: Settings) -> Iterator[Any]:
    """Start `python server.py worker ARGS` in its own process group; kill leftovers."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, capture: bool = False, **env: str) -> subprocess.Popen[bytes]:
        environment = {
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "DATA_DIR": str(settings.data_dir),
            "BROKER_URL": TEST_REDIS_URL or "",
            "REDIS_URL": "",
            "METRICS_TOKEN": TOKEN,
            **env,
        }
        environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
        process = subprocess.Popen(
            [sys.executable, "server.py", "worker", *args],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE if capture else None,  # only of workers that stop at once
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(port: int, token: str | None = TOKEN) -> httpx2.Response:
    """GET /metrics on the worker's port, once it listens."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with httpx2.AsyncClient(timeout=10) as client:
        for _ in range(int(WAIT_SECONDS / 0.1)):
            try:
                return await client.get(f"http://127.0.0.1:{port}/metrics", headers=headers)
            except httpx2.ConnectError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


async def until_sample(port: int, name: str, **labels: str) -> dict[Any, float]:
    """Scrape until the sample `name{labels}` shows (the job is counted after it committed)."""
    key = (name, frozenset(labels.items()))
    for _ in range(int(WAIT_SECONDS / 0.1)):
        response = await scrape(port)
        assert response.status_code == 200
        found = samples(response.text)
        if key in found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"{name}{labels} never showed")


@needs_redis
async def test_a_separate_worker_serves_the_job_counts_of_all_its_processes(
    db, settings, start_worker
):
    # given: a samples file left by an earlier run, no leftover messages, a document to parse
    folder = settings.data_dir / DIR_NAME
    folder.mkdir(parents=True)
    (folder / "counter_1.db").write_bytes(b"from the last run")
    broker = make_broker(TEST_REDIS_URL or "")
    broker.flush_all()
    broker.close()
    document = await pending_document(db, settings, simple_cv_pdf())
    port = free_port()
    process = start_worker(
        "--processes", "2", "--threads", "1", "--metrics-port", str(port)
    )  # fmt: skip
    # when: a job runs in one of its processes
    send_parse_through(TEST_REDIS_URL or "", document.id)
    parsed = await until(db, document.id, DocumentStatus.PARSED, DocumentStatus.FAILED)
    found = await until_sample(
        port, "talentgraph_jobs_total", actor=PARSE_DOCUMENT.actor, outcome="succeeded"
    )
    # then: the job is counted once, with its actor and outcome, duration and parse result
    assert parsed.status is DocumentStatus.PARSED
    actor = frozenset({("actor", PARSE_DOCUMENT.actor)})
    assert found[("talentgraph_jobs_total", actor | {("outcome", "succeeded")})] == 1.0
    assert [k for k in found if k[0] == "talentgraph_jobs_total"] == [
        ("talentgraph_jobs_total", actor | {("outcome", "succeeded")})
    ]
    assert found[("talentgraph_job_duration_seconds_count", actor)] == 1.0
    assert found[("talentgraph_jobs_running", actor)] == 0.0
    assert found[("talentgraph_cv_parses_total", frozenset({("status", "PARSED")}))] == 1.0
    # the samples come from the worker's own folder, emptied at start: its two worker
    # processes and the one serving them wrote there
    assert not (folder / "counter_1.db").exists()
    assert len({path.stem.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}) == 3
    # when / then: a wrong or missing token is refused
    wrong = await scrape(port, token="not-the-token")
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == 'Bearer realm="metrics"'
    assert (await scrape(port, token=None)).status_code == 401
    # when: the worker's process group is told to stop
    os.killpg(process.pid, signal.SIGTERM)
    exit_code = await asyncio.to_thread(process.wait, WAIT_SECONDS)
    # then: it exits cleanly, the serving process with it, and the port is closed
    assert exit_code == 0
    assert group_count(process.pid, "-m dramatiq") == 0
    for _ in range(int(WAIT_SECONDS / 0.1)):  # the CV parser's helper exits once it notices
        if group_size(process.pid) == 0:
            break
        await asyncio.sleep(0.1)
    assert group_size(process.pid) == 0
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass
    # the stopped processes' live gauges are gone from the folder
    assert list(folder.glob("gauge_livesum_*.db")) == []


@needs_redis
async def test_a_second_worker_cannot_take_a_running_workers_folder_or_port(settings, start_worker):
    # given: a worker serving its metrics
    port = free_port()
    first = start_worker("--processes", "1", "--threads", "1", "--metrics-port", str(port))
    assert (await scrape(port)).status_code == 200
    # when: a second one starts on the same data folder, then on the same port elsewhere
    same_folder = start_worker(
        "--processes", "1", "--metrics-port", str(free_port()), capture=True
    )  # fmt: skip
    other = str(settings.data_dir / "elsewhere")
    same_port = start_worker(
        "--processes", "1", "--metrics-port", str(port), capture=True, DATA_DIR=other
    )  # fmt: skip
    # then: both are refused at once, saying why; the first still serves
    assert same_folder.wait(WAIT_SECONDS) == 2
    assert same_port.wait(WAIT_SECONDS) == 2
    assert same_folder.stderr is not None and same_port.stderr is not None
    assert b"holds the metrics of a running worker" in same_folder.stderr.read()
    assert b"Address already in use" in same_port.stderr.read()
    assert (await scrape(port)).status_code == 200
    os.killpg(first.pid, signal.SIGTERM)
    assert await asyncio.to_thread(first.wait, WAIT_SECONDS) == 0


@needs_redis
def test_a_bad_metrics_port_is_refused_before_the_worker_starts(start_worker):
    # when
    from_env = start_worker("--processes", "1", capture=True, WORKER_METRICS_PORT="nine")
    out_of_range = start_worker("--processes", "1", "--metrics-port", "70000", capture=True)
    # then
    assert from_env.wait(WAIT_SECONDS) == 2
    assert out_of_range.wait(WAIT_SECONDS) == 2
    assert from_env.stderr is not None and out_of_range.stderr is not None
    assert b"WORKER_METRICS_PORT must be a port number" in from_env.stderr.read()
    assert b"between 1 and 65535" in out_of_range.stderr.read()


def test_scrapes_follow_the_apis_bearer_rule(settings):
    # given
    development = dataclasses.replace(settings, environment="development", metrics_token=None)
    production = dataclasses.replace(settings, environment="production", metrics_token=None)
    with_token = dataclasses.replace(production, metrics_token=TOKEN)
    # when / then: open in development, not served in production without a token
    assert scrape_refusal(development, "") is None
    assert scrape_refusal(production, "") == (404, "Not Found")
    # with a token only `Bearer <token>` passes
    assert scrape_refusal(with_token, f"Bearer {TOKEN}") is None
    assert scrape_refusal(with_token, "")[0] == 401
    assert scrape_refusal(with_token, TOKEN)[0] == 401
    assert scrape_refusal(with_token, "Bearer ü")[0] == 401
