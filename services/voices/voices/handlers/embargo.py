"""Embargoes: a released, approved story kept from readers until a date is published to
everyone (the feed, search) once that date has passed. A periodic check in every voices
replica; each story's publication is appended at the version its state was read at, so
of two replicas at once one appends and the other's append conflicts: it is published
once."""

import asyncio

from kit.eventstore import ConcurrencyError, Metadata
from kit.logging import get_logger
from voices import domain
from voices.adapters import sql
from voices.deps import Deps

log = get_logger(__name__)
BATCH = 100


async def end_embargoes(deps: Deps) -> int:
    """Publish each story whose embargo is over; how many this call published."""
    now = deps.clock()
    async with deps.db.connect() as conn:
        due = await sql.embargo_ended(conn, now, BATCH)
    published = 0
    for story_id in due:
        stream = domain.stream(story_id)
        try:
            async with deps.db.transaction() as conn:
                state, version = await deps.stories.get(conn, stream)
                events = domain.end_embargo(state, now)
                await deps.stories.append(conn, stream, version, events,
                                          Metadata(actor="voices-embargo"))
        except ConcurrencyError:  # another replica published it, or the story moved on
            continue
        if events:
            published += 1
            log.info("story_embargo_ended", story_id=str(story_id))
    return published


async def watch_embargoes(deps: Deps, every_s: float) -> None:
    """Look for ended embargoes now and then."""
    while True:
        try:
            await end_embargoes(deps)
        except Exception as error:  # the database is away: the next round looks again
            log.warning("embargo_check_failed", error=type(error).__name__)
        await asyncio.sleep(every_s)
