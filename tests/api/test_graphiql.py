"""GraphiQL: served from local copies of its assets, a CDN fallback, or not at all (G-03)."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from pathlib import Path

import pytest

from models.settings import ROOT
from schema.view import GRAPHIQL_ASSETS_PATH, GRAPHIQL_FILES
from tests.helpers import variant_client

HTML = {"Accept": "text/html"}
REAL_ASSETS = Path(os.environ.get("GRAPHIQL_DIR") or ROOT / ".graphiql")
ASSET_TAG = re.compile(
    r'(?:src|href)="' + re.escape(GRAPHIQL_ASSETS_PATH) + r'/([^"]+)"\s+integrity="([^"]+)"'
)


def write_assets(directory: Path, names: list[str]) -> dict[str, bytes]:
    directory.mkdir(parents=True, exist_ok=True)
    contents = {}
    for name in names:
        contents[name] = f"/* placeholder {name} */\n".encode()
        (directory / name).write_bytes(contents[name])
    return contents


def sri_sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


async def test_graphiql_served_from_local_assets(settings, tmp_path):
    # given
    write_assets(tmp_path / "assets", list(GRAPHIQL_FILES.values()))
    async with variant_client(settings, graphiql=True, graphiql_dir=tmp_path / "assets") as c:
        # when
        response = await c.get("/graphql", headers=HTML)
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()
    assert "unpkg.com" not in response.text
    for name in GRAPHIQL_FILES.values():
        assert f'"{GRAPHIQL_ASSETS_PATH}/{name}"' in response.text


async def test_graphiql_asset_is_served_byte_for_byte(settings, tmp_path):
    # given
    contents = write_assets(tmp_path / "assets", list(GRAPHIQL_FILES.values()))
    async with variant_client(settings, graphiql=True, graphiql_dir=tmp_path / "assets") as c:
        # when
        response = await c.get(f"{GRAPHIQL_ASSETS_PATH}/graphiql.min.js")
        missing = await c.get(f"{GRAPHIQL_ASSETS_PATH}/nope.js")
    # then
    assert response.status_code == 200
    assert response.content == contents["graphiql.min.js"]
    assert "javascript" in response.headers["content-type"]
    assert missing.status_code == 404


async def test_graphiql_page_keeps_sri_attributes_for_local_assets(settings, tmp_path):
    # given
    write_assets(tmp_path / "assets", list(GRAPHIQL_FILES.values()))
    async with variant_client(settings, graphiql=True, graphiql_dir=tmp_path / "assets") as c:
        # when
        response = await c.get("/graphql", headers=HTML)
    # then: the browser still checks the pinned hashes against the local copies
    tagged = dict(ASSET_TAG.findall(response.text))
    assert sorted(tagged) == sorted(GRAPHIQL_FILES.values())
    assert all(value.startswith("sha384-") for value in tagged.values())


@pytest.mark.parametrize("folder", ["missing", "empty", "partial"])
async def test_graphiql_falls_back_to_cdn_with_a_warning(settings, tmp_path, caplog, folder):
    # given
    directory = tmp_path / folder
    if folder == "empty":
        directory.mkdir()
    if folder == "partial":
        write_assets(directory, list(GRAPHIQL_FILES.values())[:-1])
    caplog.set_level(logging.WARNING, logger="talentgraph.graphiql")
    async with variant_client(settings, graphiql=True, graphiql_dir=directory) as c:
        # when
        response = await c.get("/graphql", headers=HTML)
        asset = await c.get(f"{GRAPHIQL_ASSETS_PATH}/graphiql.min.js")
    # then
    assert response.status_code == 200
    for url in GRAPHIQL_FILES:
        assert url in response.text
    assert asset.status_code == 404
    warnings = [
        r
        for r in caplog.records
        if r.name == "talentgraph.graphiql" and r.levelno == logging.WARNING
    ]
    assert len(warnings) == 1
    assert "make graphiql" in warnings[0].getMessage()
    assert str(directory) in warnings[0].getMessage()


async def test_g03_graphiql_disabled_is_not_served(settings, tmp_path):
    # given: assets present, but the IDE is off
    write_assets(tmp_path / "assets", list(GRAPHIQL_FILES.values()))
    async with variant_client(settings, graphiql=False, graphiql_dir=tmp_path / "assets") as c:
        # when
        page = await c.get("/graphql", headers=HTML)
        any_accept = await c.get("/graphql", headers={"Accept": "*/*"})
        asset = await c.get(f"{GRAPHIQL_ASSETS_PATH}/graphiql.min.js")
    # then
    assert page.status_code == 404
    assert any_accept.status_code == 404
    for response in (page, any_accept):
        assert "graphiql" not in response.text.lower()
        assert "playground" not in response.text.lower()
    assert asset.status_code == 404


async def test_graphiql_disabled_logs_no_asset_warning(settings, tmp_path, caplog):
    # given
    caplog.set_level(logging.WARNING, logger="talentgraph.graphiql")
    # when
    async with variant_client(settings, graphiql=False, graphiql_dir=tmp_path / "missing"):
        pass
    # then
    assert [r for r in caplog.records if r.name == "talentgraph.graphiql"] == []


@pytest.mark.skipif(
    not all((REAL_ASSETS / name).is_file() for name in GRAPHIQL_FILES.values()),
    reason=f"GraphiQL assets not in {REAL_ASSETS} (run `make graphiql`)",
)
async def test_local_assets_match_strawberrys_pinned_sri_hashes(settings):
    # given
    async with variant_client(settings, graphiql=True, graphiql_dir=REAL_ASSETS) as c:
        # when
        response = await c.get("/graphql", headers=HTML)
    # then: each offline copy is byte-identical to the file strawberry pinned
    tagged = dict(ASSET_TAG.findall(response.text))
    assert sorted(tagged) == sorted(GRAPHIQL_FILES.values())
    for name, integrity in tagged.items():
        assert integrity == sri_sha384((REAL_ASSETS / name).read_bytes()), name
