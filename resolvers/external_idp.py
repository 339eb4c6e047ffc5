"""Tokens from an external identity provider (RS256/ES256, keys from its JWKS endpoint)."""

from __future__ import annotations

import asyncio
from typing import Any

import jwt

from resolvers.errors import AuthenticationError

ALGORITHMS = ["RS256", "ES256"]
INVALID = "Invalid or expired access token"


class ExternalIdentityProvider:
    """Verifies the provider's tokens; its `sub` maps to `User.external_subject`.

    One instance per process: the JWKS client caches keys (5 minutes) and is synchronous, so
    fetches run in a thread instead of blocking the event loop.
    """

    def __init__(self, issuer: str, audience: str, jwks_url: str) -> None:
        self.issuer = issuer
        self.audience = audience
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5)

    @staticmethod
    def accepts(token: str) -> bool:
        """Our own tokens are HS256; anything signed with a provider algorithm is theirs."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return False
        return header.get("alg") in ALGORITHMS

    async def subject(self, token: str) -> str:
        try:
            signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
            claims: dict[str, Any] = jwt.decode(
                token,
                signing_key.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=30,
                options={"require": ["exp", "iat", "sub", "iss", "aud"], "strict_aud": True},
            )
        except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
            raise AuthenticationError(INVALID) from exc
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise AuthenticationError(INVALID)
        return subject
