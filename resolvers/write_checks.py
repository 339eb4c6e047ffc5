"""Field checks of the write mutations: phone numbers, dates, ranges, and partial inputs."""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime
from typing import Any

import phonenumbers

from resolvers.validation import Checks

CURRENCY = re.compile(r"^[A-Z]{3}$")
EARLIEST_BIRTH = date(1900, 1, 1)


@functools.lru_cache(maxsize=512)
def camel(name: str) -> str:
    """`date_of_birth` -> `dateOfBirth`: fields are named as the client wrote them."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def today() -> date:
    return datetime.now(UTC).date()


class WriteChecks(Checks):
    """`Checks` plus the formats of profile and job fields; `prefix` names the input object."""

    def __init__(self, prefix: str = "input") -> None:
        super().__init__()
        self.prefix = prefix

    def name(self, field: str) -> str:
        return f"{self.prefix}.{camel(field)}" if self.prefix else camel(field)

    def has(self, field: str) -> bool:
        """Whether a check already rejected this field (so follow-up checks stay quiet)."""
        return any(name == self.name(field) for name, _, _ in self.errors)

    def reject(self, field: str, code: str, message: str) -> None:
        self.fail(self.name(field), code, message)

    def string(self, field: str, value: str | None, *, required: bool, max_length: int) -> Any:
        return self.text(self.name(field), value, required=required, max_length=max_length)

    def optional_email(self, field: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return self.email(self.name(field), value)

    def phone(self, field: str, value: str | None) -> str | None:
        """E.164, from an international number ("+49 151 ..."); there is no default region."""
        if value is None or not value.strip():
            return None
        message = f"{self.name(field)} must be a valid international number, e.g. +49 151 2345678"
        try:
            parsed = phonenumbers.parse(value.strip(), None)
        except phonenumbers.NumberParseException:
            self.reject(field, "INVALID_FORMAT", message)
            return None
        if not phonenumbers.is_valid_number(parsed):
            self.reject(field, "INVALID_FORMAT", message)
            return None
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def birth_date(self, field: str, value: date | None) -> date | None:
        if value is not None and value > today():
            self.reject(field, "INVALID_VALUE", f"{self.name(field)} must not be in the future")
        elif value is not None and value < EARLIEST_BIRTH:
            self.reject(field, "INVALID_VALUE", f"{self.name(field)} must not be before 1900")
        return value

    def ordered(self, first: str, start: date | None, last: str, end: date | None) -> None:
        """`start <= end` when both are given; the later field is named."""
        if start is not None and end is not None and start > end and not self.has(last):
            self.reject(
                last, "INVALID_VALUE", f"{self.name(last)} must not be before {self.name(first)}"
            )

    def number(
        self, field: str, value: float | None, *, low: float, high: float | None = None
    ) -> Any:
        if value is None:
            return None
        if value < low or (high is not None and value > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            self.reject(field, "INVALID_VALUE", f"{self.name(field)} must be {bound}")
        return value

    def currency(self, field: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        cleaned = value.strip().upper()
        if not CURRENCY.match(cleaned):
            self.reject(field, "INVALID_FORMAT", f"{self.name(field)} must be 3 letters (ISO 4217)")
        return cleaned

    def url(self, field: str, value: str | None, *, max_length: int) -> str | None:
        cleaned = self.string(field, value, required=False, max_length=max_length)
        if cleaned is not None and not re.match(r"^https?://[^\s/$.?#][^\s]*$", cleaned):
            self.reject(field, "INVALID_FORMAT", f"{self.name(field)} must be an http(s) URL")
        return cleaned if isinstance(cleaned, str) else None

    def size(self, field: str, items: list[Any], *, max_items: int) -> None:
        if len(items) > max_items:
            self.fail(field, "TOO_LONG", f"{field} may hold at most {max_items} entries")


def merged(row: Any, changes: dict[str, Any], name: str) -> Any:
    """The value a field will have after a partial update."""
    return changes[name] if name in changes else getattr(row, name, None)
