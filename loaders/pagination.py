"""Keyset pagination: opaque cursors and the WHERE clause that continues after one."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import orjson
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from loaders.base import Loader

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 512  # the longest cursor this server writes is well under this


class InvalidCursorError(ValueError):
    """The `after` cursor was not produced by this list (or was tampered with)."""


@dataclass(frozen=True)
class PageArgs:
    first: int = DEFAULT_PAGE_SIZE
    after: str | None = None


@dataclass(frozen=True)
class OrderColumn:
    """One column of a stable sort order; `kind` says how its cursor value is decoded."""

    column: Any
    attr: str
    kind: type = str


def clamp_first(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise InvalidCursorError("`first` must not be negative")
    return min(first, MAX_PAGE_SIZE)


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def encode_cursor(tag: str, row: Any, order: Sequence[OrderColumn]) -> str:
    """The row's position as an opaque cursor: base64url of a compact JSON list (the tag,
    then the order columns' values). Every edge of a page has one, so orjson writes it."""
    payload = [tag, *[_encode_value(getattr(row, o.attr)) for o in order]]
    return base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()


def decode_cursor(tag: str, cursor: str, order: Sequence[OrderColumn]) -> list[Any]:
    """The order values a cursor holds; anything this server did not write is refused."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursorError(f"at most {MAX_CURSOR_LENGTH} characters are allowed")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursorError("invalid cursor") from exc
    if not isinstance(payload, list) or len(payload) != len(order) + 1 or payload[0] != tag:
        raise InvalidCursorError("cursor does not belong to this list or order")
    try:
        return [_decode_value(o.kind, raw) for o, raw in zip(order, payload[1:], strict=True)]
    except (TypeError, ValueError) as exc:
        raise InvalidCursorError("invalid cursor") from exc


def _decode_value(kind: type, raw: Any) -> Any:
    """One order value, of exactly the JSON type `_encode_value` writes for its kind."""
    if kind is datetime:
        value = datetime.fromisoformat(_text(raw))
        if value.tzinfo is None:  # this server writes aware times only
            raise ValueError("cursor time without offset")
        return value
    if kind is uuid.UUID:
        return uuid.UUID(hex=_text(raw))
    if kind is str:
        return _text(raw)
    if kind is NullsLast:
        return NullsLast(raw)
    if type(raw) is not kind:  # numbers: int cursors hold ints, never floats or bools
        raise TypeError(f"cursor value is not {kind.__name__}")
    return raw


def _text(raw: Any) -> str:
    if not isinstance(raw, str) or "\x00" in raw:
        raise TypeError("cursor value is not text the database can compare")
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates
        raise ValueError("cursor value is not text the database can compare") from exc
    return raw


def after_clause(
    order: Sequence[OrderColumn], values: Sequence[Any], descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after `values` in the (all ascending or all descending) order."""
    parts: list[ColumnElement[bool]] = []
    for i, o in enumerate(order):
        equal = [order[j].column == values[j] for j in range(i)]
        beyond = o.column < values[i] if descending else o.column > values[i]
        parts.append(and_(*equal, beyond))
    return or_(*parts)


# --- one keyset page per parent, for nested connections ---------------------------------------


@dataclass(frozen=True)
class ParentPageKey:
    """One parent's page: keys with the same arguments batch into one windowed statement.

    `filters` holds hashable extra conditions the loader understands (e.g. stages); `order`
    names one of the loader's `orders`.
    """

    parent_id: uuid.UUID
    first: int
    after: tuple[Any, ...] | None = None
    filters: tuple[Any, ...] = ()
    order: str = "DEFAULT"


@dataclass(frozen=True)
class RowPage:
    rows: list[Any]
    has_next_page: bool


class ParentPageLoader(Loader[ParentPageKey, RowPage]):
    """A keyset page of each parent's children, one windowed statement per distinct arguments.

    Subclasses name the `model`, its `parent` column, the `orders` a client may choose (name ->
    columns, descending) and the visibility and filter `clauses`.
    """

    model: ClassVar[Any]
    parent: ClassVar[str]
    orders: ClassVar[dict[str, tuple[tuple[OrderColumn, ...], bool]]]

    def clauses(
        self, parent_ids: Sequence[uuid.UUID], filters: tuple[Any, ...]
    ) -> list[ColumnElement[bool]]:
        return [self.among(getattr(self.model, self.parent), parent_ids)]

    async def batch_load_fn(self, keys: Sequence[ParentPageKey]) -> list[RowPage]:
        groups: dict[tuple[Any, ...], list[uuid.UUID]] = defaultdict(list)
        for key in keys:
            groups[(key.first, key.after, key.filters, key.order)].append(key.parent_id)
        pages: dict[ParentPageKey, RowPage] = {}
        for (first, after, filters, order_name), parent_ids in groups.items():
            order, descending = self.orders[order_name]
            clauses = self.clauses(parent_ids, filters)
            if after is not None:
                clauses.append(after_clause(order, after, descending))
            by = [o.column.desc() if descending else o.column.asc() for o in order]
            parent = getattr(self.model, self.parent)
            rank = func.row_number().over(partition_by=parent, order_by=by).label("rank")
            inner = select(self.model, rank).where(*clauses).subquery()
            row = aliased(self.model, inner)
            statement = (
                select(row)
                .where(inner.c.rank <= first + 1)
                .order_by(getattr(inner.c, self.parent), inner.c.rank)
            )
            grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
            for found in await self.fetch(statement):
                grouped[getattr(found, self.parent)].append(found)
            for parent_id in parent_ids:
                rows = grouped.get(parent_id, [])
                key = ParentPageKey(parent_id, first, after, filters, order_name)
                pages[key] = RowPage(rows=rows[:first], has_next_page=len(rows) > first)
        return [pages[key] for key in keys]


class NullsLast(float):
    """Cursor value of a nullable score sorted with `coalesce(score, -1)`: null reads as -1."""

    def __new__(cls, value: object = None) -> NullsLast:
        if value is None:
            return super().__new__(cls, -1.0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("not a score")
        return super().__new__(cls, value)
