"""Seconds from a stop signal to the worker group's exit: `server.py worker` (2 processes of
2 threads, idle) gets SIGTERM or SIGINT on its process group, as systemd and Ctrl-C send them.

    BENCH_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/worker_stop.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READY = b"Worker process is ready for action."


def stop_seconds(broker_url: str, signum: signal.Signals, folder: Path) -> tuple[int, float]:
    environment = {
        **os.environ,
        "BROKER_URL": broker_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'idle.db'}",
        "DATA_DIR": str(folder),
    }
    log = folder / f"worker-{signum.name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "server.py", "worker", "--processes", "2", "--threads", "2"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while log.read_bytes().count(READY) < 2:  # both worker processes booted
            time.sleep(0.1)
        started = time.monotonic()
        os.killpg(process.pid, signum)
        code = process.wait(120)
        return code, time.monotonic() - started


def main() -> None:
    broker_url = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0")
    with tempfile.TemporaryDirectory() as folder:
        for signum in (signal.SIGTERM, signal.SIGINT):
            code, seconds = stop_seconds(broker_url, signum, Path(folder))
            print(f"{signum.name}: exit status {code} after {seconds:.2f} s")


if __name__ == "__main__":
    main()
