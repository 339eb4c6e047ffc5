"""Lists of leaf-only rows as JSON built by PostgreSQL, one array per parent.

A nested list whose items select only plain columns (`education { institution degree
startDate }`) needs nothing of its rows but their values. Loading the rows costs per row:
asyncpg decodes every column, SQLAlchemy's processors run, a row is made, grouped under its
parent, and a plan builds the item's dict. Here PostgreSQL builds each parent's array instead
(`json_agg(json_build_object(...))`, as PostGraphile does), in the same single statement per
batch, and the server parses it with orjson: a few C calls per parent instead of Python work
per row and column.

The JSON must read back as exactly what the rows path gives (the compiled path's differential
mode compares the two over the whole test suite), so a field takes this path only when its
column's SQL type has one JSON form equal to the GraphQL value (see `FieldKind`), and every
value that would make the rows path raise or differ (a null in a non-null field, an enum
label outside the enum, NaN, an infinite date, float formatting that does not round-trip) is
flagged by the statement: that parent's list then loads as rows (`NEEDS_ROWS`) in the same
batch, and goes the rows path with its errors.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    Integer,
    String,
    Text,
    Uuid,
    and_,
    case,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.types import TypeDecorator

from loaders import driver
from loaders.base import ByParentLoader, Loader


class FieldKind(enum.Enum):
    """How a GraphQL leaf is written as JSON by PostgreSQL."""

    TYPENAME = "typename"  # the item type's name, a constant
    TEXT = "text"  # String/ID from a character column
    UUID_TEXT = "uuid_text"  # ID from a uuid column (`strawberry.ID(str(row.id))`)
    INT = "int"  # Int from a (32-bit or smaller) integer column
    BOOLEAN = "boolean"
    FLOAT = "float"
    DATE = "date"  # strawberry's Date: ISO 8601, as PostgreSQL writes dates in JSON
    ENUM = "enum"  # stored labels that are the GraphQL names


@dataclass(frozen=True, slots=True)
class JsonField:
    """One response key of the list's items."""

    key: str  # the response key (a GraphQL name: safe in SQL as a quoted literal)
    kind: FieldKind
    column: str = ""  # the row column (not for TYPENAME)
    non_null: bool = False
    constant: str = ""  # TYPENAME: the type name
    enum_class: Any = None  # ENUM: the Python enum both the column and the GraphQL type wrap
    labels: tuple[str, ...] = ()  # ENUM: GraphQL names in the enum's member order


class JsonList:
    """A rows loader class and the item fields of its lists as JSON: the key of a JSON list
    loader in a `LoaderSet`. Its hash is computed once (a plan looks it up per parent row);
    prefetching and the plans get the same object for the same selection
    (`schema.compiled.json_lists.json_fields`), so the lookup is by identity."""

    __slots__ = ("_hash", "fields", "rows")

    def __init__(self, rows: type[Loader[Any, Any]], fields: tuple[JsonField, ...]) -> None:
        self.rows = rows
        self.fields = fields
        self._hash = hash((rows, fields))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, JsonList)
            and self._hash == other._hash
            and self.rows is other.rows
            and self.fields == other.fields
        )


NEEDS_ROWS = object()  # a parent whose list holds a value only the rows path answers right

NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
MAX_FIELDS = 50  # json_build_object takes at most 100 arguments


class JsonListLoader(Loader[uuid.UUID, Any]):
    """Each parent's list as parsed JSON (or `NEEDS_ROWS`), from the statement of the rows
    loader at the same field path: the same rows, filters and order, one statement a batch."""

    def __init__(self, rows: ByParentLoader[Any], spec: JsonList) -> None:
        super().__init__(rows.session_factory)
        self.rows = rows
        self.spec = spec

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[Any]:
        prepared = template_of(self.rows, self.spec)
        assert prepared is not None, "a JSON list loader made without `supports`"
        records = await driver.fetch_prepared(
            self.session_factory.kw["bind"],
            prepared,
            [list(keys)],
            lambda: json_statement(self.rows.statement(keys), self.rows.parent, self.spec.fields),
        )
        floats = any(field.kind is FieldKind.FLOAT for field in self.spec.fields)
        found: dict[Any, Any] = {}
        for record in records:
            if record.needs_rows or (floats and int(record.float_digits) < 1):
                found[record.parent] = NEEDS_ROWS
            else:
                found[record.parent] = orjson.loads(record.items)
        flagged = [key for key in keys if found.get(key) is NEEDS_ROWS]
        if flagged:
            # their rows now, in this batch: a value the rows path cannot read (an enum
            # label outside the enum) fails here as it fails there, and the rest are loaded
            # for the plans, which find them at this field path
            await self.rows.load_all(flagged)
        return [found.get(key, []) for key in keys]


def supports(rows: ByParentLoader[Any], spec: JsonList) -> bool:
    """Whether this rows loader's lists can load as JSON with these item fields: its columns
    are of SQL types the fields can be written from, and its statement reads only its keys."""
    return template_of(rows, spec) is not None


def template_of(rows: ByParentLoader[Any], spec: JsonList) -> driver.Prepared | None:
    """The JSON statement prepared once per loader class and item fields (building it costs
    about a millisecond; only its keys change from one batch to the next), or None."""
    key = (type(rows), spec)
    try:
        return _TEMPLATES[key]
    except KeyError:
        pass
    if len(_TEMPLATES) >= MAX_TEMPLATES:
        _TEMPLATES.clear()  # aliases are the client's: the entries must stay bounded
    found = _TEMPLATES[key] = _template(rows, spec.fields)
    return found


