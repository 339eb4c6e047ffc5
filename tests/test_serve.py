"""`server.py serve --workers 2` as real processes: one scrape counts every process's requests,
logs are JSON lines naming their request, and `/healthz` stays out of the log."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
from prometheus_client.parser import text_string_to_metric_families

from models.settings import ROOT
from schema.keepalive import SHED_INTERVAL

SECRET = "serve-test-0123456789abcdefghijklmnopqrstuvwxyz"
TOKEN = "metrics-token-for-the-serve-test"
PING = "query Ping { __typename }"
REQUESTS = 12


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    tmp_path: Path, workers: int, stderr: Any, **settings: str
) -> tuple[str, subprocess.Popen]:
    """`server.py serve` on a free port with a SQLite file and these settings: (URL, process)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "DATA_DIR": str(tmp_path),
        "JWT_SECRET": SECRET,
        "SEED_DEMO": "false",
        "BROKER_URL": "stub://",
        **settings,
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "server.py", "serve", "--workers", str(workers), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    return f"http://127.0.0.1:{port}", process


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited during start-up"
        try:
            if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not start within 90 s")


def requests_total(text: str, operation: str) -> float:
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == "talentgraph_graphql_requests_total" and found.labels == {
                "operation": operation,
                "outcome": "ok",
            }:
                return found.value
    return 0.0


def test_two_api_processes_share_metrics_and_log_json_lines(tmp_path: Path):
    # given
    stderr = (tmp_path / "stderr.log").open("w")
    base, process = start_server(
        tmp_path,
        2,
        stderr,
        ENVIRONMENT="production",
        METRICS_TOKEN=TOKEN,
        LOG_LEVEL="info",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    try:
        wait_until_up(base, process)
        # when: every request on a new connection, so the kernel spreads them over both
        for index in range(REQUESTS):
            answer = httpx2.post(
                f"{base}/graphql", json={"query": PING}, headers={"X-Request-ID": f"ping-{index}"}
            )
            assert answer.status_code == 200
        denied = httpx2.get(f"{base}/metrics")
        scraped = httpx2.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        stderr.close()
    lines = (tmp_path / "stderr.log").read_text().splitlines()
    # then
    assert denied.status_code == 401
    assert scraped.status_code == 200
    assert requests_total(scraped.text, "Ping") == REQUESTS
    pids = {path.stem.rsplit("_", 1)[-1] for path in (tmp_path / "metrics").glob("*.db")}
    assert len(pids) >= 2  # both processes wrote samples
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [r for r in records if r["logger"] == "talentgraph.access"]
    pings = sorted(r["request_id"] for r in access if "/graphql" in r["message"])
    assert pings == sorted(f"ping-{index}" for index in range(REQUESTS))
    assert all("/healthz" not in r["message"] for r in access)
    assert all({"timestamp", "level", "logger", "message"} <= set(r) for r in records)


def test_a_process_without_serve_creates_the_metrics_folder_it_is_given(tmp_path: Path):
    """A worker in its own container has PROMETHEUS_MULTIPROC_DIR set but no `serve` to make
    the folder; recording a metric must not fail there."""
    # given
    folder = tmp_path / "not-yet" / "metrics"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    # when
    result = subprocess.run(
        [sys.executable, "-c", "from models import metrics; metrics.record_cv_parse('PARSED')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert list(folder.glob("counter_*.db"))


def test_a_keep_alive_connection_is_closed_after_its_request_bound(tmp_path: Path):
    # given: at most 4 requests per connection
    base, process = start_server(tmp_path, 1, subprocess.DEVNULL, KEEPALIVE_REQUESTS="4")
    try:
        wait_until_up(base, process)
        # when: one client, which keeps its connection open while the server lets it
        with httpx2.Client(base_url=base) as client:
            answers = [client.post("/graphql", json={"query": PING}) for _ in range(10)]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    # then: every 4th answer closes the connection, and the client goes on over a new one
    assert [a.status_code for a in answers] == [200] * 10
    closing = [i for i, a in enumerate(answers, 1) if a.headers.get("connection") == "close"]
    assert closing == [4, 8]


def _established(pid: int, port: int) -> int:
    """How many TCP connections to `port` process `pid` holds open (read from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if local_port == port and fields[3] == "01":  # ESTABLISHED
                    inodes.add(fields[9])
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            held += 1
    return held


def test_the_processes_of_a_group_even_out_their_keep_alive_connections(tmp_path: Path):
    # given: two processes, and twelve clients that each keep one connection open
    base, process = start_server(
        tmp_path, 2, subprocess.DEVNULL, KEEPALIVE_REQUESTS="0", RATE_LIMIT_ANONYMOUS="100000"
    )
    port = int(base.rsplit(":", 1)[1])
    clients = [httpx2.Client(base_url=base) for _ in range(12)]
    try:
        wait_until_up(base, process)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        workers = [  # not the resource tracker
            int(pid)
            for pid in children
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        # when: every client sends requests over its connection (a new one when the server
        # closes it), round after round, until three rounds in a row close none (a process
        # hands back at most one connection per SHED_INTERVAL, so rounds are spaced)
        closed: list[int] = []
        while len(closed) < 100 and (len(closed) < 3 or any(closed[-3:])):
            answers = [client.post("/graphql", json={"query": PING}) for client in clients]
            assert all(answer.status_code == 200 for answer in answers)
            closed.append(sum(a.headers.get("connection") == "close" for a in answers))
            time.sleep(SHED_INTERVAL / 2)
        held = sorted(_established(pid, port) for pid in workers)
    finally:
        for client in clients:
            client.close()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    # then: the two processes hold six each (the kernel alone places them at random: an
    # even split of twelve is one chance in four)
    assert len(workers) == 2
    assert held == [6, 6], (held, closed)
