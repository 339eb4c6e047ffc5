"""Settings: environment first, then `.env`; the embedded secret is generated once."""

from __future__ import annotations

import stat

import pytest

from models.settings import Settings


def _clear(monkeypatch, *names):
    for name in names:
        monkeypatch.delenv(name, raising=False)


def test_env_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    # given
    _clear(monkeypatch, "DATABASE_URL", "JWT_SECRET", "HOST", "PORT", "MAX_QUERY_DEPTH")
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DATABASE_URL=postgresql://app@db.internal/tg\n"
        "JWT_SECRET=settings-test-0123456789abcdefghijklmnop\nHOST=0.0.0.0\nPORT=9000\n"
    )
    monkeypatch.setenv("PORT", "9100")
    # when
    settings = Settings.from_env(env_file)
    # then
    assert settings.database_url == "postgresql+asyncpg://app@db.internal/tg"
    assert settings.host == "0.0.0.0"
    assert settings.port == 9100
    assert settings.max_query_depth == 10
    assert not settings.is_sqlite


def test_embedded_secret_is_generated_once_and_private(tmp_path, monkeypatch):
    # given
    _clear(monkeypatch, "DATABASE_URL", "JWT_SECRET")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    # when
    first = Settings.from_env(tmp_path / "absent.env")
    second = Settings.from_env(tmp_path / "absent.env")
    # then
    secret_file = tmp_path / "jwt_secret"
    assert first.jwt_secret == second.jwt_secret == secret_file.read_text()
    assert len(first.jwt_secret) >= 32
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert first.database_url == f"sqlite+aiosqlite:///{tmp_path / 'talentgraph.db'}"


def test_postgres_without_secret_refuses_to_start(tmp_path, monkeypatch):
    # given
    _clear(monkeypatch, "JWT_SECRET")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db.internal/tg")
    # when / then
    with pytest.raises(RuntimeError, match="JWT_SECRET must be set"):
        Settings.from_env(tmp_path / "absent.env")
    assert not (tmp_path / "jwt_secret").exists()


def test_a_background_worker_on_postgres_needs_no_secret(tmp_path, monkeypatch):
    # given
    _clear(monkeypatch, "JWT_SECRET")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db.internal/tg")
    # when
    settings = Settings.from_env(tmp_path / "absent.env", signs_tokens=False)
    # then: it reads the database settings and has no secret to leak
    assert settings.database_url == "postgresql+asyncpg://app@db.internal/tg"
    assert settings.jwt_secret == ""
    assert not (tmp_path / "jwt_secret").exists()


def test_the_llm_provider_is_configured_from_the_environment(tmp_path, monkeypatch):
    # given
    _clear(monkeypatch, "DATABASE_URL", "JWT_SECRET", "LLM_FALLBACK", "LLM_BREAKER_COOLDOWN")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LLM_BASE_URL", "https://openrouter.ai/api/v1")
    monkeypatch.setenv("LLM_MODEL", "m")
    monkeypatch.setenv("LLM_TIMEOUT", "12")
    monkeypatch.setenv("LLM_BREAKER_THRESHOLD", "3")
    # when
    settings = Settings.from_env(tmp_path / "none.env")
    # then
    assert (settings.llm_base_url, settings.llm_model, settings.llm_timeout) == (
        "https://openrouter.ai/api/v1",
        "m",
        12.0,
    )
    assert (settings.llm_breaker_threshold, settings.llm_breaker_cooldown) == (3, 30.0)
    assert settings.llm_fallback is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LLM_TIMEOUT", "0", "LLM_TIMEOUT must be a positive number"),
        ("LLM_BREAKER_THRESHOLD", "-1", "LLM_BREAKER_THRESHOLD must be a positive number"),
        ("LLM_FALLBACK", "llm", "LLM_FALLBACK must be empty or 'rules'"),
    ],
)
def test_a_bad_llm_setting_stops_start_up_naming_it(tmp_path, monkeypatch, name, value, message):
    # given
    _clear(monkeypatch, "DATABASE_URL", "JWT_SECRET")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv(name, value)
    # when / then
    with pytest.raises(ValueError, match=message):
        Settings.from_env(tmp_path / "none.env")
