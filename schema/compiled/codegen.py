"""A plan as Python code: one straight block per field (what graphql-jit does in JavaScript)."""

from __future__ import annotations

from keyword import iskeyword
from math import isfinite
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLString,
    Undefined,
)
from graphql.pyutils import Path

from loaders.json_lists import NEEDS_ROWS
from schema.compiled.plans import (
    LEAF,
    MASKED,
    MAX_INT,
    MIN_INT,
    OBJECT,
    RELATION,
    TYPENAME,
    VALUE,
    ObjectPlan,
    Step,
    enum_names,
    unwrap_non_null,
)

PLAIN = frozenset({dict, list, str, int, float, bool, type(None)})  # never awaitable


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
        "PLAIN": PLAIN,
    }
    lines = [
        # a list's item may be passed as (the list's path, its index): the item's path is
        # then made only if a leaf fails (a leaf-only plan needs it for nothing else)
        "def run(ex, source, path, keys, index=None):",
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
    here = f"Path(path if index is None else Path(path, index, None), {key}, TYPE)"
    if step.kind == TYPENAME:
        return [f"results[{key}] = TYPE"]
    if step.kind == LEAF:
        attr = step.column.name if step.column is not None else step.attr
        read = (
            f"value = source.{attr}"
            if attr.isidentifier() and not iskeyword(attr)
            else f"value = getattr(source, {attr!r})"
        )
        if step.column is not None and step.column.as_str:  # `strawberry.ID(str(row.x))`
            read = read.replace("value = ", "value = str(", 1) + ")"
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
    if step.kind == RELATION and step.inline:
        return _rows_list_code(step, index, names, here)
    if step.kind == RELATION and _single_row(step):
        return _single_row_code(step, index, names, here)
    call = (
        f"ex._execute_step(S{index}, source, {here}, keys)"
        if step.kind in (VALUE, RELATION)
        else f"ex.execute_field(PARENT, source, S{index}.details, {here}, None)"
    )
    general = _call_code(call, key)
    if step.kind == MASKED:
        resolve = (
            f"result = ex.execute_field(PARENT, ex._object(S{index}, source), S{index}.details,"
            f" {here}, None)"
        )
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
    leaf = unwrap_non_null(step.return_type)
    if leaf is GraphQLString or leaf is GraphQLID:
        return "value.__class__ is str", "value"
    if leaf is GraphQLBoolean:
        return "value.__class__ is bool", "value"
    if leaf is GraphQLInt:
        return "value.__class__ is int and MIN_INT <= value <= MAX_INT", "value"
    if leaf is GraphQLFloat:
        return "value.__class__ is float and isfinite(value)", "value"
    wrapped = getattr(leaf, "wrapped_cls", None)
    if isinstance(leaf, GraphQLEnumType) and isinstance(wrapped, type):
        # a member of the Python enum the type wraps: its name, looked up inline
        names[f"E{index}"], names[f"N{index}"] = wrapped, enum_names(leaf)
        return f"value.__class__ is E{index} and (coerced := N{index}.get(value)) is not None", (
            "coerced"
        )
    names[f"C{index}"] = step.coerce
    return (
        f"value is not None and (coerced := C{index}(value)) is not None "
        "and coerced is not UNDEFINED",
        "coerced",
    )


def _call_code(call: str, key: str) -> list[str]:
    """`result = call`, kept under the response key, and awaited with the others if pending."""
    return [
        f"result = {call}",
        "if result is not UNDEFINED:",
        f"    results[{key}] = result",
        "    if result.__class__ not in PLAIN and is_awaitable(result):",
        "        if pending is None:",
        "            pending = []",
        f"        pending.append({key})",
    ]


def _loaded_code(step: Step, index: int, names: dict[str, Any]) -> list[str]:
    """`done, loaded`: whether the relation's loader (at the field's path) holds the rows of
    the source's key, and those rows. Binds the names the inline relations use."""
    relation = step.relation
    assert relation is not None and step.plan is not None
    names[f"KEY{index}"] = relation.key
    names[f"LOADER{index}"] = relation.loader
    names[f"SELECT{index}"] = relation.select
    names[f"RUN{index}"] = step.plan.run
    row = "source" if step.on_row else "source.row"
    return [
        f"field_keys = (*keys, {step.key!r})",
        f"loader_key = KEY{index}({row})",
        "done = False",
        "if loader_key is not None:",
        f"    loader = ex.context_value.loaders.at(field_keys).of(LOADER{index})",
        "    done, loaded = loader.loaded(loader_key)",
    ]


def _rows_list_code(step: Step, index: int, names: dict[str, Any], here: str) -> list[str]:
    """A relation listing rows whose plan has only leaves (`Step.inline`): when the loader
    holds the rows, the list is built here, each row's dict by its plan; otherwise (not loaded
    yet, no key, an error) the executor's `_execute_step` does what it always does."""
    key = repr(step.key)
    fallback = _call_code(f"ex._execute_step(S{index}, source, {here}, keys)", key)
    rows = [
        *_loaded_code(step, index, names),
        "if done:",
        f"    here = {here}",
        f"    results[{key}] = [",
        f"        RUN{index}(ex, item, here, field_keys, n)",
        f"        for n, item in enumerate(SELECT{index}(ex.context_value.viewer, loaded))",
        "    ]",
        "else:",
        *(f"    {line}" for line in fallback),
    ]
    if step.json is None:
        return rows
    # prefetching loaded the lists as JSON (`schema.compiled.json_lists`): each parent's list
    # as it is, unless a value in it needs the rows path (then, or when there is no JSON
    # loader at this path, the rows path above)
    names[f"JSON{index}"] = step.json
    names["NEEDS_ROWS"] = NEEDS_ROWS
    row = "source" if step.on_row else "source.row"
    return [
        f"json_key = KEY{index}({row})",
        "json_list = None",
        "if json_key is not None:",
        f"    at_field = ex.context_value.loaders.at((*keys, {key}))",
        f"    json_loader = at_field.json_lists.get(JSON{index})",
        "    if json_loader is not None:",
        "        done, json_list = json_loader.loaded(json_key)",
        "        if not done or json_list is NEEDS_ROWS:",
        "            json_list = None",
        "if json_list is not None:",
        f"    results[{key}] = json_list",
        "else:",
        *(f"    {line}" for line in rows),
    ]


def _single_row(step: Step) -> bool:
    """A relation to one row whose plan runs on rows and completes it as an object."""
    relation, plan = step.relation, step.plan
    return (
        relation is not None
        and not relation.returns_list
        and plan is not None
        and plan.rows
        and step.shape == OBJECT
    )


def _single_row_code(step: Step, index: int, names: dict[str, Any], here: str) -> list[str]:
    """A relation to one row (`Application.job`): when the loader holds it, its plan runs
    here; a missing row of a nullable field is null. Anything else (not loaded, no key, a
    non-null field without a row) takes the executor's `_execute_step`. Errors and awaited
    results are completed as `_execute_step` completes them."""
    key = repr(step.key)
    missing = "done = False" if step.non_null else f"results[{key}] = None"
    fallback = _call_code(f"ex._execute_step(S{index}, source, {here}, keys)", key)
    return [
        *_loaded_code(step, index, names),
        "if done:",
        f"    selected = SELECT{index}(ex.context_value.viewer, loaded)",
        "    if selected is None:",
        f"        {missing}",
        "    else:",
        f"        here = {here}",
        "        try:",
        f"            result = RUN{index}(ex, selected, here, field_keys)",
        "        except Exception as raw_error:",
        f"            results[{key}] = ex._step_error(S{index}, raw_error, here)",
        "        else:",
        "            if result.__class__ is not dict:",
        f"                result = ex._await_completed(S{index}, result, here)",
        "                if pending is None:",
        "                    pending = []",
        f"                pending.append({key})",
        f"            results[{key}] = result",
        "if not done:",
        *(f"    {line}" for line in fallback),
    ]
