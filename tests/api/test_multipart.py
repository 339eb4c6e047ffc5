"""Multipart requests: forged (no preflight header), malformed, oversized (G-17, U-01..U-04)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import dramatiq
import pytest

from tests import pdfs
from tests.api.test_cv_upload import UPLOAD_CV, candidate_user
from tests.helpers import variant_client

OPERATIONS = json.dumps({"query": UPLOAD_CV, "variables": {"file": None}})
MAP = json.dumps({"0": ["variables.file"]})
FILE = ("cv.pdf", b"%PDF-1.4 not really", "application/pdf")
PREFLIGHT = {"GraphQL-Require-Preflight": "1"}


@pytest.fixture(autouse=True)
def empty_queues() -> None:
    dramatiq.get_broker().flush_all()


async def post(client: Any, data: dict[str, str], files: dict[str, Any], **headers: str) -> Any:
    return await client.post("/graphql", data=data, files=files, headers=headers or PREFLIGHT)


async def test_g17_a_multipart_request_without_a_preflight_header_is_refused(client):
    # when: what a cross-site HTML form (or a cookie-carrying fetch) can send
    response = await client.post(
        "/graphql",
        data={"operations": OPERATIONS, "map": MAP},
        files={"0": FILE},
        headers={"Cookie": "session=abc", "Origin": "https://evil.example"},
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "PREFLIGHT_REQUIRED"}


async def test_g17_the_preflight_header_or_a_bearer_token_lets_it_through(client, db, settings):
    # given
    _, token = await candidate_user(db, settings)
    parts = {"data": {"operations": OPERATIONS, "map": MAP}, "files": {"0": FILE}}
    # when
    anonymous = await client.post("/graphql", headers=PREFLIGHT, **parts)
    signed_in = await client.post("/graphql", headers={"Authorization": f"Bearer {token}"}, **parts)
    # then
    assert anonymous.json()["data"]["uploadCv"]["code"] == "UNAUTHENTICATED"
    assert signed_in.json()["data"]["uploadCv"]["code"] == "NOT_A_PDF"


MALFORMED: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "operations as a file": ({"map": MAP}, {"0": FILE, "operations": ("o.json", b"{}", "x/y")}),
    "operations null": ({"operations": "null", "map": MAP}, {"0": FILE}),
    "operations not JSON": ({"operations": "{", "map": MAP}, {"0": FILE}),
    "operations missing": ({"map": MAP}, {"0": FILE}),
    "map as a list": ({"operations": OPERATIONS, "map": '["variables.file"]'}, {"0": FILE}),
    "map as a file": ({"operations": OPERATIONS}, {"0": FILE, "map": ("m.json", b"{}", "x/y")}),
    "map into the query": (
        {"operations": OPERATIONS, "map": json.dumps({"0": ["query"]})},
        {"0": FILE},
    ),
    "map to an unknown variable": (
        {"operations": OPERATIONS, "map": json.dumps({"0": ["variables.nope"]})},
        {"0": FILE},
    ),
    "map to a non-null value": (
        {
            "operations": json.dumps({"query": UPLOAD_CV, "variables": {"file": "x"}}),
            "map": MAP,
        },
        {"0": FILE},
    ),
    "mapped file missing": ({"operations": OPERATIONS, "map": MAP}, {"1": FILE}),
    "one file to 200 paths": (
        {"operations": OPERATIONS, "map": json.dumps({"0": ["variables.file"] * 200})},
        {"0": FILE},
    ),
    "two files": (
        {"operations": OPERATIONS, "map": json.dumps({"0": ["variables.file"]})},
        {"0": FILE, "1": FILE},
    ),
    "map path out of a batch": (
        {"operations": json.dumps([{"query": UPLOAD_CV}]), "map": json.dumps({"0": ["3.x"]})},
        {"0": FILE},
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
async def test_u03_malformed_multipart_requests_get_400_never_500(client, case):
    # given
    data, files = MALFORMED[case]
    # when
    response = await post(client, data, files)
    # then
    assert response.status_code == 400, response.text


async def test_u02_a_thousand_empty_parts_get_400(client):
    # given
    data = {"operations": OPERATIONS, "map": MAP, **{f"f{i}": "" for i in range(1001)}}
    # when
    response = await post(client, data, {"0": FILE})
    # then
    assert response.status_code == 400


async def test_u01_a_body_over_the_cap_gets_413_by_its_content_length(db, settings):
    # given
    _, token = await candidate_user(db, settings)
    big = ("cv.pdf", pdfs.simple_cv_pdf() + b"%" * 20_000, "application/pdf")
    async with variant_client(settings, max_body_bytes=10_000) as client:
        # when
        response = await client.post(
            "/graphql",
            data={"operations": OPERATIONS, "map": MAP},
            files={"0": big},
            headers={"Authorization": f"Bearer {token}"},
        )
    # then
    assert response.status_code == 413
    assert list(settings.files_dir.glob("**/*.pdf")) == []


async def test_u01_a_chunked_body_over_the_cap_gets_413_while_it_streams(db, settings):
    # given: no Content-Length, and far more body than the cap
    _, token = await candidate_user(db, settings)
    boundary = "tgboundary"
    sent: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
            f"{OPERATIONS}\r\n--{boundary}\r\n"
            f'Content-Disposition: form-data; name="map"\r\n\r\n{MAP}\r\n--{boundary}\r\n'
            'Content-Disposition: form-data; name="0"; filename="cv.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        )
        yield head.encode()
        for _ in range(1_000):
            sent.append(1)
            yield b"%" * 10_000

    async with variant_client(settings, max_body_bytes=50_000) as client:
        # when
        response = await client.post(
            "/graphql",
            content=body(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
    # then: refused after about the cap, not after all 10 MB
    assert response.status_code == 413
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert len(sent) < 1_000
