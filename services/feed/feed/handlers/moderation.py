"""Flags, the moderators' queue and their decisions (GUIDELINES.md)."""

from typing import Any
from uuid import uuid4

from contracts.feed.messages import (
    Decide,
    Decision,
    FlagAccepted,
    FlagComment,
    FlagPost,
    ModerationItem,
    ModerationQueue,
    ModerationQueueQuery,
    ModeratorScope,
    ScopeModerator,
)
from contracts.roles import ADMIN
from feed import domain, moderation
from feed.adapters import sql
from feed.deps import Deps
from feed.projections import FORMER_MEMBER
from kit.pagination import decode_cursor, encode_cursor
from kit.usecases import Call, Caller

URGENT_FIRST = 50  # urgent items open the queue's first page, however old the others are


async def flag_post(call: Call[FlagPost], deps: Deps) -> FlagAccepted:
    """Anyone signed in asks the moderators to look at a post (or a comment)."""
    command, flag_id = call.command, uuid4()
    if command.target_type == "comment":
        return await _flag_comment(FlagComment(comment_id=command.target_id,
                                               reason=command.reason, note=command.note),
                                   call.caller, deps)
    async with deps.db.transaction() as conn:
        await deps.posts.change(
            conn, domain.stream_id(command.target_id),
            lambda post: domain.flag(post, command.target_id, flag_id, call.caller.user_id,
                                     command.reason, command.reason == moderation.SELF_HARM),
            call.caller.metadata)
    return FlagAccepted(flag_id=flag_id)


async def flag_comment(call: Call[FlagComment], deps: Deps) -> FlagAccepted:
    """Anyone signed in asks the moderators to look at a comment, once."""
    return await _flag_comment(call.command, call.caller, deps)


async def _flag_comment(command: FlagComment, caller: Caller, deps: Deps) -> FlagAccepted:
    flag_id, stream = uuid4(), domain.comment_stream(command.comment_id)
    async with deps.db.transaction() as conn:
        comment, version = await deps.comments.get(conn, stream)
        post = await _post_of(conn, comment, deps)
        await deps.comments.append(conn, stream, version, domain.flag_comment(
            comment, post, command.comment_id, flag_id, caller.user_id, command.reason,
            command.reason == moderation.SELF_HARM), caller.metadata)
    return FlagAccepted(flag_id=flag_id)


async def _post_of(conn: Any, comment: domain.CommentState, deps: Deps) -> domain.Post:
    """The post a comment is on (none for no comment)."""
    if comment.post_id is None:
        return domain.Post()
    return (await deps.posts.get(conn, domain.stream_id(comment.post_id)))[0]


async def moderation_queue(call: Call[ModerationQueueQuery], deps: Deps) -> ModerationQueue:
    """Held and flagged posts and flagged comments: urgent ones first, then the others
    oldest first."""
    query = call.command
    after = decode_cursor(query.cursor)
    async with deps.db.connect() as conn:
        selected = sql.queue_query(query.reason, query.flagger, await _scope(conn, call))
        urgent = await sql.urgent_items(conn, selected, URGENT_FIRST) if after is None else []
        rows = await sql.waiting_items(conn, selected, query.limit + 1, after)
    more, rows = len(rows) > query.limit, rows[:query.limit]
    return ModerationQueue(
        items=[_item(row) for row in [*urgent, *rows]],
        next_cursor=encode_cursor(rows[-1].since, rows[-1].item_id) if more else None)


async def decide_item(call: Call[Decide], deps: Deps) -> Decision:
    """hide, restore or dismiss a post or a comment, with a note: an event, as every
    decision is."""
    command = call.command
    async with deps.db.transaction() as conn:
        scope = await _scope(conn, call)
        comment, version = await deps.comments.get(conn, domain.comment_stream(command.item_id))
        if comment.created:  # ids are UUIDs: an item is a comment or a post, never both
            return await _decide_comment(conn, call, comment, version, scope, deps)
        post = await deps.posts.change(
            conn, domain.stream_id(command.item_id),
            lambda post: domain.moderate(post, command.item_id, call.caller.user_id,
                                         command.decision, command.note, scope),
            call.caller.metadata)
    status = {"hide": domain.HIDDEN, "restore": domain.PUBLISHED}.get(command.decision,
                                                                       post.status)
    return Decision(item_id=command.item_id, decision=command.decision,
                    status=status)  # type: ignore[arg-type]


async def _decide_comment(conn: Any, call: Call[Decide], comment: domain.CommentState,
                          version: int, scope: frozenset[str], deps: Deps) -> Decision:
    command = call.command
    events = domain.moderate_comment(comment, await _post_of(conn, comment, deps),
                                     command.item_id, call.caller.user_id, command.decision,
                                     command.note, scope)
    await deps.comments.append(conn, domain.comment_stream(command.item_id), version, events,
                               call.caller.metadata)
    status = {"hide": domain.HIDDEN, "restore": domain.PUBLISHED}.get(command.decision,
                                                                       comment.status)
    return Decision(item_id=command.item_id, decision=command.decision,
                    status=status)  # type: ignore[arg-type]


async def scope_moderator(call: Call[ScopeModerator], deps: Deps) -> ModeratorScope:
    """An admin limits a moderator to some communities (or, with none, lifts the limit)."""
    command = call.command
    async with deps.db.transaction() as conn:
        await deps.moderators.change(
            conn, domain.moderator_stream(command.user_id),
            lambda state: domain.scope_moderator(state, command.user_id, command.communities),
            call.caller.metadata)
    return ModeratorScope(user_id=command.user_id, communities=sorted(set(command.communities)))


async def _scope(conn: Any, call: Call[Any]) -> frozenset[str]:
    """The communities the caller may moderate: every one for an admin."""
    if call.caller.has_any(ADMIN):
        return frozenset()
    return await sql.moderator_scope(conn, call.caller.user_id)


def _item(row: Any) -> ModerationItem:
    return ModerationItem(item_id=row.item_id, item_type=row.item_type, post_id=row.post_id,
                          community=row.community,
                          status=row.status, title=row.title, body=row.body,
                          author_id=row.author_id,
                          author_name=row.author_name or FORMER_MEMBER,
                          reasons=sorted(row.reasons),
                          flags=row.flags, urgent=row.urgent, since=row.since)
