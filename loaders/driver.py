"""Loader reads on PostgreSQL straight through asyncpg, with SQLAlchemy's own SQL and types.

A loader batch is one SELECT whose rows are only read. SQLAlchemy's execution layer (the
cursor adaptation, the result, a `Row` per row) costs more than asyncpg's decoding itself on
such statements: ~2 µs a row and ~0.5 ms a statement on a nested page of thousands of rows.
This module keeps what SQLAlchemy decides (the compiled SQL, the bind parameters with their
processors, and each column's result processor) and leaves out the rest:

- the first run of a statement shape goes through SQLAlchemy as usual; its result tells the
  column names and the result processors (enums, UTC datetimes, numerics), which are kept
  with the compiled statement under SQLAlchemy's own cache key;
- later runs of that shape render the statement from the cache (expanding `IN` lists as
  SQLAlchemy does), send it with asyncpg's `fetch`, and apply the kept processors.

Anything unusual (a result whose columns SQLAlchemy filters or renames, a statement without
a cache key) always takes the SQLAlchemy path, and so does any error: the statement is run
again through SQLAlchemy, so callers see SQLAlchemy's exceptions and the pool its
invalidation, as before.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from keyword import iskeyword
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from models.db import statement_counter

MAX_SHAPES = 256  # statement shapes kept (each loader has one or a few)


@dataclass(frozen=True, slots=True)
class Shape:
    """One statement shape's compiled SQL and how its rows are made."""

    compiled: Any
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, processor)
    make: Callable[[Any], Any]  # a record (after processors) -> a row


class Shapes:
    """Statement shapes by SQLAlchemy cache key, least recently used dropped first."""

    def __init__(self, size: int = MAX_SHAPES) -> None:
        self.size = size
        self.entries: collections.OrderedDict[Any, Shape | None] = collections.OrderedDict()

    def get(self, key: Any) -> tuple[bool, Shape | None]:
        try:
            shape = self.entries[key]
        except KeyError:
            return False, None
        self.entries.move_to_end(key)
        return True, shape

    def put(self, key: Any, shape: Shape | None) -> None:
        self.entries[key] = shape
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


SHAPES = Shapes()


