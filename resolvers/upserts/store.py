"""Phase two of a batch: set-based writes.

PostgreSQL: new and changed records are COPYed into a session-local staging table, then moved
with one `INSERT ... ON CONFLICT DO NOTHING RETURNING` / `UPDATE ... FROM ... RETURNING`; child
rows are COPYed straight into their tables. SQLite: its own `INSERT ... ON CONFLICT DO NOTHING
RETURNING` with executemany, and one version-checked UPDATE per changed record (writes there are
in-process calls). A record that a concurrent writer took in between comes back missing from
RETURNING and its row fails; nothing raises for it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Table, and_, delete, insert, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

CHUNK = 900
# a refused row: SQLAlchemy's error, or asyncpg's own from COPY and the staging statements
REFUSED = (IntegrityError, asyncpg.exceptions.IntegrityConstraintViolationError)
JSON_COLUMNS = {"payload", "errors", "warnings", "before"}


def _pg_value(value: Any, column: str) -> Any:
    if isinstance(value, Enum):
        return value.value
    if column in JSON_COLUMNS and value is not None:
        return json.dumps(value)
    return value


async def _driver(conn: AsyncConnection) -> Any:
    """asyncpg's connection, inside the session's transaction.

    SQLAlchemy begins its transaction lazily, on its own first statement; a batch whose planning
    ran none (items without any match key) would otherwise COPY into the ON COMMIT DELETE ROWS
    stage table in autocommit, which empties it at once and silently writes nothing.
    """
    raw = await conn.get_raw_connection()
    adapted: Any = raw.dbapi_connection  # SQLAlchemy's asyncpg adapter
    if adapted._transaction is None:
        await adapted._start_transaction()
    return raw.driver_connection


async def _stage(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> str:
    """COPY rows into `_stage_<table>` (created once per connection, emptied at commit)."""
    name = f"_stage_{table.name}"
    driver = await _driver(conn)
    await driver.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} (LIKE {table.name} INCLUDING DEFAULTS) "
        "ON COMMIT DELETE ROWS"
    )
    await driver.execute(f"TRUNCATE {name}")
    columns = [c.name for c in table.c]
    await driver.copy_records_to_table(
        name,
        records=[tuple(_pg_value(row[c], c) for c in columns) for row in rows],
        columns=columns,
    )
    return name


def is_postgres(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "postgresql"


async def insert_new(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> set[uuid.UUID]:
    """Insert records; returns the ids written (a unique collision skips the row)."""
    if not rows:
        return set()
    if is_postgres(conn):
        stage = await _stage(conn, table, rows)
        columns = ", ".join(c.name for c in table.c)
        driver = await _driver(conn)
        written = await driver.fetch(
            f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING id"
        )
        return {r["id"] for r in written}
    statement = sqlite.insert(table).on_conflict_do_nothing().returning(table.c.id)
    result = await conn.execute(statement, list(rows))
    return {r[0] for r in result}


async def update_versioned(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> set[uuid.UUID]:
    """Update whole records whose stored version is still `version - 1`; returns those ids."""
    if not rows:
        return set()
    columns = [c.name for c in table.c if c.name not in ("id", "created_at")]
    if is_postgres(conn):
        stage = await _stage(conn, table, rows)
        assignments = ", ".join(f"{c} = s.{c}" for c in columns)
        driver = await _driver(conn)
        written = await driver.fetch(
            f"UPDATE {table.name} AS t SET {assignments} FROM {stage} AS s "  # noqa: S608
            "WHERE t.id = s.id AND t.version = s.version - 1 RETURNING t.id"
        )
        return {r["id"] for r in written}
    done: set[uuid.UUID] = set()
    for row in rows:
        statement = (
            update(table)
            .where(and_(table.c.id == row["id"], table.c.version == row["version"] - 1))
            .values({c: row[c] for c in columns})
        )
        if (await conn.execute(statement)).rowcount == 1:
            done.add(row["id"])
    return done


async def delete_ids(conn: AsyncConnection, table: Table, ids: Sequence[uuid.UUID]) -> None:
    if not ids:
        return
    if is_postgres(conn):
        driver = await _driver(conn)
        await driver.execute(
            f"DELETE FROM {table.name} WHERE id = ANY($1::uuid[])",  # noqa: S608
            list(ids),
        )
        return
    for start in range(0, len(ids), CHUNK):
        await conn.execute(delete(table).where(table.c.id.in_(ids[start : start + CHUNK])))


async def insert_plain(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]], *, fast: bool = True
) -> None:
    """Insert child rows as they are (a violation raises: the caller isolates the bad row)."""
    if not rows:
        return
    if fast and is_postgres(conn):
        columns = [c.name for c in table.c]
        driver = await _driver(conn)
        await driver.copy_records_to_table(
            table.name,
            records=[tuple(_pg_value(row.get(c), c) for c in columns) for row in rows],
            columns=columns,
        )
        return
    await conn.execute(insert(table), list(rows))


def grouped(pairs: Iterable[tuple[type[Any], list[Any]]]) -> dict[type[Any], list[Any]]:
    out: dict[type[Any], list[Any]] = {}
    for model, items in pairs:
        out.setdefault(model, []).extend(items)
    return out
