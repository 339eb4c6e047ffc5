"""The command line (`server.py`), run as a real subprocess against a temporary SQLite file."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from models import migrate
from models.settings import ROOT, Settings
from server import close_app, create_app
from tests.helpers import gql

JWT_SECRET = "cli-test-secret-0123456789abcdef0123456789"
LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { accessToken user { email role } }
  }
}
"""
ME = "{ me { email role } }"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


@pytest.fixture
def migrated(db_path: Path) -> None:
    """Migrate in-process (a sync fixture: Alembic runs its own event loop)."""
    migrate.upgrade(f"sqlite+aiosqlite:///{db_path}")


async def cli(tmp_path: Path, db_path: Path, *args: str) -> Run:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DATA_DIR": str(tmp_path),
        "JWT_SECRET": JWT_SECRET,
        "SEED_DEMO": "false",
        "GRAPHIQL": "false",
        "LOG_LEVEL": "warning",
        "BROKER_URL": "stub://",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "server.py",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


def alembic_version(db_path: Path) -> list[str]:
    with closing(sqlite3.connect(db_path)) as conn:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]


def table_names(db_path: Path) -> set[str]:
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}


async def test_help_lists_the_commands(tmp_path, db_path):
    # when
    run = await cli(tmp_path, db_path, "--help")
    # then
    assert run.returncode == 0
    for command in ("serve", "migrate", "seed-demo", "create-user", "worker"):
        assert command in run.stdout
    assert not db_path.exists()


async def test_migrate_creates_the_database_at_head(tmp_path, db_path):
    # when
    run = await cli(tmp_path, db_path, "migrate")
    # then
    assert run.returncode == 0, run.stderr
    head = migrate.head_revision()
    assert f"Database at revision {head}" in run.stdout
    assert alembic_version(db_path) == [head]
    assert {"users", "organizations", "candidates", "jobs", "applications"} <= table_names(db_path)


async def test_created_admin_can_log_in(tmp_path, db_path, migrated):
    # given
    run = await cli(
        tmp_path,
        db_path,
        "create-user",
        "--email",
        "Ops.Admin@Example.ORG",
        "--role",
        "ADMIN",
        "--password",
        "pw",
    )
    assert run.returncode == 0, run.stderr
    assert "Created ADMIN Ops.Admin@Example.ORG" in run.stdout
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{db_path}",
        jwt_secret=JWT_SECRET,
        data_dir=tmp_path,
        graphiql=False,
        seed_demo=False,
    )
    app = create_app(settings)
    try:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            # when
            login = await gql(c, LOGIN, {"email": "ops.admin@example.org", "password": "pw"})
            token = login.data["login"]["accessToken"]
            me = await gql(c, ME, token=token)
            wrong = await gql(c, LOGIN, {"email": "ops.admin@example.org", "password": "pw2"})
    finally:
        await close_app(app)
    # then
    assert login.errors == []
    assert login.data["login"]["__typename"] == "LoginSuccess"
    assert login.data["login"]["user"] == {"email": "ops.admin@example.org", "role": "ADMIN"}
    assert me.data == {"me": {"email": "ops.admin@example.org", "role": "ADMIN"}}
    assert wrong.data["login"]["__typename"] == "InvalidCredentials"


async def test_create_user_with_unknown_organization_fails_cleanly(tmp_path, db_path, migrated):
    # when
    run = await cli(
        tmp_path,
        db_path,
        "create-user",
        "--email",
        "rec@example.org",
        "--role",
        "RECRUITER",
        "--organization",
        "no-such-org",
        "--password",
        "pw",
    )
    # then
    assert run.returncode == 1
    assert "no organization with slug 'no-such-org'" in run.stderr
    assert "Traceback" not in run.stderr
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)


async def test_create_user_rejects_unknown_role(tmp_path, db_path):
    # when
    run = await cli(
        tmp_path, db_path, "create-user", "--email", "x@example.org", "--role", "CANDIDATE"
    )
    # then
    assert run.returncode == 2
    assert "invalid choice: 'CANDIDATE'" in run.stderr


async def test_worker_needs_a_shared_broker(tmp_path, db_path):
    # when
    run = await cli(tmp_path, db_path, "worker", "--processes", "1")
    # then
    assert run.returncode == 2
    assert "BROKER_URL must point at Redis or RabbitMQ" in run.stderr
    assert "Traceback" not in run.stderr


async def test_parse_cv_prints_the_profile_as_json(tmp_path, db_path):
    # given
    import json

    from tests import pdfs

    path = pdfs.write(tmp_path, pdfs.simple_cv_pdf(name="Zoë Åkesson"))
    # when
    run = await cli(tmp_path, db_path, "parse-cv", str(path))
    # then
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    assert printed["name"] == "Zoë Åkesson"
    assert printed["email"] == "jane.doe@example.com"
    assert printed["skills"] == ["Python", "PostgreSQL", "Kubernetes", "GraphQL"]
    assert [job["company"] for job in printed["experience"]] == [
        "Acme Analytics GmbH",
        "Globex Corporation",
    ]
    assert printed["text_layer"] is True


async def test_parse_cv_rejects_a_file_that_is_not_a_pdf(tmp_path, db_path):
    # given
    from tests import pdfs

    path = pdfs.write(tmp_path, pdfs.not_a_pdf("png"))
    # when
    run = await cli(tmp_path, db_path, "parse-cv", str(path))
    # then
    assert run.returncode == 1
    assert run.stderr == f"parse-cv: {path} is not a PDF\n"


async def test_parse_cv_fails_on_a_hostile_pdf(tmp_path, db_path):
    # given
    from tests import pdfs

    path = pdfs.write(tmp_path, pdfs.cyclic_pages_pdf())
    # when
    run = await cli(tmp_path, db_path, "parse-cv", str(path))
    # then
    assert run.returncode == 1
    assert run.stderr == (
        f"parse-cv: {path} could not be parsed: unreadable PDF (Detected cyclic page references.)\n"
    )
