"""The feed's projections: the timeline (with its authors) and community post counts."""

from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.feed.events import PostCreated
from contracts.identity.events import AccountRegistered
from contracts.registry import ALL
from feed.adapters import sql
from kit.personal import PersonalData
from kit.projection import Projection

FORMER_MEMBER = "former member"


async def add_to_timeline(conn: AsyncConnection, event: PostCreated, envelope: Envelope) -> None:
    await conn.execute(insert(sql.timeline).values(**post_row(event, envelope))
                       .on_conflict_do_nothing())


def post_row(event: PostCreated, envelope: Envelope) -> dict:
    return {"post_id": event.post_id, "community": event.community, "kind": event.kind,
            "title": event.title, "body": event.body, "language": event.language,
            "author_id": event.author_id, "created_at": envelope.occurred_at}


def timeline(personal: PersonalData) -> Projection:
    async def add_author(conn: AsyncConnection, event: AccountRegistered, _: Envelope) -> None:
        name = await personal.reveal(conn, event.user_id, "display_name", event.display_name)
        await upsert_author(conn, event.user_id, name or FORMER_MEMBER)

    return Projection(
        service="feed", name="timeline", registry=ALL,
        handlers={PostCreated: add_to_timeline, AccountRegistered: add_author},  # type: ignore[dict-item]
        tables=[sql.timeline, sql.authors])


async def upsert_author(conn: AsyncConnection, user_id: UUID, display_name: str) -> None:
    statement = insert(sql.authors).values(user_id=user_id, display_name=display_name)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"], set_={"display_name": statement.excluded.display_name}))


async def count_post(conn: AsyncConnection, event: PostCreated, _: Envelope) -> None:
    statement = insert(sql.community_counts).values(community=event.community, post_count=1)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["community"],
        set_={"post_count": sql.community_counts.c.post_count + 1}))


def community_stats() -> Projection:
    return Projection(service="feed", name="community-stats", registry=ALL,
                      handlers={PostCreated: count_post},  # type: ignore[dict-item]
                      tables=[sql.community_counts])
