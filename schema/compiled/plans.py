"""Plans: how each field of a selection set is read and completed, decided once."""

from __future__ import annotations

import dataclasses
from math import isfinite
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
)
from graphql.language import DirectiveNode, FieldNode, VariableNode, Visitor

from schema.compiled.rows import ROW, Column
from schema.documents import ByteBoundedCache
from schema.relations import Masked, Relation

TYPENAME, LEAF, VALUE, RELATION, GENERAL, MASKED = range(6)  # how a step reads its field
GENERIC, OBJECT = range(2)  # how a VALUE or RELATION step completes its value


@dataclasses.dataclass(eq=False, slots=True)
class Step:
    key: str  # response key
    kind: int
    parent: GraphQLObjectType
    field_def: GraphQLField
    details: Any  # graphql-core's FieldDetailsList: the field's nodes
    return_type: GraphQLOutputType
    attr: str  # Python attribute of the object (LEAF, VALUE)
    coerce: Any  # the leaf type's output coercion (LEAF)
    non_null: bool
    null_message: str
    relation: Relation | None
    masked: Masked | None = None  # MASKED: the row's column and the policy that may hide it
    make: Any = None  # of a plan run on rows: the parent type's `from_model`, for resolvers
    plan: ObjectPlan | None = None  # of the object(s) the field returns
    shape: int = 0  # GENERIC or OBJECT: how the value is completed
    column: Column | None = None  # LEAF of a plan run on rows: the row's column it copies
    on_row: bool = False  # the step's plan runs on rows (the source is the row itself)
    inline: bool = False  # RELATION: a list of rows whose plan has only leaves (`rows_list`)
    json: Any = None  # inline: a `JsonList` when the list may load as JSON (`json_lists`)


@dataclasses.dataclass(eq=False, slots=True)
class ObjectPlan:
    type: GraphQLObjectType
    steps: list[Step]
    details: Any  # keeps the field nodes alive: their ids key the cache
    run: Any = None  # (executor, object, path, response keys) -> dict or awaitable
    rows: bool = False  # runs on the loaded rows themselves, not on objects made of them
    leaves_only: bool = False  # only leaves and `__typename`: never awaits, never raises


class PlanCache:
    """Plans by selection set, bounded by the bytes their steps take (a client sending
    ever new documents cannot pin memory)."""

    def __init__(self, max_bytes: int, max_document_bytes: int) -> None:
        self.max_document_bytes = max_document_bytes  # larger documents' plans are not kept
        self.plans: ByteBoundedCache[ObjectPlan] = ByteBoundedCache(max_bytes)
        self.directive_variables: ByteBoundedCache[tuple[str, ...]] = ByteBoundedCache(
            max_bytes // 8
        )


class DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        if node.name.value in ("skip", "include"):
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    self.names.add(argument.value.name.value)


MAX_INT, MIN_INT = 2**31 - 1, -(2**31)


def coercer(leaf: Any) -> Any:
    """The leaf type's output coercion, with the common case made cheap.

    A fast coercer returns None for anything it does not take as is; the step then asks the
    type itself (`complete_leaf_value`), which coerces the value or raises graphql-core's
    own error, so the fast path never changes a result.
    """
    if isinstance(leaf, GraphQLEnumType):
        names = enum_names(leaf)

        def enum(value: Any) -> Any:
            try:
                return names.get(value)
            except TypeError:  # unhashable: the slow path says why
                return None

        return enum
    if leaf is GraphQLString or leaf is GraphQLID:
        return lambda value: value if type(value) is str else None
    if leaf is GraphQLBoolean:
        return lambda value: value if type(value) is bool else None
    if leaf is GraphQLInt:
        return lambda value: value if type(value) is int and MIN_INT <= value <= MAX_INT else None
    if leaf is GraphQLFloat:
        return lambda value: value if type(value) is float and isfinite(value) else None
    return leaf.coerce_output_value


def enum_names(leaf: GraphQLEnumType) -> dict[Any, str]:
    """An enum type's output names by the values a field may hold (strawberry's enums: the
    members of the Python enum they wrap)."""
    wrapped = getattr(leaf, "wrapped_cls", None)
    if wrapped is not None:
        return {
            member: name
            for name, value in leaf.values.items()
            for member in wrapped
            if member.value == value.value
        }
    return {value.value: name for name, value in leaf.values.items()}


def plain(definition: Any) -> bool:
    """No field extensions or permission classes between the executor and the value."""
    return not definition.extensions and not getattr(definition, "permission_classes", None)


def unwrap_non_null(kind: Any) -> Any:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


def shape_of(kind: Any, plan: ObjectPlan) -> int:
    """OBJECT for `T` or `T!` (T an object type without an `is_type_of` check), else GENERIC."""
    kind = unwrap_non_null(kind)
    return OBJECT if kind is plan.type and kind.is_type_of is None else GENERIC


def named(kind: Any) -> Any:
    while isinstance(kind, (GraphQLNonNull, GraphQLList)):
        kind = kind.of_type
    return kind


def field_nodes(step: Step) -> list[FieldNode]:
    return [detail.node for detail in step.details]


def list_of(kind: Any) -> Any:
    """The item type of `[T]` (through non-null on both levels), else None."""
    kind = unwrap_non_null(kind)
    return unwrap_non_null(kind.of_type) if isinstance(kind, GraphQLList) else None


def strawberry_class(object_type: GraphQLObjectType) -> Any:
    """The Python class strawberry made the GraphQL type from (None for others)."""
    definition = (object_type.extensions or {}).get("strawberry-definition")
    return getattr(definition, "origin", None)


def row_step(step: Step, columns: dict[str, Column]) -> bool:
    """Whether a plan run on rows can do the step: `__typename`, a leaf copied from a
    column, a relation (its key is a column) or a masked column. Anything else is computed
    by the object, and the plan is run on objects."""
    if step.kind in (TYPENAME, RELATION, MASKED):
        return True
    if step.kind == LEAF:
        column = columns.get(step.attr)
        return column is not None and column is not ROW
    return False
