"""Which nested lists the compiled path loads as JSON built by PostgreSQL (`loaders.json_lists`).

A relation listing rows qualifies when the client selects only `__typename` and fields that
`from_model` copies from a column (`schema.compiled.rows`), of the scalar and enum types whose
JSON form PostgreSQL writes as the GraphQL value. Look-ahead prefetching decides from the
selection it walks and starts the JSON loader; the item plan decides from its steps, which
give the same fields for the same selection, and reads what the loader holds. When they do
not meet (fragments or directives in the selection, which prefetching does not evaluate), the
list loads as rows, as before: only speed depends on this decision, never a response.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
)
from strawberry.schema.types.base_scalars import DateDefinition
from strawberry.types.nodes import SelectedField

from loaders.json_lists import FieldKind, JsonField, JsonList
from schema.compiled.plans import enum_names, plain, strawberry_class, unwrap_non_null
from schema.compiled.rows import ROW, row_columns
from schema.relations import DEFINITION, Relation

Pairs = tuple[tuple[str, str], ...]  # (response key, field name) in response order

MAX_DECIDED = 1024
_DECIDED: dict[tuple[int, str, Pairs], JsonList | None] = {}


def json_fields(relation: Relation, child: GraphQLObjectType, pairs: Pairs) -> JsonList | None:
    """The relation's loader and the JSON item fields of this selection of its rows, or None
    when the list must load as rows. The same selection gets the same object while it is
    kept here."""
    key = (id(relation), child.name, pairs)
    if key in _DECIDED:
        return _DECIDED[key]
    if len(_DECIDED) >= MAX_DECIDED:
        _DECIDED.clear()  # aliases are the client's: the decisions must stay bounded
    fields = _decide(relation, child, pairs)
    found = _DECIDED[key] = None if fields is None else JsonList(relation.loader, fields)
    return found


def _decide(
    relation: Relation, child: GraphQLObjectType, pairs: Pairs
) -> tuple[JsonField, ...] | None:
    if not relation.returns_list or relation.visible is not None or relation.convert is not None:
        return None
    if not pairs or len({key for key, _ in pairs}) != len(pairs):
        return None
    origin = strawberry_class(child)
    columns = row_columns(origin) if origin is not None else None
    if columns is None:
        return None
    fields = []
    for response_key, name in pairs:
        if name == "__typename":
            fields.append(JsonField(response_key, FieldKind.TYPENAME, constant=child.name))
            continue
        field = _field(child, columns, response_key, name)
        if field is None:
            return None
        fields.append(field)
    return tuple(fields)


def _field(
    child: GraphQLObjectType, columns: dict[str, Any], response_key: str, name: str
) -> JsonField | None:
    field_def = child.fields.get(name)
    if field_def is None:
        return None
    definition = (field_def.extensions or {}).get(DEFINITION)
    if (
        definition is None
        or not plain(definition)
        or not getattr(field_def.resolve, "_is_default", False)
        or definition.base_resolver is not None
        or definition.default_resolver is not getattr
        or field_def.args
    ):
        return None
    column = columns.get(definition.python_name)
    if column is None or column is ROW:
        return None
    leaf = unwrap_non_null(field_def.type)
    non_null = isinstance(field_def.type, GraphQLNonNull)
    kind, enum_class, labels = _kind(leaf, as_str=column.as_str)
    if kind is None:
        return None
    return JsonField(
        response_key,
        kind,
        column=column.name,
        non_null=non_null,
        enum_class=enum_class,
        labels=labels,
    )


def _kind(leaf: Any, *, as_str: bool) -> tuple[FieldKind | None, Any, tuple[str, ...]]:
    if as_str:
        return (FieldKind.UUID_TEXT if leaf is GraphQLID else None), None, ()
    if leaf is GraphQLString or leaf is GraphQLID:
        return FieldKind.TEXT, None, ()
    if leaf is GraphQLInt:
        return FieldKind.INT, None, ()
    if leaf is GraphQLBoolean:
        return FieldKind.BOOLEAN, None, ()
    if leaf is GraphQLFloat:
        return FieldKind.FLOAT, None, ()
    if isinstance(leaf, GraphQLScalarType) and leaf.serialize is DateDefinition.serialize:
        return FieldKind.DATE, None, ()
    wrapped = getattr(leaf, "wrapped_cls", None)
    if isinstance(leaf, GraphQLEnumType) and isinstance(wrapped, enum.EnumMeta):
        names = enum_names(leaf)
        members: list[Any] = list(wrapped)
        if all(member in names for member in members):
            return FieldKind.ENUM, wrapped, tuple(names[member] for member in members)
    return None, None, ()


def selection_pairs(selections: Sequence[Any]) -> Pairs | None:
    """(response key, field name) of a selection of plain fields (strawberry's
    `SelectedField`s), or None when it has anything else: a fragment, a directive, an
    argument or a sub-selection."""
    pairs: list[tuple[str, str]] = []
    for selection in selections:
        if (
            not isinstance(selection, SelectedField)
            or selection.directives
            or selection.arguments
            or selection.selections
        ):
            return None
        pair = (selection.alias or selection.name, selection.name)
        if pair not in pairs:
            pairs.append(pair)
    return tuple(pairs)
