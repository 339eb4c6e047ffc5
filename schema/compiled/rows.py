"""Which fields of a row-backed type are plain columns of its row.

Most types are made from a row by a `from_model` that only copies columns:

    @classmethod
    def from_model(cls, row: Education) -> EducationType:
        return cls(id=strawberry.ID(str(row.id)), institution=row.institution, ...)

For such a type a plan can read each field from the loaded row itself, and skip making the
strawberry object (the largest single cost of a nested list: thousands of objects per page,
each built only to be read once). `row_columns` reads that mapping out of `from_model`'s own
code, so the copy in `from_model` stays the one place it is written. Only these exact forms
are recognized; any other argument (a computed value, a default, a conditional) leaves the
field unmapped, and a plan that selects an unmapped field makes the objects as before.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    """A field copied from the row: `row.name`, or `str(row.name)` for an ID."""

    name: str
    as_str: bool


ROW = Column("", as_str=False)  # the field holding the row itself (`row=row`)


@cache
def row_columns(cls: type[Any]) -> dict[str, Column] | None:
    """Field (Python name) -> its column, for the fields `cls.from_model(row)` copies.

    None when `from_model` is not a single `return cls(...)` of one row argument (it needs
    more than the row, or its source cannot be read): such a type is always made as an object.
    """
    method = getattr(cls, "from_model", None)
    function = getattr(method, "__func__", None)
    if function is None:
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None
    definition = tree.body[0] if tree.body else None
    if not isinstance(definition, ast.FunctionDef):
        return None
    arguments = definition.args
    if (
        len(arguments.args) != 2
        or arguments.kwonlyargs
        or arguments.vararg
        or arguments.kwarg
        or arguments.posonlyargs
    ):
        return None
    maker, row = arguments.args[0].arg, arguments.args[1].arg
    body = definition.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    call = body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == maker
        and not call.args
    ):
        return None
    columns: dict[str, Column] = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            return None  # `**values`: the fields are not known
        column = _column(keyword.value, row)
        if column is not None:
            columns[keyword.arg] = column
    return columns


def _column(value: ast.expr, row: str) -> Column | None:
    if isinstance(value, ast.Name) and value.id == row:
        return ROW
    if _is_row_attribute(value, row):
        assert isinstance(value, ast.Attribute)
        return Column(value.attr, as_str=False)
    # strawberry.ID(str(row.x))
    if (
        isinstance(value, ast.Call)
        and _is_dotted(value.func, "strawberry", "ID")
        and len(value.args) == 1
        and not value.keywords
    ):
        inner = value.args[0]
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Name)
            and inner.func.id == "str"
            and len(inner.args) == 1
            and not inner.keywords
            and _is_row_attribute(inner.args[0], row)
        ):
            attribute = inner.args[0]
            assert isinstance(attribute, ast.Attribute)
            return Column(attribute.attr, as_str=True)
    return None


def _is_row_attribute(value: ast.expr, row: str) -> bool:
    return (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id == row
    )


def _is_dotted(value: ast.expr, module: str, name: str) -> bool:
    return (
        isinstance(value, ast.Attribute)
        and value.attr == name
        and isinstance(value.value, ast.Name)
        and value.value.id == module
    )
