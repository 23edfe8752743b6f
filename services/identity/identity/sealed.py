"""Personal data as identity keeps it: sealed fields opened with the person's key (gone once
the person is erased), and blind indexes that find a person without their contact in clear."""

import hashlib
import hmac
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from kit.personal import KeyShreddedError, PersonalData


@dataclass(frozen=True)
class BlindIndex:
    """A keyed hash of a login name, a registration or an address."""

    key: bytes

    def __call__(self, value: str) -> str:
        return hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()


async def reveal(personal: PersonalData, conn: AsyncConnection, user_id: UUID,
                 fields: dict[str, str | None]) -> dict[str, str | None]:
    """One person's sealed fields in clear; all None once the person was erased."""
    each = await reveal_each(personal, conn, user_id,
                             {name: [token] for name, token in fields.items()})
    return {name: values[0] for name, values in each.items()}


async def reveal_each(personal: PersonalData, conn: AsyncConnection, user_id: UUID,
                      fields: dict[str, list[str | None]]) -> dict[str, list[str | None]]:
    """Several values per field name (answers, say), with the person's key looked up once."""
    try:
        key = await personal.key(conn, user_id)
    except KeyShreddedError:
        return {name: [None] * len(tokens) for name, tokens in fields.items()}
    return {name: [None if t is None else personal.decrypt(key, user_id, name, t)
                   for t in tokens] for name, tokens in fields.items()}
