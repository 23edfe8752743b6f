"""Flags on published stories: a reader's, and the curators' decision, reviewed within 24
hours (the clock is shown in the queue and counted in `pu_story_flags_overdue`)."""

import asyncio
from datetime import timedelta
from typing import Any
from uuid import uuid4

from prometheus_client import Gauge

from contracts.voices.events import StoryFlagged
from contracts.voices.messages import (
    Decided,
    DecideFlags,
    FlagAccepted,
    FlaggedItem,
    FlagStory,
)
from kit.logging import get_logger
from kit.usecases import Call, Caller
from voices import domain, views
from voices.adapters import sql
from voices.deps import Deps
from voices.handlers.common import readable, sealer

log = get_logger(__name__)
REVIEW_WITHIN = timedelta(hours=24)
OVERDUE_FLAGS = Gauge("pu_story_flags_overdue",
                      "Published stories with flags open longer than 24 hours")


async def flag_story(call: Call[FlagStory], deps: Deps) -> FlagAccepted:
    """A reader's flag of a published story they can see, once while it is open."""
    c, me, flag_id = call.command, call.caller.user_id, uuid4()
    await readable(deps, c.story_id, call.caller)
    async with deps.db.transaction() as conn:
        seal = await sealer(conn, deps, me)
        event = StoryFlagged(story_id=c.story_id, flag_id=flag_id, flagger_id=me,
                             reason=seal("reason", c.reason), flagged_at=deps.clock())
        await deps.stories.change(conn, domain.stream(c.story_id),
                                  lambda s: domain.flag(s, event), call.caller.metadata)
    log.info("story_flagged", story_id=str(c.story_id))
    return FlagAccepted(story_id=c.story_id, flag_id=flag_id)


async def decide_flags(call: Call[DecideFlags], deps: Deps) -> Decided:
    """Dismiss the open flags, or take the story down (back to its storyteller)."""
    c = call.command
    async with deps.db.transaction() as conn:
        state = await deps.stories.change(conn, domain.stream(c.story_id), lambda s: (
            domain.review_flags(s, call.caller.user_id, c.decision, c.note)),
            call.caller.metadata)
    taken_down = c.decision == "take_down" and state.status == domain.PUBLISHED
    return Decided.model_validate({"story_id": c.story_id, "status": (
        "changes_requested" if taken_down else state.status)})


def flagged_items(found: list[tuple[Any, list[Any]]], caller: Caller,
                  deps: Deps) -> list[FlaggedItem]:
    now = deps.clock()
    return [FlaggedItem(
        story=views.view(row, caller, now), open_flags=len(flags),
        reasons=[flag.reason or "" for flag in flags], first_flagged_at=flags[0].flagged_at,
        waiting_hours=round((now - flags[0].flagged_at) / timedelta(hours=1), 2),
        overdue=now - flags[0].flagged_at > REVIEW_WITHIN) for row, flags in found]


async def watch_overdue_flags(deps: Deps, every_s: float) -> None:
    """Count the stories flagged over 24 hours ago and not reviewed, now and then."""
    while True:
        try:
            async with deps.db.connect() as conn:
                OVERDUE_FLAGS.set(await sql.overdue_flags(conn, deps.clock() - REVIEW_WITHIN))
        except Exception as error:  # the database is away: the next round counts again
            log.warning("flag_watch_failed", error=type(error).__name__)
        await asyncio.sleep(every_s)
