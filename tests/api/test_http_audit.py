"""H-01/H-02: the graphql-http audit (`auditServer`) against the real server under uvicorn.

The server runs the production profile with introspection off: audit 28B9 asks
`__type(name:)` for a type's name, which the introspection policy allows (see
schema/introspection.py) without opening `__schema` or type fields.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from models.settings import ROOT

AUDIT_DIR = ROOT / "tests" / "http_audit"
AUDITS = 61  # graphql-http 1.23.1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_ready(url: str, server: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not start")


def audit_tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run the graphql-http audit (CI has them)")
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=AUDIT_DIR, check=True
        )
    return node, npm


def test_h01_h02_graphql_http_audit_has_no_failures_and_no_warnings(tmp_path: Path) -> None:
    # given
    node, _ = audit_tools()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.db'}",
        "DATA_DIR": str(tmp_path),
        "ENVIRONMENT": "production",
        "INTROSPECTION": "false",
        "JWT_SECRET": "audit-0123456789abcdefghijklmnopqrstuvwxyz",
        "SEED_DEMO": "false",
        "BROKER_URL": "stub://",
        "REDIS_URL": "",
        "GRAPHIQL": "false",
        "LOG_LEVEL": "warning",
        "RATE_LIMIT_ANONYMOUS": "100000",
    }
    server = subprocess.Popen(
        [sys.executable, "server.py", "serve", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/healthz", server)
        # when
        run = subprocess.run(
            [node, "audit.mjs", f"http://127.0.0.1:{port}/graphql"],
            cwd=AUDIT_DIR,
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=60)
    # then
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(results) == AUDITS
    assert [r for r in results if r["status"] != "ok"] == []
    assert b"Traceback" not in stderr
