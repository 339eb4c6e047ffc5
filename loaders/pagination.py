"""Keyset pagination: opaque cursors and the WHERE clause that continues after one."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class InvalidCursorError(ValueError):
    """The `after` cursor was not produced by this list (or was tampered with)."""


@dataclass(frozen=True)
class PageArgs:
    first: int = DEFAULT_PAGE_SIZE
    after: str | None = None


@dataclass(frozen=True)
class OrderColumn:
    """One column of a stable sort order; `kind` says how its cursor value is decoded."""

    column: Any
    attr: str
    kind: type = str


def clamp_first(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise InvalidCursorError("`first` must not be negative")
    return min(first, MAX_PAGE_SIZE)


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def encode_cursor(tag: str, row: Any, order: Sequence[OrderColumn]) -> str:
    payload = [tag, *(_encode_value(getattr(row, o.attr)) for o in order)]
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(tag: str, cursor: str, order: Sequence[OrderColumn]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursorError("invalid cursor") from exc
    if not isinstance(payload, list) or len(payload) != len(order) + 1 or payload[0] != tag:
        raise InvalidCursorError("cursor does not belong to this list or order")
    values: list[Any] = []
    try:
        for o, raw_value in zip(order, payload[1:], strict=True):
            if o.kind is datetime:
                values.append(datetime.fromisoformat(raw_value))
            elif o.kind is uuid.UUID:
                values.append(uuid.UUID(hex=raw_value))
            elif o.kind is str:
                if not isinstance(raw_value, str):
                    raise TypeError
                values.append(raw_value)
            else:
                values.append(o.kind(raw_value))
    except (TypeError, ValueError) as exc:
        raise InvalidCursorError("invalid cursor") from exc
    return values


def after_clause(
    order: Sequence[OrderColumn], values: Sequence[Any], descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after `values` in the (all ascending or all descending) order."""
    parts: list[ColumnElement[bool]] = []
    for i, o in enumerate(order):
        equal = [order[j].column == values[j] for j in range(i)]
        beyond = o.column < values[i] if descending else o.column > values[i]
        parts.append(and_(*equal, beyond))
    return or_(*parts)
