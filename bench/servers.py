"""Start, wait for and stop the two servers under test, each in its own process group."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
NODE_DIR = BENCH / ".node"
OUT_DIR = BENCH / "out"
POSTGRAPHILE_BIN = NODE_DIR / "node_modules" / ".bin" / "postgraphile"
POSTGRAPHILE_SPEC = "postgraphile@4"


class ServerError(RuntimeError):
    """A server did not come up; the message carries the tail of its log."""


class Server:
    """A child process in a new session, logging to bench/out/<name>.log."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = OUT_DIR / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise ServerError(
                f"{self.name} exited with code {self.proc.returncode}; log tail:\n{self.log_tail()}"
            )

    def stop(self) -> None:
        """SIGTERM the whole process group (uvicorn workers, node), SIGKILL after 10 s."""
        if self.proc is None:
            return
        pgid = self.proc.pid
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
                # the leader is gone; make sure no orphaned group member survives
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
            break
        self.proc = None


def ensure_port_free(port: int) -> None:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise ServerError(f"port {port} is already in use; stop that process or pick another")


def wait_until(server: Server, check: object, what: str, timeout: float = 90.0) -> None:
    """Poll `check()` (returns bool) until true, failing fast if the process dies."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            if check():  # type: ignore[operator]
                return
        except httpx2.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.25)
    raise ServerError(
        f"{server.name}: {what} not ready after {timeout:.0f}s ({last}); log tail:\n"
        f"{server.log_tail()}"
    )


def venv_python() -> str:
    candidate = ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def start_ours(
    database_url: str, port: int, workers: int = 2, max_query_cost: int | None = None
) -> Server:
    """`server.py serve` with N processes against `database_url` (asyncpg driver).

    `max_query_cost` replaces the server's query-cost limit (MAX_QUERY_COST) when given: the
    cost estimate counts 10 items per plain list, so a large page of pages can pass the
    default limit although it fetches fewer rows.
    """
    ensure_port_free(port)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JWT_SECRET": secrets.token_urlsafe(36),  # 48 characters
        "SEED_DEMO": "false",
        # one bench user sends far more than a person would: the per-user limit is not
        # what is measured
        "RATE_LIMIT_USER": "100000000",
        "GRAPHIQL": "false",
        "PYTHONUNBUFFERED": "1",
    }
    env["LOG_LEVEL"] = "warning"
    if max_query_cost is not None:
        env["MAX_QUERY_COST"] = str(max_query_cost)
    argv = [
        venv_python(), "server.py", "serve", "--workers", str(workers),
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip
    server = Server("ours", argv, env=env)
    server.start()
    url = f"http://127.0.0.1:{port}/healthz"
    wait_until(
        server,
        lambda: httpx2.get(url, timeout=2, trust_env=False).status_code == 200,
        "GET /healthz",
    )
    return server


def ensure_postgraphile() -> str:
    """Install PostGraphile v4 once into bench/.node; returns its version."""
    if not POSTGRAPHILE_BIN.exists():
        print(f"installing {POSTGRAPHILE_SPEC} into {NODE_DIR} ...", flush=True)
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund",
             POSTGRAPHILE_SPEC],
            check=True,
        )  # fmt: skip
    manifest = NODE_DIR / "node_modules" / "postgraphile" / "package.json"
    return str(json.loads(manifest.read_text())["version"])


def start_postgraphile(libpq_url: str, port: int) -> Server:
    ensure_port_free(port)
    argv = [
        str(POSTGRAPHILE_BIN), "-c", libpq_url, "--host", "127.0.0.1", "--port", str(port),
        "--disable-graphiql", "--simple-collections", "both",
        "--no-setof-functions-contain-nulls", "--disable-query-log",
    ]  # fmt: skip
    server = Server("postgraphile", argv, env={**os.environ, "NODE_ENV": "production"})
    server.start()
    url = f"http://127.0.0.1:{port}/graphql"

    def ready() -> bool:
        r = httpx2.post(url, json={"query": "{ __typename }"}, timeout=2, trust_env=False)
        return r.status_code == 200 and "errors" not in r.json()

    wait_until(server, ready, "POST /graphql")
    return server
