"""Look-ahead prefetching: a page loads its nested relations before its fields resolve.

A list resolver knows which nested fields the client selected. It asks each relation's loader
(at the same field path the nested resolver would use, so the statements are the very same
batches) for all rows of the page at once, level by level, before returning. The nested
resolvers then find their rows already loaded and return them synchronously: no coroutine,
task or awaitable per object, which is most of what a deep page otherwise costs in the
GraphQL executor. Anything not prefetched still loads lazily through the same loaders.
The relations come from the fields' own declarations (`schema.relations.relation`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from loaders.base import ByParentLoader, Loader
from loaders.json_lists import supports
from loaders.registry import LoaderSet
from resolvers.context import Context, response_path
from schema.compiled.json_lists import json_fields, selection_pairs
from schema.relations import RELATIONS, Relation

Selection = SelectedField | InlineFragment | FragmentSpread


def fields_of(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """Selected fields with fragments flattened (directives are ignored: at worst we load
    something a `@skip` then leaves unused)."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from fields_of(selection.selections)


async def prefetch(
    ctx: Context,
    path: tuple[str, ...],
    type_name: str,
    rows: Sequence[Any],
    selections: Sequence[Selection],
) -> None:
    """Load every selected relation of `rows` (and theirs) one batch per field path."""
    relations = RELATIONS.get(type_name, {})
    pending: list[Awaitable[None]] = []
    for field in fields_of(selections):
        relation = relations.get(field.name)
        if relation is None:
            continue
        keys = list(dict.fromkeys(k for k in map(relation.key, rows) if k is not None))
        if keys:
            child_path = (*path, field.alias or field.name)
            pending.append(_prefetch_field(ctx, child_path, relation, keys, field.selections))
    if pending:
        # every relation's loads finish before an error of one is raised: none of them is
        # left running (holding a connection) after the response
        done = await asyncio.gather(*pending, return_exceptions=True)
        for result in done:
            if isinstance(result, BaseException):
                raise result


async def _prefetch_field(
    ctx: Context,
    path: tuple[str, ...],
    relation: Relation,
    keys: list[Any],
    selections: Sequence[Selection],
) -> None:
    loaders = ctx.loaders.at(path)
    if ctx.loaders.json_lists and await _as_json(loaders, relation, keys, selections):
        return
    loader: Loader[Any, Any] = loaders.of(relation.loader)
    results = await loader.load_all(keys)
    if relation.child is None or not selections:
        return
    if relation.many:
        children = [row for rows in results for row in rows]
    else:
        children = [row for row in results if row is not None]
    await prefetch(ctx, path, relation.child, children, selections)


async def _as_json(
    loaders: LoaderSet, relation: Relation, keys: list[Any], selections: Sequence[Selection]
) -> bool:
    """Load the lists as JSON built by PostgreSQL when the selection allows it (for the
    compiled path, which reads them: `schema.compiled.json_lists`); False when it does not."""
    child = relation.child_type
    pairs = selection_pairs(selections)
    if child is None or pairs is None:
        return False
    spec = json_fields(relation, child, pairs)
    if spec is None:
        return False
    rows = loaders.of(spec.rows)
    if not isinstance(rows, ByParentLoader) or not supports(rows, spec):
        return False
    await loaders.json_list(spec).load_all(keys)
    return True


def selected_fields(info: Any) -> list[SelectedField]:
    """`info.selected_fields`, converted once per request and field.

    strawberry converts the field's selection anew on every access, and a page of pages asks
    for it in every parent's nested connection (its count, cursors and prefetching).
    """
    memo: dict[tuple[int, ...], Any] = info.context.selections
    key = tuple(map(id, info._raw_info.field_nodes))
    found = memo.get(key)
    if found is None:
        # the nodes are kept with the result: their ids stay theirs while it is cached
        found = memo[key] = (info._raw_info.field_nodes, info.selected_fields)
    return found[1]  # type: ignore[no-any-return]


def selects(info: Any, *names: str) -> bool:
    """Whether the field being resolved selects the path `names` (`"totalCount"`, or
    `"edges", "cursor"`), fragments included."""
    level: list[SelectedField] = list(selected_fields(info))
    for name in names:
        level = [
            field
            for selected in level
            for field in fields_of(selected.selections)
            if field.name == name
        ]
        if not level:
            return False
    return True


async def prefetch_connection(info: Any, type_name: str, rows: Sequence[Any]) -> None:
    """Prefetch below `edges { node { ... } }` of the connection field being resolved."""
    ctx: Context = info.context
    base = response_path(info)
    for connection in selected_fields(info):
        for edges in fields_of(connection.selections):
            if edges.name != "edges":
                continue
            for node in fields_of(edges.selections):
                if node.name == "node":
                    path = (*base, edges.alias or "edges", node.alias or "node")
                    await prefetch(ctx, path, type_name, rows, node.selections)
