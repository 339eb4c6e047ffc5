"""A CV carrying JavaScript or a launch action: stored and parsed as text, never run, and the
recruiter is warned by an ACTIVE_CONTENT finding on the document (security checklist)."""

from __future__ import annotations

import pytest

from tests import pdfs
from tests.api.test_cv_processing import finished, worker  # noqa: F401 - the worker fixture
from tests.api.test_cv_upload import candidate_user, upload


@pytest.mark.parametrize("kind", ["open-action", "launch"])
async def test_active_content_is_parsed_as_text_and_flagged(client, db, settings, worker, kind):  # noqa: F811
    # given
    _, token = await candidate_user(db, settings)
    uploaded = await upload(client, token, pdfs.active_content_pdf(kind))
    # when
    document = await finished(client, token, uploaded["document"]["id"])
    # then
    assert uploaded["__typename"] == "UploadCvSuccess"
    assert document["status"] == "PARSED"
    assert document["profile"]["name"]["value"] == "Jane Doe"
    assert [f["code"] for f in document["findings"]].count("ACTIVE_CONTENT") == 1
