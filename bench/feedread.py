"""(e) The personal feed over a feed of 100k posts (BENCH_FEED_POSTS): GET /v1/me/feed
against hello-world, and how soon a new post reaches a follower's feed.

The posts are appended to the feed's event store as the feed itself appends them (an event
and its outbox row, the inline `posts` model in the same transaction), by many authors in
every community, then relayed and projected by the running platform like any other post:
the pages read the timeline the projection built.
"""

import asyncio
import itertools
import math
import os
import time
import uuid

import httpx
import sqlalchemy as sa

from bench import api
from bench.infra import Servers
from bench.load import http_request
from bench.report import Figure, Report
from contracts.feed.events import PostCreated
from feed import projections
from feed.adapters import sql
from feed.communities import COMMUNITIES
from kit.db import make_engine
from kit.embedded import free_port
from kit.eventstore import Metadata
from stack.processes import Stack

POSTS = int(os.environ.get("BENCH_FEED_POSTS", "100000"))
BATCH, WRITERS = 500, 4  # posts per transaction, transactions at once
FOLLOWED = 3  # communities each reader follows
REACH_SAMPLES = 40


async def bench(servers: Servers, report: Report) -> None:
    hello = report.baselines.get("hello") or await api.measure_hello(report, servers.run_dir)
    stack = Stack(api.platform_env(servers), servers.run_dir / "logs-e", free_port())
    try:
        await asyncio.to_thread(stack.start)
        seeded = await seed(servers.database_url, POSTS)
        report.notes.append(f"(e) {POSTS} posts in {len(COMMUNITIES) + 1} feeds appended in "
                            f"{seeded:.1f} s")
        report.notes.append(await api.settled(servers, POSTS, "e"))
        tokens = await asyncio.gather(*(api.sign_in(stack.url) for _ in range(api.USERS)))
        slugs = [c.slug for c in COMMUNITIES]
        async with httpx.AsyncClient(base_url=stack.url, timeout=30) as client:
            for n, token in enumerate(tokens):
                for slug in slugs[n % len(slugs):][:FOLLOWED] or slugs[:FOLLOWED]:
                    await client.post(f"/v1/communities/{slug}/follow", headers=token)
        port = stack.gateway_port
        reads = [http_request("GET", "/v1/me/feed", port, token) for token in tokens]
        mine = await api.measure(report, f"gateway GET /v1/me/feed ({POSTS // 1000}k posts)",
                                 port, reads)
        report.compare("(e) GET /v1/me/feed / hello-world", mine, hello, None)
        report.add(await reach(stack.url, tokens[0], slugs[0]))
    finally:
        await asyncio.to_thread(stack.stop)


async def seed(database_url: str, count: int) -> float:
    """`count` posts by many authors across every feed, through the event store."""
    started = time.perf_counter()
    engine = make_engine(database_url, WRITERS)
    feeds = itertools.cycle(["common", *(c.slug for c in COMMUNITIES)])
    authors = [uuid.uuid4() for _ in range(200)]
    batches = [[PostCreated(post_id=uuid.uuid4(), author_id=authors[i % len(authors)],
                            community=next(feeds), kind="discussion",
                            body=f"Post {i}: what helped me this week", language="en")
                for i in range(start, min(start + BATCH, count))]
               for start in range(0, count, BATCH)]
    pending = asyncio.Queue[list[PostCreated]]()
    for batch in batches:
        pending.put_nowait(batch)

    async def writer() -> None:
        while not pending.empty():
            batch = pending.get_nowait()
            async with engine.begin() as conn:
                for post in batch:
                    envelopes = await sql.store.append(conn, f"post-{post.post_id}", 0, [post],
                                                       Metadata(actor="bench"))
                    await projections.POSTS.apply(conn, [post], envelopes)
    try:
        await asyncio.gather(*(writer() for _ in range(WRITERS)))
        async with engine.connect() as conn:
            assert await conn.scalar(sa.select(sa.func.count()).select_from(sql.posts)) >= count
    finally:
        await engine.dispose()
    return time.perf_counter() - started


async def reach(url: str, token: dict[str, str], followed: str) -> Figure:
    """A follower posts in a community they follow and reads their feed until the post is
    first: the time from the 201 (the gateway's GETs included, no other load)."""
    samples: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for n in range(REACH_SAMPLES):
            posted = await client.post("/v1/posts", headers=token, json={
                "community": followed, "body": f"is it in my feed yet? {n}"})
            accepted, post_id = time.perf_counter(), posted.json()["post_id"]
            while True:
                page = (await client.get("/v1/me/feed", headers=token,
                                         params={"limit": 1})).json()["items"]
                if page and page[0]["post_id"] == post_id:
                    break
                await asyncio.sleep(0.001)
            samples.append((time.perf_counter() - accepted) * 1000)
    samples.sort()

    def at(q: float) -> float:
        return samples[min(len(samples) - 1, int(q * len(samples)))] if samples else math.nan
    return Figure("a new post in a follower's GET /v1/me/feed after its 201", len(samples),
                  1.0, "samples", at(0.5), at(0.99))
