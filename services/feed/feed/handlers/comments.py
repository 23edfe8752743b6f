"""Comments (one level of replies) and reactions on a post."""

from typing import Any
from uuid import UUID, uuid4

from contracts.feed.messages import AddComment, CommentAccepted, Notice, React, Reactions
from contracts.roles import ADMIN, MODERATOR
from feed import domain, moderation, voice_notes
from feed.adapters import sql
from feed.deps import Deps
from feed.handlers.offers import offers
from feed.language import detect_language
from feed.projections import FORMER_MEMBER
from kit.usecases import Call, Caller


async def add_comment(call: Call[AddComment], deps: Deps) -> CommentAccepted:
    """A comment on a published post, or a reply to one of its comments, screened by the
    guidelines as posts are (contact details refused here: comments are not held); it may
    carry a voice note of its author's that is on no post or comment yet."""
    command, author_id, comment_id = call.command, call.caller.user_id, uuid4()
    language = command.language or detect_language(command.body)  # not given: the words tell
    screening = moderation.screen(command.body, deps.keywords)
    post_stream = domain.stream_id(command.post_id)
    async with deps.db.transaction() as conn:
        post, post_version = await deps.posts.get(conn, post_stream)
        parent = (None if command.parent_id is None else
                  (await deps.comments.get(conn, domain.comment_stream(command.parent_id)))[0])
        events = domain.add_comment(post, parent, comment_id, command.post_id, author_id,
                                    command.body, language, command.parent_id,
                                    screening, command.voice_note_id)
        if command.voice_note_id is not None:
            note, _ = await deps.voice_notes.get(conn, voice_notes.stream(command.voice_note_id))
            voice_notes.check_attachable(note, author_id, await sql.attachment_of_voice_note(
                conn, command.voice_note_id))
        await deps.comments.append(conn, domain.comment_stream(comment_id), 0, events,
                                   call.caller.metadata)
        await deps.posts.append(conn, post_stream, post_version,
                                domain.urgent_flags(command.post_id, screening, uuid4),
                                call.caller.metadata)
    return CommentAccepted(comment_id=comment_id, notices=[
        Notice(kind="helpline", message=moderation.message(notice, call.caller.language))
        for notice in screening.notices if notice == moderation.SELF_HARM],
        offers=offers(command.body, language, call.caller.language))


async def react(call: Call[React], deps: Deps) -> Reactions:
    """support, helpful or same_here on a published post; once each."""
    post_id, kind, user_id = call.command.post_id, call.command.kind, call.caller.user_id
    async with deps.db.transaction() as conn:
        post, _ = await deps.posts.get(conn, domain.stream_id(post_id))
        await deps.reactions.change(conn, domain.reactions_stream(post_id, user_id),
                                    lambda mine: domain.react(post, mine, post_id, user_id,
                                                              kind),
                                    call.caller.metadata)
        return await _reactions(conn, post_id, call.caller)


async def unreact(call: Call[React], deps: Deps) -> Reactions:
    post_id, kind, user_id = call.command.post_id, call.command.kind, call.caller.user_id
    async with deps.db.transaction() as conn:
        await deps.reactions.change(conn, domain.reactions_stream(post_id, user_id),
                                    lambda mine: domain.unreact(mine, post_id, user_id, kind),
                                    call.caller.metadata)
        return await _reactions(conn, post_id, call.caller)


async def discussion(conn: Any, post_id: UUID, question: bool,
                     caller: Caller) -> dict[str, Any]:
    """A post's comments, replies nested, and its reactions, as PostView's members. A
    hidden comment keeps its place in the thread, its words only for its author and the
    moderators (GUIDELINES.md, moderators' decisions)."""
    rows = await sql.comments_of(conn, post_id)
    reader = caller.principal.user_id if caller.principal else None
    shown = [_comment(row, question, caller.has_any(MODERATOR, ADMIN)
                      or row.author_id == reader) for row in rows]
    replies: dict[UUID, list[dict[str, Any]]] = {}
    for row, comment in zip(rows, shown, strict=True):
        if row.parent_id is not None:
            replies.setdefault(row.parent_id, []).append(comment)
    comments = [{**comment, "replies": replies.get(row.comment_id, [])}
                for row, comment in zip(rows, shown, strict=True) if row.parent_id is None]
    return {"comments": comments,
            "reactions": (await _reactions(conn, post_id, caller)).model_dump()}


async def _reactions(conn: Any, post_id: UUID, caller: Caller) -> Reactions:
    counts, mine = await sql.reactions_to(
        conn, post_id, caller.principal.user_id if caller.principal else None)
    return Reactions(counts={kind: counts.get(kind, 0)
                             for kind in ("support", "helpful", "same_here")}, mine=mine)


REMOVED = "[removed by a moderator]"


def _comment(row: Any, question: bool, sees_hidden: bool) -> dict[str, Any]:
    if row.status == domain.HIDDEN and not sees_hidden:
        return {**_comment(row, question, True), "body": REMOVED, "voice_note_id": None,
                "professional_answer": False}
    note = row.voice_note_id
    return {"comment_id": str(row.comment_id), "body": row.body, "language": row.language,
            "status": row.status, "voice_note_id": str(note) if note else None,
            "created_at": row.created_at.isoformat().replace("+00:00", "Z"),
            "author": {"user_id": str(row.author_id),
                       "display_name": row.display_name or FORMER_MEMBER,
                       "verified": bool(row.verified), "profession": row.profession},
            # Professionals' answers to questions are marked (issue 11): the verified.
            "professional_answer": question and bool(row.verified), "replies": []}
