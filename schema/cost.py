"""Query cost: reject operations that would fetch too much before any resolver runs (G-10/11).

Cost is the number of field values an operation may produce: every field counts once per
object it is selected on, and list fields multiply what is below them by their size: the
`first` argument where there is one (at most 100), 20 for connections without it, 10 for
plain lists (a candidate's skills, a job's skills, ...). Duplicated fields count every time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.type import GraphQLOutputType, get_named_type
from strawberry.extensions import SchemaExtension

from loaders.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

PLAIN_LIST_SIZE = 10


@dataclass
class Estimate:
    cost: int = 0
    fields: int = 0


class _Estimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.result = Estimate()

    def walk(
        self,
        selections: SelectionSetNode,
        parent: GraphQLNamedType | None,
        multiplier: int,
        expanding: frozenset[str],
    ) -> None:
        for node in selections.selections:
            if isinstance(node, FieldNode):
                self.field(node, parent, multiplier, expanding)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                self.walk(node.selection_set, target, multiplier, expanding)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in expanding:  # cycles are validation's business
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                self.walk(fragment.selection_set, target, multiplier, expanding | {name})

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType | None,
        multiplier: int,
        expanding: frozenset[str],
    ) -> None:
        self.result.fields += 1
        self.result.cost += multiplier
        if node.selection_set is None:
            return
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(node.name.value)
        field_type: GraphQLOutputType | None = definition.type if definition else None
        size = self.size(node, field_type, parent)
        target = get_named_type(field_type) if field_type is not None else None
        self.walk(node.selection_set, target, multiplier * size, expanding)

    def size(
        self,
        node: FieldNode,
        field_type: GraphQLOutputType | None,
        parent: GraphQLNamedType | None,
    ) -> int:
        for argument in node.arguments or ():
            if argument.name.value == "first":
                value: Any = None
                if isinstance(argument.value, IntValueNode):
                    value = int(argument.value.value)
                elif isinstance(argument.value, VariableNode):
                    value = self.variables.get(argument.value.name.value)
                if isinstance(value, int):
                    return max(0, min(value, MAX_PAGE_SIZE))
        named = get_named_type(field_type) if field_type is not None else None
        if named is not None and named.name.endswith("Connection"):
            return DEFAULT_PAGE_SIZE
        inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
        in_connection = parent is not None and parent.name.endswith("Connection")
        if isinstance(inner, GraphQLList) and not in_connection:
            return PLAIN_LIST_SIZE
        return 1


def estimate(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> Estimate:
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[operation.operation.value]
    estimator = _Estimator(schema, fragments, variables)
    estimator.walk(operation.selection_set, root, 1, frozenset())
    return estimator.result


class QueryCostLimiter(SchemaExtension):
    """Rejects an operation whose cost or field count is over the limit, before validation."""

    def __init__(self, max_cost: int, max_fields: int) -> None:
        self.max_cost = max_cost
        self.max_fields = max_fields

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            wanted = context.operation_name
            for operation in operations:
                if wanted and (operation.name is None or operation.name.value != wanted):
                    continue
                found = estimate(
                    context.schema._schema, operation, fragments, context.variables or {}
                )
                if found.fields > self.max_fields or found.cost > self.max_cost:
                    context.pre_execution_errors = [
                        GraphQLError(
                            f"Query is too large: {found.fields} fields (max {self.max_fields}), "
                            f"estimated cost {found.cost} (max {self.max_cost}).",
                            extensions={
                                "code": "QUERY_TOO_COMPLEX",
                                "cost": found.cost,
                                "maxCost": self.max_cost,
                            },
                        )
                    ]
                    break
        yield
