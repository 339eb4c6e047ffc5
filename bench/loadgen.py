"""A closed-loop asyncio load generator: N workers post one GraphQL document back to back.

Also meters, from Linux /proc, the CPU time and memory the server under test and PostgreSQL
spend while it runs.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx2

SQL_HEADER = "x-sql-statements"


@dataclass
class LevelResult:
    """What one server did at one concurrency level during the measured window."""

    server: str
    concurrency: int
    duration_s: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    sql_min: int | None
    sql_max: int | None
    sql_missing: int
    error_samples: list[str] = field(default_factory=list)
    # CPU share busy (all CPUs) in the idle second before the level: other work skews numbers
    idle_cpu_busy_before: float | None = None
    document: str = ""
    # CPU ms per completed request and peak RSS, from ProcessMeter.report()
    cpu: dict[str, Any] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Fraction of all CPUs busy over `seconds` (Linux /proc/stat); None elsewhere."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values[:8]) - idle, sum(values[:8])

    try:
        busy0, total0 = sample()
        time.sleep(seconds)
        busy1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return (busy1 - busy0) / max(1, total1 - total0)


# --- CPU time and memory from /proc ------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Proc:
    """One process as /proc/<pid>/stat shows it; `cpu_s` is utime + stime."""

    pid: int
    comm: str
    pgid: int
    cpu_s: float


def read_proc(pid: int) -> Proc | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
        head, tail = text.rsplit(")", 1)
        fields = tail.split()  # fields[0] is the state: state ppid pgrp ... utime stime
        return Proc(
            pid=pid,
            comm=head.split("(", 1)[1],
            pgid=int(fields[2]),
            cpu_s=(int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
        )
    except (OSError, IndexError, ValueError):
        return None


def all_procs() -> Iterator[Proc]:
    try:
        names = os.listdir("/proc")
    except OSError:
        return
    for name in names:
        if name.isdigit() and (proc := read_proc(int(name))) is not None:
            yield proc


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def status_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS since the process started) in kB; {} when it is gone."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":", 1)[0]] = int(line.split()[1])
    except (OSError, ValueError):
        return {}
    return out


def reset_peak_rss(pid: int) -> bool:
    """Reset VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`; our own children)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def process_role(proc: Proc) -> str:
    """main (the group leader: uvicorn's supervisor, or node), worker, resource_tracker."""
    if proc.pid == proc.pgid:
        return "main"
    cmd = cmdline(proc.pid)
    if "resource_tracker" in cmd:
        return "resource_tracker"
    if "spawn_main" in cmd or "multiprocessing" in cmd:
        return "worker"
    return proc.comm


def is_postgres(proc: Proc) -> bool:
    return proc.comm == "postgres"


def backend_of(pid: int, database: str) -> bool:
    """A PostgreSQL backend connected to `database` ("postgres: 15/main: user db host state")."""
    return f" {database} " in f" {cmdline(pid)} "


class Meter(Protocol):
    def begin(self) -> None: ...
    def mark(self) -> None: ...
    def finish(self, requests: int) -> tuple[dict[str, Any], dict[str, Any]]: ...


class ProcessMeter:
    """CPU per request and peak RSS of one server's processes, and CPU of PostgreSQL.

    The server runs in its own process group (`pgid`): uvicorn's supervisor and its workers,
    or PostGraphile's node process. CPU (user + sys) is taken between `mark()` (after the
    warm-up) and `finish()`, for the group's processes and, separately, for every `postgres`
    process on the machine (PostgreSQL's share cannot be attributed per request; the backends
    connected to the bench database are also given on their own).

    Memory covers `begin()` (warm-up included) to `finish()`: each process's VmHWM is read
    (the peak since its start or the previous level: startup, verification) and reset to the
    current RSS, so VmHWM at the end is the exact peak of this level; VmRSS is also sampled
    every `interval` seconds, which is all there is where the reset is not allowed.
    """

    def __init__(self, pgid: int, database: str | None = None, interval: float = 0.5) -> None:
        self.pgid, self.database, self.interval = pgid, database, interval
        self.peaks_kb: dict[int, int] = {}
        self.roles: dict[int, str] = {}
        self.hwm_before_kb: dict[int, int] = {}
        self.reset: set[int] = set()
        self.peak_total_kb = 0
        self.samples = 0
        self._cpu_before: dict[int, float] = {}
        self._pg_before: dict[int, float] = {}
        self._t0 = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _group(self) -> list[Proc]:
        return [p for p in all_procs() if p.pgid == self.pgid]

    def _sample(self) -> None:
        total = 0
        for proc in self._group():
            kb = status_kb(proc.pid).get("VmRSS")
            if kb is None:
                continue
            if proc.pid not in self.roles:
                self.roles[proc.pid] = process_role(proc)
            self.peaks_kb[proc.pid] = max(self.peaks_kb.get(proc.pid, 0), kb)
            total += kb
        self.peak_total_kb = max(self.peak_total_kb, total)
        self.samples += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def begin(self) -> None:
        for proc in self._group():
            if (kb := status_kb(proc.pid).get("VmHWM")) is not None:
                self.hwm_before_kb[proc.pid] = kb
            if reset_peak_rss(proc.pid):
                self.reset.add(proc.pid)
        self._sample()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()

    def _cpu(self) -> tuple[dict[int, float], dict[int, float]]:
        server: dict[int, float] = {}
        postgres: dict[int, float] = {}
        for proc in all_procs():
            if proc.pgid == self.pgid:
                server[proc.pid] = proc.cpu_s
            elif is_postgres(proc):
                postgres[proc.pid] = proc.cpu_s
        return server, postgres

    def mark(self) -> None:
        self._cpu_before, self._pg_before = self._cpu()
        self._t0 = time.perf_counter()

    def finish(self, requests: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """Stop sampling; (cpu, memory) of the window. Processes born in it count from zero."""
        server, postgres = self._cpu()
        window = time.perf_counter() - self._t0
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()

        def used(now: dict[int, float], before: dict[int, float]) -> dict[int, float]:
            return {pid: max(0.0, v - before.get(pid, 0.0)) for pid, v in now.items()}

        per_server, per_pg = used(server, self._cpu_before), used(postgres, self._pg_before)
        db = self.database
        bench_db = sum(v for pid, v in per_pg.items() if db and backend_of(pid, db))
        server_s, pg_s = sum(per_server.values()), sum(per_pg.values())

        def per_request(seconds: float) -> float | None:
            return round(seconds * 1000 / requests, 3) if requests else None

        cpu = {
            "window_s": round(window, 3),
            "requests": requests,
            "server_cpu_s": round(server_s, 3),
            "server_ms_per_request": per_request(server_s),
            "server_cores_busy": round(server_s / window, 3) if window else None,
            "per_server_process_s": {
                f"{self.roles.get(pid, '?')} {pid}": round(v, 3)
                for pid, v in sorted(per_server.items())
            },
            "postgres_cpu_s": round(pg_s, 3),
            "postgres_ms_per_request": per_request(pg_s),
            "postgres_processes": len(per_pg),
            "postgres_bench_db_cpu_s": round(bench_db, 3) if db else None,
            "postgres_bench_db_ms_per_request": per_request(bench_db) if db else None,
        }

        def mb(kb: int | None) -> float | None:
            return None if kb is None else round(kb / 1024, 1)

        processes: list[dict[str, Any]] = []
        for pid, sampled_kb in sorted(self.peaks_kb.items()):
            # a process that was not reset (or born during the level) has VmHWM since its start
            hwm_kb = status_kb(pid).get("VmHWM")
            level_kb = max(sampled_kb, hwm_kb or 0) if pid in self.reset else sampled_kb
            processes.append(
                {
                    "pid": pid,
                    "role": self.roles.get(pid, "?"),
                    "peak_rss_mb": mb(level_kb),
                    "sampled_peak_rss_mb": mb(sampled_kb),
                    "vm_hwm_level_mb": mb(hwm_kb) if pid in self.reset else None,
                    "vm_hwm_before_level_mb": mb(self.hwm_before_kb.get(pid)),
                }
            )
        memory = {
            "peak_rss_mb": max((p["peak_rss_mb"] for p in processes), default=None),
            "peak_rss_total_sampled_mb": mb(self.peak_total_kb),
            "vm_hwm_reset": sorted(self.reset) == sorted(self.peaks_kb),
            "processes": processes,
            "samples": self.samples,
            "interval_s": self.interval,
        }
        return cpu, memory


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class _Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    sql_counts: list[int] = field(default_factory=list)
    sql_missing: int = 0
    samples: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.errors += 1
        if len(self.samples) < 5 and message not in self.samples:
            self.samples.append(message)


async def _one(
    client: httpx2.AsyncClient, url: str, body: bytes, headers: dict[str, str], stats: _Stats
) -> None:
    started = time.perf_counter()
    try:
        response = await client.post(url, content=body, headers=headers)
        payload_bytes = response.content
    except httpx2.HTTPError as exc:
        stats.latencies.append(time.perf_counter() - started)
        stats.error(f"{type(exc).__name__}: {exc}")
        return
    stats.latencies.append(time.perf_counter() - started)
    sql = response.headers.get(SQL_HEADER)
    if sql is None:
        stats.sql_missing += 1
    else:
        try:
            stats.sql_counts.append(int(sql))
        except ValueError:
            stats.sql_missing += 1
    if response.status_code != 200:
        stats.error(f"HTTP {response.status_code}: {payload_bytes[:300]!r}")
        return
    try:
        payload = json.loads(payload_bytes)
    except ValueError:
        stats.error(f"invalid JSON: {payload_bytes[:300]!r}")
        return
    if payload.get("errors"):
        stats.error("GraphQL errors: " + json.dumps(payload["errors"])[:300])
    elif not payload.get("data"):
        stats.error("no data: " + payload_bytes[:300].decode(errors="replace"))


async def _drive(
    client: httpx2.AsyncClient,
    url: str,
    body: bytes,
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
) -> tuple[_Stats, float]:
    stats = _Stats()
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            await _one(client, url, body, headers, stats)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return stats, time.perf_counter() - started


async def run_level(
    *,
    server: str,
    url: str,
    query: str,
    variables: dict[str, Any],
    headers: dict[str, str],
    concurrency: int,
    duration: float,
    warmup: float,
    document: str = "",
    meter: Meter | None = None,
) -> LevelResult:
    """Warm up, then measure `duration` seconds with `concurrency` requests in flight.

    `meter` (if any) starts with the warm-up and takes its CPU baseline after it.
    """
    body = json.dumps({"query": query, "variables": variables}).encode()
    all_headers = {"content-type": "application/json", "accept": "application/json", **headers}
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    timeout = httpx2.Timeout(60.0, pool=60.0)
    async with httpx2.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:
        if meter is not None:
            meter.begin()
        if warmup > 0:
            await _drive(client, url, body, all_headers, concurrency, warmup)
        if meter is not None:
            meter.mark()
        stats, elapsed = await _drive(client, url, body, all_headers, concurrency, duration)
        cpu, memory = meter.finish(len(stats.latencies)) if meter is not None else ({}, {})
    lat = sorted(x * 1000 for x in stats.latencies)
    done = len(lat)
    return LevelResult(
        server=server,
        concurrency=concurrency,
        duration_s=round(elapsed, 3),
        requests=done,
        errors=stats.errors,
        rps=round(done / elapsed, 2) if elapsed else 0.0,
        p50_ms=round(percentile(lat, 50), 2),
        p95_ms=round(percentile(lat, 95), 2),
        p99_ms=round(percentile(lat, 99), 2),
        mean_ms=round(sum(lat) / done, 2) if done else math.nan,
        sql_min=min(stats.sql_counts) if stats.sql_counts else None,
        sql_max=max(stats.sql_counts) if stats.sql_counts else None,
        sql_missing=stats.sql_missing,
        error_samples=stats.samples,
        document=document,
        cpu=cpu,
        memory=memory,
    )
