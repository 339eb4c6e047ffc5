"""Login and bearer authentication at the edge: checklist rows J-01..J-13 as far as reads go."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
import warnings
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning
from sqlmodel import col, select

from models.enums import JobStatus, Role
from models.organization import RefreshToken, User
from models.settings import Settings
from tests.helpers import PASSWORD, gql, make_job, make_org, make_user, token_for

LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { accessToken refreshToken tokenType expiresIn user { id email role } }
    ... on InvalidCredentials { code message field }
  }
}
"""

ME = "query { me { id email role } }"

ME_AND_JOBS = "query { me { role } jobs { totalCount } }"

OTHER_SECRET = "another-secret-0123456789abcdef0123456789ab"
TOKEN_REJECTED = "Invalid or expired access token"
DROP = object()


def claims(settings: Settings, user: User, **changes: Any) -> dict[str, Any]:
    """A valid access-token claim set; `changes` override claims, DROP removes one."""
    now = int(datetime.now(UTC).timestamp())
    values: dict[str, Any] = {
        "sub": str(user.id),
        "role": user.role.value,
        "iat": now,
        "exp": now + settings.access_token_ttl_seconds,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not DROP}


def sign(payload: dict[str, Any], secret: str, algorithm: str = "HS256", **headers: Any) -> str:
    with warnings.catch_warnings():  # HS512 wants a 64-byte key; we only test it is refused
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(payload, secret, algorithm=algorithm, headers=headers or None)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unb64(part: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def tamper(token: str, **changes: Any) -> str:
    """Change payload claims and keep the original header and signature."""
    header, payload, signature = token.split(".")
    return ".".join([header, b64({**unb64(payload), **changes}), signature])


def with_header(token: str, header: dict[str, Any]) -> str:
    """Swap the header and keep the original payload and signature."""
    _, payload, signature = token.split(".")
    return ".".join([b64(header), payload, signature])


async def me(client, authorization: str | None):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return await client.post("/graphql", json={"query": ME}, headers=headers)


def assert_unauthenticated(
    response, message: str = TOKEN_REJECTED, reason: str = "invalid_token"
) -> None:
    assert response.status_code == 401
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]
    }
    assert response.headers["www-authenticate"] == f'Bearer error="{reason}"'


async def set_user(db, user: User, **values: Any) -> None:
    async with db() as session:
        row = await session.get(User, user.id)
        for name, value in values.items():
            setattr(row, name, value)
        await session.commit()


# --- login ------------------------------------------------------------------------------------


async def test_login_success_issues_pinned_hs256_access_token(client, db, settings):
    """Email is matched in any case and trimmed; J-03 the token carries exp/iat/sub/iss/aud."""
    # given
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    # when
    result = await gql(client, LOGIN, {"email": f"  {user.email.upper()} ", "password": PASSWORD})
    # then
    assert result.errors == []
    login = result.data["login"]
    assert login["__typename"] == "LoginSuccess"
    assert login["tokenType"] == "Bearer"
    assert login["expiresIn"] == 900
    assert login["user"] == {"id": str(user.id), "email": user.email, "role": "RECRUITER"}
    decoded = jwt.decode(
        login["accessToken"],
        settings.jwt_secret,
        algorithms=["HS256"],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        options={"require": ["exp", "iat", "sub", "iss", "aud"]},
    )
    assert jwt.get_unverified_header(login["accessToken"])["alg"] == "HS256"
    assert decoded["sub"] == str(user.id)
    assert decoded["role"] == "RECRUITER"
    assert decoded["exp"] - decoded["iat"] == 900
    assert abs(decoded["iat"] - datetime.now(UTC).timestamp()) < 60
    signed_in = await gql(client, ME, token=login["accessToken"])
    assert signed_in.data == {"me": {"id": str(user.id), "email": user.email, "role": "RECRUITER"}}


async def test_login_stores_only_the_sha256_of_the_refresh_token(client, db):
    """The refresh token is opaque to the database: a leaked table does not leak tokens."""
    # given
    user = await make_user(db, Role.CANDIDATE)
    # when
    result = await gql(client, LOGIN, {"email": user.email, "password": PASSWORD})
    # then
    refresh = result.data["login"]["refreshToken"]
    async with db() as session:
        rows = (
            await session.exec(select(RefreshToken).where(col(RefreshToken.user_id) == user.id))
        ).all()
    assert len(rows) == 1
    assert rows[0].token_hash == hashlib.sha256(refresh.encode()).hexdigest()
    assert rows[0].token_hash != refresh
    assert rows[0].revoked_at is None


