"""Introspection policy: on, off, or for signed-in admins only (production profile, G-01/G-02).

Off means `__schema` is refused and `__type(name:)` may only say whether a type exists
(`name`, `kind`, `description`), never list its fields, arguments or values: a schema
cannot be read out type by type. `__typename` is always allowed: clients need it for
unions, and it says nothing about the schema. (The graphql-http audit asks for
`__type(name: "sometype") { name }` to answer without errors; this keeps it working.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    visit,
)
from strawberry.extensions import SchemaExtension

# quick test on the text: documents without these words need no walk
META = re.compile(r"__(schema|type)\b")
TYPE_FIELDS_ALLOWED = frozenset({"name", "kind", "description", "__typename"})
INTROSPECTION_TYPES = frozenset(
    {"__Schema", "__Type", "__Field", "__InputValue", "__EnumValue", "__Directive"}
)


class _Finder(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.found: FieldNode | None = None

    def enter_field(self, node: FieldNode, *_args: Any) -> Any:
        name = node.name.value
        parent = self.type_info.get_parent_type()
        parent_name = get_named_type(parent).name if parent is not None else ""
        if name == "__schema" or (
            parent_name in INTROSPECTION_TYPES
            and not (parent_name == "__Type" and name in TYPE_FIELDS_ALLOWED)
        ):
            self.found = node
            return self.BREAK
        return None


def introspects(schema: GraphQLSchema, document: DocumentNode) -> FieldNode | None:
    """The first field that reads the schema's structure, if any."""
    type_info = TypeInfo(schema)
    finder = _Finder(type_info)
    visit(document, TypeInfoVisitor(type_info, finder))
    return finder.found


class IntrospectionPolicy(SchemaExtension):
    """Refuses schema introspection unless the mode (or an admin viewer) allows it."""

    def __init__(self, admins_only: bool) -> None:
        self.admins_only = admins_only

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if (
            document is not None
            and not context.pre_execution_errors
            and META.search(context.query or "")
            and not (self.admins_only and _is_admin(context.context))
        ):
            node = introspects(context.schema._schema, document)
            if node is not None:
                context.pre_execution_errors = [
                    GraphQLError(
                        "Introspection is disabled on this server",
                        nodes=[node],
                        extensions={"code": "INTROSPECTION_DISABLED"},
                    )
                ]
        yield


def _is_admin(context: Any) -> bool:
    viewer = getattr(context, "viewer", None)
    return bool(getattr(viewer, "is_admin", False))
