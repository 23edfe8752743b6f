"""Personal fields sealed with the case owner's data key, and revealed for reading (None
once the owner was erased: their key is gone)."""

from collections.abc import Callable
from uuid import UUID

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
    try:
        key = await deps.personal.key(conn, owner_id)
    except KeyShreddedError:
        raise OwnerErasedError() from None

    def seal(field: str, text: str) -> str:
        return deps.personal.encrypt(key, owner_id, field, text)
    return seal


async def reveal(conn: AsyncConnection, deps: Deps, owner_id: UUID, field: str,
                 token: str | None) -> str | None:
    return await deps.personal.reveal(conn, owner_id, field, token)
