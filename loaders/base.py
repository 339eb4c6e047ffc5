"""Loader base classes: one SQL statement per batch, each batch on its own short connection.

Loaders return read-only rows (SQLAlchemy `Row`s) carrying the table's columns as attributes,
not ORM instances: reads need no identity map or change tracking, and skipping them halves the
cost of turning a result into objects. They are typed as the model whose columns they carry.
"""

from __future__ import annotations

import asyncio
import functools
import operator
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, ClassVar, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col, select

from loaders import driver
from loaders.policy import Viewer
from models.db import SessionFactory

# bounds the bind parameters of one IN (...) list on both databases
MAX_BATCH_SIZE = 500

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M", bound=SQLModel)


class Loader(DataLoader[K, V]):
    """A per-request DataLoader bound to the running loop (never built at import time)."""

    def __init__(self, session_factory: SessionFactory) -> None:
        # our own cache map (a constructor argument of DataLoader), so `loaded` can answer
        # from it without reaching into the DataLoader's internals
        self.futures: dict[Any, asyncio.Future[V]] = {}
        super().__init__(
            max_batch_size=MAX_BATCH_SIZE,
            loop=asyncio.get_running_loop(),
            cache_map=self.futures,
        )
        self.session_factory = session_factory

    def among(self, column: Any, keys: Sequence[Any]) -> ColumnElement[bool]:
        """`column IN keys` for a batch of keys.

        On PostgreSQL the keys are one array parameter (`column = ANY($1)`): the statement's
        SQL is then the same for any number of keys, so SQLAlchemy renders no parameter per
        key and the server reuses one prepared statement. Elsewhere it is an `IN` list.
        """
        if self.on_postgres:
            return column == any_(bindparam(None, list(keys), type_=ARRAY(column.type)))  # type: ignore[no-any-return]
        return column.in_(keys)  # type: ignore[no-any-return]

    @functools.cached_property
    def on_postgres(self) -> bool:
        engine: AsyncEngine = self.session_factory.kw["bind"]
        return engine.dialect.name == "postgresql"

    @classmethod
    def build(cls, session_factory: SessionFactory, viewer: Viewer) -> Loader[K, V]:
        """The loader for one request; loaders whose rows depend on the viewer override it."""
        del viewer
        return cls(session_factory)

    async def fetch(self, statement: Any) -> Sequence[Any]:
        return await fetch_rows(self.session_factory, statement)

    async def load_all(self, keys: Sequence[K]) -> list[V]:
        """The values of many keys at once (look-ahead prefetching loads whole pages).

        Batched exactly as `load_many` (the keys join this tick's queue, with every other
        load of the tick), but awaited one future after another instead of through a gather
        with a done-callback per key, which on a page of a thousand rows costs more than
        the rows.
        """
        create = self.loop.create_future
        futures: list[asyncio.Future[V]] = []
        for key in keys:
            cache_key = self.get_cache_key(key)
            future = self.futures.get(cache_key)
            if future is None:
                future = self.futures[cache_key] = create()
                self.do_resolve_reject(key, future)
            futures.append(future)
        try:
            return [await future for future in futures]
        except BaseException:
            for future in futures:  # a failed batch fails all its keys: one error is raised
                if future.done() and not future.cancelled():
                    future.exception()
            raise

    def loaded(self, key: K) -> tuple[bool, V | None]:
        """(True, value) when the key's value is already loaded, else (False, None).

        Lets a resolver return a value without an awaitable when look-ahead prefetching has
        loaded it (`schema.prefetch.resolved`); a key still loading or failed is not loaded.
        """
        future = self.futures.get(self.get_cache_key(key))
        if future is not None and future.done() and not future.cancelled():
            if future.exception() is None:
                return True, future.result()
        return False, None


async def fetch_rows(session_factory: SessionFactory, statement: Any) -> Sequence[Any]:
    """Run a read-only statement on a pooled connection and return plain rows.

    One statement needs no transaction of its own: in autocommit mode the driver sends the
    query alone, instead of BEGIN, the query and ROLLBACK (three round trips per batch).
    """
    engine: AsyncEngine = session_factory.kw["bind"]
    return await driver.fetch_rows(engine, statement)


class ByIdLoader(Loader[uuid.UUID, M | None]):
    """Rows by primary key; `None` for ids that do not exist."""

    model: ClassVar[type[SQLModel]]

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[M | None]:
        model: Any = self.model
        rows = await self.fetch(select(model).where(self.among(col(model.id), keys)))
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]


class ByParentLoader(Loader[uuid.UUID, list[V]]):
    """All children of each parent in a stable order; `[]` for parents without any.

    `parent` names the column of a child row holding its parent's key. `keys_only` says
    that `statement` reads nothing but its keys (no viewer, no request state): declared by
    the class defining `statement`, it lets a statement built on it be kept across requests
    (`loaders.json_lists`).
    """

    parent: ClassVar[str]
    keys_only: ClassVar[bool] = False

    def statement(self, keys: Sequence[uuid.UUID]) -> Any:
        raise NotImplementedError

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[list[V]]:
        grouped: dict[uuid.UUID, list[V]] = defaultdict(list)
        parent_of = operator.attrgetter(self.parent)  # thousands of rows on a nested page
        for row in await self.fetch(self.statement(keys)):
            grouped[parent_of(row)].append(row)
        return [grouped.get(key, []) for key in keys]


class ChildrenLoader(ByParentLoader[M]):
    """Children of one table by a foreign key column, ordered by `order` then id."""

    model: ClassVar[type[SQLModel]]
    order: ClassVar[tuple[str, ...]] = ("created_at",)
    keys_only = True

    def statement(self, keys: Sequence[uuid.UUID]) -> Any:
        model: Any = self.model
        order = [col(getattr(model, name)) for name in (*self.order, "id")]
        parent = col(getattr(model, self.parent))
        return select(model).where(self.among(parent, keys)).order_by(*order)
