"""Posts: writing one, reading one, and the pages of a community."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from asyncpg import Record

from contracts.feed.messages import (
    CreatePost,
    FeedQuery,
    MyFeedQuery,
    Notice,
    PostAccepted,
    PostRef,
)
from contracts.roles import ADMIN, MEMBERS, MODERATOR
from feed import domain, moderation, stories, voice_notes
from feed.adapters import sql
from feed.deps import Deps
from feed.handlers.comments import discussion
from feed.handlers.offers import offers
from feed.language import detect_language
from feed.projections import FORMER_MEMBER
from kit.pagination import decode_cursor, page
from kit.usecases import Call

MODERATORS = (MODERATOR, ADMIN)


async def create_post(call: Call[CreatePost], deps: Deps) -> PostAccepted:
    """A post in a community or the common feed, within a new account's first-day limits."""
    post_id, author_id, now = uuid4(), call.caller.user_id, datetime.now(UTC)
    # A fresh id's stream is empty: the post is new at version 0 without reading it (one
    # round trip fewer on the hottest write), and an id that did exist fails the append.
    command = call.command
    if command.language is None:  # the client did not say: the words tell
        command = command.model_copy(update={"language": detect_language(
            f"{command.title or ''}\n{command.body}")})
    screening = moderation.screen(f"{command.title or ''}\n{command.body}", deps.keywords)
    events = domain.create_post(domain.Post(), post_id, author_id, command, screening, uuid4)
    async with deps.db.transaction() as conn:
        author = await sql.author_and_recent(conn, author_id, now, now - timedelta(hours=1))
        domain.check_sandbox(command, _sandbox(author, deps, now), now, author["recent"])
        if command.voice_note_id is not None:
            note, _ = await deps.voice_notes.get(conn, voice_notes.stream(command.voice_note_id))
            # Which post or comment carries it is the inline read model's, written in the
            # transaction of that PostCreated or CommentAdded: as current as the stream.
            voice_notes.check_attachable(note, author_id, await sql.attachment_of_voice_note(
                conn, command.voice_note_id))
        await deps.posts.append(conn, domain.stream_id(post_id), 0, events,
                                call.caller.metadata)
    language = call.caller.language
    return PostAccepted(post_id=post_id, status="held" if screening.holds else "published",
                        notices=[Notice(kind="helpline" if notice == moderation.SELF_HARM
                                        else "held", message=moderation.message(notice, language))
                                 for notice in screening.notices],
                        offers=offers(f"{command.title or ''}\n{command.body}",
                                      command.language or "en", language))


def _sandbox(author: Record, deps: Deps, now: datetime) -> domain.Sandbox | None:
    if author["user_id"] is None:
        return domain.unknown_author_sandbox(now, deps.sandbox_posts_per_hour)
    if author["sandbox_until"] is None:
        return None
    return domain.Sandbox(until=author["sandbox_until"],
                          posts_per_hour=author["sandbox_posts_per_hour"],
                          links_allowed=bool(author["sandbox_links_allowed"]))


async def get_feed(call: Call[FeedQuery], deps: Deps) -> dict[str, Any]:
    """A page of a community's posts (or the common feed's), newest first."""
    query = call.command
    if not domain.known_community(query.community):
        raise domain.NoSuchCommunityError(query.community)
    after = decode_cursor(query.cursor)
    async with deps.db.connect() as conn:
        rows = await sql.feed_page(conn, query.community, query.limit + 1, after)
    return page(rows, query.limit, "created_at", "post_id", _item)


async def my_feed(call: Call[MyFeedQuery], deps: Deps) -> dict[str, Any]:
    """The common feed and the communities the caller follows, newest first."""
    query = call.command
    after = decode_cursor(query.cursor)
    async with deps.db.connect() as conn:
        rows = await sql.my_feed(conn, call.caller.user_id, query.limit + 1, after,
                                 members=call.caller.has_any(*MEMBERS))
    reply = page(rows, query.limit, "created_at", "post_id", _item)
    return {**reply, "items": stories.once(reply["items"])}


async def get_post(call: Call[PostRef], deps: Deps) -> dict[str, Any]:
    """A published post; a held or hidden one only to its author and the moderators."""
    async with deps.db.connect() as conn:
        row = await sql.shown_post(conn, call.command.post_id)
        if row is None or not (row["status"] == domain.PUBLISHED
                               or call.caller.has_any(*MODERATORS) or _is_author(call, row)):
            raise domain.NoSuchPostError()
        talk = await discussion(conn, row["post_id"], row["kind"] == "question", call.caller)
        note = await sql.voice_note_on(conn, row["post_id"])
    edited = row["edited_at"]
    return {**_item(row), "status": row["status"], **talk,
            "voice_note_id": str(note) if note else None,
            "edited_at": edited.isoformat().replace("+00:00", "Z") if edited else None}


def _is_author(call: Call[PostRef], row: Record) -> bool:
    return call.caller.principal is not None and call.caller.user_id == row["author_id"]


def _story(row: Record) -> str | None:
    """The voices story a post of kind `story` shows (GET /v1/stories/{id})."""
    story = row.get("story_id")  # none on a post read from the inline model
    return str(story) if story else None


def _item(row: Record) -> dict[str, Any]:
    """A FeedItem (contracts.feed.messages), built as a plain dict: the read path's hottest
    line, where validating our own rows again would cost more than the query."""
    return {"post_id": str(row["post_id"]), "community": row["community"],
            "kind": row["kind"], "title": row["title"], "body": row["body"],
            "language": row["language"],
            "created_at": row["created_at"].isoformat().replace("+00:00", "Z"),
            "story_id": _story(row),
            "author": {"user_id": str(row["author_id"]),
                       "display_name": row["display_name"] or FORMER_MEMBER,
                       "verified": bool(row["verified"]), "profession": row["profession"]}}
