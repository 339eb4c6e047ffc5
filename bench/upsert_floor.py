"""The floor: the same rows written straight into PostgreSQL with asyncpg, no API in between.

Per table, inside one transaction: `COPY` the records into a temporary staging table shaped like
the target, then `INSERT INTO target SELECT ... FROM staging` — `ON CONFLICT DO NOTHING` for
candidates (any of their unique keys: email, phone, (organization, externalId)), plain for the
child tables. Only that transaction is timed; building the records and inserting the skill
vocabulary happen before.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import asyncpg
from upsert_data import SKILL_VOCABULARY, TABLE_COLUMNS, rows_per_run, table_rows

FLOOR_ORDER = ["candidates", "education", "work_experience", "candidate_skills", "certifications"]


async def ensure_vocabulary(conn: asyncpg.Connection) -> dict[str, uuid.UUID]:
    """Insert the benchmark's skills (normalized name = lower-cased name) unless present;
    returns normalized name -> skills.id for the vocabulary."""
    await conn.executemany(
        """INSERT INTO skills (id, name, normalized_name, aliases, category, created_at)
           VALUES ($1, $2, $3, '[]', NULL, now())
           ON CONFLICT (normalized_name) DO NOTHING""",
        [(uuid.uuid4(), name, name.lower()) for name in SKILL_VOCABULARY],
    )
    rows = await conn.fetch(
        "SELECT normalized_name, id FROM skills WHERE normalized_name = ANY($1::text[])",
        [name.lower() for name in SKILL_VOCABULARY],
    )
    ids = {r["normalized_name"]: r["id"] for r in rows}
    missing = [n for n in SKILL_VOCABULARY if n.lower() not in ids]
    if missing:
        raise RuntimeError(f"skills missing after insert: {missing}")
    return ids


async def organization_id(conn: asyncpg.Connection, slug: str) -> uuid.UUID:
    value = await conn.fetchval("SELECT id FROM organizations WHERE slug = $1", slug)
    if value is None:
        raise RuntimeError(f"no organization with slug {slug!r}")
    return value  # type: ignore[no-any-return]


async def write_floor(
    conn: asyncpg.Connection, rows: dict[str, list[tuple[Any, ...]]]
) -> dict[str, Any]:
    """COPY + INSERT every table in one transaction; returns seconds (total and per table)."""
    per_table: dict[str, float] = {}
    started = time.perf_counter()
    async with conn.transaction():
        for table in FLOOR_ORDER:
            t0 = time.perf_counter()
            columns = TABLE_COLUMNS[table]
            stage = f"stage_{table}"
            await conn.execute(
                f"CREATE TEMP TABLE {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            await conn.copy_records_to_table(stage, records=rows[table], columns=columns)
            cols = ", ".join(columns)
            conflict = " ON CONFLICT DO NOTHING" if table == "candidates" else ""
            status = await conn.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage}{conflict}"
            )
            inserted = int(status.split()[-1])
            if inserted != len(rows[table]):
                raise RuntimeError(f"floor: {table} inserted {inserted} of {len(rows[table])}")
            per_table[table] = round(time.perf_counter() - t0, 3)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "per_table_seconds": per_table}


async def run_floor(libpq_url: str, items: list[dict[str, Any]], slug: str) -> dict[str, Any]:
    """Write `items` as rows into the (freshly migrated) database at `libpq_url`."""
    conn = await asyncpg.connect(libpq_url)
    try:
        skill_ids = await ensure_vocabulary(conn)
        org = await organization_id(conn, slug)
        rows = table_rows(items, org, skill_ids)
        await conn.execute("ANALYZE")
        result = await write_floor(conn, rows)
    finally:
        await conn.close()
    total = rows_per_run(len(items))
    assert total == sum(len(v) for v in rows.values())
    result["rows"] = total
    result["rows_per_s"] = round(total / result["seconds"], 1)
    result["table_rows"] = {t: len(v) for t, v in rows.items()}
    return result
