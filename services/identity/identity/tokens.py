"""Access tokens: JWTs signed with Ed25519, verified by anyone with the public key."""

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contracts.identity.messages import SigningKey

ALGORITHM = "EdDSA"


def load_private_key(pem: str, path: str) -> Ed25519PrivateKey:
    data = pem.encode() if pem else Path(path).read_bytes() if path else b""
    if not data:
        raise ValueError("set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE (an Ed25519 key, PEM)")
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the token signing key must be Ed25519")
    return key


def new_private_key_pem() -> str:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()


@dataclass(frozen=True)
class TokenSigner:
    key: Ed25519PrivateKey
    issuer: str
    audience: str
    ttl_s: int

    @property
    def public_pem(self) -> str:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    @property
    def kid(self) -> str:
        return hashlib.sha256(self.public_pem.encode()).hexdigest()[:16]

    def issue(self, user_id: UUID, roles: list[str], session_id: UUID) -> str:
        """A token of one session (`sid`), issued at a time to the millisecond: the gateway
        refuses the tokens issued before a role change or an erasure, and a change may come
        within the second a token was issued."""
        now = time.time()
        claims = {"iss": self.issuer, "aud": self.audience, "sub": str(user_id),
                  "roles": roles, "iat": round(now, 3), "nbf": int(now),
                  "exp": int(now) + self.ttl_s, "sid": str(session_id), "jti": uuid4().hex}
        return jwt.encode(claims, self.key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def public_key(self) -> SigningKey:
        return SigningKey(kid=self.kid, algorithm=ALGORITHM, public_key_pem=self.public_pem,
                          issuer=self.issuer, audience=self.audience)
