"""Tokens and login: HS256 access tokens, opaque refresh tokens, bearer authentication."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders import driver
from loaders.base import fetch_rows
from loaders.policy import ANONYMOUS, Viewer
from models.candidate import Candidate
from models.db import SessionFactory
from models.organization import RefreshToken, User
from models.security import normalize_email, verify_password
from models.settings import Settings
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import (
    AuthenticationError,
    InvalidCredentialsError,
    MalformedAuthorizationError,
    RateLimitedError,
)
from resolvers.external_idp import ExternalIdentityProvider
from resolvers.ratelimit import Limit

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]
LEEWAY_SECONDS = 30  # clock skew allowed on `exp` and `iat` (RFC 7519 section 4.1.4)


@dataclass(frozen=True)
class IssuedTokens:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int


def issue_access_token(
    settings: Settings,
    user: User,
    *,
    now: datetime | None = None,
    session_id: uuid.UUID | None = None,
) -> str:
    """`sid` names the sign-in (refresh-token family): signing out or a detected token reuse
    ends it, and with it every access token it issued, on HTTP and on open WebSockets."""
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user.id),
        "role": user.role.value,
        "iat": issued,
        "exp": issued + timedelta(seconds=settings.access_token_ttl_seconds),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    if session_id is not None:
        claims["sid"] = str(session_id)
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """Verify signature, expiry, issuer and audience; the algorithm is pinned, never read."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS, "strict_aud": True},
        )
    except jwt.PyJWTError as exc:
        raise AuthenticationError("Invalid or expired access token") from exc
    if claims.get("typ") != "access":
        raise AuthenticationError("Invalid or expired access token")
    return claims


async def authenticate(
    settings: Settings,
    session_factory: SessionFactory,
    authorization: str | None,
    external: ExternalIdentityProvider | None = None,
) -> Viewer:
    """Turn an `Authorization` header into a viewer; no header means anonymous.

    Our own HS256 tokens name the user id; tokens of the configured external provider
    (RS256/ES256) name an external subject linked to a user.
    """
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise MalformedAuthorizationError("Authorization must be 'Bearer <access token>'")
    engine = session_factory.kw["bind"]
    if external is not None and external.accepts(token):
        subject = await external.subject(token)
        rows = await fetch_rows(session_factory, _user(col(User.external_subject) == subject))
    else:
        claims = decode_access_token(settings, token)
        try:
            user_id = uuid.UUID(claims["sub"])
            family = uuid.UUID(str(claims["sid"])) if "sid" in claims else None
        except (ValueError, TypeError) as exc:
            raise AuthenticationError("Invalid or expired access token") from exc
        # every request pays for this read: one autocommit statement, built once per shape
        values = (user_id,) if family is None else (user_id, family, datetime.now(UTC))
        rows = await driver.fetch_prepared(
            engine, _prepared(family is not None), values, lambda: _user_by_id(*values)
        )
    if not rows or not rows[0].is_active:
        raise AuthenticationError("Invalid or expired access token")
    user = rows[0]
    return Viewer(
        user_id=user.id,
        role=user.role,
        organization_id=user.organization_id,
        candidate_id=user.candidate_id,
    )


def _user(match: ColumnElement[bool]) -> Any:
    """The columns a viewer is made of, of the user matching `match`."""
    return (
        sa_select(
            col(User.id),
            col(User.role),
            col(User.organization_id),
            col(User.is_active),
            col(Candidate.id).label("candidate_id"),
        )
        .outerjoin(Candidate, col(Candidate.user_id) == col(User.id))
        .where(match)
        .limit(1)
    )


def _user_by_id(
    user_id: uuid.UUID, family: uuid.UUID | None = None, now: datetime | None = None
) -> Any:
    """The user of an access token; with its sign-in (`sid`), only while that is live."""
    match = col(User.id) == user_id
    if family is not None:
        match = and_(match, live_session(family, now))
    return _user(match)


_PREPARED: dict[bool, driver.Prepared | None] = {}


def _prepared(with_session: bool) -> driver.Prepared:
    """`_user_by_id` prepared once per shape (with or without the sign-in's check)."""
    found = _PREPARED.get(with_session)
    if found is None:
        user, family, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)  # probes
        if with_session:
            found = driver.Prepared.of(_user_by_id(user, family, now), [user, family, now])
        else:
            found = driver.Prepared.of(_user_by_id(user), [user])
        _PREPARED[with_session] = found
        assert found is not None, "the user lookup has no cache key"
    return found


def live_session(family_id: uuid.UUID, now: datetime | None = None) -> ColumnElement[bool]:
    """The sign-in still holds an unrevoked, unexpired refresh token (not signed out)."""
    return exists().where(
        col(RefreshToken.family_id) == family_id,
        col(RefreshToken.revoked_at).is_(None),
        col(RefreshToken.expires_at) > (now or datetime.now(UTC)),
    )


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def login(ctx: Context, email: str, password: str) -> IssuedTokens:
    """Check the password and issue an access token and a new refresh-token family."""
    await limit_login_attempts(ctx, normalize_email(email))
    async with ctx.session_factory() as session:
        user = (
            await session.exec(select(User).where(col(User.email) == normalize_email(email)))
        ).first()
        # verify even for unknown emails so timing does not reveal which accounts exist
        valid = verify_password(user.password_hash if user else None, password)
        if user is None or not valid or not user.is_active:
            raise InvalidCredentialsError("Email or password is incorrect")
        refresh = new_refresh_token(session, ctx.settings, user.id, uuid.uuid4())
        record(session, ctx, "auth.login", "User", user.id, actor_id=user.id)
        await session.commit()
    return issue_tokens(ctx.settings, user, refresh)


async def limit_login_attempts(ctx: Context, email: str) -> None:
    """Per (account, client address) pair and per client address, counted per attempt (G-14).

    There is deliberately no account-wide refusal: that would let anyone lock any account
    (`admin@` included) with ten wrong passwords. An account under attack from many addresses
    is still bounded by each address's own budget, and its owner signs in from an address that
    has not failed.
    """
    if ctx.rate_limiter is None:
        return
    settings = ctx.settings
    per_pair = Limit(settings.login_attempts, settings.login_window_seconds)
    per_address = Limit(settings.login_attempts * 5, settings.login_window_seconds)
    address = ctx.client_ip or "unknown"
    for key, limit in (
        (f"login:pair:{address}:{email}", per_pair),
        (f"login:ip:{address}", per_address),
    ):
        wait = await ctx.rate_limiter.hit(key, limit)
        if wait is not None:
            raise RateLimitedError("Too many sign-in attempts; try again later", retry_after=wait)


def new_refresh_token(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID, family_id: uuid.UUID
) -> tuple[str, RefreshToken]:
    """Add a refresh token of `family_id` to the session; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    row = RefreshToken(
        user_id=user_id,
        family_id=family_id,
        token_hash=hash_refresh_token(token),
        expires_at=datetime.now(UTC) + timedelta(seconds=settings.refresh_token_ttl_seconds),
    )
    session.add(row)
    return token, row


def issue_tokens(settings: Settings, user: User, refresh: tuple[str, RefreshToken]) -> IssuedTokens:
    return IssuedTokens(
        user=user,
        access_token=issue_access_token(settings, user, session_id=refresh[1].family_id),
        refresh_token=refresh[0],
        expires_in=settings.access_token_ttl_seconds,
    )
