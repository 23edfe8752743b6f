"""Failures of the real servers and processes: NATS killed, the relay killed mid-batch."""

import asyncio
import itertools
from uuid import uuid4

import httpx
import nats
import sqlalchemy as sa

from contracts.feed.events import PostCreated
from feed.adapters import sql as feed_sql
from tests.platform import Platform, eventually, patient

COMMUNITIES = ("diabetes", "cancer", "hiv")


async def feed_stream_messages(platform: Platform) -> int:
    nc = await nats.connect(platform.nats.url)
    try:
        return (await nc.jetstream().stream_info("PU_FEED")).state.messages
    finally:
        await nc.close()


async def assert_projections_hold_each_post_once(platform: Platform) -> None:
    """Both projections, rebuilt by events alone, agree with the feed's event store."""
    async with platform.engine.connect() as conn:
        per_community = dict((await conn.execute(sa.text(
            "SELECT data->>'community', count(*) FROM feed.events"
            " WHERE event_type = 'PostCreated' GROUP BY 1"))).all())
        timeline = dict((await conn.execute(sa.text(
            "SELECT community, count(*) FROM feed.timeline GROUP BY 1"))).all())
        stats = await feed_sql.counts(conn)
    assert timeline == per_community == stats
    assert await feed_stream_messages(platform) == await platform.count("feed.events")


async def test_nats_killed_and_restarted_while_posts_are_created(platform: Platform) -> None:
    acknowledged: list[str] = []
    refused: list[httpx.Response] = []
    stop = asyncio.Event()

    async def write(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> None:
        for i in itertools.count():
            if stop.is_set():
                return
            reply = await client.post("/v1/posts", headers=headers, json={
                "community": COMMUNITIES[(n + i) % 3], "body": f"writer {n} post {i}"})
            if reply.status_code == 201:
                acknowledged.append(reply.json()["post_id"])
            else:
                refused.append(reply)

    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        headers = await patient(client, "Writer")
        writers = [asyncio.create_task(write(client, headers, n)) for n in range(4)]
        await eventually(lambda: _more_than(acknowledged, 40))
        platform.nats.kill()
        await eventually(lambda: _more_than(refused, 10))
        # Commits the relay cannot publish now: they must flow once NATS is back.
        await append_posts(platform, 5)
        assert await platform.count("feed.outbox") >= 5
        platform.nats.start()
        seen = len(acknowledged)
        await eventually(lambda: _more_than(acknowledged, seen + 40), timeout=60)
        stop.set()
        await asyncio.gather(*writers)

    assert all(r.status_code in (503, 504) for r in refused), {r.status_code for r in refused}
    assert any(r.status_code == 503 for r in refused)
    assert all(r.headers["content-type"] == "application/problem+json" for r in refused)
    await platform.settled(timeout=60)
    async with platform.engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT post_id::text FROM feed.timeline"))).all()
    in_timeline = [post_id for (post_id,) in rows]
    assert len(in_timeline) == len(set(in_timeline))
    assert set(acknowledged) <= set(in_timeline)
    await assert_projections_hold_each_post_once(platform)


async def append_posts(platform: Platform, count: int) -> None:
    """Commit posts straight into the feed's event store, as its command handler would."""
    async with platform.engine.begin() as conn:
        for n in range(count):
            event = PostCreated(post_id=uuid4(), author_id=uuid4(),
                                community=COMMUNITIES[n % 3], kind="discussion",
                                body=f"committed directly {n}", language="en")
            await feed_sql.store.append(conn, f"post-{event.post_id}", 0, [event])


async def _more_than(items: list, count: int) -> bool:
    return len(items) > count


async def test_the_relay_killed_mid_batch_loses_and_duplicates_nothing(
        platform: Platform) -> None:
    platform.stack.stop_process("feed")
    await append_posts(platform, 20_000)
    assert await platform.count("feed.outbox") >= 20_000
    before = await feed_stream_messages(platform)

    platform.stack.start_process("feed")
    await eventually(lambda: _published_since(platform, before), timeout=60)
    platform.stack.kill("feed")
    # Killed before the backlog was through (else the test proves nothing: grow the backlog).
    assert await platform.count("feed.outbox")

    platform.stack.start_process("feed")
    platform.stack.wait_ready()
    await platform.settled(timeout=120)
    await assert_projections_hold_each_post_once(platform)


async def _published_since(platform: Platform, before: int) -> bool:
    return await feed_stream_messages(platform) > before + 500
