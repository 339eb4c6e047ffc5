"""The caller's side of the pre-started parser process (`tasks.cv.zygote`).

Each process that parses CVs (an API process, a dramatiq worker) starts its own zygote lazily,
with fork+exec like any subprocess, so neither the event loop nor worker threads are ever forked.
One connection per document; the caller keeps the wall clock: when it runs out (or the awaiting
task is cancelled) the caller hangs up and the zygote's supervisor kills the child. A zygote
that died is started again on the next document; when none can be started, `run`/`run_async`
return None and the runner falls back to a fresh interpreter per document.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tasks.cv.outcome import Limits

ROOT = Path(__file__).resolve().parents[2]
REPLY_LIMIT = 64 * 1024 * 1024  # one verdict line: the profile and up to 400,000 characters of text
CONNECT_SECONDS = 5.0
Done = tuple[int | None, bytes, bytes]  # (exit status, stdout, stderr), as from a subprocess


class Unavailable(Exception):
    """The zygote could not be reached or started."""


class Zygote:
    """One running zygote: its process and the socket it listens on."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="cv-zygote-")  # mode 0700: ours alone
        self.socket_path = str(Path(self.folder) / "zygote.sock")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv: our interpreter and module
            [sys.executable, "-m", "tasks.cv.zygote", self.socket_path],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdout is not None
        ready = self.process.stdout.readline()
        if ready.strip() != b"ready":
            self.stop()
            raise Unavailable("the parser process did not start")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Close its stdin (it exits by itself), wait briefly, then make sure."""
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


_lock = threading.Lock()
_current: dict[int, Zygote] = {}  # by the pid of the process that started it


def zygote() -> Zygote:
    """This process's zygote, started (again) when missing or dead."""
    with _lock:
        running = _current.get(os.getpid())
        if running is not None and running.alive():
            return running
        if running is not None:
            running.stop()
        started = Zygote()
        _current[os.getpid()] = started
        return started


def shutdown() -> None:
    """Stop this process's zygote (also run at interpreter exit)."""
    with _lock:
        running = _current.pop(os.getpid(), None)
    if running is not None:
        running.stop()


atexit.register(shutdown)


def _request(mode: str, path: Path, limits: Limits) -> bytes:
    return (
        json.dumps(
            {
                "mode": mode,
                "path": str(path.resolve()),
                "cpu_seconds": limits.cpu_seconds,
                "memory_bytes": limits.memory_bytes,
                "max_pages": limits.max_pages,
            }
        ).encode()
        + b"\n"
    )


def _reply(line: bytes) -> Done:
    data: dict[str, Any] = json.loads(line)
    return (
        int(data["returncode"]),
        base64.b64decode(data["stdout"]),
        base64.b64decode(data["stderr"]),
    )


def _connect(mode: str, path: Path, limits: Limits) -> socket.socket:
    """A connection with the request sent; a zygote that cannot be reached is replaced once."""
    for attempt in range(2):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(CONNECT_SECONDS)
        try:
            conn.connect(zygote().socket_path)
            conn.sendall(_request(mode, path, limits))
        except (OSError, Unavailable) as exc:
            conn.close()
            if attempt:
                raise Unavailable(str(exc)) from exc
            shutdown()  # alive but unreachable (socket gone, stuck): start a fresh one
            continue
        return conn
    raise Unavailable("unreachable")


def run(mode: str, path: Path, limits: Limits) -> Done | None:
    """One document through the zygote (blocking); None when the wall clock ran out.

    Raises:
        Unavailable: no zygote could be started or reached.
    """
    deadline = time.monotonic() + limits.wall_seconds
    with _connect(mode, path, limits) as conn:
        reply = bytearray()
        while not reply.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None  # hanging up makes the supervisor kill the child
            conn.settimeout(remaining)
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                return None
            if not chunk:
                raise Unavailable("the parser process went away")
            reply += chunk
    return _reply(bytes(reply))


def _hang_up(connecting: asyncio.Future[socket.socket | None]) -> None:
    if not connecting.cancelled() and connecting.exception() is None:
        conn = connecting.result()
        if conn is not None:
            conn.close()


async def run_async(mode: str, path: Path, limits: Limits) -> Done | None:
    """`run` without blocking the event loop; cancelling it hangs up (the child is killed)."""
    abandoned = threading.Event()

    def connect() -> socket.socket | None:
        conn = _connect(mode, path, limits)
        if abandoned.is_set():  # cancelled meanwhile (the loop may be gone): hang up here
            conn.close()
            return None
        return conn

    connecting = asyncio.ensure_future(asyncio.to_thread(connect))
    try:
        found = await asyncio.shield(connecting)
    except asyncio.CancelledError:  # the connection may still arrive: hang it up then
        abandoned.set()
        connecting.add_done_callback(_hang_up)
        raise
    if found is None:
        raise asyncio.CancelledError
    conn = found
    conn.setblocking(False)
    try:
        reader, writer = await asyncio.open_unix_connection(sock=conn, limit=REPLY_LIMIT)
        try:
            line = await asyncio.wait_for(reader.readline(), limits.wall_seconds)
        except TimeoutError:
            return None
        finally:
            writer.close()
        if not line.endswith(b"\n"):
            raise Unavailable("the parser process went away")
        return _reply(line)
    finally:
        conn.close()
