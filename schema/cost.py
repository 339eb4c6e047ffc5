"""Query cost: reject operations that would fetch too much before any resolver runs (G-10/11).

Cost is the number of field values an operation may produce: every field counts once per
object it is selected on, and list fields multiply what is below them by their size: the
`first` value the executor will use (variable defaults and coercion included, at most 100),
20 for connections without it, 10 for plain lists (a candidate's skills, a job's skills, ...).
Duplicated fields count every time.

The walk costs each fragment once: a fragment's field count and cost per object do not
depend on where it is spread, so they are computed on first use and multiplied afterwards.
The work is therefore bounded by the size of the document, not by its expansion (fragments
that spread other fragments twice would otherwise double the work per level), and the walk
stops as soon as a limit is passed.
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
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.type import GraphQLOutputType, get_named_type
from strawberry.extensions import SchemaExtension

from loaders.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

PLAIN_LIST_SIZE = 10


@dataclass(frozen=True)
class Estimate:
    """What one operation may produce: `cost` field values from `fields` selected fields."""

    cost: int = 0
    fields: int = 0


class TooComplexError(Exception):
    """A limit was passed; the walk stops here (the estimate so far is a lower bound)."""

    def __init__(self, estimate: Estimate, steps: int) -> None:
        super().__init__()
        self.estimate = estimate
        self.steps = steps  # selections counted before stopping


@dataclass
class _Limits:
    """Running totals of the whole operation, checked at every step."""

    max_cost: int
    max_fields: int
    fields: int = 0
    cost: int = 0
    steps: int = 0  # one per field node walked or fragment reused: bounded by document size

    def add(self, fields: int, cost: int) -> None:
        self.steps += 1
        self.fields += fields
        self.cost += cost
        if self.fields > self.max_fields or self.cost > self.max_cost:
            raise TooComplexError(Estimate(cost=self.cost, fields=self.fields), self.steps)


class _Estimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues | None,
        limits: _Limits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.memo: dict[str, Estimate] = {}  # fragment name -> its fields and cost per object
        self.expanding: set[str] = set()

    def selections(
        self, selections: SelectionSetNode, parent: GraphQLNamedType | None, multiplier: int
    ) -> Estimate:
        """Fields and cost per parent object of a selection set.

        `multiplier` (how many parent objects the whole operation may reach) only feeds the
        running totals; the result never depends on it, which is what makes memoizing
        fragments sound.
        """
        cost = fields = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                part = self.field(node, parent, multiplier)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                part = self.selections(node.selection_set, target, multiplier)
            elif isinstance(node, FragmentSpreadNode):
                part = self.spread(node.name.value, multiplier)
            else:  # pragma: no cover - the three kinds above are all graphql has
                continue
            cost += part.cost
            fields += part.fields
        return Estimate(cost=cost, fields=fields)

    def spread(self, name: str, multiplier: int) -> Estimate:
        known = self.memo.get(name)
        if known is not None:
            # the fragment's fields are selected again: count them, without walking again
            self.limits.add(known.fields, known.cost * multiplier)
            return known
        fragment = self.fragments.get(name)
        if fragment is None or name in self.expanding:  # cycles are validation's business
            return Estimate()
        self.expanding.add(name)
        target = self.schema.get_type(fragment.type_condition.name.value)
        found = self.selections(fragment.selection_set, target, multiplier)
        self.expanding.discard(name)
        self.memo[name] = found
        return found

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, multiplier: int) -> Estimate:
        self.limits.add(1, multiplier)
        if node.selection_set is None:
            return Estimate(cost=1, fields=1)
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(node.name.value)
        size = self.size(node, definition, parent)
        target = get_named_type(definition.type) if definition is not None else None
        below = self.selections(node.selection_set, target, multiplier * size)
        return Estimate(cost=1 + size * below.cost, fields=1 + below.fields)

    def size(
        self, node: FieldNode, definition: GraphQLField | None, parent: GraphQLNamedType | None
    ) -> int:
        field_type: GraphQLOutputType | None = definition.type if definition else None
        if definition is not None and "first" in definition.args:
            first = self.first(node, definition)
            if first is not None:
                return max(0, min(first, MAX_PAGE_SIZE))
            return DEFAULT_PAGE_SIZE
        named = get_named_type(field_type) if field_type is not None else None
        if named is not None and named.name.endswith("Connection"):
            return DEFAULT_PAGE_SIZE
        inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
        in_connection = parent is not None and parent.name.endswith("Connection")
        if isinstance(inner, GraphQLList) and not in_connection:
            return PLAIN_LIST_SIZE
        return 1

    def first(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The `first` the executor will pass: coerced, with variable defaults applied."""
        if self.variables is None:  # variables do not coerce: the operation will not run
            return None
        try:
            value = get_argument_values(definition, node, self.variables).get("first")
        except GraphQLError:  # a bad argument: validation or execution refuses the operation
            return None
        return value if isinstance(value, int) else None


def estimate(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    max_cost: int,
    max_fields: int,
) -> Estimate:
    """The operation's cost and field count; raises `TooComplexError` once over a limit."""
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[operation.operation.value]
    coerced = coerced_variables(schema, operation, variables)
    estimator = _Estimator(schema, fragments, coerced, _Limits(max_cost, max_fields))
    return estimator.selections(operation.selection_set, root, 1)


def coerced_variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> VariableValues | None:
    """Variables as the executor sees them (defaults, Int coercion); None when they fail."""
    try:
        coerced = get_variable_values(
            schema, operation.variable_definitions or (), dict(variables), max_errors=1
        )
    except (GraphQLError, TypeError):  # unknown variable types: validation says so
        return None
    return coerced if isinstance(coerced, VariableValues) else None


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
                try:
                    found = estimate(
                        context.schema._schema,
                        operation,
                        fragments,
                        context.variables or {},
                        self.max_cost,
                        self.max_fields,
                    )
                except TooComplexError as exc:
                    context.pre_execution_errors = [self.error(exc.estimate)]
                    break
                if found.fields > self.max_fields or found.cost > self.max_cost:
                    context.pre_execution_errors = [self.error(found)]
                    break
        yield

    def error(self, found: Estimate) -> GraphQLError:
        return GraphQLError(
            f"Query is too large: at least {found.fields} fields (max {self.max_fields}), "
            f"estimated cost at least {found.cost} (max {self.max_cost}).",
            extensions={
                "code": "QUERY_TOO_COMPLEX",
                "cost": found.cost,
                "maxCost": self.max_cost,
                "fields": found.fields,
                "maxFields": self.max_fields,
            },
        )
