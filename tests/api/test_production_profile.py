"""Production profile (issue 13): no GraphiQL, no introspection, a strong secret; trusted
proxies only when configured (G-01, G-02, G-03, J-07)."""

from __future__ import annotations

import httpx2
import pytest

from models.enums import Role
from models.settings import Settings
from server import uvicorn_config
from tests.helpers import gql, make_user, token_for, variant_client

STRONG_SECRET = "prod-0123456789abcdefghijklmnopqrstuvwxyz"
POSTGRES = "postgresql://app@db.internal/tg"
SCHEMA = "{ __schema { types { name } } }"
TYPE_FIELDS = '{ __type(name: "Candidate") { name fields { name } } }'
TYPE_FIELDS_BY_FRAGMENT = (
    '{ __type(name: "Candidate") { ...F } } fragment F on __Type { fields { name } }'
)
TYPE_EXISTS = "query Type($name: String!) { __type(name: $name) { name kind } }"
ENV = ("DATABASE_URL", "JWT_SECRET", "ENVIRONMENT", "GRAPHIQL", "INTROSPECTION")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (*ENV, "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return monkeypatch


def test_postgres_defaults_to_production_without_graphiql_or_introspection(clean_env, tmp_path):
    # given
    clean_env.setenv("DATABASE_URL", POSTGRES)
    clean_env.setenv("JWT_SECRET", STRONG_SECRET)
    # when
    settings = Settings.from_env(tmp_path / "absent.env")
    # then
    assert settings.environment == "production"
    assert settings.graphiql is False
    assert settings.introspection == "false"
    assert settings.forwarded_allow_ips == ""


def test_sqlite_defaults_to_development(clean_env, tmp_path):
    # when
    settings = Settings.from_env(tmp_path / "absent.env")
    # then
    assert settings.environment == "development"
    assert settings.graphiql is True
    assert settings.introspection == "true"


def test_production_honours_explicit_graphiql_and_introspection(clean_env, tmp_path):
    # given
    clean_env.setenv("ENVIRONMENT", "production")
    clean_env.setenv("JWT_SECRET", STRONG_SECRET)
    clean_env.setenv("GRAPHIQL", "true")
    clean_env.setenv("INTROSPECTION", "admin")
    # when
    settings = Settings.from_env(tmp_path / "absent.env")
    # then
    assert settings.production
    assert settings.graphiql is True
    assert settings.introspection == "admin"


@pytest.mark.parametrize(
    ("database_url", "secret", "message"),
    [
        (POSTGRES, None, "JWT_SECRET must be set"),
        (None, None, "JWT_SECRET must be set"),  # no generated secret in production
        (POSTGRES, "s" * 40, "JWT_SECRET is weak"),
        (POSTGRES, "ab" * 20, "JWT_SECRET is weak"),
    ],
    ids=["postgres-missing", "sqlite-missing", "repeated", "two-symbols"],
)
def test_j07_production_refuses_a_missing_or_weak_secret(
    clean_env, tmp_path, database_url, secret, message
):
    # given
    clean_env.setenv("ENVIRONMENT", "production")
    if database_url:
        clean_env.setenv("DATABASE_URL", database_url)
    if secret:
        clean_env.setenv("JWT_SECRET", secret)
    # when / then
    with pytest.raises(RuntimeError, match=message):
        Settings.from_env(tmp_path / "absent.env")
    assert not (tmp_path / "jwt_secret").exists()


def test_an_unknown_introspection_mode_refuses_to_start(clean_env, tmp_path):
    # given
    clean_env.setenv("INTROSPECTION", "sometimes")
    # when / then
    with pytest.raises(ValueError, match="INTROSPECTION must be one of"):
        Settings.from_env(tmp_path / "absent.env")


@pytest.mark.parametrize("document", [SCHEMA, TYPE_FIELDS, TYPE_FIELDS_BY_FRAGMENT])
async def test_g01_introspection_off_refuses_reading_the_schema(settings, document):
    # given
    async with variant_client(settings, environment="production", introspection="false") as c:
        # when
        result = await gql(c, document)
    # then
    assert result.data is None
    (error,) = result.errors
    assert error["extensions"] == {"code": "INTROSPECTION_DISABLED"}


async def test_g01_introspection_off_still_answers_typename_and_type_existence(settings):
    """graphql-http audit 28B9 asks `__type(name:)` for a type's name; nothing more leaks."""
    # given
    async with variant_client(settings, introspection="false") as c:
        # when
        typename = await gql(c, "{ __typename }")
        missing = await gql(c, TYPE_EXISTS, {"name": "sometype"})
        present = await gql(c, TYPE_EXISTS, {"name": "Candidate"})
    # then
    assert typename.data == {"__typename": "Query"}
    assert missing.body == {"data": {"__type": None}}
    assert present.body == {"data": {"__type": {"name": "Candidate", "kind": "OBJECT"}}}


async def test_g01_introspection_for_admins_only(settings, db):
    # given
    admin = token_for(settings, await make_user(db, Role.ADMIN))
    recruiter = token_for(settings, await make_user(db, Role.RECRUITER))
    async with variant_client(settings, introspection="admin") as c:
        # when
        anonymous = await gql(c, SCHEMA)
        as_recruiter = await gql(c, SCHEMA, token=recruiter)
        as_admin = await gql(c, SCHEMA, token=admin)
    # then
    for refused in (anonymous, as_recruiter):
        assert [e["extensions"]["code"] for e in refused.errors] == ["INTROSPECTION_DISABLED"]
    assert as_admin.errors == []
    assert {"name": "Candidate"} in as_admin.data["__schema"]["types"]


async def test_g03_production_settings_serve_no_graphiql(settings, clean_env, tmp_path):
    # given
    clean_env.setenv("DATABASE_URL", POSTGRES)
    clean_env.setenv("JWT_SECRET", STRONG_SECRET)
    production = Settings.from_env(tmp_path / "absent.env")
    async with variant_client(settings, graphiql=production.graphiql) as c:
        # when
        page = await c.get("/graphql", headers={"Accept": "text/html"})
    # then
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()


async def echo_client(scope, receive, send):
    """An ASGI app that answers with the client address uvicorn's middleware gives it."""
    host = scope["client"][0]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": host.encode()})


async def client_address(forwarded_allow_ips: str, peer: str) -> str:
    config = uvicorn_config(echo_client, "warning", False, forwarded_allow_ips, factory=False)
    config.load()
    transport = httpx2.ASGITransport(app=config.loaded_app, client=(peer, 40000))
    async with httpx2.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.get("/", headers={"X-Forwarded-For": "203.0.113.7"})
    return response.text


async def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted():
    """Issue 13 item 11: uvicorn trusted X-Forwarded-For from loopback by default."""
    # when
    default = await client_address("", "127.0.0.1")
    untrusted = await client_address("10.0.0.1", "127.0.0.1")
    trusted = await client_address("10.0.0.1", "10.0.0.1")
    # then
    assert default == "127.0.0.1"
    assert untrusted == "127.0.0.1"
    assert trusted == "203.0.113.7"
