"""The executor: plans looked up or compiled, then run in place of graphql-core's
per-field execution."""

from __future__ import annotations

import json
import weakref
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfoHelpers,
    OperationType,
    Undefined,
    is_leaf_type,
    is_object_type,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import collect_subfields
from graphql.language import FieldNode, visit
from graphql.pyutils import Path, gather_with_cancel, is_iterable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loaders.registry import Loaders
from resolvers.context import Context, path_keys
from schema.compiled.codegen import generate
from schema.compiled.differential import Differential
from schema.compiled.json_lists import json_fields
from schema.compiled.plans import (
    GENERAL,
    LEAF,
    MASKED,
    OBJECT,
    RELATION,
    TYPENAME,
    VALUE,
    DirectiveVariables,
    ObjectPlan,
    PlanCache,
    Step,
    coercer,
    field_nodes,
    list_of,
    named,
    plain,
    row_step,
    shape_of,
    strawberry_class,
    unwrap_non_null,
)
from schema.compiled.rows import row_columns
from schema.documents import NODE_BYTES, nodes, text_bytes
from schema.relations import DEFINITION, masked_of, relation_of

MODES = ("on", "off", "differential")


def weak_helpers(executor: Executor[Any]) -> GraphQLResolveInfoHelpers:
    """`GraphQLResolveInfoHelpers` that do not keep their executor alive."""
    ref = weakref.ref(executor)

    def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        live = ref()
        assert live is not None, "an executor's helpers outlived it"
        return live.gather_async_work(values)

    def track(values: Sequence[Any]) -> None:
        live = ref()
        assert live is not None, "an executor's helpers outlived it"
        live.track_async_work(values)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)


def compiled_executor(
    mode: str, max_bytes: int, max_document_bytes: int = 16 * 1024
) -> type[StrawberryGraphQLCoreExecutionContext]:
    """The executor class of one schema: its own plan cache, and the mode."""
    if mode not in MODES:
        raise ValueError(f"COMPILED_EXECUTION must be one of {', '.join(MODES)}")
    cache = PlanCache(max_bytes, max_document_bytes)
    return type(
        "CompiledExecutor", (CompiledExecutor,), {"cache": cache, "mode": mode, "compiled": True}
    )


