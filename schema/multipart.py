"""GraphQL multipart requests (file uploads), checked before the GraphQL layer sees them.

The multipart request spec sends `operations` (the GraphQL request as JSON with null where
files go), `map` (file field -> the `variables.*` paths it fills) and the files. A malformed
request is the client's mistake and gets HTTP 400 with a reason; strawberry would answer some
of them with 500. Browsers may send multipart forms cross-site without a CORS preflight, so
`forgery_refusal` demands a header they cannot add without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cross_web import FormData, HTTPException, StarletteRequestAdapter
from starlette.datastructures import UploadFile

from schema.http import decode_json

# no mutation takes more than one file; the form parser stops at these counts
MAX_FILES = 1
MAX_FIELDS = 4
# headers a cross-site form cannot carry without passing a CORS preflight first
PREFLIGHT_HEADERS = ("authorization", "graphql-require-preflight")
# where the parsed form waits in the request scope until the view closes its files
FORM_STATE = "multipart_form"


def forgery_refusal(method: str, headers: Mapping[str, str]) -> str | None:
    """Why a multipart POST must be refused (None when it may go on)."""
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if method != "POST" or content_type != "multipart/form-data":
        return None
    if any(headers.get(name) for name in PREFLIGHT_HEADERS):
        return None
    return (
        "Multipart requests need an `Authorization` or `GraphQL-Require-Preflight` header "
        "(browsers cannot forge either without a CORS preflight)"
    )


class LimitedFormAdapter(StarletteRequestAdapter):
    """Starlette's request adapter with tight file and field counts for multipart forms."""

    @property
    def scope(self) -> Any:
        return self._request.scope

    async def get_form_data(self) -> FormData:
        form = await self._request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
        self._request.scope.setdefault("state", {})[FORM_STATE] = form
        return FormData(files=form, form=form)


def _bad(reason: str) -> HTTPException:
    return HTTPException(400, reason)


def _json_field(form: Any, name: str) -> Any:
    values = form.getlist(name)
    if len(values) != 1:
        raise _bad(f"The multipart request needs exactly one `{name}` field")
    value = values[0]
    if not isinstance(value, str):
        raise _bad(f"`{name}` must be a form field holding JSON, not a file")
    return decode_json(value, f"`{name}`")


def _slot(operations: Any, path: str) -> tuple[Any, Any]:
    """The container and key a map path names; it must hold null (the file's placeholder)."""
    keys = path.split(".")
    if isinstance(operations, list):
        if not keys[0].isdigit() or int(keys[0]) >= len(operations):
            raise _bad(f"map path {path!r} names no operation of the batch")
        operations, keys = operations[int(keys[0])], keys[1:]
    if len(keys) < 2 or keys[0] != "variables":
        raise _bad(f"map path {path!r} must point into `variables`")
    target: Any = operations
    for key in keys[:-1]:
        target = _step(target, key, path)
    last = keys[-1]
    if isinstance(target, list):
        if not last.isdigit() or int(last) >= len(target):
            raise _bad(f"map path {path!r} names no list item")
        slot: Any = int(last)
    elif isinstance(target, dict) and last in target:
        slot = last
    else:
        raise _bad(f"map path {path!r} names no variable")
    if target[slot] is not None:
        raise _bad(f"map path {path!r} must point at a null placeholder")
    return target, slot


def _step(target: Any, key: str, path: str) -> Any:
    if isinstance(target, dict) and key in target:
        return target[key]
    if isinstance(target, list) and key.isdigit() and int(key) < len(target):
        return target[int(key)]
    raise _bad(f"map path {path!r} names no variable")


def operations_with_files(form_data: FormData) -> Any:
    """The `operations` JSON with each mapped file in its place; HTTP 400 when malformed."""
    form: Any = form_data.form  # starlette's FormData: a multi-dict
    operations = _json_field(form, "operations")
    if not isinstance(operations, dict | list) or not operations:
        raise _bad("`operations` must be a JSON object (or a non-empty list of them)")
    if isinstance(operations, list) and not all(isinstance(op, dict) for op in operations):
        raise _bad("`operations` must be a JSON object (or a non-empty list of them)")
    files_map = _json_field(form, "map")
    if not isinstance(files_map, dict):
        raise _bad("`map` must be a JSON object of file field -> list of paths")
    used: set[str] = set()
    for name, paths in files_map.items():
        if not isinstance(paths, list) or len(paths) != 1 or not isinstance(paths[0], str):
            raise _bad(f"map entry {name!r} must list exactly one path")
        files = form.getlist(name)
        if len(files) != 1 or not isinstance(files[0], UploadFile):
            raise _bad(f"File {name!r} named in `map` is missing from the request")
        if paths[0] in used:
            raise _bad(f"map path {paths[0]!r} is named twice")
        used.add(paths[0])
        container, key = _slot(operations, paths[0])
        container[key] = files[0]
    mapped = set(files_map)
    extra = [key for key, value in form.multi_items() if isinstance(value, UploadFile)]
    if any(key not in mapped for key in extra):
        raise _bad("The request holds a file that `map` does not name")
    return operations
