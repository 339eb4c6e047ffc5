"""Real processes for crash drills: the API server and dramatiq workers as subprocesses.

They run `server.py` and `dramatiq tasks.worker` from the checkout against the test database,
in their own process group, so a test can kill them with SIGKILL like a crash would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import httpx2

from models.settings import ROOT, Settings
from tests.conftest import JWT_SECRET

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
TEST_RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(settings: Settings, broker_url: str = "stub://", **extra: str) -> dict[str, str]:
    """The environment of a subprocess using the test's database and files."""
    url = settings.database_url.replace("+asyncpg", "").replace("+aiosqlite", "")
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(settings.data_dir),
        "JWT_SECRET": JWT_SECRET,
        "ENVIRONMENT": "development",
        "SEED_DEMO": "false",
        "GRAPHIQL": "false",
        "LOG_LEVEL": "warning",
        "BROKER_URL": broker_url,
        "DB_POOL_SIZE": "5",
        **extra,
    }


async def _spawn(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,  # its own process group, killed as a whole
    )


def kill(process: asyncio.subprocess.Process) -> None:
    """SIGKILL the process and its children (dramatiq forks its worker processes)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@asynccontextmanager
async def api_server(env: dict[str, str]) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    """`server.py serve` on a free port, yielded with its base URL once `/healthz` answers."""
    port = free_port()
    process = await _spawn(env, "server.py", "serve", "--port", str(port), "--no-access-log")
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx2.AsyncClient(base_url=base) as client:
            for _ in range(300):
                with suppress(httpx2.TransportError):
                    if (await client.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the API server did not start within 15 s")
        yield process, base
    finally:
        kill(process)
        await process.wait()


@asynccontextmanager
async def worker(env: dict[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    """A `dramatiq tasks.worker` process (one worker process, two threads)."""
    process = await _spawn(
        env,
        "-m",
        "dramatiq",
        "tasks.worker",
        "--path",
        str(ROOT),
        "--processes",
        "1",
        "--threads",
        "2",
    )
    try:
        yield process
    finally:
        kill(process)
        await process.wait()


async def post(base: str, query: str, variables: dict[str, Any], token: str) -> Any:
    """A GraphQL request over real HTTP."""
    async with httpx2.AsyncClient(base_url=base, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.json()
