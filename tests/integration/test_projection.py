"""The projection runner against real NATS and Postgres: redelivery, poison, rebuild."""

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
import nats
import pytest
import sqlalchemy as sa
from nats.aio.client import Client
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.envelope import Envelope
from contracts.feed.events import PostCreated
from contracts.registry import ALL
from feed import projections
from feed.adapters import sql
from kit.db import create_schema
from kit.projection import Projection, ProjectionRunner, wait_for

HANDLED = sql.tracking


def envelope(community: str = "diabetes", body: str = "hello") -> Envelope:
    event = PostCreated(post_id=uuid4(), author_id=uuid4(), community=community,
                        kind="discussion", body=body, language="en")
    return Envelope(event_id=uuid4(), event_type=event.event_type,
                    schema_version=event.version, stream_id=f"post-{event.post_id}",
                    stream_version=1, position=1, occurred_at=datetime.now(UTC),
                    data=event.model_dump(mode="json"))


async def publish(nc: Client, env: Envelope, msg_id: str | None = None) -> int:
    ack = await nc.jetstream().publish(
        "feed.post.created", env.model_dump_json().encode(),
        headers={"Nats-Msg-Id": msg_id or str(env.event_id)})
    return ack.seq


@pytest.fixture
async def tables(engine: AsyncEngine) -> None:
    await create_schema(engine, sql.metadata)


@contextlib.asynccontextmanager
async def running(projection: Projection, engine: AsyncEngine, nc: Client,
                  **options: float) -> AsyncIterator[ProjectionRunner]:
    runner = ProjectionRunner([projection], engine, nc, HANDLED, **options)  # type: ignore[arg-type]
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


async def counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return await sql.counts(conn)


async def caught_up(nc: Client, projection: str, seq: int) -> None:
    await wait_for(nc.jetstream(), f"feed-{projection}", "PU_FEED", seq, timeout=20)


@pytest.mark.usefixtures("tables")
async def test_the_same_event_delivered_twice_changes_nothing(engine: AsyncEngine,
                                                              nc: Client) -> None:
    first = envelope("diabetes")
    async with running(projections.community_stats(), engine, nc):
        seq = await publish(nc, first)
        await caught_up(nc, "community-stats", seq)
        before = await counts(engine)
        # A redelivery: the same event, past JetStream's de-duplication.
        seq = await publish(nc, first, msg_id="redelivered")
        await caught_up(nc, "community-stats", seq)
        assert await counts(engine) == before == {"diabetes": 1}


@pytest.mark.usefixtures("tables")
async def test_a_poison_event_goes_to_the_dead_letter_subject_and_the_stream_flows(
        engine: AsyncEngine, nc: Client) -> None:
    async def fail_on_poison(conn: AsyncConnection,
                             run: list[tuple[PostCreated, Envelope]]) -> None:
        if any(event.body == "poison" for event, _ in run):
            raise ValueError("cannot handle this one")
        await projections.count_posts(conn, run)

    flaky = Projection(service="feed", name="flaky", registry=ALL,
                       handlers={PostCreated: fail_on_poison},
                       tables=[sql.community_counts])
    dead = await nc.jetstream().subscribe("dlq.feed.flaky", durable="dlq-reader")
    poison = envelope("cancer", body="poison")
    async with running(flaky, engine, nc, max_deliver=3, retry_delay=0.05):
        await publish(nc, envelope("cancer"))
        await publish(nc, poison)
        last = await publish(nc, envelope("cancer"))
        await caught_up(nc, "flaky", last)
        parked = await dead.next_msg(timeout=10)
    assert Envelope.model_validate_json(parked.data).event_id == poison.event_id
    assert parked.headers and "cannot handle this one" in parked.headers["Pu-Error"]
    assert await counts(engine) == {"cancer": 2}


