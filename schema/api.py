"""The schema object: roots, hardening extensions and error masking."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import strawberry
from graphql import GraphQLError, Visitor, visit
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import validate_document

from models.settings import Settings
from resolvers.errors import PublicError
from schema.compiled import compiled_executor
from schema.cost import QueryCostLimiter
from schema.documents import CachedValidation, DocumentCaches, DocumentGate, DocumentLimits
from schema.introspection import IntrospectionPolicy
from schema.monitoring import OperationRecorder
from schema.mutation import Mutation
from schema.mutations.applications import HANDLERS as APPLICATION_HANDLERS
from schema.mutations.documents import HANDLERS as DOCUMENT_HANDLERS
from schema.mutations.evaluations import HANDLERS as EVALUATION_HANDLERS
from schema.mutations.interviews import HANDLERS as INTERVIEW_HANDLERS
from schema.query import Query
from schema.relations import bind_relations
from schema.scalars import SCALAR_OVERRIDES
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

    document_caches: DocumentCaches

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            logger.debug("client error: %s", error.message)


@dataclass(frozen=True)
class SchemaLimits:
    """The settings a schema is built from: equal limits share one schema (and its caches)."""

    max_depth: int
    max_aliases: int
    max_tokens: int
    max_directives: int
    max_cost: int
    max_fields: int
    documents: DocumentLimits
    introspection: str  # "true", "admin" or "false"
    tracing: bool  # OpenTelemetry spans (OTEL_EXPORTER_OTLP_ENDPOINT set)
    execution: str  # compiled execution: "on", "off" or "differential"
    plan_cache_bytes: int

    @classmethod
    def of(cls, settings: Settings | None) -> SchemaLimits:
        source: Settings | type[Settings] = settings or Settings  # class: the defaults
        return cls(
            max_depth=source.max_query_depth,
            max_aliases=source.max_aliases,
            max_tokens=source.max_tokens,
            max_directives=source.max_directives,
            max_cost=source.max_query_cost,
            max_fields=source.max_query_fields,
            documents=DocumentLimits(
                max_document_bytes=source.max_document_bytes,
                max_string_literal=source.max_string_literal,
                cache_bytes=source.document_cache_bytes,
                max_cached_document_bytes=source.max_cached_document_bytes,
            ),
            introspection=source.introspection,
            tracing=bool(source.otel_endpoint),
            execution=source.compiled_execution,
            plan_cache_bytes=source.plan_cache_bytes,
        )


def build_schema(settings: Settings | None = None) -> TalentgraphSchema:
    """The schema for these settings; built once per distinct set of limits."""
    return _build_schema(SchemaLimits.of(settings))


@cache
def _build_schema(limits: SchemaLimits) -> TalentgraphSchema:
    # Rule classes are built once: the validation cache holds results for these rules, and
    # limiter extensions built per request would make fresh classes on every request.
    rules = (
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    )
    caches = DocumentCaches(limits.documents)
    policy: list[Any] = []
    if limits.tracing:
        from schema.tracing import schema_extension

        policy.append(schema_extension())
    if limits.introspection != "true":
        admins_only = limits.introspection == "admin"
        policy.append(lambda: IntrospectionPolicy(admins_only))
    built = TalentgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(disable_field_suggestions=True),
        exception_handlers=(
            *EXCEPTION_HANDLERS,
            *APPLICATION_HANDLERS,
            *DOCUMENT_HANDLERS,
            *EVALUATION_HANDLERS,
            *INTERVIEW_HANDLERS,
        ),
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=compiled_executor(
            limits.execution,
            limits.plan_cache_bytes,
            limits.documents.max_cached_document_bytes,
        ),
        extensions=[
            OperationRecorder,  # first, so it sees the outcome after every other extension
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            lambda: DocumentGate(caches),
            lambda: AddValidationRules(list(rules)),
            lambda: MaxDirectivesLimiter(limits.max_directives),
            *policy,
            lambda: QueryCostLimiter(limits.max_cost, limits.max_fields),
            lambda: CachedValidation(caches, validate_document),
            PublicErrors,
        ],
    )
    built.document_caches = caches
    bind_relations(built._schema)
    return built


schema = build_schema()
