"""`GET /documents/{id}/file`: the stored CV, to whoever may see the document.

A plain HTTP route rather than a GraphQL field: clients want the bytes (a link, a download
button), not base64 in JSON. The same bearer authentication and the same visibility rule as
`document(id)` apply on every request; a document the viewer may not see looks missing. The file
is always sent as an attachment with `nosniff`, so a browser never renders an uploaded file
inline (OWASP File Upload cheat sheet, "Public File Retrieval").
"""

from __future__ import annotations

import logging
import uuid
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from models.storage import open_storage
from resolvers.audit import record
from resolvers.context import Context
from resolvers.documents.access import get_document
from resolvers.routes import error_response, signed_in_context

logger = logging.getLogger("talentgraph.documents")

FALLBACK_NAME = "cv.pdf"


def download_path(document_id: uuid.UUID) -> str:
    """Where the file of a document is served, relative to the API's root."""
    return f"/documents/{document_id}/file"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 6266 `filename*`."""
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;/' else "_" for c in filename
    )
    if not ascii_name.lower().endswith(".pdf"):
        ascii_name = FALLBACK_NAME
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def download(request: Request) -> Response:
    """Send the stored PDF of a visible document; 401 without a valid token, else 404."""
    ctx = await signed_in_context(request, "download documents")
    if not isinstance(ctx, Context):
        return ctx
    try:
        document_id = uuid.UUID(request.path_params["document_id"])
    except ValueError:
        return error_response(404, "NOT_FOUND", "Document not found")
    document = await get_document(ctx, ctx.loaders.at(("download",)), document_id)
    if document is None:
        return error_response(404, "NOT_FOUND", "Document not found")
    try:
        data = await open_storage(ctx.settings).read(document.storage_key)
    except FileNotFoundError:
        logger.warning("document %s has no stored file", document.id)
        return error_response(404, "NOT_FOUND", "The document's file is no longer stored")
    async with ctx.session_factory() as session:  # reading a CV is access to personal data
        record(session, ctx, "document.download", "Document", document.id)
        await session.commit()
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(document.filename or FALLBACK_NAME),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
