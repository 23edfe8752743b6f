"""A person erased (identity's PersonErased): the files of the documents of the cases they
own are deleted from the media store, as voices deletes an erased storyteller's recordings.
Their key is shredded already, so the files were unreadable; now they are gone too. The
cases' records stay (what happened, by whom), their sealed fields unreadable."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from assistance.adapters import sql
from contracts.envelope import Envelope
from contracts.identity.events import PersonErased
from contracts.registry import ALL
from kit.logging import get_logger
from kit.media import MediaStore
from kit.projection import Projection, one_by_one

log = get_logger(__name__)


async def media_of_owner(conn: AsyncConnection, owner_id: UUID) -> list[str]:
    """The media keys of every document of every case the person owns."""
    d, a = sql.documents.c, sql.applications.c
    return list((await conn.scalars(sa.select(d.media_key).join(
        sql.applications, a.application_id == d.application_id).where(
        a.owner_id == owner_id).order_by(d.media_key))).all())


async def delete_documents_of(conn: AsyncConnection, media: MediaStore, owner_id: UUID) -> int:
    """Delete the files of the owner's documents; how many there were. Deleting a file
    twice (a redelivery) changes nothing."""
    keys = await media_of_owner(conn, owner_id)
    for key in keys:
        await media.delete(key)
    log.info("owner_documents_deleted", documents=len(keys))
    return len(keys)


def owners(media: MediaStore) -> Projection:
    """The erasures of case owners, from identity's stream."""
    async def erased(conn: AsyncConnection, event: PersonErased, _: Envelope) -> None:
        await delete_documents_of(conn, media, event.user_id)

    return Projection(service="assistance", name="owners", registry=ALL,
                      handlers={PersonErased: one_by_one(erased)}, tables=[])
