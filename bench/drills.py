"""Crash drills on a 10,000-row import job, with Redis and with RabbitMQ as the broker.

Each drill submits `--rows` candidates (one `upsertCandidates` call with an idempotencyKey,
which becomes an import job) to a real `server.py serve`, runs real `dramatiq tasks.worker`
processes, breaks something, and reports the rows expected vs found, duplicates (candidates
written twice, and import jobs per call), and the seconds from the break until the job was
progressing again and until it completed:

  worker-kill       SIGKILL to the worker group mid-job; a new worker starts at once
  message-lost      the same, and the broker then forgets the job's messages (sweeper's turn)
  api-kill          SIGKILL to the API while it stores the call; the client retries the key
  broker-down       the API cannot reach the broker at submit; a worker on the broker runs

    .venv/bin/python bench/drills.py --database-url postgresql://127.0.0.1/tg_scratch \
        --redis redis://127.0.0.1:6379/9 --rabbitmq amqp://guest:guest@127.0.0.1:5672/

The database's public schema is dropped and migrated again first: use a scratch database. The
broker's import queues are purged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import asyncpg
import httpx2
from queries import LOGIN_MUTATION
from seed import asyncpg_url, migrate, sqlalchemy_url
from servers import ROOT, Server, venv_python, wait_until

sys.path.insert(0, str(ROOT))
from tasks.broker import make_broker

UPSERT = """mutation U($input: UpsertCandidatesInput!) { upsertCandidates(input: $input) {
  __typename ... on ImportQueued { importJob { id } } ... on UserError { code message } } }"""
PARTNER = ("partner@example.com", "talentgraph")
DRILLS = ("worker-kill", "message-lost", "api-kill", "broker-down")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Drill:
    """One broker's processes: the API and the workers, sharing an environment."""

    def __init__(self, database_url: str, broker_url: str) -> None:
        self.db = asyncpg_url(database_url)
        self.broker_url = broker_url
        self.env = {
            **os.environ,
            "DATABASE_URL": sqlalchemy_url(database_url),
            "JWT_SECRET": secrets.token_urlsafe(36),
            "BROKER_URL": broker_url,
            "SEED_DEMO": "false",
            "GRAPHIQL": "false",
            "LOG_LEVEL": "warning",
            "ENVIRONMENT": "development",
            "RATE_LIMIT_USER": "100000",
            "MAX_BODY_BYTES": str(64 * 1024 * 1024),
        }
        self.api: Server | None = None
        self.port = 0
        self.workers: list[Server] = []

    def start_api(self, broker_url: str | None = None) -> None:
        self.port = free_port()
        env = {**self.env, "BROKER_URL": broker_url or self.broker_url}
        argv = [venv_python(), "server.py", "serve", "--port", str(self.port), "--no-access-log"]
        self.api = Server("drill_api", argv, env=env)
        self.api.start()
        health = f"http://127.0.0.1:{self.port}/healthz"
        wait_until(self.api, lambda: httpx2.get(health, timeout=2).status_code == 200, "api")

    def start_worker(self) -> Server:
        argv = [venv_python(), "-m", "dramatiq", "tasks.worker", "--path", str(ROOT)]
        worker = Server(
            f"drill_worker{len(self.workers)}", [*argv, "--processes", "1"], env=self.env
        )
        worker.start()
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for server in [self.api, *self.workers]:
            if server is not None:
                server.stop()
        self.api, self.workers = None, []

    def post(self, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = f"http://127.0.0.1:{self.port}/graphql"
        body = {"query": query, "variables": variables}
        return httpx2.post(url, json=body, headers=headers, timeout=300).json()

    def token(self) -> str:
        login = self.post(LOGIN_MUTATION, {"email": PARTNER[0], "password": PARTNER[1]})
        return str(login["data"]["login"]["accessToken"])

    async def state(self, prefix: str) -> dict[str, Any]:
        conn = await asyncpg.connect(self.db)
        try:
            # the job first: once it reads COMPLETED, every row it wrote is counted
            job = await conn.fetchrow(
                "SELECT status, processed, count(*) OVER () AS jobs FROM import_batches b "
                "JOIN import_rows r ON r.batch_id = b.id AND r.position = 0 "
                "WHERE r.payload->>'external_id' = $1",
                f"{prefix}-0",
            )
            found = await conn.fetchrow(
                "SELECT count(*) AS rows, count(*) - count(DISTINCT first_name) AS duplicates "
                "FROM candidates WHERE external_id LIKE $1",
                f"{prefix}-%",
            )
        finally:
            await conn.close()
        return {
            "rows": found["rows"],
            "duplicates": found["duplicates"],
            "jobs": job["jobs"] if job else 0,
            "status": job["status"] if job else None,
            "processed": job["processed"] if job else 0,
        }

    def wait(self, prefix: str, until: Any, timeout: float = 180) -> tuple[float, dict[str, Any]]:
        start = time.monotonic()
        while True:
            state = asyncio.run(self.state(prefix))
            if until(state) or time.monotonic() - start > timeout:
                return time.monotonic() - start, state
            time.sleep(0.2)

    def lose_messages(self) -> None:
        broker = make_broker(self.broker_url)
        if self.broker_url.startswith("redis"):
            client: Any = broker.client  # type: ignore[attr-defined]
            keys = client.keys("dramatiq:*imports*")
            if keys:
                client.delete(*keys)
        else:
            broker.declare_queue("imports")
            broker.flush("imports")
        broker.close()


def items(prefix: str, rows: int) -> list[dict[str, Any]]:
    return [
        {"externalId": f"{prefix}-{n}", "firstName": f"{prefix}-{n}", "lastName": "Drill"}
        for n in range(rows)
    ]


def run_drill(drill: Drill, name: str, rows: int) -> dict[str, Any]:
    prefix = f"{name}-{uuid.uuid4().hex[:6]}"
    variables = {"input": {"items": items(prefix, rows), "idempotencyKey": prefix}}
    down = f"{drill.broker_url.split(':')[0]}://127.0.0.1:{free_port()}/"
    drill.start_api(down if name == "broker-down" else None)
    token = drill.token()
    worker = None if name in ("api-kill", "broker-down") else drill.start_worker()
    if name == "api-kill":
        call = threading.Thread(target=lambda: _quietly(drill.post, UPSERT, variables, token))
        call.start()
        time.sleep(1.0)  # the call is storing its 10,000 rows
        assert drill.api is not None and drill.api.proc is not None
        os.killpg(drill.api.proc.pid, signal.SIGKILL)
        broke = time.monotonic()
        call.join()
        drill.start_api()
        drill.start_worker()
        answer = drill.post(UPSERT, variables, token)["data"]["upsertCandidates"]["__typename"]
    else:
        answer = drill.post(UPSERT, variables, token)["data"]["upsertCandidates"]["__typename"]
        if worker is not None:
            drill.wait(prefix, lambda s: s["status"] == "RUNNING" and s["processed"] > 0)
            os.killpg(worker.proc.pid, signal.SIGKILL)  # type: ignore[union-attr]
            if name == "message-lost":
                drill.lose_messages()
        broke = time.monotonic()
        drill.start_worker()
    at_break = asyncio.run(drill.state(prefix))["processed"]
    _, _ = drill.wait(prefix, lambda s: s["processed"] > at_break or s["status"] == "COMPLETED")
    resumed = time.monotonic() - broke
    _, final = drill.wait(prefix, lambda s: s["status"] in ("COMPLETED", "FAILED"))
    drill.stop()
    return {
        "drill": name,
        "answer": answer,
        "rows_expected": rows,
        "rows_found": final["rows"],
        "duplicate_rows": final["duplicates"],
        "import_jobs": final["jobs"],
        "status": final["status"],
        "seconds_to_resume": round(resumed, 1),
        "seconds_to_complete": round(time.monotonic() - broke, 1),
    }


def _quietly(*call: Any) -> None:
    try:
        call[0](*call[1:])
    except httpx2.HTTPError:
        pass  # the server was killed mid-request


def prepare(database_url: str) -> None:
    async def reset() -> None:
        conn = await asyncpg.connect(asyncpg_url(database_url))
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()

    asyncio.run(reset())
    migrate(database_url)
    env = {
        **os.environ,
        "DATABASE_URL": sqlalchemy_url(database_url),
        "JWT_SECRET": secrets.token_urlsafe(36),
    }
    subprocess.run(
        [venv_python(), "server.py", "seed-demo"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="a scratch PostgreSQL database")
    parser.add_argument("--redis", help="Redis broker URL (skipped when absent)")
    parser.add_argument("--rabbitmq", help="RabbitMQ broker URL (skipped when absent)")
    parser.add_argument("--rows", type=int, default=10_000, help="items per import (10,000)")
    parser.add_argument("--drills", default=",".join(DRILLS), help="comma-separated subset")
    args = parser.parse_args()
    prepare(args.database_url)
    results = []
    for broker_name, url in (("redis", args.redis), ("rabbitmq", args.rabbitmq)):
        if not url:
            continue
        drill = Drill(args.database_url, url)
        for name in args.drills.split(","):
            drill.lose_messages()
            try:
                result = {"broker": broker_name, **run_drill(drill, name, args.rows)}
            finally:
                drill.stop()
            print(json.dumps(result), flush=True)
            results.append(result)


if __name__ == "__main__":
    main()
