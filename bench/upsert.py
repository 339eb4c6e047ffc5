"""Benchmark the `upsertCandidates` mutation end to end against an asyncpg COPY floor.

10,000 partner candidates (2 education, 3 experience, 8 skills, 1 certification each:
150,000 rows) go through the GraphQL mutation over HTTP in batches of 1,000, three times:
fresh (all CREATED), the identical payload again (all UNCHANGED) and a changed payload (all
UPDATED). The same rows are also written straight into a second, identically migrated database
with asyncpg (COPY into a staging table + INSERT ... ON CONFLICT): the floor.

One command: `.venv/bin/python bench/upsert.py` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nested_query import IDLE_THRESHOLD, wait_for_idle
from queries import LOGIN_MUTATION
from seed import (
    _with_database,
    asyncpg_url,
    database_name,
    migrate,
    recreate_database,
    sqlalchemy_url,
)
from servers import OUT_DIR, ROOT, Server, ServerError, ensure_port_free, venv_python, wait_until
from upsert_data import (
    CERTIFICATIONS_PER,
    EDUCATION_PER,
    EXPERIENCE_PER,
    ROWS_PER_CANDIDATE,
    SKILLS_PER,
    batches,
    check,
    generate,
    rows_per_run,
    updated,
)
from upsert_floor import ensure_vocabulary, run_floor

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/talentgraph_bench_upsert"
DEFAULT_FLOOR_URL = "postgresql://postgres@127.0.0.1:5432/talentgraph_bench_floor"
# created by `server.py seed-demo`
PARTNER_ORG_SLUG = "brightpath"
PARTNER_EMAIL = "partner@example.com"
PARTNER_PASSWORD = "talentgraph"
MEMORY_TARGET_MB = 500
FLOOR_TARGET = 0.25

UPSERT_MUTATION = """
mutation Upsert($input: UpsertCandidatesInput!) {
  upsertCandidates(input: $input) {
    __typename
    ... on UpsertCandidatesSuccess { batchId counts { created updated unchanged failed } }
    ... on UserError { code message }
  }
}
"""

# run name -> the outcome every item must have
RUNS = (("fresh", "created"), ("unchanged", "unchanged"), ("updated", "updated"))


class BenchError(RuntimeError):
    """The benchmark cannot give a meaningful result (wrong counts, failed request, ...)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="recreated for our API")
    p.add_argument(
        "--floor-database-url", default=DEFAULT_FLOOR_URL, help="recreated for the floor"
    )
    p.add_argument("--candidates", type=int, default=10_000)
    p.add_argument("--batch-size", type=int, default=1_000, help="items per mutation call")
    p.add_argument("--concurrency", type=int, default=2, help="batches in flight at once")
    p.add_argument("--workers", type=int, default=2, help="API processes")
    p.add_argument("--port", type=int, default=8124)
    p.add_argument("--seed", type=int, default=42, help="data generator seed")
    p.add_argument("--sample-interval", type=float, default=0.1, help="RSS sampling, seconds")
    p.add_argument("--request-timeout", type=float, default=600.0, help="seconds per call")
    p.add_argument("--floor-repeat", type=int, default=3, help="floor runs (median reported)")
    p.add_argument("--skip-floor", action="store_true")
    p.add_argument("--skip-api", action="store_true", help="measure the floor only")
    p.add_argument(
        "--wait-idle",
        type=float,
        default=60.0,
        help="before each run wait up to this many seconds for other CPU load to stop",
    )
    p.add_argument("--out", type=Path, default=OUT_DIR / "upsert.json")
    return p.parse_args(argv)


# --- databases -------------------------------------------------------------------------------


