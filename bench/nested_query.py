"""Benchmark our nested `candidates` query against PostGraphile v4 on the same seeded database.

One command: `.venv/bin/python bench/nested_query.py` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import LevelResult, cpu_busy, run_level
from queries import (
    LOGIN_MUTATION,
    OUR_QUERY,
    PAGE_SIZE,
    POSTGRAPHILE_QUERY,
    differences,
    normalize,
    ordering_only,
)
from seed import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    DEFAULT_DATABASE_URL,
    asyncpg_url,
    seed,
    sqlalchemy_url,
)
from servers import (
    OUT_DIR,
    Server,
    ServerError,
    ensure_postgraphile,
    start_ours,
    start_postgraphile,
)


class BenchError(RuntimeError):
    """The benchmark cannot give a meaningful result (login failed, responses differ, ...)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    p.add_argument("--candidates", type=int, default=10_000)
    p.add_argument("--duration", type=float, default=20.0, help="seconds per concurrency level")
    p.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds before each level")
    p.add_argument("--concurrency", default="1,4,16", help="comma-separated levels")
    p.add_argument("--skip-seed", action="store_true", help="reuse the existing bench database")
    p.add_argument("--skip-postgraphile", action="store_true")
    p.add_argument("--skip-ours", action="store_true", help="drive PostGraphile only")
    p.add_argument("--port", type=int, default=8123, help="our server's port")
    p.add_argument("--pg-port", type=int, default=5123, help="PostGraphile's port")
    p.add_argument("--workers", type=int, default=2, help="API processes of our server")
    p.add_argument(
        "--wait-idle",
        type=float,
        default=120.0,
        help="before each level wait up to this many seconds for other CPU load to stop",
    )
    p.add_argument("--out", type=Path, default=OUT_DIR / "nested_query.json")
    args = p.parse_args(argv)
    args.levels = [int(x) for x in args.concurrency.split(",") if x.strip()]
    return args


def graphql(
    url: str,
    query: str,
    variables: dict[str, Any],
    token: str | None = None,
) -> tuple[httpx2.Response, dict[str, Any]]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    r = httpx2.post(
        url,
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=60,
        trust_env=False,
    )
    try:
        payload = r.json()
    except ValueError as exc:
        raise BenchError(f"{url}: HTTP {r.status_code}, not JSON: {r.text[:500]}") from exc
    return r, payload


