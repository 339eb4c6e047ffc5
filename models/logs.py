"""Log lines: one JSON object per line in production, readable text in development.

Every line names the request (or job) it belongs to: the HTTP middleware and the job middleware
put a `LogContext` in `log_context`, and a filter copies it onto each record, so lines from any
library (uvicorn, SQLAlchemy, dramatiq) carry it without passing it around.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

FIELDS = ("request_id", "user_id", "operation", "duration_ms", "sql_statements")


@dataclass
class LogContext:
    """What is known about the current request or job; filled in as it runs."""

    request_id: str | None = None
    user_id: str | None = None
    operation: str | None = None


log_context: ContextVar[LogContext | None] = ContextVar("log_context", default=None)


class ContextFilter(logging.Filter):
    """Copy the current `LogContext` onto every record (explicit `extra=` values win)."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = log_context.get()
        for name in ("request_id", "user_id", "operation"):
            if getattr(record, name, None) is None:
                setattr(record, name, getattr(current, name, None) if current else None)
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {name: value for name in FIELDS if (value := getattr(record, name, None)) is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (UTC, ISO 8601), level, logger, message, context."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`HH:MM:SS.mmm LEVEL logger [request] message key=value ...` for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s.%(msecs)03d %(levelname)-7s %(name)s %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = _fields(record)
        request_id = extra.pop("request_id", None)
        if request_id is not None:
            head, _, tail = line.partition(f" {record.name} ")
            line = f"{head} {record.name} [{request_id}] {tail}"
        if extra:
            pairs = " ".join(f"{key}={value}" for key, value in extra.items())
            first, newline, rest = line.partition("\n")
            line = f"{first} {pairs}{newline}{rest}"
        return line


def configure_logging(level: str, production: bool) -> None:
    """Send every logger's lines to stderr in the format of the environment."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if production else TextFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "dramatiq"):
        # their own handlers (uvicorn's default config, dramatiq's CLI) would print twice
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
