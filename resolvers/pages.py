"""Running a keyset-paginated list query and counting its total lazily."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func
from sqlmodel import SQLModel, select

from loaders.base import fetch_rows
from loaders.pagination import (
    InvalidCursorError,
    OrderColumn,
    PageArgs,
    after_clause,
    clamp_first,
    decode_cursor,
    encode_cursor,
)
from models.db import SessionFactory
from resolvers.errors import BadUserInputError

T = TypeVar("T")

MAX_FILTER_VALUES = 20
MAX_SEARCH_LENGTH = 200  # characters of search text and locations in filters
MAX_NAME_LENGTH = 100  # characters of a skill name or an exact-match name in filters


class OrderDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass
class Page(Generic[T]):
    rows: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    _session_factory: SessionFactory
    _count: Any

    async def total_count(self) -> int:
        """Counted only when a client asks for `totalCount` (one extra statement)."""
        rows = await fetch_rows(self._session_factory, self._count)
        return int(rows[0][0])


def like_pattern(text: str) -> str:
    """A case-insensitive substring pattern with LIKE wildcards in user input escaped."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def bounded(values: Sequence[Any] | None, field: str) -> tuple[Any, ...]:
    if not values:
        return ()
    if len(values) > MAX_FILTER_VALUES:
        raise BadUserInputError(f"at most {MAX_FILTER_VALUES} values are allowed", field=field)
    return tuple(values)


def bounded_text(value: str | None, limit: int, field: str) -> str | None:
    """Free text a list is filtered by: longer text is refused before it reaches SQL."""
    if value is not None and len(value) > limit:
        raise BadUserInputError(f"at most {limit} characters are allowed", field=field)
    return value


def bounded_texts(values: Sequence[str] | None, limit: int, field: str) -> tuple[str, ...]:
    """A list of free-text values: at most `MAX_FILTER_VALUES`, each at most `limit` long."""
    return tuple(bounded_text(v, limit, field) or "" for v in bounded(values, field))


async def fetch_page(
    session_factory: SessionFactory,
    model: type[SQLModel],
    where: list[ColumnElement[bool]],
    order: Sequence[OrderColumn],
    direction: OrderDirection,
    tag: str,
    args: PageArgs,
) -> Page[Any]:
    """One statement for the page (first + 1 rows tell whether another page exists)."""
    try:
        first = clamp_first(args.first)
        after = decode_cursor(tag, args.after, order) if args.after else None
    except InvalidCursorError as exc:
        raise BadUserInputError(str(exc), field="after" if args.after else "first") from exc
    descending = direction is OrderDirection.DESC
    clauses = list(where)
    if after is not None:
        clauses.append(after_clause(order, after, descending))
    order_by = [o.column.desc() if descending else o.column.asc() for o in order]
    statement = select(model).where(*clauses).order_by(*order_by).limit(first + 1)
    rows = list(await fetch_rows(session_factory, statement))
    rows_on_page = rows[:first]
    return Page(
        rows=rows_on_page,
        cursors=[encode_cursor(tag, row, order) for row in rows_on_page],
        has_next_page=len(rows) > first,
        has_previous_page=after is not None,
        _session_factory=session_factory,
        _count=select(func.count()).select_from(model).where(*where),
    )
