"""The pre-started parser process: `python -m tasks.cv.zygote SOCKET_PATH`.

It imports pypdf and the vocabularies once, then serves one Unix-socket connection per document.
For each it forks a supervisor, which forks the worker child: the child sets its CPU, memory,
file-size and core limits (`sandbox.apply_rlimits`) before it opens the document, exactly as an
exec'd sandbox does, and writes its one JSON verdict to a pipe. The supervisor relays the verdict,
the child's last stderr and its exit status back over the connection. When the connection closes
early (the caller's wall clock ran out, or the caller died) the supervisor kills the child.

The zygote itself is single-threaded and never touches a document; it exits when its stdin
closes, i.e. when the process that started it exits or shuts it down.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import json
import os
import selectors
import signal
import socket
import sys
from pathlib import Path
from typing import Any

STDERR_KEEP = 64 * 1024  # the end of the child's stderr is what explains a death
WARMUP = Path(__file__).resolve().parent / "data" / "warmup.pdf"  # a generated, invented CV


def _read_request(conn: socket.socket) -> dict[str, Any]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk or len(data) > 65536:
            raise ConnectionError("no request")
        data += chunk
    request = json.loads(data)
    if not isinstance(request, dict):
        raise ValueError("request must be an object")
    return request


def _worker(request: dict[str, Any], result_w: int, err_w: int) -> None:
    """The forked child: limits first, then the document; never returns."""
    from tasks.cv.sandbox import run_job

    code = 1
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(err_w, 1)  # stray prints from libraries go to the stderr pipe
        os.dup2(err_w, 2)
        code = run_job(
            str(request["mode"]),
            str(request["path"]),
            int(request["cpu_seconds"]),
            int(request["memory_bytes"]),
            int(request["max_pages"]),
            result_w,
        )
    finally:
        os._exit(code)


def _supervise(conn: socket.socket) -> None:
    """One document: fork the worker, collect its verdict and status, answer, exit."""
    request = _read_request(conn)
    result_r, result_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        conn.close()
        os.close(result_r)
        os.close(err_r)
        _worker(request, result_w, err_w)
    os.close(result_w)
    os.close(err_w)
    result, stderr = bytearray(), bytearray()
    selector = selectors.DefaultSelector()
    selector.register(result_r, selectors.EVENT_READ, result)
    selector.register(err_r, selectors.EVENT_READ, stderr)
    selector.register(conn, selectors.EVENT_READ, None)
    open_pipes = 2
    while open_pipes:
        for key, _ in selector.select():
            if key.data is None:  # the caller hung up: its wall clock ran out, or it died
                if not conn.recv(1):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    selector.unregister(conn)
                continue
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fd)
                open_pipes -= 1
                continue
            key.data.extend(chunk)
            if key.data is stderr and len(stderr) > 2 * STDERR_KEEP:
                del stderr[:-STDERR_KEEP]
    _, status = os.waitpid(pid, 0)
    returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    reply = {
        "returncode": returncode,
        "stdout": base64.b64encode(bytes(result)).decode(),
        "stderr": base64.b64encode(bytes(stderr[-STDERR_KEEP:])).decode(),
    }
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(reply).encode() + b"\n")


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def serve(path: str) -> int:
    # Warm up: what every document needs is imported once, before the first fork.
    import pypdf  # noqa: F401

    import tasks.cv.sandbox  # noqa: F401
    from tasks.cv.extract import parse_file
    from tasks.cv.outcome import Limits

    # One parse of a CV of our own loads what pypdf and the structurer load lazily (font
    # tables, phone metadata, regex caches), so no child pays for it again.
    with contextlib.suppress(Exception):
        parse_file(WARMUP, Limits())
    # Children then leave the inherited objects to the permanent generation: their garbage
    # collections do not write to (and so copy) every page the zygote shares with them.
    gc.collect()
    gc.freeze()

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(128)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        for key, _ in selector.select(timeout=1.0):
            if key.fileobj is listener:
                conn, _ = listener.accept()
                if os.fork() == 0:
                    listener.close()
                    code = 0
                    try:
                        _supervise(conn)
                    except Exception:
                        code = 1
                    os._exit(code)
                conn.close()
            elif not os.read(sys.stdin.fileno(), 1024):  # the starting process is gone
                listener.close()
                return 0
        _reap()


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