@pytest.mark.usefixtures("tables")
async def test_projections_sharing_a_consumer_a_poison_for_one_is_dead_lettered_for_it_alone(
        engine: AsyncEngine, nc: Client) -> None:
    """Two projections on one consumer: each event delivered once to both; one that fails
    on an event holds neither the other's count nor the stream, and only its dead letter
    holds the event."""
    seen: list[str] = []

    async def fail_on_poison(conn: AsyncConnection,
                             run: list[tuple[PostCreated, Envelope]]) -> None:
        if any(event.body == "poison" for event, _ in run):
            raise ValueError("cannot handle this one")
        seen.extend(event.body for event, _ in run)

    flaky = Projection(service="feed", name="flaky", registry=ALL,
                       handlers={PostCreated: fail_on_poison}, tables=[])
    dead = await nc.jetstream().subscribe("dlq.feed.flaky", durable="dlq-flaky")
    stats_dead = await nc.jetstream().subscribe("dlq.feed.community-stats", durable="dlq-stats")
    poison = envelope("cancer", body="poison")
    runner = ProjectionRunner([projections.community_stats(), flaky], engine, nc, HANDLED,
                              durable="feed-together", max_deliver=3, retry_delay=0.05)
    await runner.start()
    try:
        for body in ("one", "two"):
            await publish(nc, envelope("cancer", body=body))
        await publish(nc, poison)
        last = await publish(nc, envelope("cancer", body="three"))
        await wait_for(nc.jetstream(), "feed-together", "PU_FEED", last, timeout=20)
        parked = await dead.next_msg(timeout=10)
    finally:
        await runner.stop()
    assert Envelope.model_validate_json(parked.data).event_id == poison.event_id
    assert seen == ["one", "two", "three"]
    assert await counts(engine) == {"cancer": 4}  # the poison is no poison to the counts
    with pytest.raises(nats.errors.TimeoutError):
        await stats_dead.next_msg(timeout=0.5)
    async with engine.connect() as conn:
        tracked = (await conn.execute(sa.select(HANDLED.c.projection, sa.func.count())
                                      .group_by(HANDLED.c.projection))).all()
    assert dict(tracked) == {"community-stats": 4, "flaky": 3}


@pytest.mark.usefixtures("tables")
async def test_a_rebuilt_read_model_equals_the_live_one(engine: AsyncEngine,
                                                         nc: Client) -> None:
    async with running(projections.community_stats(), engine, nc) as runner:
        for n in range(60):
            last = await publish(nc, envelope(["diabetes", "hiv", "cancer"][n % 3]))
        await caught_up(nc, "community-stats", last)
        live = await counts(engine)
        async with engine.begin() as conn:  # damage the read model: the rebuild must not care
            await conn.execute(sql.community_counts.update().values(post_count=999))
        await runner.rebuild("community-stats")
        await caught_up(nc, "community-stats", last)
        assert await counts(engine) == live == {"diabetes": 20, "hiv": 20, "cancer": 20}


@pytest.mark.usefixtures("tables")
async def test_rebuilding_one_projection_of_a_shared_consumer_leaves_the_others_as_they_were(
        engine: AsyncEngine, nc: Client) -> None:
    """The rebuild replays the streams through the shared consumer: the rebuilt projection
    handles every event again, the other one none of them."""
    seen: list[str] = []

    async def remember(conn: AsyncConnection, run: list[tuple[PostCreated, Envelope]]) -> None:
        seen.extend(event.body for event, _ in run)

    other = Projection(service="feed", name="other", registry=ALL,
                       handlers={PostCreated: remember}, tables=[])
    runner = ProjectionRunner([projections.community_stats(), other], engine, nc, HANDLED,
                              durable="feed-together")
    await runner.start()
    try:
        for n in range(12):
            last = await publish(nc, envelope("hiv", body=f"post {n}"))
        await wait_for(nc.jetstream(), "feed-together", "PU_FEED", last, timeout=20)
        async with engine.begin() as conn:
            await conn.execute(sql.community_counts.update().values(post_count=999))
        await runner.rebuild("community-stats")
        await wait_for(nc.jetstream(), "feed-together", "PU_FEED", last, timeout=20)
    finally:
        await runner.stop()
    assert await counts(engine) == {"hiv": 12}
    assert seen == [f"post {n}" for n in range(12)]