async def fetch_rows(engine: AsyncEngine, statement: Any) -> Sequence[Any]:
    """The statement's rows as named tuples, read in autocommit (no BEGIN/ROLLBACK)."""
    if engine.dialect.driver == "asyncpg":
        cache_key = statement._generate_cache_key()
        if cache_key is not None:
            known, shape = SHAPES.get(cache_key.key)
            if not known:
                return await _through_sqlalchemy(engine, statement, cache_key)
            if shape is not None:
                rows = await _through_asyncpg(engine, shape, cache_key)
                if rows is not None:
                    return rows
    return await _through_sqlalchemy(engine, statement, None)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A statement built once, run again with other values in the place of some of its bound
    values: building a SELECT and its cache key costs 0.1 to 1 ms in SQLAlchemy, once per
    request or batch, although only the values change.

    The statement is built with probe values (unique objects of the values' types); their
    places among the cache key's bound parameters are where `with_values` puts the values
    of a run. The statement must take nothing else from the request: a value that is not a
    probe stays as it was when built.
    """

    cache_key: Any
    places: tuple[int, ...]

    @classmethod
    def of(cls, statement: Any, probes: Sequence[Any]) -> Prepared | None:
        cache_key = statement._generate_cache_key()
        if cache_key is None:
            return None
        places = []
        for probe in probes:
            found = [
                i
                for i, parameter in enumerate(cache_key.bindparams)
                if type(parameter.value) is type(probe) and parameter.value == probe
            ]
            if len(found) != 1:
                return None
            places.append(found[0])
        return cls(cache_key, tuple(places))

    def with_values(self, values: Sequence[Any]) -> Any:
        """The cache key of the statement as built with these values for the probes."""
        parameters = list(self.cache_key.bindparams)
        for place, value in zip(self.places, values, strict=True):
            parameters[place] = parameters[place]._with_value(value, maintain_key=True)
        return self.cache_key._replace(bindparams=parameters)


async def fetch_prepared(
    engine: AsyncEngine, prepared: Prepared, values: Sequence[Any], build: Callable[[], Any]
) -> Sequence[Any]:
    """`fetch_rows` of a prepared statement run with `values`: the statement itself is built
    (`build()`, with the same values) only on SQLite, when its shape is not known yet, or
    when the fast path fails."""
    if engine.dialect.driver == "asyncpg":
        cache_key = prepared.with_values(values)
        known, shape = SHAPES.get(cache_key.key)
        if known and shape is not None:
            rows = await _through_asyncpg(engine, shape, cache_key)
            if rows is not None:
                return rows
    return await fetch_rows(engine, build())


async def _through_asyncpg(engine: AsyncEngine, shape: Shape, cache_key: Any) -> list[Any] | None:
    """The rows, or None when the statement failed: the caller then runs it through
    SQLAlchemy, whose exception (and the pool's invalidation of a broken connection) it gets.

    A pooled connection is taken as a raw DBAPI connection: none of the `Connection` and
    execution-option objects a SQLAlchemy checkout builds (a third of a small read's cost),
    and no transaction, which asyncpg does not open on its own.
    """
    try:
        sql, arguments = _render(shape.compiled, cache_key)
    except Exception:
        return None
    try:
        pooled = await engine.raw_connection()
    except Exception:
        return None  # no connection: SQLAlchemy's checkout raises its own error for it
    counter = statement_counter.get()
    if counter is not None:
        counter[0] += 1
    try:
        driver = pooled.driver_connection
        assert driver is not None
        records = await driver.fetch(sql, *arguments)
    except Exception:
        driver = pooled.driver_connection
        if driver is None or driver.is_closed():
            pooled.invalidate()
        return None
    except BaseException:
        pooled.invalidate()  # cancelled mid-statement: the connection's state is unknown
        raise
    finally:
        await greenlet_spawn(pooled.close)
    make, processors = shape.make, shape.processors
    if not processors:
        return [make(record) for record in records]
    rows = []
    for record in records:
        values = list(record)
        for index, process in processors:
            values[index] = process(values[index])
        rows.append(make(values))
    return rows


def _render(compiled: Any, cache_key: Any) -> tuple[str, list[Any]]:
    """The SQL text and positional arguments of this execution, as SQLAlchemy's execution
    context makes them (`DefaultExecutionContext._init_compiled`)."""
    parameters = compiled.construct_params(
        extracted_parameters=cache_key.bindparams, escape_names=False
    )
    processors = compiled._bind_processors
    if compiled.literal_execute_params or compiled.post_compile_params:
        expanded = compiled._process_parameters_for_postcompile(parameters)
        sql, positions = expanded.statement, expanded.positiontup
        processors = {**processors, **expanded.processors}
    else:
        sql, positions = compiled.string, compiled.positiontup
    arguments = [
        processors[name](parameters[name]) if name in processors else parameters[name]
        for name in positions
    ]
    return sql, arguments


async def _through_sqlalchemy(engine: AsyncEngine, statement: Any, cache_key: Any) -> list[Any]:
    """The SQLAlchemy way; with `cache_key`, the shape is learnt from its result."""
    async with engine.connect() as connection:
        reader = await connection.execution_options(isolation_level="AUTOCOMMIT")
        result = await reader.execute(statement)
        fields = tuple(result.keys())
        make = row_class(fields)
        rows = result.all()
    if cache_key is not None:
        SHAPES.put(cache_key.key, _learn(engine, statement, cache_key, result, make))
    return list(rows) if make is None else [make(row) for row in rows]


def _learn(
    engine: AsyncEngine, statement: Any, cache_key: Any, result: Any, make: Any
) -> Shape | None:
    metadata = result._metadata
    dialect = engine.dialect
    if (
        make is None
        or dialect.driver != "asyncpg"
        or not dialect.positional
        or getattr(metadata, "_tuplefilter", None) is not None
        or getattr(metadata, "_translated_indexes", None) is not None
    ):
        return None
    processors = metadata._processors
    if len(processors) != len(result.keys()):
        return None
    compiled = dialect.statement_compiler(dialect, statement, cache_key=cache_key)
    if not compiled.positional:
        return None
    return Shape(compiled, tuple((i, p) for i, p in enumerate(processors) if p is not None), make)


@functools.lru_cache(maxsize=512)
def row_class(fields: tuple[str, ...]) -> Any:
    """A named tuple for rows of these columns (None when the names cannot be attributes).

    A SQLAlchemy `Row` answers an attribute in ~330 ns, a named tuple in ~50 ns; a nested
    page reads several attributes of each of thousands of rows.
    """
    if not fields or len(set(fields)) != len(fields):
        return None
    if any(not name.isidentifier() or iskeyword(name) or name.startswith("_") for name in fields):
        return None
    kind = collections.namedtuple("Row", fields)  # type: ignore[misc]
    return functools.partial(tuple.__new__, kind)