def prepare_database(url: str, env: dict[str, str]) -> None:
    """Drop/create the database, migrate it, load the demo data set (partner org and user) and
    the benchmark's skill vocabulary, then ANALYZE."""
    name = database_name(url)
    if not name.startswith("talentgraph_bench"):
        raise BenchError(f"refusing to recreate database {name!r}: not a talentgraph_bench* db")
    t0 = time.perf_counter()
    asyncio.run(recreate_database(url))
    migrate(url)
    subprocess.run(
        [venv_python(), "server.py", "seed-demo"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": sqlalchemy_url(url)},
        check=True,
        stdout=subprocess.DEVNULL,
    )

    async def vocabulary() -> None:
        conn = await asyncpg.connect(asyncpg_url(url))
        try:
            await ensure_vocabulary(conn)
            await conn.execute("ANALYZE")
        finally:
            await conn.close()

    asyncio.run(vocabulary())
    print(f"db {name}: recreated, migrated, demo seeded in {time.perf_counter() - t0:.1f}s")


EXPECTED_TABLE_ROWS = {
    "candidates": 1,
    "education": EDUCATION_PER,
    "work_experience": EXPERIENCE_PER,
    "candidate_skills": SKILLS_PER,
    "certifications": CERTIFICATIONS_PER,
}


async def _db_counts(url: str, candidates: int, headline_suffix: str) -> dict[str, int]:
    """Rows of the benchmark's candidates (externalId UPS-*) per table, as stored."""
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        ids = "SELECT id FROM candidates WHERE external_id LIKE 'UPS-%'"
        counts = {"candidates": await conn.fetchval(f"SELECT count(*) FROM ({ids}) c")}
        for table in ("education", "work_experience", "candidate_skills", "certifications"):
            counts[table] = await conn.fetchval(
                f"SELECT count(*) FROM {table} WHERE candidate_id IN ({ids})"
            )
        counts["headline_suffixed"] = await conn.fetchval(
            "SELECT count(*) FROM candidates WHERE external_id LIKE 'UPS-%' AND headline LIKE $1",
            f"%{headline_suffix}",
        )
        return {k: int(v) for k, v in counts.items()}
    finally:
        await conn.close()


def verify_db(url: str, candidates: int, updated_run: bool) -> dict[str, int]:
    counts = asyncio.run(_db_counts(url, candidates, "(open to offers)"))
    wrong = {
        t: (counts[t], candidates * per)
        for t, per in EXPECTED_TABLE_ROWS.items()
        if counts[t] != candidates * per
    }
    suffixed = candidates if updated_run else 0
    if counts["headline_suffixed"] != suffixed:
        wrong["updated headlines"] = (counts["headline_suffixed"], suffixed)
    if wrong:
        raise BenchError(f"stored rows differ from the expectation (got, want): {wrong}")
    return counts


# --- our server ------------------------------------------------------------------------------


def start_api(url: str, port: int, workers: int) -> Server:
    ensure_port_free(port)
    env = {
        **os.environ,
        "DATABASE_URL": sqlalchemy_url(url),
        "JWT_SECRET": secrets.token_urlsafe(36),  # 48 characters
        "SEED_DEMO": "false",
        "GRAPHIQL": "false",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "warning",
        "RATE_LIMIT_USER": "100000",
        "ACCESS_TOKEN_TTL": "7200",
        "MAX_BODY_BYTES": str(64 * 1024 * 1024),
    }
    argv = [
        venv_python(), "server.py", "serve", "--workers", str(workers),
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip
    server = Server("upsert_api", argv, env=env)
    server.start()
    health = f"http://127.0.0.1:{port}/healthz"
    wait_until(
        server,
        lambda: httpx2.get(health, timeout=2, trust_env=False).status_code == 200,
        "GET /healthz",
    )
    return server


def login(url: str) -> str:
    r = httpx2.post(
        url,
        json={
            "query": LOGIN_MUTATION,
            "variables": {"email": PARTNER_EMAIL, "password": PARTNER_PASSWORD},
        },
        timeout=60,
        trust_env=False,
    )
    try:
        token = ((r.json().get("data") or {}).get("login") or {}).get("accessToken")
    except ValueError:
        token = None
    if r.status_code != 200 or not token:
        raise BenchError(f"partner login failed: HTTP {r.status_code} {r.text[:800]}")
    return str(token)


# --- memory ----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def process_tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += _children(pid)
    return pids


def rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return 0  # a zombie has no VmRSS line


def process_label(pid: int, root: int) -> str:
    if pid == root:
        return "main"  # the supervisor with --workers > 1, else the only API process
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "resource_tracker" in cmd:
        return "resource_tracker"
    if "spawn_main" in cmd or "multiprocessing" in cmd:
        return "worker"
    return cmd[:60]


@dataclass
class MemorySampler:
    """Samples VmRSS of a process and all its descendants every `interval` s in a thread."""

    root: int
    interval: float = 0.1
    peaks_kb: dict[int, int] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    peak_total_kb: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> int:
        total = 0
        for pid in process_tree(self.root):
            kb = rss_kb(pid)
            if kb is None:
                continue
            if pid not in self.labels:
                self.labels[pid] = process_label(pid, self.root)
            self.peaks_kb[pid] = max(self.peaks_kb.get(pid, 0), kb)
            total += kb
        self.peak_total_kb = max(self.peak_total_kb, total)
        self.samples += 1
        return total

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()

    def report(self) -> dict[str, Any]:
        procs: list[dict[str, Any]] = [
            {"pid": pid, "role": self.labels.get(pid, "?"), "peak_rss_mb": round(kb / 1024, 1)}
            for pid, kb in sorted(self.peaks_kb.items())
        ]
        api = [p for p in procs if p["role"] in ("main", "worker")] or procs
        peaks: list[float] = [p["peak_rss_mb"] for p in api]
        return {
            "processes": procs,
            "peak_rss_max_process_mb": max(peaks, default=0.0),
            "peak_rss_sum_of_peaks_mb": round(sum(kb for kb in self.peaks_kb.values()) / 1024, 1),
            "peak_rss_total_mb": round(self.peak_total_kb / 1024, 1),
            "samples": self.samples,
        }


# --- CPU time --------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of one process (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


async def _backend_pids(url: str) -> list[int]:
    """PIDs of the PostgreSQL backends connected to the bench database (same machine)."""
    conn = await asyncpg.connect(_with_database(url, "postgres"))
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1", database_name(url)
        )
        return [int(r["pid"]) for r in rows]
    finally:
        await conn.close()


class CpuMeter:
    """CPU seconds the API processes and the bench database's PostgreSQL backends spent
    between start() and stop(); backends that appear in between count from zero."""

    def __init__(self, root: int, url: str) -> None:
        self.root, self.url = root, url
        self.before: dict[int, float] = {}

    def _snapshot(self) -> tuple[dict[int, float], dict[int, float]]:
        api = {p: cpu_seconds(p) for p in process_tree(self.root)}
        try:
            pids = asyncio.run(_backend_pids(self.url))
        except (OSError, asyncpg.PostgresError):
            pids = []
        pg = {p: cpu_seconds(p) for p in pids}
        return (
            {p: v for p, v in api.items() if v is not None},
            {p: v for p, v in pg.items() if v is not None},
        )

    def start(self) -> None:
        api, pg = self._snapshot()
        self.before = {**api, **{-p: v for p, v in pg.items()}}

    def stop(self) -> dict[str, Any]:
        api, pg = self._snapshot()
        per_api = {p: round(v - self.before.get(p, 0.0), 2) for p, v in api.items()}
        used_pg = sum(v - self.before.get(-p, 0.0) for p, v in pg.items())
        return {
            "api_processes": round(sum(per_api.values()), 2),
            "postgres_backends": round(used_pg, 2),
            "per_api_process": {
                f"{process_label(p, self.root)} {p}": v for p, v in sorted(per_api.items())
            },
        }


# --- one run ---------------------------------------------------------------------------------


@dataclass
class Call:
    index: int
    items: int
    seconds: float = 0.0
    status: int = 0
    body: bytes = b""
    sql_statements: int | None = None
    error: str | None = None
    counts: dict[str, int] | None = None


def request_body(run: str, index: int, items: list[dict[str, Any]]) -> bytes:
    variables = {
        "input": {
            "items": items,
            "errorPolicy": "REJECT_FAILED_ROWS",
            "collectionMode": "MERGE",
            "idempotencyKey": f"bench-upsert-{run}-{index:03d}-{uuid.uuid4().hex}",
            "dryRun": False,
        }
    }
    return json.dumps({"query": UPSERT_MUTATION, "variables": variables}).encode()


def _request_excerpt(body: bytes) -> str:
    """The request without most of its items, for error reports."""
    doc = json.loads(body)
    items = doc["variables"]["input"]["items"]
    doc["variables"]["input"]["items"] = [*items[:1], f"... {len(items) - 1} more items"]
    return json.dumps(doc)


def check_call(call: Call, expect: str) -> None:
    """Fill call.counts / call.error from the response."""
    if call.error:
        return
    try:
        payload = json.loads(call.body)
    except ValueError:
        call.error = f"HTTP {call.status}, not JSON: {call.body[:500]!r}"
        return
    result = (payload.get("data") or {}).get("upsertCandidates") if payload else None
    if call.status != 200 or payload.get("errors") or not result:
        call.error = f"HTTP {call.status}: {json.dumps(payload)[:2000]}"
        return
    if result.get("__typename") != "UpsertCandidatesSuccess":
        call.error = f"{result.get('__typename')}: {json.dumps(result)[:2000]}"
        return
    call.counts = {k: int(v) for k, v in result["counts"].items()}
    want = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0, expect: call.items}
    if call.counts != want:
        call.error = f"counts {call.counts}, expected {want}: {json.dumps(result)[:1000]}"


