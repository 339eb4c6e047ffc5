"""Connections: a root list's page with its relations prefetched, and nested connections (a
job's applications, a candidate's evaluations): one keyset page per parent through a
`ParentPageLoader`, so a list of parents costs one statement per level."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry

from loaders.pagination import (
    InvalidCursorError,
    OrderColumn,
    ParentPageKey,
    ParentPageLoader,
    clamp_first,
    decode_cursor,
    encode_cursor,
)
from resolvers.errors import BadUserInputError
from resolvers.pages import Page
from schema.prefetch import prefetch_connection, selects
from schema.types.common import Connection, Edge, PageInfo, to_connection

T = TypeVar("T")


@strawberry.enum(description="Orders of a job's applications.")
class JobApplicationOrder(Enum):
    CREATED_AT = "DEFAULT"
    SCORE = "SCORE"


@strawberry.enum(description="Orders of a list of evaluations.")
class EvaluationOrder(Enum):
    CREATED_AT = "DEFAULT"
    SCORE = "SCORE"


async def nested_connection(
    loader: ParentPageLoader,
    parent_id: uuid.UUID,
    *,
    first: int | None,
    after: str | None,
    tag: str,
    order: str = "DEFAULT",
    filters: tuple[Any, ...] = (),
    convert: Callable[[Any], T],
    count: Callable[[], Awaitable[int]],
    info: Any = None,
    node_type: str | None = None,
) -> Connection[T]:
    """The page of `parent_id`'s children the arguments ask for, as a connection.

    With `info` and the GraphQL `node_type`, the relations selected below `edges { node }`
    are loaded before the connection is returned (`schema.prefetch`): the pages of all
    parents arrive in one batch, so their prefetches do too.

    Raises BadUserInputError for a negative `first` or a cursor of another list or order.
    """
    columns: tuple[OrderColumn, ...] = loader.orders[order][0]
    cursor_tag = f"{tag}:{order}"
    try:
        size = clamp_first(first)
        position = tuple(decode_cursor(cursor_tag, after, columns)) if after else None
    except InvalidCursorError as exc:
        raise BadUserInputError(str(exc), field="after" if after else "first") from exc
    counting: asyncio.Future[int] | None = None
    if info is not None and selects(info, "totalCount"):
        # asked for now, with the page: every parent's count joins one batch, whatever
        # order the parents' pages and prefetches finish in
        counting = asyncio.ensure_future(count())
    try:
        page = await loader.load(ParentPageKey(parent_id, size, position, filters, order))
        if info is not None and node_type is not None and page.rows:
            await prefetch_connection(info, node_type, page.rows)
    except BaseException:
        if counting is not None:
            counting.cancel()
        raise
    rows = page.rows
    if info is None or selects(info, "edges", "cursor"):
        cursors = [encode_cursor(cursor_tag, row, columns) for row in rows]
        edges = [Edge(cursor=c, node=convert(r)) for r, c in zip(rows, cursors, strict=True)]
        first_cursor, last_cursor = (cursors[0], cursors[-1]) if cursors else (None, None)
    else:
        # a page of pages reads the edges' cursors seldom, and encoding them is a good part
        # of its cost: an edge cursor nobody selected is never read, so it is left empty
        edges = [Edge(cursor="", node=convert(r)) for r in rows]
        first_cursor = encode_cursor(cursor_tag, rows[0], columns) if rows else None
        last_cursor = encode_cursor(cursor_tag, rows[-1], columns) if rows else None
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=position is not None,
            start_cursor=first_cursor,
            end_cursor=last_cursor,
        ),
        count=count if counting is None else _ready(counting),
    )


def _ready(counting: asyncio.Future[int]) -> Callable[[], Awaitable[int]]:
    return lambda: counting


async def root_connection(
    info: Any, type_name: str, page: Page[Any], convert: Callable[[Any], T]
) -> Connection[T]:
    """A root list's page as a connection, its nodes' relations prefetched (`schema.prefetch`).

    A selected `totalCount` is counted meanwhile: its statement runs while the relations
    load, instead of after the page has been built.
    """
    counting = asyncio.ensure_future(page.total_count()) if selects(info, "totalCount") else None
    try:
        await prefetch_connection(info, type_name, page.rows)
    except BaseException:
        if counting is not None:
            counting.cancel()
            # its statement ends (and gives back its connection) before the response
            await asyncio.gather(counting, return_exceptions=True)
        raise
    connection = to_connection(page, convert)
    if counting is not None:
        connection.count = _ready(counting)
    return connection
