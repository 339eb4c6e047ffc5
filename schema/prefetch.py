"""Look-ahead prefetching: a page loads its nested relations before its fields resolve.

A list resolver knows which nested fields the client selected. It asks each relation's loader
(at the same field path the nested resolver would use, so the statements are the very same
batches) for all rows of the page at once, level by level, before returning. The nested
resolvers then find their rows already loaded and return them synchronously: no coroutine,
task or awaitable per object, which is most of what a deep page otherwise costs in the
GraphQL executor. Anything not prefetched still loads lazily through the same loaders.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from loaders.base import Loader
from resolvers.context import Context, response_path

V = TypeVar("V")
R = TypeVar("R")
Selection = SelectedField | InlineFragment | FragmentSpread


def resolved(loader: Loader[Any, V], key: Any, convert: Callable[[V], R]) -> R:
    """`convert(value)` now if the loader already holds the key's value, else an awaitable.

    graphql-core awaits whatever a resolver returns when it is awaitable, so resolvers may
    return either; the annotation states what the client receives.
    """
    done, value = loader.loaded(key)
    if done:
        return convert(cast("V", value))
    return cast("R", _load(loader, key, convert))


def each(convert: Callable[[Any], R]) -> Callable[[Iterable[Any]], list[R]]:
    """Convert every row of a loaded list."""
    return lambda rows: [convert(row) for row in rows]


async def _load(loader: Loader[Any, V], key: Any, convert: Callable[[V], R]) -> R:
    return convert(await loader.load(key))


@dataclass(frozen=True)
class Relation:
    loader: str  # attribute of `LoaderSet`
    key: Callable[[Any], Any]  # row -> loader key (None: nothing to load)
    many: bool = False  # the loader returns a list per key
    child: str | None = None  # GraphQL type of the loaded rows, to prefetch further


def _id(row: Any) -> Any:
    return row.id


RELATIONS: dict[str, dict[str, Relation]] = {
    "Candidate": {
        "education": Relation("education_by_candidate", _id, many=True),
        "experience": Relation("experience_by_candidate", _id, many=True),
        "skills": Relation("skills_by_candidate", _id, many=True),
        "certifications": Relation("certifications_by_candidate", _id, many=True),
        "applications": Relation("applications_by_candidate", _id, True, "Application"),
        "sourcedBy": Relation("organization", lambda r: r.sourced_by_organization_id),
    },
    "Application": {
        "candidate": Relation("candidate", lambda r: r.candidate_id, child="Candidate"),
        "job": Relation("job", lambda r: r.job_id, child="Job"),
        "events": Relation("events_by_application", _id, many=True),
        "evaluations": Relation("evaluations_by_application", _id, True, "Evaluation"),
        "latestEvaluation": Relation("evaluations_by_application", _id, True, "Evaluation"),
    },
    "Job": {
        "organization": Relation("organization", lambda r: r.organization_id),
        "skills": Relation("skills_by_job", _id, many=True),
    },
    "Evaluation": {
        "candidate": Relation("candidate", lambda r: r.candidate_id, child="Candidate"),
        "job": Relation("job", lambda r: r.job_id, child="Job"),
    },
}


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
        await asyncio.gather(*pending)


async def _prefetch_field(
    ctx: Context,
    path: tuple[str, ...],
    relation: Relation,
    keys: list[Any],
    selections: Sequence[Selection],
) -> None:
    loader: Loader[Any, Any] = getattr(ctx.loaders.at(path), relation.loader)
    results = await loader.load_many(keys)
    if relation.child is None or not selections:
        return
    if relation.many:
        children = [row for rows in results for row in rows]
    else:
        children = [row for row in results if row is not None]
    await prefetch(ctx, path, relation.child, children, selections)


async def prefetch_connection(info: Any, type_name: str, rows: Sequence[Any]) -> None:
    """Prefetch below `edges { node { ... } }` of the connection field being resolved."""
    ctx: Context = info.context
    base = response_path(info)
    for connection in info.selected_fields:
        for edges in fields_of(connection.selections):
            if edges.name != "edges":
                continue
            for node in fields_of(edges.selections):
                if node.name == "node":
                    path = (*base, edges.alias or "edges", node.alias or "node")
                    await prefetch(ctx, path, type_name, rows, node.selections)
