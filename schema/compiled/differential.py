"""The differential mode: every query compiled and on graphql-core, the responses compared."""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loaders.registry import Loaders
from models.db import statement_counter
from resolvers.context import Context

logger = logging.getLogger("talentgraph.compiled")

# the differences the differential mode found (the test suite fails on any)
RECHECKS = 3
MISMATCHES: list[dict[str, Any]] = []


class Differential(StrawberryGraphQLCoreExecutionContext):
    """Runs each query both ways (`COMPILED_EXECUTION=differential`)."""

    mode: str

    def _differential(self, serially: bool | None) -> Any:
        """Run the query compiled, then on graphql-core with loaders of its own (their
        statements not counted), and record any difference between the two responses.

        Data may change between the two runs (a worker finishing a job meanwhile). A
        difference is therefore checked again, both ways, up to `RECHECKS` times: it is
        recorded when it holds while the data stands still, and let go when a later pair
        agrees.
        """
        compiled = super().execute_operation(serially)

        async def both() -> Any:
            ours = await compiled if self.is_awaitable(compiled) else compiled
            theirs = await self._uncounted(self._copy(compiled=False), serially)
            a, b = _response(ours), _response(theirs)
            for _ in range(RECHECKS):
                if a == b:
                    return ours
                again = await self._uncounted(self._copy(compiled=True), serially)
                again_theirs = await self._uncounted(self._copy(compiled=False), serially)
                a2, b2 = _response(again), _response(again_theirs)
                if a2 == a and b2 == b:
                    break  # the same difference on unchanged data
                ours, a, b = again, a2, b2
            if a != b:
                MISMATCHES.append(
                    {
                        "operation": self.operation.loc.source.body if self.operation.loc else "",
                        "compiled": a,
                        "graphql-core": b,
                    }
                )
                logger.error("compiled execution differs:\n%s\n%s", a, b)
            return ours

        return both()

    async def _uncounted(self, executor: Any, serially: bool | None) -> Any:
        token = statement_counter.set(None)
        try:
            result = executor.execute_operation(serially)
            return await result if self.is_awaitable(result) else result
        finally:
            statement_counter.reset(token)

    def _copy(self, *, compiled: bool) -> StrawberryGraphQLCoreExecutionContext:
        """This operation again, with loaders of its own: compiled, or on graphql-core."""
        kind = type(self) if compiled else StrawberryGraphQLCoreExecutionContext
        executor = kind.__new__(kind)
        executor.__init__(  # type: ignore[misc]
            self.schema,
            self.fragment_definitions,
            self.fragments,
            self.root_value,
            _fresh(self.context_value),
            self.operation,
            self.variable_values,
            self.field_resolver,
            self.type_resolver,
            self.subscribe_field_resolver,
            self.enable_early_execution,
            self.middleware_manager,
            self.is_awaitable,
            self.is_async_iterable,
            self.hide_suggestions,
            self.abort_signal,
            self.hooks,
            operation_extensions=getattr(self, "operation_extensions", None),
        )
        if compiled:
            executor.mode = "on"  # type: ignore[attr-defined]
        return executor


def _fresh(context: Any) -> Any:
    """The same request with loaders of its own (nothing shared with the compiled run)."""
    if isinstance(context, Context):
        return dataclasses.replace(
            context, loaders=Loaders(context.session_factory, context.viewer)
        )
    return context


def _response(result: Any) -> str:
    data = getattr(result, "data", None)
    errors = [error.formatted for error in getattr(result, "errors", None) or []]
    return json.dumps({"data": data, "errors": errors}, default=str)
