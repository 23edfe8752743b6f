"""Personal data in events, encrypted with a per-person data key (crypto-shredding).

Each person's data key is random, stored wrapped (AES-GCM) under the master key in the
key store, a stand-in for a KMS that every service reaches. Erasing a person deletes
their key: the ciphertext in immutable events and streams can then never be read again.
"""

import base64
import os
from uuid import UUID

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.sql import Statement

PREFIX = "pd1."
metadata = sa.MetaData(schema="keystore")
person_keys = sa.Table(
    "person_keys", metadata,
    sa.Column("person_id", sa.Uuid, primary_key=True),
    sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
)
_KEY = Statement(sa.select(person_keys.c.wrapped_key).where(
    person_keys.c.person_id == sa.bindparam("person_id", type_=sa.Uuid)))


class KeyShreddedError(LookupError):
    """The person's data key was destroyed: their personal data is gone."""


def master_key_from(setting: str) -> bytes:
    key = base64.b64decode(setting) if setting else b""
    if len(key) != 32:
        raise ValueError("PERSONAL_DATA_MASTER_KEY must be 32 bytes, base64-encoded")
    return key


def new_master_key() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


class PersonalData:
    """Encrypts and decrypts one person's fields; keys come from the key store."""

    def __init__(self, master_key: bytes) -> None:
        self._master = AESGCM(master_key)

    async def create_key(self, conn: AsyncConnection, person_id: UUID) -> bytes:
        key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        wrapped = nonce + self._master.encrypt(nonce, key, person_id.bytes)
        await conn.execute(insert(person_keys).values(person_id=person_id, wrapped_key=wrapped)
                           .on_conflict_do_nothing())
        return await self.key(conn, person_id)

    async def key(self, conn: AsyncConnection, person_id: UUID) -> bytes:
        found = await _KEY.row(conn, person_id=person_id)
        wrapped = found[0] if found is not None else None
        if wrapped is None:
            raise KeyShreddedError(str(person_id))
        return self._master.decrypt(wrapped[:12], wrapped[12:], person_id.bytes)

    @staticmethod
    async def shred(conn: AsyncConnection, person_id: UUID) -> None:
        await conn.execute(person_keys.delete().where(person_keys.c.person_id == person_id))

    @staticmethod
    def encrypt(key: bytes, person_id: UUID, field: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, value.encode(), _aad(person_id, field))
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    @staticmethod
    def decrypt(key: bytes, person_id: UUID, field: str, token: str) -> str:
        if not token.startswith(PREFIX):
            raise ValueError("not an encrypted personal field")
        raw = base64.urlsafe_b64decode(token[len(PREFIX):])
        return AESGCM(key).decrypt(raw[:12], raw[12:], _aad(person_id, field)).decode()

    async def reveal(self, conn: AsyncConnection, person_id: UUID, field: str,
                     token: str | None) -> str | None:
        """The plaintext of one field, or None when there is none or it was shredded."""
        if token is None:
            return None
        try:
            return self.decrypt(await self.key(conn, person_id), person_id, field, token)
        except KeyShreddedError:
            return None


def _aad(person_id: UUID, field: str) -> bytes:
    return person_id.bytes + field.encode()