class CompiledExecutor(Differential):
    cache: PlanCache
    mode: str
    compiled: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core's resolver helpers hold bound methods of the executor: a reference
        # cycle that kept every request's executor, context, loaders and rows alive until the
        # garbage collector's next older-generation pass (hundreds of milliseconds on a large
        # response). Held weakly, they let all of it go as soon as the response is built.
        self.async_helpers = weak_helpers(self)

    # -- entry points --------------------------------------------------------------------

    def execute_operation(self, serially: bool | None = None) -> Any:
        if self.mode == "off" or not self._compilable():
            self.compiled = False
            return super().execute_operation(serially)
        loaders = getattr(self.context_value, "loaders", None)
        if isinstance(loaders, Loaders):
            loaders.json_lists = True  # the plans read lists built as JSON (`json_lists`)
        if self.mode == "differential":
            return self._differential(serially)
        return super().execute_operation(serially)

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if not self.compiled or return_type.is_type_of is not None:
            return super().complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
        # graphql-core hands every object of a list the same field details: look the plan
        # (and the field's response path) up once per list, not once per object
        memo = self.__dict__.setdefault("_entries", {})
        entry = memo.get((return_type.name, id(field_details_list)))
        if entry is None:
            plan = self._plan(return_type, field_details_list)
            entry = memo[(return_type.name, id(field_details_list))] = (
                plan,
                path_keys(path),
                field_details_list,  # alive while its id is a key
            )
        return self._execute_plan(entry[0], result, path, entry[1])

    def _compilable(self) -> bool:
        if self.operation.operation is not OperationType.QUERY:
            return False
        manager = self.middleware_manager
        return manager is None or not manager.middlewares

    # -- plans ---------------------------------------------------------------------------

    def _plan(self, object_type: GraphQLObjectType, details: Any) -> ObjectPlan:
        """The selection's plan, from the cache or compiled now.

        A plan holds its field nodes, and through them the whole parsed document: its
        entry is charged for the document too. Documents too large for the parse cache are
        compiled for the request and not kept (each request parses them anew anyway).
        """
        body = self.operation.loc.source.body if self.operation.loc else ""
        cacheable = text_bytes(body) <= self.cache.max_document_bytes
        key = self._cache_key(object_type, details) if cacheable else ""
        plan = self.cache.plans.get(key) if cacheable else None
        if plan is None:
            counted = [0]
            plan = self._compile(object_type, details, counted)
            if cacheable:
                size = counted[0] * NODE_BYTES + self._document_bytes(body)
                self.cache.plans.put(key, plan, size)
        return plan

    def _document_bytes(self, body: str) -> int:
        """The parsed document's estimated size, as the parse cache counts it."""
        parts: list[Any] = [self.operation, *self.fragment_definitions.values()]
        return text_bytes(body) + NODE_BYTES * sum(1 for part in parts for _ in nodes(part))

    def _cache_key(self, object_type: GraphQLObjectType, details: Any) -> str:
        ids = ",".join(str(id(d.node)) for d in details)
        names = self._directive_variables()
        values = self.variable_values.coerced
        conditions = json.dumps([values.get(name) for name in names]) if names else ""
        return f"{object_type.name}:{ids}:{conditions}"

    def _directive_variables(self) -> tuple[str, ...]:
        """The variables the operation's `@skip`/`@include` read: a plan holds for one set
        of their values."""
        body = self.operation.loc.source.body if self.operation.loc else ""
        key = f"{id(self.operation)}:{len(body)}:{hash(body)}"
        found = self.cache.directive_variables.get(key)
        if found is None:
            finder = DirectiveVariables()
            visit(self.operation, finder)
            for fragment in self.fragment_definitions.values():
                visit(fragment, finder)
            found = tuple(sorted(finder.names))
            self.cache.directive_variables.put(key, found, NODE_BYTES + len(body))
        return found

    def _compile(
        self,
        object_type: GraphQLObjectType,
        details: Any,
        counted: list[int],
        *,
        rows: bool = False,
    ) -> ObjectPlan:
        """The selection's plan; `rows`: its objects are loaded rows, and the plan reads
        them directly when every selected field can be read from a row (see `row_step`)."""
        grouped, _defer_usages, _forbidden = collect_subfields(
            self.schema,
            self.fragments,
            self.variable_values,
            self.operation,
            object_type,
            details,
            self.hide_suggestions,
        )
        steps = []
        for response_key, field_details in grouped.items():
            step = self._step(object_type, response_key, field_details)
            if step is not None:
                steps.append(step)
        origin = strawberry_class(object_type)
        columns = row_columns(origin) if rows and origin is not None else None
        on_rows = columns is not None and all(row_step(step, columns) for step in steps)
        for step in steps:
            counted[0] += 1
            if on_rows:
                assert columns is not None and origin is not None
                step.on_row, step.make = True, origin.from_model
                if step.kind == LEAF:
                    step.column = columns[step.attr]
            child = named(step.return_type)
            if step.kind in (VALUE, RELATION) and is_object_type(child):
                # plans below are compiled now, so the cache entry's size is known; a
                # relation's rows are handed to its plan as they are when it can read them
                relation = step.relation
                child_rows = relation is not None and relation.convert is None
                step.plan = self._compile(child, step.details, counted, rows=child_rows)
                step.shape = shape_of(step.return_type, step.plan)
                step.inline = (
                    relation is not None
                    and relation.returns_list
                    and step.plan.rows
                    and step.plan.leaves_only
                    and list_of(step.return_type) is step.plan.type
                )
                if step.inline:
                    assert relation is not None
                    pairs = tuple(
                        (item.key, item.details[0].node.name.value) for item in step.plan.steps
                    )
                    step.json = json_fields(relation, step.plan.type, pairs)
        plan = ObjectPlan(object_type, steps, details, rows=on_rows)
        plan.leaves_only = all(step.kind in (LEAF, TYPENAME) for step in steps)
        plan.run = generate(plan)
        return plan

    def _step(self, parent: GraphQLObjectType, key: str, field_details: Any) -> Step | None:
        node: FieldNode = field_details[0].node
        name = node.name.value
        field_def = self.schema.get_field(parent, name)
        if field_def is None:
            return None
        return_type = field_def.type
        non_null = isinstance(return_type, GraphQLNonNull)
        message = f"Cannot return null for non-nullable field {parent.name}.{name}."
        definition = (field_def.extensions or {}).get(DEFINITION)
        kind, attr, coerce, relation = GENERAL, "", None, None
        if name == "__typename":
            kind = TYPENAME
        elif definition is not None and not node.arguments and plain(definition):
            if (
                getattr(field_def.resolve, "_is_default", False)
                and definition.base_resolver is None
                and definition.default_resolver is getattr
            ):
                attr = definition.python_name
                leaf = unwrap_non_null(return_type)
                if is_leaf_type(leaf):
                    kind, coerce = LEAF, coercer(leaf)
                else:
                    kind = VALUE
            else:
                relation = relation_of(field_def)
                masked = masked_of(field_def)
                leaf = unwrap_non_null(return_type)
                if relation is not None:
                    kind = RELATION
                elif masked is not None and is_leaf_type(leaf) and not non_null:
                    kind, coerce = MASKED, coercer(leaf)
        step = Step(
            key,
            kind,
            parent,
            field_def,
            field_details,
            return_type,
            attr,
            coerce,
            non_null,
            message,
            relation,
        )
        if kind == MASKED:
            step.masked = masked_of(field_def)
        return step

    # -- execution -----------------------------------------------------------------------

    def _execute_plan(
        self, plan: ObjectPlan, source: Any, path: Path, keys: tuple[str, ...]
    ) -> Any:
        """graphql-core's `execute_fields` for one object: the plan's generated function."""
        return plan.run(self, source, path, keys)

    def _object(self, step: Step, source: Any) -> Any:
        """The object a resolver of a plan run on rows is called on (made from the row)."""
        return step.make(source) if step.on_row else source

    def _masked(self, step: Step, source: Any, path: Path) -> Any:
        """A MASKED field: (True, value) when the policy decides from the row, else
        (False, None) and the resolver decides."""
        masked = step.masked
        assert masked is not None
        row = source if step.on_row else source.row
        shown = masked.decide(self.context_value.viewer, row)
        if shown is None:
            return False, None
        if not shown:
            return True, None
        value = getattr(row, masked.column)
        coerced = step.coerce(value) if value is not None else None
        if coerced is None or coerced is Undefined:
            coerced = self._leaf_slow(step, value, Path(path, step.key, step.parent.name))
        return True, coerced

    def _step_error(self, step: Step, raw_error: Exception, path: Path) -> None:
        """A field's error as `_execute_step` handles it: recorded and null, or raised on."""
        self.handle_field_error(raw_error, step.return_type, step.details, path)
        return None

    def _leaf_error(self, step: Step, raw_error: Exception, path: Path) -> None:
        self.handle_field_error(raw_error, step.return_type, step.details, path)

    async def _gather(self, results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
        if len(pending) == 1:
            results[pending[0]] = await results[pending[0]]
        else:
            values = await gather_with_cancel(*(results[k] for k in pending))
            results.update(zip(pending, values, strict=True))
        return results

    def _leaf_slow(self, step: Step, value: Any, path: Path) -> Any:
        """A null or uncoercible leaf: the error (or null) exactly as graphql-core makes it."""
        try:
            if value is None or value is Undefined:
                if step.non_null:
                    raise TypeError(step.null_message)
                return None
            return self.complete_leaf_value(unwrap_non_null(step.return_type), value)
        except Exception as raw_error:
            self.handle_field_error(raw_error, step.return_type, step.details, path)
            return None

    def _execute_step(self, step: Step, source: Any, path: Path, keys: tuple[str, ...]) -> Any:
        """A VALUE or RELATION field: graphql-core's `execute_field` without a resolver call."""
        field_keys = (*keys, step.key)  # the field's response path: its loaders' place
        try:
            if step.kind == VALUE:
                value = getattr(source, step.attr)
            else:
                relation = step.relation
                assert relation is not None
                context: Context = self.context_value
                row = source if step.on_row else source.row
                key = relation.key(row)
                if key is None:
                    value = [] if relation.returns_list else None
                else:
                    loader = context.loaders.at(field_keys).of(relation.loader)
                    done, loaded = loader.loaded(key)
                    if not done:
                        parent = step.make(source) if step.on_row else source
                        return self.execute_field(step.parent, parent, step.details, path, None)
                    plan = step.plan
                    if plan is None or not plan.rows:
                        value = relation.complete(context, row, loaded)
                    else:  # the plan runs on the rows themselves
                        value = relation.select(context.viewer, loaded)
            plan = step.plan
            if (
                step.shape == OBJECT
                and plan is not None
                and value is not None
                and value is not Undefined
            ):
                if isinstance(value, Exception):
                    raise value
                completed = plan.run(self, value, path, field_keys)
            else:  # lists of objects run their items' plan from `_complete_list`
                completed = self._complete(step, step.return_type, value, path, field_keys)
            if self.is_awaitable(completed):
                return self._await_completed(step, completed, path)
            return completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, step.return_type, step.details, path)
            return None

    async def _await_completed(self, step: Step, completed: Awaitable[Any], path: Path) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, step.return_type, step.details, path)
            return None

    def _complete(
        self, step: Step, kind: GraphQLOutputType, value: Any, path: Path, keys: tuple[str, ...]
    ) -> Any:
        """graphql-core's `complete_value` for a step's type."""
        if isinstance(value, Exception):
            raise value
        if isinstance(kind, GraphQLNonNull):
            completed = self._complete(step, kind.of_type, value, path, keys)
            if completed is None:
                raise TypeError(step.null_message)
            return completed
        if value is None or value is Undefined:
            return None
        if isinstance(kind, GraphQLList):
            return self._complete_list(step, kind, value, path, keys)
        if is_leaf_type(kind):
            return self.complete_leaf_value(kind, value)
        if isinstance(kind, GraphQLObjectType) and kind.is_type_of is None:
            plan = step.plan
            if plan is not None and plan.type is kind:
                return self._execute_plan(plan, value, path, keys)
        # abstract types and type checks: the general way
        info = self.build_resolve_info(step.field_def, field_nodes(step), step.parent, path)
        return self.complete_value(kind, step.details, info, path, value, None)

    def _complete_list(
        self,
        step: Step,
        kind: GraphQLList[Any],
        value: Any,
        path: Path,
        keys: tuple[str, ...],
    ) -> Any:
        """graphql-core's `complete_list_value`. Items of the object type the step's plan is
        for run that plan directly; anything else in an item takes `_complete`."""
        if not is_iterable(value):
            field_name = step.details[0].node.name.value
            raise GraphQLError(
                "Expected Iterable, but did not find one for field"
                f" '{step.parent.name}.{field_name}'."
            )
        item_type = kind.of_type
        plan = step.plan
        run = plan.run if plan is not None and unwrap_non_null(item_type) is plan.type else None
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        pending: list[int] = []
        # an item's path is made when something needs it: a plan gets (the list's path, the
        # index) and makes it only if a field of the item fails or is not loaded yet
        for index, item in enumerate(value):
            try:
                if not isinstance(item, tuple) and is_awaitable(item):  # rows are tuples
                    item_path = Path(path, index, None)
                    completed.append(self._await_item(step, item_type, item, item_path, keys))
                    pending.append(index)
                    continue
                if run is not None and item is not None and not isinstance(item, Exception):
                    done = run(self, item, path, keys, index)
                else:
                    done = self._complete(step, item_type, item, Path(path, index, None), keys)
                if done.__class__ is dict or not is_awaitable(done):
                    completed.append(done)
                else:
                    item_path = Path(path, index, None)
                    completed.append(self._await_completed_item(step, item_type, done, item_path))
                    pending.append(index)
            except Exception as raw_error:
                item_path = Path(path, index, None)
                self.handle_field_error(raw_error, item_type, step.details, item_path)
                completed.append(None)
        if not pending:
            return completed
        return self._gather_list(completed, pending)

    async def _gather_list(self, completed: list[Any], pending: list[int]) -> list[Any]:
        values = await gather_with_cancel(*(completed[i] for i in pending))
        for index, value in zip(pending, values, strict=True):
            completed[index] = value
        return completed

    async def _await_item(
        self, step: Step, item_type: Any, item: Any, path: Path, keys: tuple[str, ...]
    ) -> Any:
        try:
            done = self._complete(step, item_type, await item, path, keys)
            if self.is_awaitable(done):
                done = await done
        except Exception as raw_error:
            self.handle_field_error(raw_error, item_type, step.details, path)
            return None
        return done

    async def _await_completed_item(
        self, step: Step, item_type: Any, done: Awaitable[Any], path: Path
    ) -> Any:
        try:
            return await done
        except Exception as raw_error:
            self.handle_field_error(raw_error, item_type, step.details, path)
            return None
