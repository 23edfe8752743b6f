"""A write load of posts and side-effect reports through the gateway, for the tests that
kill a process or a server under it, and the checks that follow: every write the client saw
acknowledged is in the read models exactly once, nothing is published twice, no 500."""

import asyncio
import itertools
import uuid
from dataclasses import dataclass, field

import httpx
import sqlalchemy as sa

from contracts.registry import ALL
from kit import bus
from tests.adr import report
from tests.platform import Platform, patient

COMMUNITIES = ("diabetes", "cancer", "hiv")
REPORTERS, REPORTS_EACH = 6, 10  # ADR_REPORTS_PER_DAY's default: a reporter's day


@dataclass
class WriteLoad:
    """Four writers posting and REPORTERS reporting (`reports_each` each) until `stop()`;
    what they were told."""

    client: httpx.AsyncClient
    reports_each: int = REPORTS_EACH  # per reporter; the daily limit's by default
    posts: list[str] = field(default_factory=list)  # acknowledged (201) post ids
    reports: list[str] = field(default_factory=list)  # acknowledged report ids
    refused: list[httpx.Response] = field(default_factory=list)
    reporters: list[dict[str, str]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        writer = await patient(self.client, "Writer")
        self.reporters = [await patient(self.client, f"Reporter{n}") for n in range(REPORTERS)]
        self._tasks = [asyncio.create_task(self._post(writer, n)) for n in range(4)]
        self._tasks += [asyncio.create_task(self._report(r)) for r in self.reporters]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def written(self, posts: int = 0, reports: int = 0) -> bool:
        return len(self.posts) >= posts and len(self.reports) >= reports

    async def _post(self, headers: dict[str, str], n: int) -> None:
        for i in itertools.count():
            if self._stop.is_set():
                return
            reply = await self.client.post("/v1/posts", headers=headers, json={
                "community": COMMUNITIES[(n + i) % 3], "body": f"writer {n}: {i}"})
            (self.posts.append(reply.json()["post_id"]) if reply.status_code == 201
             else self.refused.append(reply))

    async def _report(self, reporter: dict[str, str]) -> None:
        for _ in range(self.reports_each):
            if self._stop.is_set():
                return
            reply = await self.client.post("/v1/adr-reports", headers=reporter, json=report())
            (self.reports.append(reply.json()["report_id"]) if reply.status_code == 201
             else self.refused.append(reply))
            await asyncio.sleep(0.2)


async def assert_nothing_lost_nor_twice(platform: Platform, load: WriteLoad) -> None:
    """After `platform.settled()`: a request in flight when something died timed out (504)
    or found no one (503), never a 500; every acknowledged post is once in the timeline,
    every acknowledged report the reporter's own, and each service's stream holds each of
    its published events once."""
    assert {r.status_code for r in load.refused} <= {503, 504}, [
        (r.status_code, r.text[:200]) for r in load.refused]
    assert all(r.headers["content-type"] == "application/problem+json" for r in load.refused)
    mine = []
    for reporter in load.reporters:
        listed = await load.client.get("/v1/me/adr-reports", headers=reporter,
                                       params={"limit": 100})
        mine += [item["report_id"] for item in listed.json()["items"]]
    async with platform.engine.connect() as conn:
        timeline: dict[str, int] = dict((await conn.execute(sa.text(
            "SELECT post_id::text, count(*) FROM feed.timeline WHERE post_id = ANY(:ids)"
            " GROUP BY 1"), {"ids": [uuid.UUID(p) for p in load.posts]})).all())
    assert timeline == {p: 1 for p in load.posts}
    assert set(load.reports) <= set(mine) and len(mine) == len(set(mine))
    published = [kind.event_type for kind in ALL.classes if kind.published]
    for service, stream in (("feed", "PU_FEED"), ("pharmacovigilance", "PU_PHARMACOVIGILANCE")):
        async with platform.engine.connect() as conn:
            events = await conn.scalar(sa.text(
                f"SELECT count(*) FROM {service}.events WHERE event_type = ANY(:published)"),
                {"published": published})
        assert await stream_messages(platform, stream) == events, service


async def stream_messages(platform: Platform, stream: str) -> int:
    nc = await bus.connect(platform.nats.url, "tests-stream-messages")
    try:
        return (await nc.jetstream().stream_info(stream)).state.messages
    finally:
        await nc.close()
