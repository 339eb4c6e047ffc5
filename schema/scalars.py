"""Scalars that refuse what the database would choke on, as the client's error."""

from __future__ import annotations

import datetime as dt

from strawberry.schema.types.base_scalars import wrap_parser
from strawberry.types.scalar import ScalarDefinition


def aware_datetime(value: str) -> dt.datetime:
    """An ISO 8601 date-time with its offset: a time without one names no instant."""
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a timezone offset (e.g. `Z` or `+02:00`) is required")
    return parsed


AwareDateTime = ScalarDefinition(
    name="DateTime",
    description="Date and time in ISO 8601 with a timezone offset, e.g. `2026-01-31T09:30:00Z`; "
    "values without an offset are refused.",
    specified_by_url=None,
    serialize=dt.datetime.isoformat,
    parse_value=wrap_parser(aware_datetime, "DateTime"),
    parse_literal=None,
    origin=dt.datetime,
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {dt.datetime: AwareDateTime}