def login(url: str) -> str:
    r, payload = graphql(url, LOGIN_MUTATION, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    token = ((payload.get("data") or {}).get("login") or {}).get("accessToken")
    if r.status_code != 200 or not token:
        raise BenchError(f"login failed: HTTP {r.status_code} {json.dumps(payload)[:800]}")
    return str(token)


def fetch_page(name: str, url: str, query: str, token: str | None) -> dict[str, Any]:
    r, payload = graphql(url, query, {"first": PAGE_SIZE}, token)
    if r.status_code != 200 or payload.get("errors") or not payload.get("data"):
        raise BenchError(f"{name}: HTTP {r.status_code}: {json.dumps(payload)[:1500]}")
    return payload


def verify(ours: dict[str, Any], theirs: dict[str, Any], candidates: int) -> dict[str, Any]:
    """Assert both servers return the same first page; returns a summary for the report."""
    a = normalize(ours, postgraphile=False)
    b = normalize(theirs, postgraphile=True)
    if len(b["candidates"]) != PAGE_SIZE or b["totalCount"] != candidates:
        print(
            f"warning: PostGraphile returned {len(b['candidates'])} candidates, "
            f"totalCount {b['totalCount']} (expected {PAGE_SIZE} of {candidates})"
        )
    diffs = differences(a, b)
    if diffs:
        kind = "ordering only" if ordering_only(a, b) else "data"
        raise BenchError(
            f"responses differ ({kind}); first differences (ours vs PostGraphile):\n  "
            + "\n  ".join(diffs)
        )
    raw_ids = [e["node"]["id"] for e in ours["data"]["candidates"]["edges"]]
    return {
        "equal": True,
        "candidates_compared": len(a["candidates"]),
        "nested_rows_compared": sum(
            len(c[k])
            for c in a["candidates"]
            for k in ("education", "experience", "skills", "certifications", "applications")
        ),
        "our_ids_are_global_ids": raw_ids != [c["id"] for c in a["candidates"]],
        "our_page_bytes": len(json.dumps(ours)),
        "postgraphile_page_bytes": len(json.dumps(theirs)),
    }


IDLE_THRESHOLD = 0.2


def wait_for_idle(max_wait: float) -> float | None:
    """Wait (up to `max_wait` s) until the machine is idle; returns the last busy share.

    Both servers are idle between levels, so whatever keeps the CPUs busy now is someone else
    (tests, builds) and would skew the level about to run.
    """
    deadline = time.monotonic() + max_wait
    busy = cpu_busy()
    announced = False
    while busy is not None and busy > IDLE_THRESHOLD and time.monotonic() < deadline:
        if not announced:
            print(f"  waiting up to {max_wait:g}s for other work to finish "
                  f"({busy:.0%} of the CPUs busy)", flush=True)  # fmt: skip
            announced = True
        busy = cpu_busy(2.0)
    return busy


def drive(
    server: str, url: str, query: str, args: argparse.Namespace, token_fn: Any = None
) -> list[LevelResult]:
    results = []
    for level in args.levels:
        busy = wait_for_idle(args.wait_idle)
        headers = {"authorization": f"Bearer {token_fn()}"} if token_fn else {}
        if busy is not None and busy > IDLE_THRESHOLD:
            print(
                f"  warning: {busy:.0%} of the CPUs were busy with other work just before "
                "this level; the numbers will be skewed",
                flush=True,
            )
        result = asyncio.run(run_level(
            server=server, url=url, query=query, variables={"first": PAGE_SIZE},
            headers=headers, concurrency=level, duration=args.duration, warmup=args.warmup,
        ))  # fmt: skip
        result.idle_cpu_busy_before = None if busy is None else round(busy, 3)
        sql = _sql(result)
        print(
            f"  {server:<12} c={level:<3} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms"
            f"  p95 {result.p95_ms:7.1f} ms  errors {result.errors}  sql/req {sql}",
            flush=True,
        )
        for sample in result.error_samples:
            print(f"    error sample: {sample}")
        results.append(result)
    return results


def _sql(r: LevelResult | None) -> str:
    if r is None or r.server != "ours":
        return "-"
    if r.sql_min is None:
        return "n/a"
    text = str(r.sql_min) if r.sql_min == r.sql_max else f"{r.sql_min}..{r.sql_max} (VARIES!)"
    return text + (f" ({r.sql_missing} without header)" if r.sql_missing else "")


def table(ours: list[LevelResult], theirs: list[LevelResult], levels: list[int]) -> str:
    rows = [
        "| server | concurrency | req/s | p50 ms | p95 ms | errors | SQL statements/request |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*ours, *theirs]:
        rows.append(
            f"| {r.server} | {r.concurrency} | {r.rps:.1f} | {r.p50_ms:.1f} | "
            f"{r.p95_ms:.1f} | {r.errors} | {_sql(r)} |"
        )
    if ours and theirs:
        rows += ["", "| concurrency | throughput ratio ours/PostGraphile |", "|---:|---:|"]
        by_level = {r.concurrency: r for r in theirs}
        for r in ours:
            other = by_level.get(r.concurrency)
            if other and other.rps:
                rows.append(f"| {r.concurrency} | {r.rps / other.rps:.2f}x |")
    return "\n".join(rows)


def _versions(pg_version: str | None, libpq_url: str) -> dict[str, Any]:
    import asyncpg

    async def server_version() -> str:
        conn = await asyncpg.connect(libpq_url)
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    return {
        "python": platform.python_version(),
        "postgresql": asyncio.run(server_version()),
        "postgraphile": pg_version,
        "node": node.stdout.strip() or None,
        "machine": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    libpq_url, sa_url = asyncpg_url(args.database_url), sqlalchemy_url(args.database_url)
    report: dict[str, Any] = {
        "benchmark": "nested_query",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "query": {"ours": OUR_QUERY, "postgraphile": POSTGRAPHILE_QUERY, "first": PAGE_SIZE},
    }
    if not args.skip_seed:
        t0 = time.perf_counter()
        report["seed_rows"] = seed(args.database_url, args.candidates)
        report["seed_seconds"] = round(time.perf_counter() - t0, 2)
    pg_version = None if args.skip_postgraphile else ensure_postgraphile()
    report["versions"] = _versions(pg_version, libpq_url)

    our_url = f"http://127.0.0.1:{args.port}/graphql"
    pg_url = f"http://127.0.0.1:{args.pg_port}/graphql"
    servers: list[Server] = []
    ours: list[LevelResult] = []
    theirs: list[LevelResult] = []
    try:
        if not args.skip_ours:
            t0 = time.perf_counter()
            servers.append(start_ours(sa_url, args.port, args.workers))
            print(f"ours: up in {time.perf_counter() - t0:.1f}s on {our_url}", flush=True)
        if not args.skip_postgraphile:
            t0 = time.perf_counter()
            servers.append(start_postgraphile(libpq_url, args.pg_port))
            print(
                f"postgraphile {pg_version}: up in {time.perf_counter() - t0:.1f}s on {pg_url}",
                flush=True,
            )

        our_page = None
        if not args.skip_ours:
            our_page = fetch_page("ours", our_url, OUR_QUERY, login(our_url))
        if not args.skip_postgraphile:
            pg_page = fetch_page("postgraphile", pg_url, POSTGRAPHILE_QUERY, None)
            if our_page is not None:
                report["verification"] = verify(our_page, pg_page, args.candidates)
                print(f"verify: first page identical ({report['verification']})", flush=True)

        print(f"driving {args.levels} for {args.duration:g}s each (+{args.warmup:g}s warm-up)")
        if not args.skip_ours:
            ours = drive("ours", our_url, OUR_QUERY, args, token_fn=lambda: login(our_url))
        if not args.skip_postgraphile:
            theirs = drive("postgraphile", pg_url, POSTGRAPHILE_QUERY, args)
    except (BenchError, ServerError) as exc:
        print(f"\nBENCHMARK ABORTED: {exc}", file=sys.stderr)
        report["aborted"] = str(exc)
        return 1
    finally:
        for server in reversed(servers):
            server.stop()
        report["results"] = [r.as_dict() for r in [*ours, *theirs]]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")

    markdown = table(ours, theirs, args.levels)
    report["markdown"] = markdown
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print("\n" + markdown + f"\n\nJSON: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
