"""Input checks shared by mutations: collect every problem, then fail once naming each field."""

from __future__ import annotations

import re

from resolvers.errors import ValidationFailedError

EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


class Checks:
    """Accumulates field errors; `done()` raises them all at once."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str, str]] = []

    def fail(self, field: str, code: str, message: str) -> None:
        self.errors.append((field, code, message))

    def text(self, field: str, value: str | None, *, required: bool, max_length: int) -> str | None:
        """Trimmed text, or None when empty and optional."""
        cleaned = value.strip() if value is not None else None
        if not cleaned:
            if required:
                self.fail(field, "REQUIRED", f"{field} is required")
            return None
        if len(cleaned) > max_length:
            self.fail(field, "TOO_LONG", f"{field} must be at most {max_length} characters")
        return cleaned

    def email(self, field: str, value: str) -> str:
        """Trimmed and lower-cased; syntax checked (no DNS lookups)."""
        cleaned = value.strip().lower()
        if len(cleaned) > 320 or not EMAIL.match(cleaned):
            self.fail(field, "INVALID_FORMAT", f"{field} is not a valid email address")
        return cleaned

    def password(self, field: str, value: str) -> str:
        if len(value) < 10:
            self.fail(field, "TOO_SHORT", f"{field} must be at least 10 characters")
        elif len(value) > 256:
            self.fail(field, "TOO_LONG", f"{field} must be at most 256 characters")
        return value

    def done(self) -> None:
        if self.errors:
            raise ValidationFailedError(self.errors)
