"""Curation: the queue of released stories, the curators' decisions (approval publishes),
and the withdrawal of an erased person's stories."""

from datetime import timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.voices.messages import (
    CurationQueue,
    Decided,
    DecideStory,
    PolicyQuery,
    QueueItem,
    QueueQuery,
    StoriesPage,
)
from kit.eventstore import Metadata
from kit.logging import get_logger
from kit.pagination import page
from kit.usecases import Call
from voices import domain, transcripts, views
from voices.adapters import sql
from voices.deps import Deps
from voices.handlers.flags import flagged_items

log = get_logger(__name__)
STATUS = {"approve": "published", "request_changes": "changes_requested",
          "reject": "rejected"}


async def curation_queue(call: Call[QueueQuery], deps: Deps) -> CurationQueue:
    """Released stories awaiting review, the longest waiting first, with what to look at:
    contact details and others' names in the title, summary, text or a segment, to be
    redacted; and the
    flagged published stories, with their 24-hour clock."""
    now = deps.clock()
    async with deps.db.connect() as conn:
        rows = await sql.submitted(conn, call.command.limit)
        found = await sql.open_flags(conn, call.command.limit)
    return CurationQueue(flagged=flagged_items(found, call.caller, deps), items=[QueueItem(
        story=views.view(row, call.caller, now),
        waiting_hours=round((now - row.submitted_at) / timedelta(hours=1), 2),
        pointers=transcripts.of_row(row))
        for row in rows])


async def decide_story(call: Call[DecideStory], deps: Deps) -> Decided:
    """Approve (published at once: it was released), request changes, or reject."""
    c = call.command
    async with deps.db.transaction() as conn:
        await deps.stories.change(conn, domain.stream(c.story_id), lambda s: domain.decide(
            s, call.caller.user_id, c.decision, c.note, deps.clock()), call.caller.metadata)
    log.info("story_decided", story_id=str(c.story_id), decision=c.decision)
    return Decided(story_id=c.story_id, status=STATUS[c.decision])  # type: ignore[arg-type]


async def policy_stories(call: Call[PolicyQuery], deps: Deps) -> StoriesPage:
    """The published stories released for policy work, with their summaries and
    communities (their themes), newest first: for the union's reports."""
    q, now = call.command, deps.clock()
    async with deps.db.connect() as conn:
        rows = await sql.for_policy(conn, q.community, q.cursor, q.limit)
    return StoriesPage.model_validate(page(
        rows, q.limit, "published_at", "story_id",
        lambda row: views.view(row, call.caller, now).model_dump(mode="json")))


async def erase_storyteller(deps: Deps, conn: AsyncConnection, person_id: UUID) -> None:
    """A person erased: each of their stories withdrawn and its recording deleted, in the
    transaction of the projection that heard of it (a redelivery finds nothing to do)."""
    for story_id in await sql.of_storyteller(conn, person_id):
        stream = domain.stream(story_id)
        state, version = await deps.stories.get(conn, stream)
        if state.status in ("", domain.WITHDRAWN):
            continue
        await deps.stories.append(conn, stream, version,
                                  domain.withdraw(state, None, "erasure"),
                                  Metadata(actor="voices-erasure"))
        for key in domain.media_keys(state):
            await deps.media.delete(key)
    log.info("storyteller_erased")
