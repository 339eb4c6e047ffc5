"""A closed-loop asyncio load generator: N workers post one GraphQL document back to back."""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

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
) -> LevelResult:
    """Warm up, then measure `duration` seconds with `concurrency` requests in flight."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    all_headers = {"content-type": "application/json", "accept": "application/json", **headers}
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    timeout = httpx2.Timeout(60.0, pool=60.0)
    async with httpx2.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as client:
        if warmup > 0:
            await _drive(client, url, body, all_headers, concurrency, warmup)
        stats, elapsed = await _drive(client, url, body, all_headers, concurrency, duration)
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
    )
