"""The voices' published stories in the feed, as posts of kind `story`: in each of the
story's communities and in the common feed, and in search, taken off when the story is
withdrawn (or its storyteller erased) or a curator takes it down. Handlers of the timeline
and search projections, fed from the voices' stream.

Only what the feed may show goes in: public stories for everyone, members-only ones for
signed-in members (`members_only`: the personal feed only, never the public cached pages);
stories for policy work only stay in the voices' gallery, and embargoed ones until the
voices publish them again, public, at the embargo's end."""

from typing import Any
from uuid import UUID, uuid5

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.voices.events import StoryPublished, StoryUnpublished, StoryWithdrawn
from feed.adapters import sql
from kit.personal import PersonalData
from kit.projection import one_by_one
from kit.readmodels import Handler

NAMESPACE = UUID("3d0c7e51-9a2b-4f4e-8c61-2b7a5e9d1f03")
ANONYMOUS = uuid5(NAMESPACE, "anonymous storyteller")  # the author of anonymous stories
ANONYMOUS_NAME = "anonymous storyteller"
IN_THE_FEED = {"public": False, "members": True}  # visibility -> members_only


def post_id(story_id: UUID, community: str) -> UUID:
    """The story's post in one community's feed (one per community, and the common one)."""
    return uuid5(NAMESPACE, f"{story_id}/{community}")


def handlers(personal: PersonalData) -> dict[type, Handler]:
    async def published(conn: AsyncConnection, event: StoryPublished, _: Envelope) -> None:
        words = await revealed(personal, conn, event)
        if words is None:
            return
        title, summary = words
        author = ANONYMOUS if event.anonymous else event.storyteller_id
        if event.anonymous:
            await conn.execute(insert(sql.authors).values(
                user_id=ANONYMOUS, display_name=ANONYMOUS_NAME).on_conflict_do_nothing())
        rows: list[dict[str, Any]] = [
            {"post_id": post_id(event.story_id, community), "community": community,
             "kind": "story", "title": title, "body": summary, "language": event.language,
             "author_id": author, "created_at": event.published_at,
             "story_id": event.story_id, "members_only": IN_THE_FEED[event.visibility]}
            for community in dict.fromkeys(["common", *event.communities])]
        await conn.execute(insert(sql.timeline).values(rows).on_conflict_do_nothing())

    async def withdrawn(conn: AsyncConnection, event: StoryWithdrawn | StoryUnpublished,
                        _: Envelope) -> None:
        await conn.execute(sa.delete(sql.timeline).where(
            sql.timeline.c.story_id == event.story_id))

    return {StoryPublished: one_by_one(published), StoryWithdrawn: one_by_one(withdrawn),
            StoryUnpublished: one_by_one(withdrawn)}


def searched(personal: PersonalData) -> dict[type, Handler]:
    """Handlers of the search projection: a story found by its title and summary while it
    is published (members-only ones by members only), gone when it is withdrawn (or its
    storyteller erased) or taken down."""
    async def published(conn: AsyncConnection, event: StoryPublished, _: Envelope) -> None:
        words = await revealed(personal, conn, event)
        if words is None:
            return
        await conn.execute(insert(sql.searched_stories).values(
            story_id=event.story_id, title=words[0], body=words[1], language=event.language,
            members_only=IN_THE_FEED[event.visibility]).on_conflict_do_nothing())

    async def withdrawn(conn: AsyncConnection, event: StoryWithdrawn | StoryUnpublished,
                        _: Envelope) -> None:
        await conn.execute(sa.delete(sql.searched_stories).where(
            sql.searched_stories.c.story_id == event.story_id))

    return {StoryPublished: one_by_one(published), StoryWithdrawn: one_by_one(withdrawn),
            StoryUnpublished: one_by_one(withdrawn)}


async def revealed(personal: PersonalData, conn: AsyncConnection,
                   event: StoryPublished) -> tuple[str, str] | None:
    """The story's title and summary where the feed may show it (None: it may not, or
    its storyteller was erased meanwhile)."""
    if event.visibility not in IN_THE_FEED:
        return None
    owner = event.storyteller_id
    title = await personal.reveal(conn, owner, "title", event.title)
    summary = await personal.reveal(conn, owner, "summary", event.summary)
    return None if title is None or summary is None else (title, summary)


def once(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A story once in a personal feed, though it is in several of the feeds merged."""
    seen: set[str] = set()
    kept = []
    for item in items:
        story = item.get("story_id")
        if story is not None and story in seen:
            continue
        kept.append(item)
        if story is not None:
            seen.add(story)
    return kept
