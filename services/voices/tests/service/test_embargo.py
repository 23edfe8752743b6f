"""An embargoed story reaches everyone when its embargo is over: published once, however
many voices replicas look for ended embargoes at the same moment."""

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kit.aggregates import Repository
from tests.service_tier import Tier, person
from voices import domain
from voices.deps import Deps, utc_now
from voices.handlers.embargo import end_embargoes

from .conftest import storyteller, tier, with_
from .test_handlers import released_story


@dataclasses.dataclass(frozen=True)
class Racing(Repository[domain.Story]):
    """Every reader waits for the others to have read too: the replicas decide from the
    same version, as two replicas waking at once would."""

    barrier: asyncio.Barrier | None = None

    async def get(self, conn: AsyncConnection, stream_id: str) -> tuple[domain.Story, int]:
        got = await super().get(conn, stream_id)
        assert self.barrier is not None
        await self.barrier.wait()
        return got


def racing(deps: Deps, barrier: asyncio.Barrier, at: Any) -> Deps:
    fields = {f.name: getattr(deps.stories, f.name) for f in dataclasses.fields(Repository)}
    return with_(deps, stories=Racing(**fields, barrier=barrier), clock=lambda: at)


async def published_as(engine: AsyncEngine, story_id: str) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.text(
            "SELECT data->>'visibility' FROM voices.events WHERE event_type = 'StoryPublished' "
            "AND stream_id = :stream ORDER BY version"), {"stream": f"story-{story_id}"})
        return [row[0] for row in rows]


async def test_two_replicas_publish_an_ended_embargo_once(voices: Tier, deps: Deps,
                                                          engine: AsyncEngine) -> None:
    teller, curator, visitor = await storyteller(engine), person("voices_curator"), None
    until = utc_now() + timedelta(hours=2)
    story_id = await released_story(voices, teller, visibility="embargoed",
                                    until=until.isoformat())
    await voices.ok("decide_story", {"story_id": story_id, "decision": "approve"}, curator)
    assert await end_embargoes(deps) == 0  # not over yet
    assert (await voices.ok("list_stories", {}, visitor))["items"] == []

    barrier = asyncio.Barrier(2)
    after = until + timedelta(seconds=1)
    counts = await asyncio.gather(end_embargoes(racing(deps, barrier, after)),
                                  end_embargoes(racing(deps, barrier, after)))
    assert sorted(counts) == [0, 1]
    assert await published_as(engine, story_id) == ["embargoed", "public"]
    assert await end_embargoes(with_(deps, clock=lambda: after)) == 0  # nothing left to do
    later = tier(with_(deps, clock=lambda: after))
    [shown] = (await later.ok("list_stories", {}, visitor))["items"]
    assert shown["story_id"] == story_id and shown["visibility"] == "public"
