"""The voices' published stories in the feed, as posts of kind `story`: in each of the
story's communities and in the common feed, taken off when the story is withdrawn (or its
storyteller erased) or a curator takes it down. Handlers of the timeline projection, fed
from the voices' stream.

Only what the feed may show goes in: public stories for everyone, members-only ones for
signed-in members (`members_only`: the personal feed only, never the public cached pages);
stories for policy work only, and embargoed ones, stay in the voices' gallery."""

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
        if event.visibility not in IN_THE_FEED:
            return
        owner = event.storyteller_id
        title = await personal.reveal(conn, owner, "title", event.title)
        summary = await personal.reveal(conn, owner, "summary", event.summary)
        if title is None or summary is None:  # its storyteller was erased meanwhile
            return
        author = ANONYMOUS if event.anonymous else owner
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