async def send_all(
    url: str, token: str, bodies: list[tuple[int, bytes]], concurrency: int, request_timeout: float
) -> tuple[list[Call], float]:
    headers = {
        "content-type": "application/json",
        "accept": "application/json",
        "authorization": f"Bearer {token}",
        # A connection per call: the API processes listen on separate SO_REUSEPORT sockets and
        # the kernel spreads *connections* by hash, so two kept-alive connections share one
        # process half of the time and the other process idles for the whole run. With a new
        # connection per call the 10 calls are spread independently (see cpu_seconds).
        "connection": "close",
    }
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    queue: asyncio.Queue[tuple[int, int, bytes]] = asyncio.Queue()
    calls: list[Call] = []
    for position, (n_items, body) in enumerate(bodies):
        queue.put_nowait((position, n_items, body))

    async def worker(client: httpx2.AsyncClient) -> None:
        while not queue.empty():
            position, n_items, body = queue.get_nowait()
            call = Call(position, n_items)
            calls.append(call)
            started = time.perf_counter()
            try:
                response = await client.post(url, content=body, headers=headers)
                call.body = response.content
                call.status = response.status_code
                sql = response.headers.get("x-sql-statements")
                call.sql_statements = int(sql) if sql and sql.isdigit() else None
            except httpx2.HTTPError as exc:
                call.error = f"{type(exc).__name__}: {exc}"
            call.seconds = time.perf_counter() - started

    async with httpx2.AsyncClient(
        limits=limits,
        timeout=httpx2.Timeout(request_timeout, pool=request_timeout),
        trust_env=False,
    ) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return sorted(calls, key=lambda c: c.index), elapsed


