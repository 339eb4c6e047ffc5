"""Tokens of an external identity provider: RS256 keys from its JWKS URL (J-01..J-13)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from models.enums import Role
from models.organization import User
from tests.helpers import add, variant_client

ISSUER = "https://idp.example.test/"
AUDIENCE = "talentgraph-test"
ME = "{ me { email role } }"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SIGNING_KEY = _key()
OTHER_KEY = _key()


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    """A real HTTP JWKS endpoint on loopback, as the provider would publish it."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()
    server.server_close()


def _token(key=SIGNING_KEY, kid="k1", **overrides) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "ext-123", "iat": now, "exp": now + 300}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _hs256_with(secret: bytes) -> str:
    """PyJWT refuses a PEM as HMAC secret, so the forgery is assembled by hand."""
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": "ext-123", "iat": now, "exp": now + 300}
    signing_input = b".".join(
        jwt.utils.base64url_encode(json.dumps(part).encode()) for part in (header, payload)
    )
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()


async def _me(client, token):
    return await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )


async def test_external_token_maps_subject_to_user_and_forgeries_fail(settings, db, jwks_url):
    # given
    await add(db, User(email="ext@example.org", role=Role.RECRUITER, external_subject="ext-123"))
    public_pem = SIGNING_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    forged = {
        "other key, same kid": _token(key=OTHER_KEY),
        "wrong audience": _token(aud="someone-else"),
        "wrong issuer": _token(iss="https://evil.example/"),
        "expired": _token(exp=int(time.time()) - 120),
        "no exp": _token(exp=None),
        "no sub": _token(sub=None),
        "unknown subject": _token(sub="ext-999"),
        "unknown kid": _token(kid="k9"),
        # key confusion (J-03): HS256 signed with the provider's public key as the secret
        "hs256 with public key": _hs256_with(public_pem),
    }
    changes = {"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, "oidc_jwks_url": jwks_url}
    async with variant_client(settings, **changes) as client:
        # when
        good = await _me(client, _token())
        rejected = {name: await _me(client, token) for name, token in forged.items()}
    # then
    assert good.status_code == 200
    assert good.json() == {"data": {"me": {"email": "ext@example.org", "role": "RECRUITER"}}}
    for name, response in rejected.items():
        assert response.status_code == 401, name
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_external_tokens_are_refused_when_no_provider_is_configured(settings, db):
    # given
    await add(db, User(email="ext@example.org", role=Role.RECRUITER, external_subject="ext-123"))
    async with variant_client(settings) as client:
        # when
        response = await _me(client, _token())
    # then
    assert response.status_code == 401
