"""The schema object: roots, hardening extensions and error masking."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, Visitor, visit
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from models.settings import Settings
from resolvers.errors import PublicError
from schema.cost import QueryCostLimiter
from schema.mutation import Mutation
from schema.mutations.applications import HANDLERS as APPLICATION_HANDLERS
from schema.mutations.documents import HANDLERS as DOCUMENT_HANDLERS
from schema.mutations.evaluations import HANDLERS as EVALUATION_HANDLERS
from schema.query import Query
from schema.subscription import Subscription
from schema.types.errors import EXCEPTION_HANDLERS

logger = logging.getLogger("talentgraph.graphql")


def should_mask(error: GraphQLError) -> bool:
    """Hide internal failures; keep validation, limit and domain errors readable."""
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, PublicError))


class PublicErrors(MaskErrors):
    """Masks internal errors, logged with the request id (codes are added by the view)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask)

    def _request_id(self) -> str | None:
        context: Any = self.execution_context.context
        return getattr(context, "request_id", None)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = self._request_id()
        logger.error(
            "unexpected error in %s (request %s)",
            ".".join(str(p) for p in error.path or []) or "operation",
            request_id,
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


class MaxDirectivesLimiter(SchemaExtension):
    """One error (not one per directive) for documents with more than `limit` directives.

    It runs before validation and, when it trips, takes validation's place: graphql-core would
    otherwise add one "Unknown directive" error per directive, so the error list would grow
    with the attack (G-09).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None:
            counter = _DirectiveCounter()
            visit(document, counter)
            if counter.count > self.limit:
                self.execution_context.pre_execution_errors = [
                    GraphQLError(
                        f"Document uses more than {self.limit} directives.",
                        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                    )
                ]
        yield


class CachedValidation(ValidationCache):
    """ValidationCache that leaves a document alone when a limiter already rejected it."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()


class _DirectiveCounter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter_directive(self, *_args: Any) -> None:
        self.count += 1


class TalentgraphSchema(strawberry.Schema):
    """strawberry logs every error at ERROR with a traceback, so any client could flood the
    logs with typos. Client errors are the client's business (DEBUG); unexpected ones are
    logged once, with the request id, by `PublicErrors` when it masks them."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            logger.debug("client error: %s", error.message)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    max_depth = settings.max_query_depth if settings else Settings.max_query_depth
    max_aliases = settings.max_aliases if settings else Settings.max_aliases
    max_tokens = settings.max_tokens if settings else Settings.max_tokens
    max_directives = settings.max_directives if settings else Settings.max_directives
    max_cost = settings.max_query_cost if settings else Settings.max_query_cost
    max_fields = settings.max_query_fields if settings else Settings.max_query_fields
    # Rule classes are built once: the validation cache keys on them, and limiter extensions
    # built per request would make fresh classes (and a cache miss) on every request.
    rules = (
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    )
    return TalentgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(disable_field_suggestions=True),
        exception_handlers=(
            *EXCEPTION_HANDLERS,
            *APPLICATION_HANDLERS,
            *DOCUMENT_HANDLERS,
            *EVALUATION_HANDLERS,
        ),
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: AddValidationRules(list(rules)),
            lambda: MaxDirectivesLimiter(max_directives),
            lambda: QueryCostLimiter(max_cost, max_fields),
            lambda: ParserCache(maxsize=256),
            lambda: CachedValidation(maxsize=256),
            PublicErrors,
        ],
    )


schema = build_schema()
