"""Personal fields and documents sealed with the case owner's data key, and revealed for
reading (None, or 410 for a document, once the owner was erased: their key is gone)."""

import os
from collections.abc import Callable
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import AsyncConnection

from assistance.deps import Deps
from kit.personal import KeyShreddedError


class OwnerErasedError(Exception):
    """The person whose case this is was erased: nothing more is written about them."""

    def __init__(self) -> None:
        super().__init__("the person this case is about was erased")


async def sealer(conn: AsyncConnection, deps: Deps,
                 owner_id: UUID) -> Callable[[str, str], str]:
    """A function sealing one field of the owner's."""
    key = await owner_key(conn, deps, owner_id)

    def seal(field: str, text: str) -> str:
        return deps.personal.encrypt(key, owner_id, field, text)
    return seal


async def reveal(conn: AsyncConnection, deps: Deps, owner_id: UUID, field: str,
                 token: str | None) -> str | None:
    return await deps.personal.reveal(conn, owner_id, field, token)


def seal_document(key: bytes, owner_id: UUID, document_id: UUID, data: bytes) -> bytes:
    """A document's bytes sealed with the owner's data key (AES-GCM, bound to the owner and
    the document): the media store holds nothing readable once the owner is erased."""
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, owner_id.bytes + document_id.bytes)


def open_document(key: bytes, owner_id: UUID, document_id: UUID, sealed: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], owner_id.bytes + document_id.bytes)


async def owner_key(conn: AsyncConnection, deps: Deps, owner_id: UUID) -> bytes:
    try:
        return await deps.personal.key(conn, owner_id)
    except KeyShreddedError:
        raise OwnerErasedError() from None