async def test_login_wrong_password_and_unknown_email_look_the_same(client, db):
    """A-07 login does not reveal which emails have accounts."""
    # given
    user = await make_user(db, Role.ADMIN)
    # when
    wrong_password = await gql(client, LOGIN, {"email": user.email, "password": "nope"})
    unknown_email = await gql(client, LOGIN, {"email": "nobody@example.org", "password": PASSWORD})
    # then
    assert wrong_password.errors == []
    assert wrong_password.data["login"] == {
        "__typename": "InvalidCredentials",
        "code": "INVALID_CREDENTIALS",
        "message": wrong_password.data["login"]["message"],
        "field": None,
    }
    assert unknown_email.body == wrong_password.body
    async with db() as session:
        assert (await session.exec(select(RefreshToken))).all() == []


async def test_login_of_inactive_user_is_invalid_credentials(client, db):
    # given
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    await set_user(db, user, is_active=False)
    wrong_password = await gql(client, LOGIN, {"email": user.email, "password": "nope"})
    # when
    result = await gql(client, LOGIN, {"email": user.email, "password": PASSWORD})
    # then
    assert result.data["login"]["__typename"] == "InvalidCredentials"
    assert result.data["login"]["code"] == "INVALID_CREDENTIALS"
    assert result.body == wrong_password.body


# --- bearer authentication --------------------------------------------------------------------


async def test_no_authorization_header_is_anonymous(client):
    # when
    response = await me(client, None)
    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"me": None}}


@pytest.mark.parametrize("header", ["Token x", "Bearer", "Basic dXNlcjpwYXNzd29yZA=="])
async def test_malformed_authorization_header_is_401(client, header):
    # when
    response = await me(client, header)
    # then
    # RFC 6750 section 3.1: a malformed request is `invalid_request`, not `invalid_token`
    assert_unauthenticated(
        response, "Authorization must be 'Bearer <access token>'", reason="invalid_request"
    )


@pytest.mark.parametrize(
    "token",
    ["not-a-jwt", "a.b.c", "!!!.@@@.###", "eyJhbGciOiJIUzI1NiJ9." + "A" * 100_000 + ".x"],
    ids=["plain", "three-parts", "garbage-base64", "100kb"],
)
async def test_j13_garbage_tokens_are_401_never_5xx(client, token):
    """J-13 garbage is a clean 401 (the 431 for huge headers is the HTTP server's job)."""
    # when
    response = await me(client, f"Bearer {token}")
    # then
    assert_unauthenticated(response)


TokenFactory = Callable[[Settings, User, User], str]

REJECTED_TOKENS: dict[str, TokenFactory] = {
    "j01_alg_none_pyjwt": lambda s, u, o: jwt.encode(claims(s, u), None, algorithm="none"),
    "j01_alg_none_handmade": lambda s, u, o: f"{b64({'alg': 'none'})}.{b64(claims(s, u))}.",
    "j01_alg_None_keeps_signature": lambda s, u, o: with_header(
        sign(claims(s, u), s.jwt_secret), {"alg": "None", "typ": "JWT"}
    ),
    "j01_hs512_right_secret": lambda s, u, o: sign(claims(s, u), s.jwt_secret, "HS512"),
    "j03_missing_exp": lambda s, u, o: sign(claims(s, u, exp=DROP), s.jwt_secret),
    "j03_missing_iat": lambda s, u, o: sign(claims(s, u, iat=DROP), s.jwt_secret),
    "j03_missing_sub": lambda s, u, o: sign(claims(s, u, sub=DROP), s.jwt_secret),
    "j03_missing_iss": lambda s, u, o: sign(claims(s, u, iss=DROP), s.jwt_secret),
    "j03_missing_aud": lambda s, u, o: sign(claims(s, u, aud=DROP), s.jwt_secret),
    "j04_expired_120s": lambda s, u, o: sign(
        claims(s, u, exp=int(datetime.now(UTC).timestamp()) - 120), s.jwt_secret
    ),
    "j04_nbf_in_120s": lambda s, u, o: sign(
        claims(s, u, nbf=int(datetime.now(UTC).timestamp()) + 120), s.jwt_secret
    ),
    "j05_wrong_audience": lambda s, u, o: sign(claims(s, u, aud="other-api"), s.jwt_secret),
    "j05_audience_list": lambda s, u, o: sign(
        claims(s, u, aud=[s.jwt_audience, "other-api"]), s.jwt_secret
    ),
    "j05_wrong_issuer": lambda s, u, o: sign(claims(s, u, iss="someone-else"), s.jwt_secret),
    "j05_issuer_prefix": lambda s, u, o: sign(claims(s, u, iss=s.jwt_issuer[:-1]), s.jwt_secret),
    "j05_issuer_superstring": lambda s, u, o: sign(
        claims(s, u, iss=s.jwt_issuer + "-evil"), s.jwt_secret
    ),
    "j06_tampered_role_admin": lambda s, u, o: tamper(
        sign(claims(s, u), s.jwt_secret), role="ADMIN"
    ),
    "j06_tampered_sub_admin": lambda s, u, o: tamper(
        sign(claims(s, u), s.jwt_secret), sub=str(o.id)
    ),
    "j06_other_secret": lambda s, u, o: sign(claims(s, u), OTHER_SECRET),
    "j08_jku_to_attacker": lambda s, u, o: sign(
        claims(s, u), OTHER_SECRET, kid="../../dev/null", jku="https://attacker.example/jwks"
    ),
    "j09_crit_header": lambda s, u, o: sign(claims(s, u), s.jwt_secret, crit=["x"], x=1),
    "j10_refresh_typ": lambda s, u, o: sign(claims(s, u, typ="refresh"), s.jwt_secret),
    "j10_no_typ": lambda s, u, o: sign(claims(s, u, typ=DROP), s.jwt_secret),
    "sub_not_a_uuid": lambda s, u, o: sign(claims(s, u, sub="not-a-uuid"), s.jwt_secret),
    "sub_unknown_user": lambda s, u, o: sign(claims(s, u, sub=str(uuid.uuid4())), s.jwt_secret),
}


