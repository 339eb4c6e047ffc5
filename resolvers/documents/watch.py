"""`documentUpdated`: a document's state each time it changes, until parsing has finished.

Woken by the in-process notifications of `events`, and re-reading the row every
`POLL_SECONDS` regardless: a worker in another process (scale-out) changes the row without
notifying this one, and the timer still delivers its change, at most that much later.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from loaders.registry import LoaderSet
from models.document import Document
from resolvers import events
from resolvers.context import Context
from resolvers.documents.access import get_document
from resolvers.documents.process import TERMINAL
from resolvers.errors import AuthenticationRequiredError, NotFoundError

POLL_SECONDS = 2.0


async def _read(ctx: Context, document_id: uuid.UUID) -> Document | None:
    async with ctx.session_factory() as session:
        return await session.get(Document, document_id)


async def watch(
    ctx: Context, document_id: uuid.UUID | None, poll_seconds: float = POLL_SECONDS
) -> AsyncIterator[Document]:
    """Yield the document now and after every change; stop once it is PARSED, FAILED or
    NEEDS_OCR (or erased). Raises NotFoundError when it is missing or not visible."""
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to follow documents")
    if document_id is None:
        raise NotFoundError("Document not found", field="id")
    # listen before the first read, so a change between the two is not missed
    with events.listen(document_id) as changed:
        visible = await get_document(ctx, LoaderSet(ctx.session_factory, ctx.viewer), document_id)
        if visible is None:
            raise NotFoundError("Document not found", field="id")
        first = await _read(ctx, document_id)
        async for document in events.follow(
            changed,
            first,
            lambda: _read(ctx, document_id),
            lambda row: row.status in TERMINAL,
            poll_seconds,
        ):
            yield document
