"""What it costs to make sure a pooled PostgreSQL connection is alive before a request uses it.

Every loader batch checks out its own connection, so a check runs several times per request.
Compared, per checkout plus one `SELECT 1`: no check, our check (`models.db`: asyncpg's
closed flag, no round trip) and SQLAlchemy's `pool_pre_ping` (one extra statement). Rounds
alternate between the three and the best round of each counts (the machine is shared).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/DB .venv/bin/python bench/pool_checkout.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.db import make_engine
from models.settings import async_url

CHECKOUTS = 2000
ROUNDS = 7


async def per_checkout_us(engine: AsyncEngine) -> tuple[float, float]:
    """Wall-clock and this process's CPU microseconds per checkout."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(CHECKOUTS):
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    return (
        (time.perf_counter() - wall) / CHECKOUTS * 1e6,
        (time.process_time() - cpu) / CHECKOUTS * 1e6,
    )


async def main() -> None:
    url = async_url(os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/test"))
    engines = {
        "no check": create_async_engine(url, pool_size=5),
        "closed flag (ours)": make_engine(url, pool_size=5),
        "pool_pre_ping": create_async_engine(url, pool_size=5, pool_pre_ping=True),
    }
    best = dict.fromkeys(engines, (float("inf"), float("inf")))
    for engine in engines.values():
        await per_checkout_us(engine)  # connect and warm up
    for _ in range(ROUNDS):
        for name, engine in engines.items():
            wall, cpu = await per_checkout_us(engine)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    print("per checkout + SELECT 1, best round:")
    for name, (wall, cpu) in best.items():
        print(f"  {name:20s} {wall:7.1f} us wall clock, {cpu:7.1f} us CPU in this process")
    for engine in engines.values():
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
