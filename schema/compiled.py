"""The compiled execution path: a query's selection sets become plans, run without the
per-field machinery of the general executor.

graphql-core executes every field of every object the same general way: it builds a
`GraphQLResolveInfo`, calls the field's resolver through strawberry's wrapper (which builds
a `strawberry.Info` and converts arguments), then completes the value by testing its type
against every kind of GraphQL type. A nested page of a hundred candidates does that some ten
thousand times, and that is where a deep read spends its time.

A plan is made once per selection set (an object type and the field nodes that select it,
under the values of the variables its `@skip`/`@include` directives read) and kept in a cache
bounded by bytes. Each step of a plan knows in advance how its field is read:

- `__typename`: the type's name;
- a field without a resolver: the attribute of the object (the columns of the row), coerced
  by its scalar or enum type;
- a relation (`schema.relations.relation`): the rows the field's loader already holds for
  the field's path (look-ahead prefetching has loaded them), put through the relation's
  policy and type, with no resolver call; rows not loaded yet go the general way;
- anything else (custom resolvers, arguments, contact fields whose policy needs the
  database): the general executor's `execute_field`, whose object values come back here.

Completion (non-null, lists, leaves, objects, errors and null propagation) mirrors
graphql-core's step by step, calling its own methods for errors, so a response is the same
as the general executor's; the differential mode (`COMPILED_EXECUTION=differential`, on in
the test suite) runs every query both ways and records any difference. Mutations,
subscriptions, abstract types and operations under resolver middleware (tracing) run on
graphql-core unchanged.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Awaitable
from keyword import iskeyword
from math import isfinite
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    OperationType,
    Undefined,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import collect_subfields
from graphql.language import DirectiveNode, FieldNode, VariableNode, Visitor, visit
from graphql.pyutils import Path, gather_with_cancel, is_iterable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from loaders.registry import Loaders
from models.db import statement_counter
from resolvers.context import Context
from schema.documents import NODE_BYTES, ByteBoundedCache, nodes, text_bytes
from schema.relations import DEFINITION, Masked, Relation, masked_of, relation_of

logger = logging.getLogger("talentgraph.compiled")

MODES = ("on", "off", "differential")

TYPENAME, LEAF, VALUE, RELATION, GENERAL, MASKED = range(6)  # how a step reads its field
GENERIC, OBJECT, OBJECTS = range(3)  # how a VALUE or RELATION step completes its value

# the differences the differential mode found (the test suite fails on any)
RECHECKS = 3
MISMATCHES: list[dict[str, Any]] = []


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
    plan: ObjectPlan | None = None  # of the object(s) the field returns
    shape: int = 0  # GENERIC, OBJECT or OBJECTS: how the value is completed


@dataclasses.dataclass(eq=False, slots=True)
class ObjectPlan:
    type: GraphQLObjectType
    steps: list[Step]
    details: Any  # keeps the field nodes alive: their ids key the cache
    run: Any = None  # (executor, object, path, response keys) -> dict or awaitable


class PlanCache:
    """Plans by selection set, bounded by the bytes their steps take (a client sending
    ever new documents cannot pin memory)."""

    def __init__(self, max_bytes: int, max_document_bytes: int) -> None:
        self.max_document_bytes = max_document_bytes  # larger documents' plans are not kept
        self.plans: ByteBoundedCache[ObjectPlan] = ByteBoundedCache(max_bytes)
        self.directive_variables: ByteBoundedCache[tuple[str, ...]] = ByteBoundedCache(
            max_bytes // 8
        )


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


class CompiledExecutor(StrawberryGraphQLCoreExecutionContext):
    cache: PlanCache
    mode: str
    compiled: bool

    # -- entry points --------------------------------------------------------------------

    def execute_operation(self, serially: bool | None = None) -> Any:
        if self.mode == "off" or not self._compilable():
            self.compiled = False
            return super().execute_operation(serially)
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
                _keys(path),
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
            finder = _DirectiveVariables()
            visit(self.operation, finder)
            for fragment in self.fragment_definitions.values():
                visit(fragment, finder)
            found = tuple(sorted(finder.names))
            self.cache.directive_variables.put(key, found, NODE_BYTES + len(body))
        return found

    def _compile(
        self, object_type: GraphQLObjectType, details: Any, counted: list[int]
    ) -> ObjectPlan:
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
            if step is None:
                continue
            counted[0] += 1
            named = _named(step.return_type)
            if step.kind in (VALUE, RELATION) and is_object_type(named):
                # plans below are compiled now, so the cache entry's size is known
                step.plan = self._compile(named, field_details, counted)
                step.shape = _shape(step.return_type, step.plan)
            steps.append(step)
        plan = ObjectPlan(object_type, steps, details)
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
        elif definition is not None and not node.arguments and _plain(definition):
            if (
                getattr(field_def.resolve, "_is_default", False)
                and definition.base_resolver is None
                and definition.default_resolver is getattr
            ):
                attr = definition.python_name
                leaf = _unwrap_non_null(return_type)
                if is_leaf_type(leaf):
                    kind, coerce = LEAF, _coercer(leaf)
                else:
                    kind = VALUE
            else:
                relation = relation_of(field_def)
                masked = masked_of(field_def)
                leaf = _unwrap_non_null(return_type)
                if relation is not None:
                    kind = RELATION
                elif masked is not None and is_leaf_type(leaf) and not non_null:
                    kind, coerce = MASKED, _coercer(leaf)
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

    def _masked(self, step: Step, source: Any, path: Path) -> Any:
        """A MASKED field: (True, value) when the policy decides from the row, else
        (False, None) and the resolver decides."""
        masked = step.masked
        assert masked is not None
        row = source.row
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
            return self.complete_leaf_value(_unwrap_non_null(step.return_type), value)
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
                row = source.row
                key = relation.key(row)
                if key is None:
                    value = [] if relation.returns_list else None
                else:
                    loader = context.loaders.at(field_keys).of(relation.loader)
                    done, loaded = loader.loaded(key)
                    if not done:
                        return self.execute_field(step.parent, source, step.details, path, None)
                    value = relation.complete(context, row, loaded)
            shape = step.shape
            if value is None or value is Undefined or shape == GENERIC:
                completed = self._complete(step, step.return_type, value, path, field_keys)
            elif isinstance(value, Exception):
                raise value
            elif shape == OBJECT:
                completed = self._execute_plan(step.plan, value, path, field_keys)  # type: ignore[arg-type]
            elif type(value) is list:
                completed = self._objects(step, value, path, field_keys)
            else:
                completed = self._complete(step, step.return_type, value, path, field_keys)
            if self.is_awaitable(completed):
                return self._await_completed(step, completed, path)
            return completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, step.return_type, step.details, path)
            return None

    def _objects(self, step: Step, items: list[Any], path: Path, keys: tuple[str, ...]) -> Any:
        """A list of objects (the OBJECTS shape): `_complete_list` with each item's plan run
        directly; anything unusual in an item takes the general way."""
        plan = step.plan
        assert plan is not None
        run = plan.run
        item_type = _list_type(step.return_type).of_type
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        pending: list[int] = []
        for index, item in enumerate(items):
            item_path = Path(path, index, None)
            try:
                if item is None or isinstance(item, Exception) or is_awaitable(item):
                    if is_awaitable(item):
                        completed.append(self._await_item(step, item_type, item, item_path, keys))
                        pending.append(index)
                        continue
                    done = self._complete(step, item_type, item, item_path, keys)
                else:
                    done = run(self, item, item_path, keys)
                if done.__class__ is dict or not is_awaitable(done):
                    completed.append(done)
                else:
                    completed.append(self._await_completed_item(step, item_type, done, item_path))
                    pending.append(index)
            except Exception as raw_error:
                self.handle_field_error(raw_error, item_type, step.details, item_path)
                completed.append(None)
        if not pending:
            return completed
        return self._gather_list(completed, pending)

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
        info = self.build_resolve_info(step.field_def, _nodes(step), step.parent, path)
        return self.complete_value(kind, step.details, info, path, value, None)

    def _complete_list(
        self,
        step: Step,
        kind: GraphQLList[Any],
        value: Any,
        path: Path,
        keys: tuple[str, ...],
    ) -> Any:
        if not is_iterable(value):
            field_name = step.details[0].node.name.value
            raise GraphQLError(
                "Expected Iterable, but did not find one for field"
                f" '{step.parent.name}.{field_name}'."
            )
        item_type = kind.of_type
        completed: list[Any] = []
        pending: list[int] = []
        for index, item in enumerate(value):
            item_path = Path(path, index, None)
            try:
                if self.is_awaitable(item):
                    completed.append(self._await_item(step, item_type, item, item_path, keys))
                    pending.append(index)
                    continue
                done = self._complete(step, item_type, item, item_path, keys)
                if self.is_awaitable(done):
                    completed.append(self._await_completed_item(step, item_type, done, item_path))
                    pending.append(index)
                else:
                    completed.append(done)
            except Exception as raw_error:
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

    # -- differential mode ---------------------------------------------------------------

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


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        if node.name.value in ("skip", "include"):
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    self.names.add(argument.value.name.value)


MAX_INT, MIN_INT = 2**31 - 1, -(2**31)


def generate(plan: ObjectPlan) -> Any:
    """The plan as a Python function: one straight block of code per field, so running it
    costs no loop, dispatch or lookups on the steps (what graphql-jit does in JavaScript).

    Leaves of the common scalar and enum types are read and checked inline; anything off
    the fast path (a null, an uncoercible value, an error) calls the executor's methods,
    which do exactly what graphql-core does.
    """
    names: dict[str, Any] = {
        "Path": Path,
        "UNDEFINED": Undefined,
        "PARENT": plan.type,
        "TYPE": plan.type.name,
        "isfinite": isfinite,
        "MIN_INT": MIN_INT,
        "MAX_INT": MAX_INT,
    }
    lines = [
        "def run(ex, source, path, keys):",
        "    results = {}",
        "    pending = None",
        "    is_awaitable = ex.is_awaitable",
        "    try:",
    ]
    for index, step in enumerate(plan.steps):
        names[f"S{index}"] = step
        lines.extend(f"        {line}" for line in _step_code(step, index, names))
    lines += [
        "    except Exception:",
        "        if pending:",
        "            ex.settle_in_background([results[k] for k in pending])",
        "        raise",
        "    if pending is None:",
        "        return results",
        "    return ex._gather(results, pending)",
    ]
    code = "\n".join(lines)
    exec(compile(code, f"<plan {plan.type.name}>", "exec"), names)  # noqa: S102 - our own code
    return names["run"]


def _step_code(step: Step, index: int, names: dict[str, Any]) -> list[str]:
    key = repr(step.key)
    here = f"Path(path, {key}, TYPE)"
    if step.kind == TYPENAME:
        return [f"results[{key}] = TYPE"]
    if step.kind == LEAF:
        read = (
            f"value = source.{step.attr}"
            if step.attr.isidentifier() and not iskeyword(step.attr)
            else f"value = getattr(source, {step.attr!r})"
        )
        test, coerced = _inline_coercion(step, index, names)
        null = [] if step.non_null else ["elif value is None:", f"    results[{key}] = None"]
        return [
            "try:",
            f"    {read}",
            f"    if {test}:",
            f"        results[{key}] = {coerced}",
            *(f"    {line}" for line in null),
            "    else:",
            f"        results[{key}] = ex._leaf_slow(S{index}, value, {here})",
            "except Exception as raw_error:",
            f"    ex._leaf_error(S{index}, raw_error, {here})",
            f"    results[{key}] = None",
        ]
    call = (
        f"ex._execute_step(S{index}, source, {here}, keys)"
        if step.kind in (VALUE, RELATION)
        else f"ex.execute_field(PARENT, source, S{index}.details, {here}, None)"
    )
    general = [
        f"result = {call}",
        "if result is not UNDEFINED:",
        f"    results[{key}] = result",
        "    if is_awaitable(result):",
        "        if pending is None:",
        "            pending = []",
        f"        pending.append({key})",
    ]
    if step.kind == MASKED:
        resolve = f"result = ex.execute_field(PARENT, source, S{index}.details, {here}, None)"
        return [
            f"decided, value = ex._masked(S{index}, source, path)",
            "if decided:",
            f"    results[{key}] = value",
            "else:",
            *(f"    {line}" for line in [resolve, *general[1:]]),
        ]
    return general


def _inline_coercion(step: Step, index: int, names: dict[str, Any]) -> tuple[str, str]:
    """(a test that the value needs no coercion but this, the coerced value)."""
    leaf = _unwrap_non_null(step.return_type)
    if leaf is GraphQLString or leaf is GraphQLID:
        return "value.__class__ is str", "value"
    if leaf is GraphQLBoolean:
        return "value.__class__ is bool", "value"
    if leaf is GraphQLInt:
        return "value.__class__ is int and MIN_INT <= value <= MAX_INT", "value"
    if leaf is GraphQLFloat:
        return "value.__class__ is float and isfinite(value)", "value"
    names[f"C{index}"] = step.coerce
    return (
        f"value is not None and (coerced := C{index}(value)) is not None "
        "and coerced is not UNDEFINED",
        "coerced",
    )


def _coercer(leaf: Any) -> Any:
    """The leaf type's output coercion, with the common case made cheap.

    A fast coercer returns None for anything it does not take as is; the step then asks the
    type itself (`complete_leaf_value`), which coerces the value or raises graphql-core's
    own error, so the fast path never changes a result.
    """
    if isinstance(leaf, GraphQLEnumType):
        wrapped = getattr(leaf, "wrapped_cls", None)  # strawberry's: members become names
        if wrapped is not None:
            names = {
                member: name
                for name, value in leaf.values.items()
                for member in wrapped
                if member.value == value.value
            }
        else:
            names = {value.value: name for name, value in leaf.values.items()}

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


def _keys(path: Path | None) -> tuple[str, ...]:
    keys: list[str] = []
    while path is not None:
        if isinstance(path.key, str):
            keys.append(path.key)
        path = path.prev
    keys.reverse()
    return tuple(keys)


def _plain(definition: Any) -> bool:
    """No field extensions or permission classes between the executor and the value."""
    return not definition.extensions and not getattr(definition, "permission_classes", None)


def _unwrap_non_null(kind: Any) -> Any:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


def _shape(kind: Any, plan: ObjectPlan) -> int:
    """OBJECT for `T`/`T!`, OBJECTS for `[T]`, `[T!]`, `[T]!`, `[T!]!` (T an object type
    without an `is_type_of` check), else GENERIC."""
    kind = _unwrap_non_null(kind)
    if isinstance(kind, GraphQLList):
        item = _unwrap_non_null(kind.of_type)
        if item is plan.type and item.is_type_of is None:
            return OBJECTS
        return GENERIC
    return OBJECT if kind is plan.type and kind.is_type_of is None else GENERIC


def _list_type(kind: Any) -> GraphQLList[Any]:
    return _unwrap_non_null(kind)  # type: ignore[no-any-return]


def _named(kind: Any) -> Any:
    while isinstance(kind, (GraphQLNonNull, GraphQLList)):
        kind = kind.of_type
    return kind


def _nodes(step: Step) -> list[FieldNode]:
    return [detail.node for detail in step.details]
