"""The schema object: roots, hardening extensions and error masking."""

from __future__ import annotations

import logging
import re
from typing import Any

import strawberry
from graphql import ASTValidationRule, DirectiveNode, GraphQLError, ValidationContext
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from models.settings import Settings
from resolvers.errors import PublicError
from schema.mutation import Mutation
from schema.query import Query

logger = logging.getLogger("talentgraph.graphql")
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def should_mask(error: GraphQLError) -> bool:
    """Hide internal failures; keep validation, limit and domain errors readable."""
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, PublicError))


class PublicErrors(MaskErrors):
    """Masks internal errors (logged with the request id) and strips schema suggestions."""

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

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed: list[GraphQLError] = []
        for error in super()._process_errors(errors):
            if "Did you mean" in error.message:
                error.message = SUGGESTION.sub("", error.message)
            if error.extensions is None or "code" not in error.extensions:
                code = "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_REQUEST"
                error.extensions = {**(error.extensions or {}), "code": code}
            processed.append(error)
        return processed


def max_directives_rule(limit: int) -> type[ASTValidationRule]:
    """One error (not one per directive) when a document uses more than `limit` directives."""

    class MaxDirectives(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0

        def enter_directive(self, node: DirectiveNode, *_args: Any) -> Any:
            self.count += 1
            if self.count == limit + 1:
                self.report_error(
                    GraphQLError(f"Document uses more than {limit} directives.", node)
                )
            return None

    return MaxDirectives


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    max_depth = settings.max_query_depth if settings else Settings.max_query_depth
    max_aliases = settings.max_aliases if settings else Settings.max_aliases
    max_tokens = settings.max_tokens if settings else Settings.max_tokens
    max_directives = settings.max_directives if settings else Settings.max_directives
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=True),
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
            lambda: AddValidationRules([max_directives_rule(max_directives)]),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            PublicErrors,
        ],
    )


schema = build_schema()
