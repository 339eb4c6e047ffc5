"""Who may see a stored CV: the one rule every read of documents goes through (the document
field, lists, the file download, the parse subscription, suggestions)."""

from __future__ import annotations

import uuid

from loaders.policy import can_view_document
from loaders.registry import LoaderSet
from models.document import Document
from resolvers.context import Context


async def visible_documents(
    ctx: Context, loaders: LoaderSet, rows: list[Document]
) -> list[Document]:
    """Filter documents by policy; relationship checks for all rows go in one batch."""
    loader = loaders.related_candidate
    related: list[bool] = [False] * len(rows)
    if loader is not None and rows:
        related = await loader.load_many([row.candidate_id for row in rows])
    return [
        row
        for row, rel in zip(rows, related, strict=True)
        if can_view_document(ctx.viewer, row, rel)
    ]


async def get_document(ctx: Context, loaders: LoaderSet, document_id: uuid.UUID) -> Document | None:
    row = await loaders.document.load(document_id)
    if row is None:
        return None
    visible = await visible_documents(ctx, loaders, [row])
    return visible[0] if visible else None
