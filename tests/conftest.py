"""Fixtures: a real migrated database (SQLite file or PostgreSQL) and the real ASGI app."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel
from starlette.applications import Starlette

import models.all  # noqa: F401
from models import migrate
from models.db import SessionFactory, make_session_factory
from models.settings import Settings, async_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# every query the suite sends runs compiled and on graphql-core, and the two responses must
# be the same (schema/compiled.py); servers started as subprocesses inherit it
os.environ.setdefault("COMPILED_EXECUTION", "differential")
COMPILED_EXECUTION = os.environ["COMPILED_EXECUTION"]
ON_POSTGRES = bool(TEST_DATABASE_URL)
JWT_SECRET = "test-secret-0123456789abcdef0123456789abcdef"


def _reset_postgres(url: str) -> None:
    import asyncio

    async def drop() -> None:
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(drop())


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run: a template SQLite file, or the PostgreSQL test database."""
    if TEST_DATABASE_URL:
        url = async_url(TEST_DATABASE_URL)
        _reset_postgres(url)
        migrate.upgrade(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if ON_POSTGRES:
        yield migrated_template
        return
    path = tmp_path / "test.db"
    shutil.copyfile(migrated_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def clean_database(database_url: str) -> AsyncIterator[None]:
    yield
    if ON_POSTGRES:
        tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
        engine = create_async_engine(database_url, poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} CASCADE"))
        await engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, clean_database: None) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret=JWT_SECRET,
        data_dir=tmp_path,
        graphiql=False,
        seed_demo=False,
        db_pool_size=5,
        db_max_overflow=5,
        compiled_execution=COMPILED_EXECUTION,
    )


@pytest.fixture(autouse=True)
def compiled_matches_graphql_core() -> Iterator[None]:
    """Fail a test whose queries answered differently on the compiled path."""
    from schema.compiled import MISMATCHES

    MISMATCHES.clear()
    yield
    found = list(MISMATCHES)
    MISMATCHES.clear()
    assert not found, f"compiled execution differs from graphql-core: {found[0]}"


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    from server import close_app, create_app

    application = create_app(settings)
    yield application
    await close_app(application)


@pytest.fixture
def db(app: Starlette) -> SessionFactory:
    """Session factory on the app's own engine, for arranging and asserting data."""
    factory: SessionFactory = app.state.session_factory
    return factory


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def fresh_session_factory(database_url: str) -> Iterator[Any]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    yield make_session_factory(engine)