MAX_TEMPLATES = 256
_TEMPLATES: dict[tuple[type[Any], JsonList], driver.Prepared | None] = {}


def _keys_only(kind: type[Any]) -> bool:
    """`keys_only` as declared by the class that defines `statement`."""
    for klass in kind.__mro__:
        if "statement" in vars(klass):
            return vars(klass).get("keys_only") is True
    return False


def _template(rows: ByParentLoader[Any], fields: tuple[JsonField, ...]) -> driver.Prepared | None:
    if not fields or len(fields) > MAX_FIELDS or not rows.on_postgres:
        return None
    if not _keys_only(type(rows)):
        return None
    probe = [uuid.uuid4()]
    try:
        statement = rows.statement(probe)
        columns = statement.selected_columns
    except Exception:
        return None
    if columns.get(rows.parent) is None:
        return None
    for field in fields:
        if not NAME.match(field.key):
            return None
        if field.kind is FieldKind.TYPENAME:
            if not NAME.match(field.constant):
                return None
            continue
        column = columns.get(field.column)
        if column is None or not _fits(field, column.type):
            return None
    return driver.Prepared.of(json_statement(statement, rows.parent, fields), [probe])


def _fits(field: JsonField, kind: Any) -> bool:
    if isinstance(kind, TypeDecorator):
        # a decorator that changes values read (UTC datetimes) makes Python values the
        # database's JSON would not show; one that only picks the type (AutoString) is its type
        decorator = type(kind)
        if (
            decorator.process_result_value is not TypeDecorator.process_result_value
            or decorator.result_processor is not TypeDecorator.result_processor
        ):
            return False
        kind = kind.impl_instance
    if field.kind is FieldKind.ENUM:
        return (
            isinstance(kind, SAEnum)
            and kind.enum_class is field.enum_class
            and tuple(kind.enums) == field.labels
            and all(NAME.match(label) for label in field.labels)
        )
    if isinstance(kind, SAEnum):
        return False
    if field.kind is FieldKind.TEXT:
        return isinstance(kind, String)
    if field.kind is FieldKind.UUID_TEXT:
        return isinstance(kind, Uuid)
    if field.kind is FieldKind.INT:
        return isinstance(kind, Integer) and not isinstance(kind, BigInteger)
    if field.kind is FieldKind.BOOLEAN:
        return isinstance(kind, Boolean)
    if field.kind is FieldKind.FLOAT:
        return isinstance(kind, Float)
    if field.kind is FieldKind.DATE:
        return isinstance(kind, Date)
    return False


def json_statement(statement: Any, parent: str, fields: tuple[JsonField, ...]) -> Any:
    """`statement`'s rows as one JSON array per parent, in the statement's order, with a flag
    for a parent whose rows hold a value the JSON would not give back as the rows path does.

    The order is numbered inside (`row_number() OVER (ORDER BY ...)`) and the aggregate
    follows the numbers: an aggregate is not sure to keep the order of a sorted subquery.
    """
    number = func.row_number().over(order_by=list(statement._order_by_clauses)).label("tg_n")
    rows = statement.add_columns(number).order_by(None).subquery("tg_rows")
    pairs: list[Any] = []
    wrong: list[Any] = []
    for field in fields:
        pairs.append(literal_column(f"'{field.key}'"))
        if field.kind is FieldKind.TYPENAME:
            pairs.append(literal_column(f"'{field.constant}'"))
            continue
        value = rows.c[field.column]
        if field.non_null:
            wrong.append(value.is_(None))
        if field.kind is FieldKind.UUID_TEXT:
            pairs.append(cast(value, Text))
        elif field.kind is FieldKind.FLOAT:
            special = value.in_([literal_column(f"'{v}'::float8") for v in INFINITE])
            wrong.append(special)
            pairs.append(_float(value, special))
        else:
            pairs.append(value)
        if field.kind is FieldKind.ENUM:
            wrong.append(value.not_in([literal_column(f"'{label}'") for label in field.labels]))
        elif field.kind is FieldKind.DATE:
            wrong.append(func.isfinite(value).is_(False))
    built = func.json_build_object(*pairs)
    items = cast(func.json_agg(aggregate_order_by(built, rows.c.tg_n)), Text)
    flagged = func.coalesce(func.bool_or(or_(*wrong)), False) if wrong else false()
    return select(
        rows.c[parent].label("parent"),
        items.label("items"),
        flagged.label("needs_rows"),
        func.current_setting("extra_float_digits").label("float_digits"),
    ).group_by(rows.c[parent])


INFINITE = ("NaN", "Infinity", "-Infinity")  # floats GraphQL cannot return


def _float(value: Any, special: Any) -> Any:
    """A double as a JSON number that reads back as the same Python float.

    PostgreSQL writes the shortest text that reads back as the same double (with
    `extra_float_digits` at its default of 1 or more, checked per statement), but an
    integral value without a fraction (`5`), which would read back as an int: it gets `.0`.
    """
    text = cast(cast(value, Float(precision=53)), Text)
    integral = and_(func.strpos(text, ".") == 0, func.strpos(text, "e") == 0)
    return cast(case((special, None), (integral, text + ".0"), else_=text), JSON)