@pytest.mark.usefixtures("tables")
async def test_a_projection_whose_tables_changed_shape_is_made_again_from_its_streams(
        engine: AsyncEngine, nc: Client) -> None:
    """A new release adds a column to a projection's table: it starts over from the
    streams instead of failing on the old table, and counts every event once."""
    async with running(projections.community_stats(), engine, nc):
        for n in range(10):
            last = await publish(nc, envelope(["hiv", "cancer"][n % 2]))
        await caught_up(nc, "community-stats", last)
    wider = sa.MetaData(schema="feed")
    counted = sa.Table("community_counts", wider,
                       sa.Column("community", sa.Text, primary_key=True),
                       sa.Column("post_count", sa.BigInteger, nullable=False),
                       sa.Column("note", sa.Text))  # the new release's column
    release = dataclasses.replace(projections.community_stats(),
                                  tables=[counted, sql.community_members])
    async with running(release, engine, nc):
        last = await publish(nc, envelope("hiv"))
        await caught_up(nc, "community-stats", last)
    async with engine.connect() as conn:
        columns = {c["name"] for c in await conn.run_sync(
            lambda sync: sa.inspect(sync).get_columns("community_counts", schema="feed"))}
        rows = dict((await conn.execute(sa.select(counted.c.community, counted.c.post_count))
                     ).all())
    assert "note" in columns and rows == {"hiv": 6, "cancer": 5}


@pytest.mark.usefixtures("tables")
async def test_a_projection_is_given_only_its_events_and_is_caught_up_past_the_others(
        engine: AsyncEngine, nc: Client) -> None:
    """community-stats handles posts and follows: a comment (another subject of the same
    stream) is not delivered to it, not tracked, and waiting for the stream's last
    sequence still ends once its own events are handled."""
    async with running(projections.community_stats(), engine, nc):
        posted = await publish(nc, envelope("hiv"))
        comment = envelope("hiv").model_copy(update={"event_type": "CommentAdded"})
        last = (await nc.jetstream().publish("feed.comment.added",
                                             comment.model_dump_json().encode())).seq
        assert last > posted
        await caught_up(nc, "community-stats", last)
        info = await nc.jetstream().consumer_info("PU_FEED", "feed-community-stats")
    assert info.config.filter_subjects == sorted(
        ["feed.post.created", "feed.member.followed", "feed.member.unfollowed"])
    assert info.delivered.stream_seq == posted and info.num_pending == 0
    async with engine.connect() as conn:
        tracked = set((await conn.execute(sa.select(HANDLED.c.event_id))).scalars())
    assert comment.event_id not in tracked
    assert await counts(engine) == {"hiv": 1}


@pytest.mark.usefixtures("tables")
async def test_the_database_away_is_no_poison_every_event_waits_and_none_is_dead_lettered(
        engine: AsyncEngine, nc: Client) -> None:
    """More failed tries than max_deliver while Postgres is away (its errors as SQLAlchemy
    wraps them, and asyncpg's own): the events come back until it is, none goes to the
    dead letters."""
    away = iter([
        sa_exc.DBAPIError("INSERT", None, asyncpg.exceptions.CannotConnectNowError(
            "the database system is starting up")),
        asyncpg.InterfaceError("connection is closed"),
        sa_exc.DBAPIError("INSERT", None, ConnectionRefusedError(111, "refused")),
        asyncpg.InterfaceError("connection is closed")])

    async def database_away(conn: AsyncConnection,
                            run: list[tuple[PostCreated, Envelope]]) -> None:
        failure = next(away, None)
        if failure is not None:
            raise failure
        await projections.count_posts(conn, run)

    restarting = Projection(service="feed", name="restarting", registry=ALL,
                            handlers={PostCreated: database_away},
                            tables=[sql.community_counts])
    dead = await nc.jetstream().subscribe("dlq.feed.restarting", durable="dlq-restarting")
    async with running(restarting, engine, nc, max_deliver=2, retry_delay=0.05):
        last = await publish(nc, envelope("hiv"))
        await caught_up(nc, "restarting", last)
    assert await counts(engine) == {"hiv": 1}
    with pytest.raises(nats.errors.TimeoutError):
        await dead.next_msg(timeout=0.5)