def run_once(
    name: str,
    expect: str,
    items: list[dict[str, Any]],
    args: argparse.Namespace,
    server: Server,
    url: str,
) -> dict[str, Any]:
    token = login(url)  # fresh token per run
    chunks = batches(items, args.batch_size)
    bodies = [(len(chunk), request_body(name, i, chunk)) for i, chunk in enumerate(chunks)]
    busy = wait_for_idle(args.wait_idle)
    if busy is not None and busy > IDLE_THRESHOLD:
        print(f"  warning: {busy:.0%} of the CPUs were busy with other work before this run")
    assert server.proc is not None
    cpu = CpuMeter(server.proc.pid, args.database_url)
    cpu.start()
    with MemorySampler(server.proc.pid, args.sample_interval) as sampler:
        idle_rss = sampler.peak_total_kb
        calls, elapsed = asyncio.run(
            send_all(url, token, bodies, args.concurrency, args.request_timeout)
        )
    cpu_used = cpu.stop()
    server.check_alive()
    for call in calls:
        check_call(call, expect)
    failed = [c for c in calls if c.error]
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    for call in calls:
        for k, v in (call.counts or {}).items():
            counts[k] = counts.get(k, 0) + v
    rows = rows_per_run(len(items))
    latencies = sorted(c.seconds for c in calls)
    sql = [c.sql_statements for c in calls if c.sql_statements is not None]
    result: dict[str, Any] = {
        "run": name,
        "expected_outcome": expect.upper(),
        "seconds": round(elapsed, 3),
        "rows": rows,
        "rows_per_s": round(rows / elapsed, 1),
        "candidates_per_s": round(len(items) / elapsed, 1),
        "counts": counts,
        "calls": len(calls),
        "call_seconds": {
            "min": round(latencies[0], 3),
            "median": round(statistics.median(latencies), 3),
            "max": round(latencies[-1], 3),
        },
        "request_mb": round(sum(len(b) for _, b in bodies) / len(bodies) / 1e6, 2),
        "sql_statements_per_call": {"min": min(sql), "max": max(sql)} if sql else None,
        "cpu_seconds": cpu_used,
        # stable across runs, unlike seconds: independent of how calls land on the processes
        "api_cpu_ms_per_candidate": round(cpu_used["api_processes"] * 1000 / len(items), 3),
        "idle_cpu_busy_before": None if busy is None else round(busy, 3),
        "rss_at_start_total_mb": round(idle_rss / 1024, 1),
        "memory": sampler.report(),
    }
    if failed:
        first = failed[0]
        result["error"] = {
            "failed_calls": len(failed),
            "first_call_index": first.index,
            "request_excerpt": _request_excerpt(bodies[first.index][1]),
            "response": first.error,
        }
    return result


