"""Query documents: size limits, string checks and caches bounded by bytes (issue 13, items 2, 9).

Parsing and validating a document is cached, but an anonymous client chooses the documents:
caches that count entries let 256 distinct 2 MB documents pin gigabytes. These caches count
bytes (the text plus an estimate of the parsed tree), skip large documents altogether, and
the text itself is capped separately from the request body (variables carry the data; the
query text does not need megabytes).

Strings the database cannot store (NUL, lone UTF-16 surrogates) are refused here, once for
every argument, as BAD_USER_INPUT: in variables and in literals of the document.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FloatValueNode,
    GraphQLError,
    IntValueNode,
    NameNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    parse,
)
from strawberry.extensions import SchemaExtension

V = TypeVar("V")

# the parsed tree takes about this many bytes per AST node (measured with tracemalloc)
NODE_BYTES = 400
# characters of a number literal: no Int or Float needs more, and Python refuses to convert
# integers of over 4,300 digits (an internal error in graphql-core's coercion)
MAX_NUMBER_LITERAL = 64


class ByteBoundedCache(Generic[V]):
    """A least-recently-used cache whose bound is the bytes its entries take, not their count."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0  # the cache's own accounting of what it holds
        self._entries: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()  # sync resolvers may run in threads

    def __len__(self) -> int:
        return len(self._entries)

    def values(self) -> list[V]:
        """What the cache holds, least recently used first."""
        with self._lock:
            return [value for value, _ in self._entries.values()]

    def get(self, key: str) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: str, value: V, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._entries[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.bytes -= dropped


@dataclass(frozen=True)
class DocumentLimits:
    max_document_bytes: int  # the query text
    max_string_literal: int  # characters of one string literal in the document
    cache_bytes: int  # each of the parse and validation caches
    max_cached_document_bytes: int  # larger documents are parsed and validated every time


class DocumentCaches:
    """The parse and validation caches of one schema."""

    def __init__(self, limits: DocumentLimits) -> None:
        self.limits = limits
        self.parsed: ByteBoundedCache[DocumentNode] = ByteBoundedCache(limits.cache_bytes)
        self.validated: ByteBoundedCache[list[GraphQLError]] = ByteBoundedCache(limits.cache_bytes)

    def cacheable(self, query: str) -> bool:
        return text_bytes(query) <= self.limits.max_cached_document_bytes


def text_bytes(text: str) -> int:
    """UTF-8 size, also for text holding lone surrogates (refused later, but measured first)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def storable(text: str) -> bool:
    """Whether the database can store `text`: no NUL, no lone surrogate."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bad_input(message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", **extensions})


OPERATION_NAME_REQUIRED = "OPERATION_NAME_REQUIRED"
UNSTORABLE = "Strings must not hold NUL characters or lone UTF-16 surrogates"


def check_variables(variables: object) -> None:
    """Refuse NUL and lone surrogates anywhere in the variables (keys included)."""
    stack = [variables]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if not storable(value):
                raise bad_input(UNSTORABLE)
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def nodes(document: Node) -> Iterator[Node]:
    stack = [document]
    while stack:
        node = stack.pop()
        yield node
        for key in node.keys:
            value = getattr(node, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(item for item in value if isinstance(item, Node))


def checked_document(document: DocumentNode, max_string_literal: int) -> int:
    """Refuse over-long or unstorable literals; the tree's estimated size in bytes."""
    count = 0
    for node in nodes(document):
        count += 1
        if isinstance(node, StringValueNode):
            if len(node.value) > max_string_literal:
                raise bad_input(
                    f"String literals are limited to {max_string_literal} characters; "
                    "pass longer text in variables",
                    maxLength=max_string_literal,
                )
            if not storable(node.value):
                raise bad_input(UNSTORABLE)
        elif isinstance(node, IntValueNode | FloatValueNode):
            if len(node.value) > MAX_NUMBER_LITERAL:
                raise bad_input(
                    f"Number literals are limited to {MAX_NUMBER_LITERAL} characters",
                    maxLength=MAX_NUMBER_LITERAL,
                )
    return count * NODE_BYTES


def placeholder(operation_name: str | None) -> DocumentNode:
    """`query <name> { __typename }`: stands in for a refused document until its errors are
    reported (the operation's name must still resolve)."""
    return DocumentNode(
        definitions=(
            OperationDefinitionNode(
                operation=OperationType.QUERY,
                name=NameNode(value=operation_name) if operation_name else None,
                variable_definitions=(),
                directives=(),
                selection_set=SelectionSetNode(
                    selections=(
                        FieldNode(
                            name=NameNode(value="__typename"),
                            arguments=(),
                            directives=(),
                        ),
                    )
                ),
            ),
        )
    )


class DocumentGate(SchemaExtension):
    """Parses through the byte-bounded cache after the size and string checks."""

    def __init__(self, caches: DocumentCaches) -> None:
        self.caches = caches

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            try:
                context.graphql_document = self.checked(context.query, context)
            except GraphQLError as error:
                # Reported like a validation error: strawberry's WebSocket path does not
                # catch errors raised by this hook, so the refusal travels as data.
                context.graphql_document = placeholder(context.operation_name)
                context.pre_execution_errors = [error]
        yield

    def checked(self, query: str, context: Any) -> DocumentNode:
        limits = self.caches.limits
        if text_bytes(query) > limits.max_document_bytes:
            raise GraphQLError(
                f"The query document is larger than {limits.max_document_bytes} bytes",
                extensions={"code": "DOCUMENT_TOO_LARGE", "maxBytes": limits.max_document_bytes},
            )
        check_variables(context.variables)
        if context.operation_name is not None and not storable(context.operation_name):
            raise bad_input(UNSTORABLE)
        document = self.parse(query, context.parse_options)
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if context.operation_name is None and len(operations) > 1:
            # never guess: running the first one may run a mutation the client did not mean
            raise GraphQLError(
                "The document holds several operations: name one in `operationName`",
                extensions={"code": OPERATION_NAME_REQUIRED},
            )
        return document

    def parse(self, query: str, options: Mapping[str, Any]) -> DocumentNode:
        cached = self.caches.parsed.get(query)
        if cached is not None:
            return cached
        document = parse(query, **options)
        tree = checked_document(document, self.caches.limits.max_string_literal)
        if self.caches.cacheable(query):
            self.caches.parsed.put(query, document, text_bytes(query) + tree)
        return document


class CachedValidation(SchemaExtension):
    """Validation results by document text; skipped when a limiter already refused it."""

    def __init__(self, caches: DocumentCaches, validate: Callable[..., list[GraphQLError]]):
        self.caches = caches
        self.validate = validate

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors or context.graphql_document is None:
            yield
            return
        query = context.query
        errors = self.caches.validated.get(query) if query is not None else None
        if errors is None:
            errors = self.validate(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
            if query is not None and self.caches.cacheable(query):
                size = text_bytes(query) + sum(len(e.message) + NODE_BYTES for e in errors)
                self.caches.validated.put(query, errors, size)
        context.pre_execution_errors = errors
        yield