async def test_handmade_token_is_accepted(client, db, settings):
    """Control for the table below: `claims()` + `sign()` alone make a token that works."""
    # given
    user = await make_user(db, Role.CANDIDATE)
    token = sign(claims(settings, user), settings.jwt_secret)
    # when
    response = await me(client, f"Bearer {token}")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {"me": {"id": str(user.id), "email": user.email, "role": "CANDIDATE"}}
    }


@pytest.mark.parametrize("case", list(REJECTED_TOKENS))
async def test_rejected_tokens_are_401(client, db, settings, case):
    """J-01/J-03..J-06/J-08..J-10: every forged, incomplete or foreign token is a 401."""
    # given
    user = await make_user(db, Role.CANDIDATE)
    admin = await make_user(db, Role.ADMIN)
    token = REJECTED_TOKENS[case](settings, user, admin)
    # when
    response = await me(client, f"Bearer {token}")
    # then
    assert_unauthenticated(response)


async def test_j04_expiry_within_leeway_is_accepted(client, db, settings):
    """J-04 a token that expired 10 s ago still works (leeway 30 s, at most 60 s)."""
    # given
    user = await make_user(db, Role.CANDIDATE)
    now = int(datetime.now(UTC).timestamp())
    token = sign(claims(settings, user, iat=now - 900, exp=now - 10), settings.jwt_secret)
    # when
    response = await me(client, f"Bearer {token}")
    # then
    assert response.status_code == 200
    assert response.json()["data"]["me"]["id"] == str(user.id)


async def test_j10_refresh_token_is_not_an_access_token(client, db):
    # given
    user = await make_user(db, Role.CANDIDATE)
    login = await gql(client, LOGIN, {"email": user.email, "password": PASSWORD})
    refresh = login.data["login"]["refreshToken"]
    # when
    response = await me(client, f"Bearer {refresh}")
    # then
    assert_unauthenticated(response)


@pytest.mark.parametrize("change", ["deleted", "deactivated"])
async def test_j12_token_of_removed_user_is_401(client, db, settings, change):
    """J-12 a still-valid token dies with its user (deleted or deactivated)."""
    # given
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    token = token_for(settings, user)
    assert (await me(client, f"Bearer {token}")).status_code == 200
    if change == "deleted":
        async with db() as session:
            await session.delete(await session.get(User, user.id))
            await session.commit()
    else:
        await set_user(db, user, is_active=False)
    # when
    response = await me(client, f"Bearer {token}")
    # then
    assert_unauthenticated(response)


@pytest.mark.parametrize(
    ("before", "after", "jobs_before", "jobs_after"),
    [(Role.ADMIN, Role.CANDIDATE, 2, 1), (Role.CANDIDATE, Role.ADMIN, 1, 2)],
)
async def test_j12_role_comes_from_the_database_not_the_token(
    client, db, settings, before, after, jobs_before, jobs_after
):
    """J-12 demotion takes effect on the next request; the token's role claim is ignored."""
    # given
    org = await make_org(db)
    await make_job(db, org)
    await make_job(db, org, status=JobStatus.DRAFT)
    user = await make_user(db, before)
    token = token_for(settings, user)
    first = await gql(client, ME_AND_JOBS, token=token)
    await set_user(db, user, role=after)
    # when
    second = await gql(client, ME_AND_JOBS, token=token)
    # then
    assert jwt.decode(token, options={"verify_signature": False})["role"] == before.value
    assert first.data == {"me": {"role": before.value}, "jobs": {"totalCount": jobs_before}}
    assert second.data == {"me": {"role": after.value}, "jobs": {"totalCount": jobs_after}}


async def test_j07_weak_secret_refuses_to_start(settings):
    """J-07 a secret under 32 bytes stops the process at startup, not at the first login."""
    from server import create_app

    # given
    weak = "short-secret"
    # when / then
    with pytest.raises(ValueError):
        create_app(replace(settings, jwt_secret=weak))
