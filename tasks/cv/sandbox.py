"""The sandbox child: `python -m tasks.cv.sandbox inspect|parse FILE CPU_S MEMORY_BYTES MAX_PAGES`.

The child caps its own CPU time and address space *before* importing pypdf, does one job, and
writes exactly one JSON object to stdout. Whatever pypdf does with a hostile file, the worst case
is this process dying; the parent (`tasks.cv.runner`) turns every death into a FAILED outcome.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
from pathlib import Path
from typing import Any

# Exit status when the child ran out of memory but could still report it.
MEMORY_EXIT = 3
USAGE_EXIT = 2


def apply_rlimits(cpu_seconds: int, memory_bytes: int) -> None:
    """CPU (SIGXCPU at the soft limit, SIGKILL one second later), address space, no files."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _failure(mode: str, reason: str) -> dict[str, Any]:
    if mode == "inspect":
        message = f"the file could not be read safely: {reason}"
        return {"ok": False, "error": "NOT_A_PDF", "message": message, "page_count": None}
    return {"status": "FAILED", "reason": reason, "page_count": None, "findings": []}


def run(mode: str, path: Path, cpu_seconds: int, memory_bytes: int, max_pages: int) -> Any:
    """Do the job; imports pypdf lazily so the rlimits already apply to it."""
    from pypdf.errors import LimitReachedError, PyPdfError

    from tasks.cv.extract import inspect_file, parse_file
    from tasks.cv.outcome import Limits

    limits = Limits(cpu_seconds=cpu_seconds, memory_bytes=memory_bytes, max_pages=max_pages)
    try:
        if mode == "inspect":
            return inspect_file(path, limits).to_json()
        return parse_file(path, limits).to_json()
    except LimitReachedError as exc:
        return _failure(mode, f"the PDF exceeds a decoding limit ({exc})")
    except RecursionError:
        return _failure(mode, "the PDF is nested too deeply")
    except PyPdfError as exc:
        return _failure(mode, f"unreadable PDF ({exc})")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        return _failure(mode, f"unreadable PDF ({type(exc).__name__}: {exc})")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def frame(payload: bytes) -> bytes:
    """A verdict as the zygote's children send it: `R<length>\n<JSON>` (see `tasks.cv.zygote`)."""
    return b"R%d\n" % len(payload) + payload


def run_job(
    mode: str,
    path: str,
    cpu: int,
    memory: int,
    max_pages: int,
    result_fd: int,
    *,
    framed: bool = False,
) -> int:
    """Limits first, then the document; the verdict goes to `result_fd`. Returns the exit code.

    Shared by the exec'd child (`main`, bare JSON on stdout) and the children the zygote forks
    (`framed`, straight to the caller's connection), so both set their rlimits before reading a
    byte of the document.
    """

    def seal(payload: bytes) -> bytes:
        return frame(payload) if framed else payload

    memory_report = seal(
        json.dumps(
            _failure(mode, f"parsing exceeded {memory // (1024 * 1024)} MB of memory")
        ).encode()
    )
    apply_rlimits(cpu, memory)
    try:
        payload = seal(json.dumps(run(mode, Path(path), cpu, memory, max_pages)).encode())
    except MemoryError:
        _write_all(result_fd, memory_report)
        return MEMORY_EXIT
    _write_all(result_fd, payload)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 5 or argv[0] not in {"inspect", "parse"}:
        print(__doc__, file=sys.stderr)
        return USAGE_EXIT
    mode, path, cpu, memory, max_pages = argv[0], argv[1], *map(int, argv[2:])
    # the thread that started us may block stop signals, and the mask survives exec: a stop
    # signal sent to this process should stop it
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Keep the real stdout for the one JSON line; stray prints from libraries go to stderr.
    result_fd = os.dup(1)
    os.dup2(2, 1)
    code = run_job(mode, path, cpu, memory, max_pages, result_fd)
    if code == MEMORY_EXIT:
        os._exit(MEMORY_EXIT)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
