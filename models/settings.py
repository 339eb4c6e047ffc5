"""Settings read once from environment variables and an optional `.env` file."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from starlette.config import Config

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "data"
MIN_SECRET_BYTES = 32
MIN_SECRET_SYMBOLS = 10  # distinct characters: "aaaa...a" or "abab...ab" are not secrets
PRODUCTION = "production"
DEVELOPMENT = "development"
INTROSPECTION_MODES = ("true", "admin", "false")


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; every value has an environment variable of the same name."""

    database_url: str
    jwt_secret: str
    data_dir: Path = DEFAULT_DATA_DIR
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    jwt_issuer: str = "talentgraph"
    jwt_audience: str = "talentgraph-api"
    demo_password: str = "talentgraph"  # noqa: S105 - documented demo password
    seed_demo: bool = True
    graphiql: bool = True
    graphiql_dir: Path = ROOT / ".graphiql"
    max_body_bytes: int = 10 * 1024 * 1024
    storage_dir: Path | None = None  # stored files; default `data_dir / "files"`
    max_upload_bytes: int = 5 * 1024 * 1024  # one CV file
    max_cv_pages: int = 20
    max_query_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_directives: int = 20
    max_query_cost: int = 50_000
    max_query_fields: int = 250
    max_document_bytes: int = 100_000  # the query text, apart from the body (variables)
    max_string_literal: int = 20_000  # characters of a string literal in the query text
    document_cache_bytes: int = 32 * 1024 * 1024  # each of the parse and validation caches
    max_cached_document_bytes: int = 16 * 1024  # larger documents are not cached
    compiled_execution: str = "on"  # "on", "off" or "differential" (schema/compiled.py)
    plan_cache_bytes: int = 16 * 1024 * 1024  # the compiled execution plans
    max_concurrent_operations: int = 4  # GraphQL operations executing at once per process
    keepalive_requests: int = 100  # requests of one keep-alive connection (0: no bound)
    db_pool_size: int = 20
    db_max_overflow: int = 0
    gc_gen0_threshold: int = 50_000
    redis_url: str | None = None
    oidc_issuer: str | None = None  # external identity provider (optional)
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    rate_limit_user: int = 600  # requests per minute of a signed-in user
    rate_limit_anonymous: int = 120  # requests per minute of one client address
    login_attempts: int = 10  # login attempts per account (and 5x per address) in the window
    login_window_seconds: int = 300
    broker_url: str = "stub://"
    log_level: str = "info"
    metrics_token: str | None = field(default=None, repr=False)  # bearer token of `/metrics`
    otel_endpoint: str | None = None  # OTLP/HTTP collector; tracing is off without it
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    # evaluations: the `llm` engine (any OpenAI-compatible chat-completions endpoint)
    llm_base_url: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 30.0
    llm_fallback: str | None = None  # "rules": answer with the rules engine while the LLM is down
    # persisted queries: the registry of automatic ones, or only the manifest's documents
    persisted_query_cache_bytes: int = 8 * 1024 * 1024
    trusted_documents_only: bool = False
    trusted_documents_manifest: Path | None = None
    llm_max_retry_after: float = 5.0  # a longer 429 Retry-After makes the engine unavailable
    llm_breaker_threshold: int = 5  # consecutive failures that open the circuit
    llm_breaker_cooldown: float = 30.0  # seconds before a half-open probe
    # production: no GraphiQL, no introspection, a strong JWT_SECRET (see `from_env`)
    environment: str = DEVELOPMENT
    introspection: str = "true"  # "true", "admin" (signed-in admins only) or "false"
    forwarded_allow_ips: str = ""  # proxies whose X-Forwarded-For is trusted; none by default
    # email: smtp://user:pass@host:587 (STARTTLS) or smtps://...; none writes data/outbox/*.eml
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "Talentgraph <no-reply@talentgraph.localhost>"
    public_url: str = "http://127.0.0.1:8000"  # where links in emails point

    def __post_init__(self) -> None:
        if self.jwt_secret and len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes (HS256)")
        if self.introspection not in INTROSPECTION_MODES:
            raise ValueError(f"INTROSPECTION must be one of {', '.join(INTROSPECTION_MODES)}")
        if self.compiled_execution not in ("on", "off", "differential"):
            raise ValueError("COMPILED_EXECUTION must be one of on, off, differential")
        if self.environment not in (PRODUCTION, DEVELOPMENT):
            raise ValueError(f"ENVIRONMENT must be {PRODUCTION} or {DEVELOPMENT}")
        for name in ("llm_timeout", "llm_max_retry_after", "llm_breaker_threshold"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name.upper()} must be a positive number")
        if self.llm_breaker_cooldown < 0:
            raise ValueError("LLM_BREAKER_COOLDOWN must not be negative")
        if self.trusted_documents_only and self.trusted_documents_manifest is None:
            raise ValueError("TRUSTED_DOCUMENTS_ONLY needs TRUSTED_DOCUMENTS_MANIFEST")
        if self.llm_fallback not in (None, "rules"):
            raise ValueError("LLM_FALLBACK must be empty or 'rules'")

    @property
    def production(self) -> bool:
        return self.environment == PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def files_dir(self) -> Path:
        """Where stored files (CVs) live with the local storage backend."""
        return self.storage_dir or self.data_dir / "files"

    @property
    def embedded(self) -> bool:
        """The laptop deployment: SQLite file and an in-process stub broker."""
        return self.is_sqlite and self.broker_url.startswith("stub")

    @classmethod
    def from_env(
        cls, env_file: str | Path | None = None, *, signs_tokens: bool = True, **overrides: object
    ) -> Settings:
        """Read settings from the process environment, then `.env` (environment wins).

        `signs_tokens=False` is for background workers: they never issue or check tokens, so
        they run without `JWT_SECRET` on PostgreSQL too.
        """
        path = Path(env_file) if env_file else ROOT / ".env"
        config = Config(path if path.is_file() else None, environ=os.environ)
        data_dir = Path(config("DATA_DIR", default=str(DEFAULT_DATA_DIR)))
        database_url = config(
            "DATABASE_URL", default=f"sqlite+aiosqlite:///{data_dir / 'talentgraph.db'}"
        )
        jwt_secret = config("JWT_SECRET", default="") or ""
        storage_dir = config("STORAGE_DIR", default="")
        manifest = config("TRUSTED_DOCUMENTS_MANIFEST", default="")
        postgres = async_url(database_url).startswith("postgresql")
        environment = config("ENVIRONMENT", default=PRODUCTION if postgres else DEVELOPMENT)
        production = environment.strip().lower() == PRODUCTION
        values: dict[str, object] = {
            "database_url": async_url(database_url),
            "jwt_secret": jwt_secret,
            "data_dir": data_dir,
            "host": config("HOST", default="127.0.0.1"),
            "port": config("PORT", cast=int, default=8000),
            "workers": config("WEB_CONCURRENCY", cast=int, default=1),
            "access_token_ttl_seconds": config("ACCESS_TOKEN_TTL", cast=int, default=900),
            "refresh_token_ttl_seconds": config(
                "REFRESH_TOKEN_TTL", cast=int, default=30 * 24 * 3600
            ),
            "demo_password": config("DEMO_PASSWORD", default="talentgraph"),
            "seed_demo": _truthy(config("SEED_DEMO", default="true")),
            "graphiql": _truthy(config("GRAPHIQL", default="false" if production else "true")),
            "graphiql_dir": Path(config("GRAPHIQL_DIR", default=str(ROOT / ".graphiql"))),
            "max_body_bytes": config("MAX_BODY_BYTES", cast=int, default=10 * 1024 * 1024),
            "storage_dir": Path(storage_dir) if storage_dir else None,
            "max_upload_bytes": config("MAX_UPLOAD_BYTES", cast=int, default=5 * 1024 * 1024),
            "max_cv_pages": config("MAX_CV_PAGES", cast=int, default=20),
            "max_query_depth": config("MAX_QUERY_DEPTH", cast=int, default=10),
            "max_aliases": config("MAX_ALIASES", cast=int, default=15),
            "max_tokens": config("MAX_TOKENS", cast=int, default=2000),
            "max_query_cost": config("MAX_QUERY_COST", cast=int, default=50_000),
            "max_query_fields": config("MAX_QUERY_FIELDS", cast=int, default=250),
            "max_document_bytes": config("MAX_DOCUMENT_BYTES", cast=int, default=100_000),
            "max_string_literal": config("MAX_STRING_LITERAL", cast=int, default=20_000),
            "document_cache_bytes": config(
                "DOCUMENT_CACHE_BYTES", cast=int, default=32 * 1024 * 1024
            ),
            "max_cached_document_bytes": config(
                "MAX_CACHED_DOCUMENT_BYTES", cast=int, default=16 * 1024
            ),
            "compiled_execution": config("COMPILED_EXECUTION", default="on").strip().lower(),
            "plan_cache_bytes": config("PLAN_CACHE_BYTES", cast=int, default=16 * 1024 * 1024),
            "max_concurrent_operations": config("MAX_CONCURRENT_OPERATIONS", cast=int, default=4),
            "keepalive_requests": config("KEEPALIVE_REQUESTS", cast=int, default=100),
            "db_pool_size": config("DB_POOL_SIZE", cast=int, default=20),
            "db_max_overflow": config("DB_MAX_OVERFLOW", cast=int, default=0),
            "gc_gen0_threshold": config("GC_GEN0_THRESHOLD", cast=int, default=50_000),
            "redis_url": config("REDIS_URL", default="") or None,
            "oidc_issuer": config("OIDC_ISSUER", default="") or None,
            "oidc_audience": config("OIDC_AUDIENCE", default="") or None,
            "oidc_jwks_url": config("OIDC_JWKS_URL", default="") or None,
            "rate_limit_user": config("RATE_LIMIT_USER", cast=int, default=600),
            "rate_limit_anonymous": config("RATE_LIMIT_ANONYMOUS", cast=int, default=120),
            "login_attempts": config("LOGIN_ATTEMPTS", cast=int, default=10),
            "login_window_seconds": config("LOGIN_WINDOW_SECONDS", cast=int, default=300),
            "broker_url": config("BROKER_URL", default="stub://"),
            "log_level": config("LOG_LEVEL", default="info"),
            "metrics_token": config("METRICS_TOKEN", default="") or None,
            "otel_endpoint": config("OTEL_EXPORTER_OTLP_ENDPOINT", default="") or None,
            "cors_origins": tuple(
                o.strip() for o in config("CORS_ORIGINS", default="").split(",") if o.strip()
            ),
            "llm_base_url": config("LLM_BASE_URL", default="") or None,
            "llm_api_key": config("LLM_API_KEY", default="") or None,
            "llm_model": config("LLM_MODEL", default="gpt-4o-mini"),
            "llm_timeout": config("LLM_TIMEOUT", cast=float, default=30.0),
            "llm_fallback": config("LLM_FALLBACK", default="") or None,
            "llm_max_retry_after": config("LLM_MAX_RETRY_AFTER", cast=float, default=5.0),
            "persisted_query_cache_bytes": config(
                "PERSISTED_QUERY_CACHE_BYTES", cast=int, default=8 * 1024 * 1024
            ),
            "trusted_documents_only": _truthy(config("TRUSTED_DOCUMENTS_ONLY", default="false")),
            "trusted_documents_manifest": Path(manifest) if manifest else None,
            "llm_breaker_threshold": config("LLM_BREAKER_THRESHOLD", cast=int, default=5),
            "llm_breaker_cooldown": config("LLM_BREAKER_COOLDOWN", cast=float, default=30.0),
            "environment": environment.strip().lower(),
            "introspection": config("INTROSPECTION", default="false" if production else "true")
            .strip()
            .lower(),
            "forwarded_allow_ips": config("FORWARDED_ALLOW_IPS", default="").strip(),
            "smtp_url": config("SMTP_URL", default="") or None,
            "mail_from": config(
                "MAIL_FROM", default="Talentgraph <no-reply@talentgraph.localhost>"
            ),
            "public_url": config("PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/"),
        }
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.production and signs_tokens:
            check_production_secret(settings.jwt_secret)
        if not settings.jwt_secret and (signs_tokens or settings.is_sqlite):
            settings = settings.with_secret(_embedded_secret(settings))
        return settings

    def with_secret(self, secret: str) -> Settings:
        from dataclasses import replace

        return replace(self, jwt_secret=secret)


def check_production_secret(secret: str) -> None:
    """Production signs tokens with an operator's secret only: set, long and not repetitive."""
    if not secret:
        raise RuntimeError("JWT_SECRET must be set when ENVIRONMENT=production")
    if len(secret.encode()) < MIN_SECRET_BYTES or len(set(secret)) < MIN_SECRET_SYMBOLS:
        raise RuntimeError(
            f"JWT_SECRET is weak: use at least {MIN_SECRET_BYTES} random bytes "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )


def async_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite://` URLs and pick the async drivers."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


def _embedded_secret(settings: Settings) -> str:
    """Generate the HS256 secret once for the embedded mode and keep it in the data folder."""
    if not settings.is_sqlite:
        raise RuntimeError("JWT_SECRET must be set when DATABASE_URL is not SQLite")
    path = settings.data_dir / "jwt_secret"
    if path.is_file():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret
