"""Benchmark our nested reads against PostGraphile v4 on the same seeded database.

Two documents (`candidates`: a page of candidates with every profile section; `jobs`: a page of
jobs with a page of applications each and the applicants' skills and experience), verified
equal on both servers, then driven at several concurrency levels with CPU time per request and
peak RSS measured from /proc. One command: `.venv/bin/python bench/nested_query.py` (see
bench/README.md).
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

from loadgen import (
    LevelResult,
    ProcessMeter,
    all_procs,
    cpu_busy,
    process_role,
    run_level,
    status_kb,
)
from queries import DOCUMENTS, LOGIN_MUTATION, Document, differences, ordering_only
from seed import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    DEFAULT_DATABASE_URL,
    JOBS,
    asyncpg_url,
    database_name,
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
    p.add_argument(
        "--documents",
        default=",".join(DOCUMENTS),
        help=f"comma-separated documents to run, of: {', '.join(DOCUMENTS)}",
    )
    p.add_argument(
        "--max-query-cost",
        type=int,
        default=100_000,
        help="our server's MAX_QUERY_COST (the jobs document is estimated at ~51,000; "
        "the server's default limit is 50,000)",
    )
    p.add_argument("--rss-interval", type=float, default=0.5, help="seconds between RSS samples")
    p.add_argument("--out", type=Path, default=OUT_DIR / "nested_query.json")
    args = p.parse_args(argv)
    args.levels = [int(x) for x in args.concurrency.split(",") if x.strip()]
    args.document_names = [x.strip() for x in args.documents.split(",") if x.strip()]
    unknown = sorted(set(args.document_names) - set(DOCUMENTS))
    if unknown or not args.document_names:
        p.error(f"--documents: unknown {unknown}; choose from {', '.join(DOCUMENTS)}")
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


def fetch_page(
    name: str, url: str, query: str, variables: dict[str, Any], token: str | None
) -> dict[str, Any]:
    r, payload = graphql(url, query, variables, token)
    if r.status_code != 200 or payload.get("errors") or not payload.get("data"):
        raise BenchError(f"{name}: HTTP {r.status_code}: {json.dumps(payload)[:1500]}")
    return payload


def verify(
    doc: Document, ours: dict[str, Any], theirs: dict[str, Any], seeded: int
) -> dict[str, Any]:
    """Assert both servers return the same first page; returns a summary for the report.

    `seeded` is how many root rows (candidates, jobs) the seed made: a shorter page or another
    totalCount is reported (e.g. jobs hidden by their status), and the pages must still agree.
    """
    a = doc.normalize(ours, postgraphile=False)
    b = doc.normalize(theirs, postgraphile=True)
    key, size = doc.listed
    warnings = []
    for server, page in (("ours", a), ("PostGraphile", b)):
        if len(page[key]) != min(size, seeded) or page["totalCount"] != seeded:
            warnings.append(
                f"{doc.name}: {server} returned {len(page[key])} {key}, totalCount "
                f"{page['totalCount']} (expected {min(size, seeded)} of {seeded})"
            )
    for warning in warnings:
        print(f"warning: {warning}")
    diffs = differences(a, b)
    if diffs:
        kind = "ordering only" if ordering_only(a, b) else "data"
        raise BenchError(
            f"{doc.name}: responses differ ({kind}); first differences (ours vs PostGraphile):"
            "\n  " + "\n  ".join(diffs)
        )
    raw_ids = [e["node"]["id"] for e in ours["data"][doc.name]["edges"]]
    return {
        "equal": True,
        **doc.summary(a),
        "our_ids_are_global_ids": raw_ids != [row["id"] for row in a[key]],
        "our_page_bytes": len(json.dumps(ours)),
        "postgraphile_page_bytes": len(json.dumps(theirs)),
        "warnings": warnings,
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
    server: Server,
    url: str,
    doc: Document,
    args: argparse.Namespace,
    token_fn: Any = None,
) -> list[LevelResult]:
    assert server.proc is not None
    database = database_name(args.database_url)
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
        meter = ProcessMeter(server.proc.pid, database, args.rss_interval)
        result = asyncio.run(run_level(
            server=server.name, url=url, query=doc.ours if server.name == "ours" else
            doc.postgraphile, variables=doc.variables, headers=headers, concurrency=level,
            duration=args.duration, warmup=args.warmup, document=doc.name, meter=meter,
        ))  # fmt: skip
        result.idle_cpu_busy_before = None if busy is None else round(busy, 3)
        print(
            f"  {doc.name:<10} {server.name:<12} c={level:<3} {result.rps:8.1f} req/s"
            f"  p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  errors {result.errors}"
            f"  sql/req {_sql(result)}  CPU ms/req {_ms(result.cpu, 'server')} server,"
            f" {_pg_ms(result)} postgres  peak RSS {_mb(result.memory.get('peak_rss_mb'))} MB",
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


def _ms(cpu: dict[str, Any], who: str) -> str:
    value = cpu.get(f"{who}_ms_per_request")
    return "n/a" if value is None else f"{value:.1f}"


def _pg_ms(r: LevelResult) -> str:
    """All postgres processes, and in parentheses the backends of the bench database."""
    return f"{_ms(r.cpu, 'postgres')} ({_ms(r.cpu, 'postgres_bench_db')})"


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def table(results: list[LevelResult], documents: list[str]) -> str:
    rows = [
        "| document | server | concurrency | req/s | p50 ms | p95 ms | errors "
        "| SQL statements/request | CPU ms/req (server) | CPU ms/req (postgres) | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r.document} | {r.server} | {r.concurrency} | {r.rps:.1f} | {r.p50_ms:.1f} | "
            f"{r.p95_ms:.1f} | {r.errors} | {_sql(r)} | {_ms(r.cpu, 'server')} | "
            f"{_pg_ms(r)} | {_mb(r.memory.get('peak_rss_mb'))} |"
        )
    rows += [
        "",
        "CPU ms/req (postgres): all `postgres` processes of the machine, in parentheses the "
        "backends connected to the bench database. Peak RSS MB: the largest process of the "
        "server during the level (warm-up included; VmHWM reset at the level's start, and "
        "VmRSS sampled).",
    ]
    ratios = []
    for doc in documents:
        ours = [r for r in results if r.document == doc and r.server == "ours"]
        theirs = {
            r.concurrency: r for r in results if r.document == doc and r.server == "postgraphile"
        }
        for r in ours:
            other = theirs.get(r.concurrency)
            if other and other.rps:
                cpu = r.cpu.get("server_ms_per_request")
                other_cpu = other.cpu.get("server_ms_per_request")
                cpu_ratio = f"{cpu / other_cpu:.2f}x" if cpu and other_cpu else "n/a"
                ratios.append(
                    f"| {doc} | {r.concurrency} | {r.rps / other.rps:.2f}x | {cpu_ratio} |"
                )
    if ratios:
        rows += [
            "",
            "| document | concurrency | throughput ratio ours/PostGraphile "
            "| server CPU ms/req ratio ours/PostGraphile |",
            "|---|---:|---:|---:|",
            *ratios,
        ]
    return "\n".join(rows)


def server_memory(server: Server) -> list[dict[str, Any]]:
    """VmHWM (peak RSS since the last level's reset) and VmRSS now of a server's processes."""
    if server.proc is None:
        return []
    out = []
    for proc in all_procs():
        if proc.pgid == server.proc.pid:
            kb = status_kb(proc.pid)
            out.append(
                {
                    "pid": proc.pid,
                    "role": process_role(proc),
                    "vm_hwm_mb": round(kb.get("VmHWM", 0) / 1024, 1),
                    "vm_rss_mb": round(kb.get("VmRSS", 0) / 1024, 1),
                }
            )
    return sorted(out, key=lambda p: p["pid"])


def memory_overall(
    results: list[LevelResult], final: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Peak RSS per server process over the whole run: every level's peak, the peaks between
    levels (startup, verification: VmHWM read before each level's reset) and VmHWM at the end.
    """
    out: dict[str, Any] = {}
    for name, processes in final.items():
        peaks: dict[int, dict[str, Any]] = {
            p["pid"]: {"pid": p["pid"], "role": p["role"], "peak_rss_mb": p["vm_hwm_mb"]}
            for p in processes
        }
        for r in results:
            if r.server != name:
                continue
            for p in r.memory.get("processes", []):
                entry = peaks.setdefault(
                    p["pid"], {"pid": p["pid"], "role": p["role"], "peak_rss_mb": 0.0}
                )
                for key in ("peak_rss_mb", "vm_hwm_before_level_mb"):
                    if p.get(key) is not None:
                        entry["peak_rss_mb"] = max(entry["peak_rss_mb"], p[key])
        procs = sorted(peaks.values(), key=lambda p: p["pid"])
        out[name] = {
            "peak_rss_max_process_mb": max((p["peak_rss_mb"] for p in procs), default=None),
            "processes": procs,
        }
    return out


def memory_table(overall: dict[str, Any]) -> str:
    rows = ["| server | process | peak RSS MB (whole run) |", "|---|---|---:|"]
    for name, info in overall.items():
        for proc in info["processes"]:
            rows.append(f"| {name} | {proc['role']} {proc['pid']} | {proc['peak_rss_mb']:.0f} |")
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
    docs = [DOCUMENTS[name] for name in args.document_names]
    seeded = {"candidates": args.candidates, "jobs": JOBS}
    report: dict[str, Any] = {
        "benchmark": "nested_query",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "documents": {
            d.name: {"ours": d.ours, "postgraphile": d.postgraphile, "variables": d.variables}
            for d in docs
        },
    }
    if not args.skip_seed:
        t0 = time.perf_counter()
        report["seed_rows"] = seed(args.database_url, args.candidates)
        report["seed_seconds"] = round(time.perf_counter() - t0, 2)
    pg_version = None if args.skip_postgraphile else ensure_postgraphile()
    report["versions"] = _versions(pg_version, libpq_url)

    our_url = f"http://127.0.0.1:{args.port}/graphql"
    pg_url = f"http://127.0.0.1:{args.pg_port}/graphql"
    servers: dict[str, Server] = {}
    results: list[LevelResult] = []
    final_memory: dict[str, list[dict[str, Any]]] = {}
    try:
        if not args.skip_ours:
            t0 = time.perf_counter()
            servers["ours"] = start_ours(sa_url, args.port, args.workers, args.max_query_cost)
            print(f"ours: up in {time.perf_counter() - t0:.1f}s on {our_url}", flush=True)
        if not args.skip_postgraphile:
            t0 = time.perf_counter()
            servers["postgraphile"] = start_postgraphile(libpq_url, args.pg_port)
            print(
                f"postgraphile {pg_version}: up in {time.perf_counter() - t0:.1f}s on {pg_url}",
                flush=True,
            )

        token = None if args.skip_ours else login(our_url)
        report["verification"] = {}
        for doc in docs:
            our_page = None
            if token is not None:
                our_page = fetch_page("ours", our_url, doc.ours, doc.variables, token)
            if not args.skip_postgraphile:
                pg_page = fetch_page("postgraphile", pg_url, doc.postgraphile, doc.variables, None)
                if our_page is not None:
                    summary = verify(doc, our_page, pg_page, seeded[doc.name])
                    report["verification"][doc.name] = summary
                    print(f"verify {doc.name}: first page identical ({summary})", flush=True)

        print(f"driving {args.levels} for {args.duration:g}s each (+{args.warmup:g}s warm-up)")
        for doc in docs:
            if "ours" in servers:
                results += drive(
                    servers["ours"], our_url, doc, args, token_fn=lambda: login(our_url)
                )
            if "postgraphile" in servers:
                results += drive(servers["postgraphile"], pg_url, doc, args)
        final_memory = {name: server_memory(server) for name, server in servers.items()}
    except (BenchError, ServerError) as exc:
        print(f"\nBENCHMARK ABORTED: {exc}", file=sys.stderr)
        report["aborted"] = str(exc)
        return 1
    finally:
        for server in reversed(servers.values()):
            server.stop()
        report["results"] = [r.as_dict() for r in results]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")

    report["memory_overall"] = memory_overall(results, final_memory)
    markdown = table(results, args.document_names) + "\n\n" + memory_table(report["memory_overall"])
    report["markdown"] = markdown
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print("\n" + markdown + f"\n\nJSON: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