# --- report ----------------------------------------------------------------------------------


def markdown(runs: list[dict[str, Any]], floor: dict[str, Any] | None) -> str:
    lines = [
        "| run | seconds | rows/s | created | updated | unchanged | failed | calls: median / max s"
        " | CPU s: API / PostgreSQL | API CPU ms/candidate | peak RSS per process MB (max)"
        " | peak RSS all processes MB | ours/floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        c, cpu = r["counts"], r["cpu_seconds"]
        ratio = f"{r['ratio_to_floor']:.1%}" if r.get("ratio_to_floor") is not None else "-"
        lines.append(
            f"| {r['run']} | {r['seconds']:.2f} | {r['rows_per_s']:,.0f} | {c['created']:,} | "
            f"{c['updated']:,} | {c['unchanged']:,} | {c['failed']:,} | "
            f"{r['call_seconds']['median']:.2f} / {r['call_seconds']['max']:.2f} | "
            f"{cpu['api_processes']:.1f} / {cpu['postgres_backends']:.1f} | "
            f"{r['api_cpu_ms_per_candidate']:.2f} | "
            f"{r['memory']['peak_rss_max_process_mb']:.0f} | "
            f"{r['memory']['peak_rss_total_mb']:.0f} | {ratio} |"
        )
    if floor:
        lines.append(
            f"| floor (asyncpg COPY, fresh) | {floor['seconds']:.2f} | {floor['rows_per_s']:,.0f} |"
            f" {floor['rows'] // ROWS_PER_CANDIDATE:,} | - | - | - | - | - | - | - | - | 100% |"
        )
    return "\n".join(lines)


def _versions(url: str) -> dict[str, Any]:
    async def server_version() -> str:
        conn = await asyncpg.connect(_with_database(url, "postgres"))
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    return {
        "python": platform.python_version(),
        "postgresql": asyncio.run(server_version()),
        "machine": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report: dict[str, Any] = {
        "benchmark": "upsert",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "rows_per_run": rows_per_run(args.candidates),
        "rows_note": "every run counts the same rows: candidates x (1 + 2 education + "
        "3 experience + 8 skills + 1 certification)",
        "mutation": UPSERT_MUTATION,
    }
    tool_env = {**os.environ, "JWT_SECRET": secrets.token_urlsafe(36), "SEED_DEMO": "false",
                "LOG_LEVEL": "warning"}  # fmt: skip
    server: Server | None = None
    runs: list[dict[str, Any]] = []
    floor: dict[str, Any] | None = None
    code = 0
    try:
        t0 = time.perf_counter()
        fresh = generate(args.candidates, args.seed)
        changed = updated(fresh)
        check(fresh)
        check(changed)
        print(
            f"data: {len(fresh):,} candidates, {rows_per_run(len(fresh)):,} rows per run, "
            f"generated and checked in {time.perf_counter() - t0:.1f}s"
        )
        report["versions"] = _versions(args.database_url)

        if not args.skip_floor:
            samples = []
            for attempt in range(args.floor_repeat):
                prepare_database(args.floor_database_url, tool_env)
                busy = wait_for_idle(args.wait_idle)
                result = asyncio.run(
                    run_floor(asyncpg_url(args.floor_database_url), fresh, PARTNER_ORG_SLUG)
                )
                result["idle_cpu_busy_before"] = None if busy is None else round(busy, 3)
                verify_db(args.floor_database_url, args.candidates, updated_run=False)
                print(
                    f"floor #{attempt + 1}: {result['seconds']:.2f}s, "
                    f"{result['rows_per_s']:,.0f} rows/s {result['per_table_seconds']}",
                    flush=True,
                )
                samples.append(result)
            floor = sorted(samples, key=lambda r: r["seconds"])[len(samples) // 2]
            floor["all_seconds"] = [r["seconds"] for r in samples]
            report["floor"] = floor

        if not args.skip_api:
            prepare_database(args.database_url, tool_env)
            url = f"http://127.0.0.1:{args.port}/graphql"
            t0 = time.perf_counter()
            server = start_api(args.database_url, args.port, args.workers)
            print(
                f"api: {args.workers} process(es) up in {time.perf_counter() - t0:.1f}s on {url}; "
                f"{args.candidates // args.batch_size} calls of {args.batch_size} items, "
                f"{args.concurrency} in flight",
                flush=True,
            )
            login(url)
            for name, expect in RUNS:
                payload = changed if name == "updated" else fresh
                result = run_once(name, expect, payload, args, server, url)
                if floor:
                    result["ratio_to_floor"] = round(result["rows_per_s"] / floor["rows_per_s"], 4)
                runs.append(result)
                mem, cpu = result["memory"], result["cpu_seconds"]
                print(
                    f"  {name:<9} {result['seconds']:7.2f}s {result['rows_per_s']:9,.0f} rows/s "
                    f"counts {result['counts']}  peak RSS max/process "
                    f"{mem['peak_rss_max_process_mb']:.0f} MB, "
                    f"all {mem['peak_rss_total_mb']:.0f} MB"
                    + (f"  ours/floor {result['ratio_to_floor']:.1%}" if floor else "")
                    + f"\n            CPU s: API {cpu['api_processes']:.1f} "
                    f"({', '.join(f'{v:.1f}' for v in cpu['per_api_process'].values())}), "
                    f"PostgreSQL {cpu['postgres_backends']:.1f}",
                    flush=True,
                )
                if "error" in result:
                    err = result["error"]
                    raise BenchError(
                        f"run {name}: {err['failed_calls']} call(s) failed; first (call "
                        f"{err['first_call_index']}):\n  response: {err['response']}\n  request: "
                        f"{err['request_excerpt'][:3000]}"
                    )
                result["stored_rows"] = verify_db(
                    args.database_url, args.candidates, updated_run=name == "updated"
                )
    except (BenchError, ServerError, subprocess.CalledProcessError) as exc:
        print(f"\nBENCHMARK ABORTED: {exc}", file=sys.stderr)
        report["aborted"] = str(exc)
        code = 1
    finally:
        if server is not None:
            server.stop()
        report["runs"] = runs
        if runs and floor:
            fresh_ratio = runs[0].get("ratio_to_floor")
            peak = max(r["memory"]["peak_rss_max_process_mb"] for r in runs)
            report["targets"] = {
                "fresh_ratio_to_floor": fresh_ratio,
                "fresh_ratio_target": FLOOR_TARGET,
                "fresh_ratio_met": fresh_ratio is not None and fresh_ratio >= FLOOR_TARGET,
                "peak_rss_max_process_mb": peak,
                "memory_target_mb": MEMORY_TARGET_MB,
                "memory_met": peak < MEMORY_TARGET_MB,
            }
        report["markdown"] = markdown(runs, floor)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")

    print("\n" + report["markdown"])
    if "targets" in report:
        t = report["targets"]
        print(
            f"\ntarget end-to-end >= {FLOOR_TARGET:.0%} of the floor (fresh): "
            f"{t['fresh_ratio_to_floor']:.1%} -> {'met' if t['fresh_ratio_met'] else 'MISSED'}; "
            f"API process memory < {MEMORY_TARGET_MB} MB: {t['peak_rss_max_process_mb']:.0f} MB "
            f"-> {'met' if t['memory_met'] else 'MISSED'}"
        )
    print(f"rows/s counts {rows_per_run(args.candidates):,} rows per run for every run.")
    print(f"JSON: {args.out}; server log: {OUT_DIR / 'upsert_api.log'}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
