"""What the voices' use cases share: sealing a storyteller's words, and reading a story's
row as the caller may see it."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from kit.personal import PersonalData
from kit.usecases import Caller
from voices import domain, views
from voices.adapters import sql
from voices.deps import Deps

Seal = Callable[[str, str], str]


async def sealer(conn: AsyncConnection, deps: Deps, person_id: UUID) -> Seal:
    """Encrypts a field with the person's data key (KeyShreddedError: they were erased)."""
    key = await deps.personal.key(conn, person_id)
    return lambda field, value: PersonalData.encrypt(key, person_id, field, value)


async def readable(deps: Deps, story_id: UUID, caller: Caller) -> Any:
    """The story's row if the caller may read it; otherwise no such story."""
    async with deps.db.connect() as conn:
        row = await sql.story(conn, story_id)
    if not views.may_read(row, caller, deps.clock()):
        raise domain.NoSuchStoryError()
    return row
