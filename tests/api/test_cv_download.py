"""`GET /documents/{id}/file`: the stored CV as an attachment, to whoever may see the document."""

from __future__ import annotations

from typing import Any

import pytest

from models.document import Document
from models.storage import LocalStorage
from resolvers.documents.download import content_disposition
from tests import pdfs
from tests.api.test_cv_upload import candidate_user, upload
from tests.helpers import audit_rows, gql, stored

DOWNLOAD_PATH = "query($id: ID!) { document(id: $id) { downloadPath } }"


async def uploaded(
    client: Any, db: Any, settings: Any, **kwargs: Any
) -> tuple[Any, str, str, bytes]:
    candidate, token = await candidate_user(db, settings)
    data = pdfs.simple_cv_pdf()
    result = await upload(client, token, data, mode="SUGGEST", **kwargs)
    return candidate, token, result["document"]["id"], data


async def test_the_owner_downloads_the_file_as_an_attachment(client, db, settings):
    # given
    _, token, document_id, data = await uploaded(
        client, db, settings, filename="Zoë Kowalski CV.pdf"
    )
    path = (await gql(client, DOWNLOAD_PATH, {"id": document_id}, token)).data["document"]
    # when
    response = await client.get(path["downloadPath"], headers={"Authorization": f"Bearer {token}"})
    # then
    assert path["downloadPath"] == f"/documents/{document_id}/file"
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-disposition"] == (
        'attachment; filename="Zo_ Kowalski CV.pdf"; '
        "filename*=UTF-8''Zo%C3%AB%20Kowalski%20CV.pdf"
    )
    rows = await audit_rows(db, "document.download")
    assert [row.entity_id for row in rows] == [document_id]


async def test_someone_else_gets_not_found_and_anonymous_gets_401(client, db, settings):
    # given
    _, _, document_id, _ = await uploaded(client, db, settings)
    _, stranger = await candidate_user(db, settings)
    url = f"/documents/{document_id}/file"
    # when
    foreign = await client.get(url, headers={"Authorization": f"Bearer {stranger}"})
    anonymous = await client.get(url)
    forged = await client.get(url, headers={"Authorization": "Bearer not-a-token"})
    # then
    assert foreign.status_code == 404
    assert foreign.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert anonymous.status_code == 401
    assert forged.status_code == 401
    assert await audit_rows(db, "document.download") == []


@pytest.mark.parametrize("document_id", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
async def test_unknown_ids_are_not_found(client, db, settings, document_id):
    # given
    _, token = await candidate_user(db, settings)
    # when
    response = await client.get(
        f"/documents/{document_id}/file", headers={"Authorization": f"Bearer {token}"}
    )
    # then
    assert response.status_code == 404


async def test_a_file_gone_from_storage_is_not_found_not_a_500(client, db, settings):
    # given
    _, token, document_id, _ = await uploaded(client, db, settings)
    document = await stored(db, Document, document_id)
    await LocalStorage(settings.files_dir).delete(document.storage_key)
    # when
    response = await client.get(
        f"/documents/{document_id}/file", headers={"Authorization": f"Bearer {token}"}
    )
    # then
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"] == "The document's file is no longer stored"


@pytest.mark.parametrize(
    ("filename", "fallback"),
    [
        ('../../etc/"passwd";.pdf', ".._.._etc__passwd__.pdf"),
        ("cv.pdf.exe", "cv.pdf"),
        ("\u202ecod.pdf", "_cod.pdf"),
    ],
)
def test_the_attachment_name_cannot_break_out_of_its_header(filename, fallback):
    # when
    header = content_disposition(filename)
    # then
    assert header.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    assert "\r" not in header and "\n" not in header
