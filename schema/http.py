"""GraphQL over HTTP: media types, request bodies and request errors (issue 13, item 8).

Two ways to answer, chosen from `Accept`:
- `application/graphql-response+json` (the GraphQL-over-HTTP media type): parse, validation
  and variable errors are 400, without a `data` entry.
- `application/json` (also for `*/*` or no `Accept`): 200 with `errors` for parse and
  validation errors, as existing clients expect.
Either way a request that is not a GraphQL request at all is a 4xx with a JSON error.

A body this server cannot read (invalid UTF-8, not JSON, JSON that is not an object, nested
deeper than MAX_JSON_DEPTH, numbers Python will not convert) is the client's mistake, never a
500.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from cross_web import HTTPException
from starlette.responses import JSONResponse

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MAX_JSON_DEPTH = 64  # no variable of this schema nests anywhere near this deep


class Mode(Enum):
    GRAPHQL_RESPONSE = GRAPHQL_RESPONSE  # 400 for parse, validation and variable errors
    JSON = JSON  # 200 with `errors` for them


STATE_KEY = "response_mode"  # where the view keeps the chosen mode in the request scope

CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    404: "NOT_FOUND",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class RequestError(HTTPException):
    """A request that is not a GraphQL request this server can run."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        headers: dict[str, str] | None = None,
        *,
        code: str | None = None,
    ):
        super().__init__(status_code, reason)
        self.headers = headers or {}
        self.code = code or CODES.get(status_code, "BAD_REQUEST")


def negotiate(accept: str | None) -> Mode | None:
    """The response mode `Accept` prefers; None when it accepts nothing we produce (406)."""
    if accept is None or not accept.strip():
        return Mode.JSON
    ranked: list[tuple[float, int, Mode]] = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        quality = _quality(params)
        mode = {
            GRAPHQL_RESPONSE: Mode.GRAPHQL_RESPONSE,
            JSON: Mode.JSON,
            "*/*": Mode.JSON,
            "application/*": Mode.JSON,
        }.get(media.strip().lower())
        if mode is not None and quality > 0:
            ranked.append((-quality, position, mode))
    return min(ranked)[2] if ranked else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def media_type(mode: Mode) -> str:
    return GRAPHQL_RESPONSE if mode is Mode.GRAPHQL_RESPONSE else JSON


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode_json(data: str | bytes, what: str = "The request body") -> Any:
    """Strict JSON: UTF-8, no NaN/Infinity, bounded nesting; RequestError(400) otherwise."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise RequestError(400, f"{what} is not valid UTF-8") from exc
    except RecursionError as exc:
        raise RequestError(400, f"{what} is nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, and integers over Python's digit limit
        raise RequestError(400, f"{what} is not valid JSON") from exc
    if _depth_over(value, MAX_JSON_DEPTH):
        raise RequestError(400, f"{what} is nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _depth_over(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def request_fields(data: Any) -> dict[str, Any]:
    """The GraphQL request object's fields, each of the type the spec gives it."""
    if isinstance(data, list):
        raise RequestError(400, "Batching is not enabled")
    if not isinstance(data, dict):
        raise RequestError(400, "The GraphQL request must be a JSON object")
    expected = {
        "query": (str, "a string"),
        "operationName": (str, "a string"),
        "variables": (dict, "an object"),
        "extensions": (dict, "an object"),
    }
    for name, (kind, described) in expected.items():
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            raise RequestError(400, f"`{name}` must be {described} or null")
    return data


def error_response(exc: HTTPException, mode: Mode) -> JSONResponse:
    """A request error as a GraphQL response without `data`."""
    body = {
        "errors": [
            {
                "message": exc.reason,
                "extensions": {
                    "code": exc.code
                    if isinstance(exc, RequestError)
                    else CODES.get(exc.status_code, "BAD_REQUEST")
                },
            }
        ]
    }
    headers = exc.headers if isinstance(exc, RequestError) else {}
    return JSONResponse(
        body, status_code=exc.status_code, headers=headers, media_type=media_type(mode)
    )
