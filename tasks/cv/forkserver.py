"""The caller's side of the pre-started parser process (`tasks.cv.zygote`).

Each process that parses CVs (an API process, a dramatiq worker) starts its own zygote lazily,
with fork+exec like any subprocess and in a session of its own, so neither the event loop nor
worker threads are ever forked, and a stop signal sent to the caller's process group (Ctrl-C,
`docker stop`, systemd) does not kill a parse midway. One connection per document: the forked
child writes its verdict straight to it, and the caller stops reading as soon as the verdict is
complete. The caller keeps the wall clock: when it runs out (or the awaiting task is cancelled)
the caller hangs up and the zygote kills the child. A zygote that died is started again on the
next document; when none can be started or reached, `run`/`run_async` raise `Unavailable` and
the runner falls back to a fresh interpreter per document. A connection that ends without a
verdict or an exit status (the zygote and its child were killed from outside) raises
`ParseInterrupted`: the document was not judged and is worth parsing again later.
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
from typing import Any, NamedTuple

from tasks.cv.outcome import Limits, ParseInterrupted

ROOT = Path(__file__).resolve().parents[2]
REPLY_LIMIT = 64 * 1024 * 1024  # one verdict: the profile and up to 400,000 characters of text
CONNECT_SECONDS = 5.0
READ_BYTES = 256 * 1024


class Done(NamedTuple):
    """How a child ended, as from a subprocess, and the CPU time it used when known.

    `returncode` is None when the verdict arrived complete: the caller does not wait for the
    child's exit status, which a complete verdict makes irrelevant.
    """

    returncode: int | None
    stdout: bytes
    stderr: bytes
    cpu_seconds: float | None = None


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
            start_new_session=True,  # out of the caller's process group: no group signals
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


class Reply:
    """The bytes of one connection so far: a verdict frame, a trailer, or both (see `zygote`)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def feed(self, chunk: bytes) -> Done | None:
        """Add what arrived; the outcome once the verdict or the trailer is complete."""
        if not chunk:
            raise ParseInterrupted("the parser process went away before the document was judged")
        self.data += chunk
        if len(self.data) > REPLY_LIMIT:
            raise Unavailable("the parser process sent more than a verdict")
        return self.done()

    def done(self) -> Done | None:
        data = self.data
        zero = data.find(b"\0")  # a JSON verdict never holds one: the trailer starts there
        if data[:1] == b"R":
            header = data.find(b"\n", 0, 24)
            if header < 0 and len(data) >= 24:
                raise Unavailable("the parser process sent no verdict frame")
            if header > 0:
                try:
                    end = header + 1 + int(data[1:header])
                except ValueError:
                    raise Unavailable("the parser process sent no verdict frame") from None
                if len(data) >= end and (zero < 0 or zero >= end):
                    return Done(None, bytes(data[header + 1 : end]), b"")
        if zero < 0:
            return None
        line_end = data.find(b"\n", zero)
        if line_end < 0:
            return None
        trailer: dict[str, Any] = json.loads(data[zero + 1 : line_end])
        return Done(
            int(trailer["returncode"]),
            b"",  # a verdict cut short is no verdict
            base64.b64decode(trailer["stderr"]),
            float(trailer["cpu_seconds"]),
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
        reply = Reply()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None  # hanging up makes the zygote kill the child
            conn.settimeout(remaining)
            try:
                chunk = conn.recv(READ_BYTES)
            except TimeoutError:
                return None
            done = reply.feed(chunk)
            if done is not None:
                return done  # hanging up now is harmless: the child has said all it will


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

        async def verdict() -> Done:
            reply = Reply()
            while True:
                done = reply.feed(await reader.read(READ_BYTES))
                if done is not None:
                    return done

        try:
            return await asyncio.wait_for(verdict(), limits.wall_seconds)
        except TimeoutError:
            return None
        finally:
            writer.close()
    finally:
        conn.close()
