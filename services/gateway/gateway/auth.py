"""Bearer tokens: verified with identity's public key, never trusted from the client."""

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import jwt
import orjson
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from nats.aio.client import Client

from contracts.identity.messages import SigningKey
from contracts.rpc import STATUS, Principal
from contracts.subjects import rpc
from gateway.revocations import Revocations


class InvalidTokenError(Exception):
    """Missing, malformed, expired, tampered, not for us, or revoked."""


@dataclass(frozen=True)
class Verified:
    principal: Principal
    expires: float
    issued_at: float
    session_id: UUID | None


class TokenVerifier:
    """Verifies access tokens; fetches the signing key from identity when needed."""

    REFRESH_AFTER_S = 30.0
    REMEMBERED = 20_000  # verified tokens kept (oldest forgotten first)

    def __init__(self, nc: Client, issuer: str, audience: str,
                 revocations: Revocations | None = None) -> None:
        self.nc, self.issuer, self.audience = nc, issuer, audience
        self.revocations = revocations
        self._key: SigningKey | None = None
        self._public_key: Any = None  # parsed once, not on every request
        self._fetched_at = 0.0
        # Tokens already verified, until they expire: a client sends the same token for
        # minutes, and checking its signature again each time was most of a cached read.
        self._verified: OrderedDict[str, Verified] = OrderedDict()

    async def principal(self, token: str) -> Principal:
        """Who the token stands for, unless it expired or was revoked since (checked on
        every request: a remembered token is not a token still good)."""
        known = self._verified.get(token)
        if known is None or known.expires <= time.time():
            known = await self._verify(token)
            self._verified[token] = known
            if len(self._verified) > self.REMEMBERED:
                self._verified.popitem(last=False)
        if self.revocations is not None and self.revocations.refuses(
                known.principal.user_id, known.issued_at, known.session_id):
            raise InvalidTokenError("revoked")
        return known.principal

    async def _verify(self, token: str) -> Verified:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as error:
            raise InvalidTokenError("malformed token") from error
        key = await self._signing_key(kid)
        try:
            claims = jwt.decode(token, self._public_key, algorithms=[key.algorithm],
                                audience=self.audience, issuer=self.issuer,
                                options={"require": ["exp", "iat", "sub", "aud", "iss"]})
            principal = Principal(user_id=UUID(claims["sub"]),
                                  roles=tuple(claims.get("roles", ())))
            sid = claims.get("sid")
            return Verified(principal, float(claims["exp"]), float(claims["iat"]),
                            UUID(sid) if sid else None)
        except (jwt.PyJWTError, ValueError, KeyError, TypeError) as error:
            raise InvalidTokenError(type(error).__name__) from error

    async def _signing_key(self, kid: str | None) -> SigningKey:
        stale = time.monotonic() - self._fetched_at > self.REFRESH_AFTER_S
        if self._key is None or (self._key.kid != kid and stale):
            reply = await self.nc.request(rpc("identity", "signing_key"), b"{}", timeout=5)
            if (reply.headers or {}).get(STATUS) != "200":
                raise ConnectionError("identity did not give its signing key")
            self._key = SigningKey.model_validate(orjson.loads(reply.data))
            self._public_key = load_pem_public_key(self._key.public_key_pem.encode())
            self._fetched_at = time.monotonic()
        if self._key.kid != kid:
            raise InvalidTokenError("unknown signing key")
        return self._key
