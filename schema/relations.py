"""One declaration per relation: the field names its loader, key and cardinality once.

    education: list[EducationType] = relation(
        EducationByCandidateIdLoader, many=True, description="Education, oldest first."
    )

Everything else is derived from that declaration:

- the resolver (the loader at the field's path, the parent row's key, rows made into the
  field's type with its `from_model`, the viewer's policy applied);
- the loader, created per request by `LoaderSet.of(loader)` (`Loader.build`);
- look-ahead prefetching (`schema.prefetch`), which finds relations in the schema itself;
- the compiled execution path (`schema.compiled`), which reads loaded rows without calling
  the resolver at all.

The declaration lives in the field's metadata, so the built schema carries it: there is no
second table to keep in step.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import strawberry
from graphql import GraphQLField, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.lazy_type import LazyType

from loaders.base import Loader
from loaders.policy import Viewer
from resolvers.context import Context

RELATION = "talentgraph.relation"  # the key of a relation in a strawberry field's metadata
MASKED = "talentgraph.masked"  # the key of a policy-masked column in a field's metadata
DEFINITION = "strawberry-definition"  # where strawberry keeps the field on a GraphQLField

Convert = Callable[[Context, Any, Any], Any]  # (context, parent row, child row) -> object
V = TypeVar("V")
R = TypeVar("R")


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


@dataclass(eq=False)
class Relation:
    """What a relation field loads, and how its rows become the field's value."""

    loader: type[Loader[Any, Any]]
    key: Callable[[Any], Any]  # parent row -> loader key (None: nothing to load)
    many: bool  # the loader gives a list of rows per key
    latest: bool  # a list loader behind a single field: the newest visible row
    visible: Callable[[Viewer, Any], bool] | None  # the policy on each child row
    convert: Convert | None  # instead of the field type's `from_model`
    make: Callable[[Any], Any] | None = field(default=None, init=False)
    child: str | None = field(default=None, init=False)  # GraphQL type of the loaded rows
    child_type: GraphQLObjectType | None = field(default=None, init=False)

    @property
    def returns_list(self) -> bool:
        return self.many and not self.latest

    def resolve(self, context: Context, info: Any, row: Any) -> Any:
        """The field's value, or an awaitable of it when the rows are not loaded yet."""
        key = self.key(row)
        if key is None:
            return [] if self.returns_list else None
        loader = context.loaders_at(info).of(self.loader)
        return resolved(loader, key, lambda value: self.complete(context, row, value))

    def complete(self, context: Context, parent: Any, value: Any) -> Any:
        """Loaded rows to the field's value: the policy, then the field's type."""
        selected = self.select(context.viewer, value)
        if selected is None:
            return None
        make = self.maker(context, parent)
        if self.returns_list:
            return [make(row) for row in selected]
        return make(selected)

    def select(self, viewer: Viewer, value: Any) -> Any:
        """The loaded rows the viewer may see: a list, or one row (or None) for a single
        field. The compiled path reads these rows as they are when it can (`schema.compiled`)."""
        visible = self.visible
        if self.many:
            rows = value if visible is None else [r for r in value if visible(viewer, r)]
            if self.latest:
                return rows[-1] if rows else None
            return rows
        if value is None or (visible is not None and not visible(viewer, value)):
            return None
        return value

    def maker(self, context: Context, parent: Any) -> Callable[[Any], Any]:
        if self.convert is not None:
            convert = self.convert
            return lambda child: convert(context, parent, child)
        assert self.make is not None, "relation used before its schema was built"
        return self.make


@dataclass(frozen=True)
class Masked:
    """A field showing a column of its object's row that the policy may hide (contact data).

    `decide(viewer, row)` is True (show), False (null) or None (the field's resolver decides,
    with a batched lookup). The resolver applies the same rule; the compiled path uses this
    declaration to decide without calling it.
    """

    column: str
    decide: Callable[[Viewer, Any], bool | None]


def masked_of(field_def: GraphQLField) -> Masked | None:
    definition = (field_def.extensions or {}).get(DEFINITION)
    metadata = getattr(definition, "metadata", None)
    return metadata.get(MASKED) if metadata else None


def relation(
    loader: type[Loader[Any, Any]],
    *,
    key: str = "id",
    many: bool = False,
    latest: bool = False,
    visible: Callable[[Viewer, Any], bool] | None = None,
    convert: Convert | None = None,
    description: str,
) -> Any:
    """A field of a row-backed type (one with a private `row`) that loads a related row/rows.

    `key` names the parent row's attribute holding the loader key; `many` says the loader
    gives a list per key; `latest` turns such a list into its newest visible row; `visible`
    is the viewer's policy on each child row (rows it refuses are left out, or null).
    """
    spec = Relation(loader, operator.attrgetter(key), many, latest, visible, convert)

    def resolve(self: Any, info: strawberry.Info) -> Any:
        return spec.resolve(info.context, info, self.row)

    made = strawberry.field(resolver=resolve, description=description, metadata={RELATION: spec})
    _pending.append((made, spec))
    return made


_pending: list[tuple[Any, Relation]] = []

# type name -> field name -> relation, filled from the built schema by `bind_relations`
RELATIONS: dict[str, dict[str, Relation]] = {}


def bind_relations(schema: GraphQLSchema) -> None:
    """Finish the declarations from the built schema: each relation's field type (its
    `from_model`; lazy annotations point across modules, so only now is it known), its child
    type's name, and the per-type table look-ahead prefetching walks."""
    for made, spec in _pending:
        if spec.convert is None:
            spec.make = _python_type(made.type).from_model
    for name, kind in schema.type_map.items():
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__"):
            for field_name, field_def in kind.fields.items():
                declared = relation_of(field_def)
                if declared is not None:
                    child = named_type(field_def)
                    declared.child = child.name if child is not None else None
                    declared.child_type = child
                    RELATIONS.setdefault(name, {})[field_name] = declared


def _python_type(annotation: Any) -> Any:
    while isinstance(annotation, (StrawberryList, StrawberryOptional)):
        annotation = annotation.of_type
    if isinstance(annotation, LazyType):
        annotation = annotation.resolve_type()
    return annotation


def relation_of(field_def: GraphQLField) -> Relation | None:
    """The relation a GraphQL field declares, if any."""
    definition = (field_def.extensions or {}).get(DEFINITION)
    metadata = getattr(definition, "metadata", None)
    return metadata.get(RELATION) if metadata else None


def named_type(field_def: GraphQLField) -> GraphQLObjectType | None:
    """The object type a field returns, through lists and non-null."""
    kind: Any = field_def.type
    while isinstance(kind, (GraphQLNonNull, GraphQLList)):
        kind = kind.of_type
    return kind if isinstance(kind, GraphQLObjectType) else None
