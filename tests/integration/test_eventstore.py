"""The event store against a real Postgres: concurrency, order, upcasting."""

import asyncio
from typing import ClassVar
from uuid import uuid4

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.envelope import Envelope
from contracts.events import Event, EventRegistry
from contracts.feed.events import PostCreated
from kit.db import asyncpg_dsn, create_schema
from kit.eventstore import ConcurrencyError, EventStore, Metadata, outbox_channel


def post(n: int = 0) -> PostCreated:
    return PostCreated(post_id=uuid4(), author_id=uuid4(), community="diabetes",
                       kind="discussion", body=f"post {n}", language="en")


@pytest.fixture
async def store(engine: AsyncEngine) -> EventStore:
    store = EventStore(sa.MetaData(schema="es_test"), "test")
    await create_schema(engine, store.events.metadata)
    return store


async def test_two_concurrent_writes_at_the_same_version_one_wins(
        engine: AsyncEngine, store: EventStore) -> None:
    async with engine.begin() as conn:
        await store.append(conn, "post-1", 0, [post()])

    async def write(n: int) -> Envelope:
        async with engine.begin() as conn:
            return (await store.append(conn, "post-1", 1, [post(n)]))[0]

    results = await asyncio.gather(write(1), write(2), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["ConcurrencyError", "Envelope"]
    conflict = next(r for r in results if isinstance(r, ConcurrencyError))
    assert conflict.stream_id == "post-1" and conflict.expected_version == 1
    async with engine.connect() as conn:
        events = await store.load(conn, "post-1")
    assert [e.stream_version for e in events] == [1, 2]


async def test_a_stale_write_fails_and_writes_nothing(engine: AsyncEngine,
                                                      store: EventStore) -> None:
    async with engine.begin() as conn:
        await store.append(conn, "post-2", 0, [post(), post()])
    with pytest.raises(ConcurrencyError):
        async with engine.begin() as conn:
            await store.append(conn, "post-2", 1, [post()])
    async with engine.connect() as conn:
        assert len(await store.load(conn, "post-2")) == 2
        assert await conn.scalar(sa.select(sa.func.count()).select_from(store.outbox)) == 2


async def test_envelopes_carry_metadata_and_only_published_events_reach_the_outbox(
        engine: AsyncEngine, store: EventStore) -> None:
    class Private(Event):
        event_type: ClassVar[str] = "Private"
        subject: ClassVar[str] = "feed.private.noted"
        published: ClassVar[bool] = False
        note: str

    meta = Metadata(actor="u-1", correlation_id="c-1", trace={"traceparent": "00-x"})
    async with engine.begin() as conn:
        envelopes = await store.append(conn, "s-3", 0, [post(), Private(note="x")], meta)
    assert [e.stream_version for e in envelopes] == [1, 2]
    assert envelopes[0].actor == "u-1" and envelopes[0].correlation_id == "c-1"
    async with engine.connect() as conn:
        subjects = (await conn.execute(sa.select(store.outbox.c.subject))).scalars().all()
        replay = await store.read_all(conn)
    assert subjects == ["feed.post.created"]
    assert [e.event_type for e in replay] == ["PostCreated", "Private"]
    assert replay[0].data == envelopes[0].data


class NoteTakenV1(Event):
    event_type: ClassVar[str] = "NoteTaken"
    version: ClassVar[int] = 1
    subject: ClassVar[str] = "feed.note.taken"
    text: str


class NoteTakenV2(Event):
    event_type: ClassVar[str] = "NoteTaken"
    version: ClassVar[int] = 2
    subject: ClassVar[str] = "feed.note.taken"
    text: str
    language: str


async def test_old_event_versions_are_upcast_on_read(engine: AsyncEngine,
                                                     store: EventStore) -> None:
    async with engine.begin() as conn:
        await store.append(conn, "note-1", 0, [NoteTakenV1(text="hello")])
    registry = EventRegistry([NoteTakenV1, NoteTakenV2],
                             {("NoteTaken", 1): lambda d: {**d, "language": "en"}})
    async with engine.connect() as conn:
        [stored] = await store.load(conn, "note-1")
    assert stored.schema_version == 1
    assert registry.decode(stored) == NoteTakenV2(text="hello", language="en")


async def test_the_outbox_tells_its_listeners_of_new_rows_at_commit(
        engine: AsyncEngine, store: EventStore) -> None:
    """A trigger in the server wakes the relay: the writer pays no round trip for it."""
    async with engine.begin() as conn:
        await store.prepare(conn)
        await store.prepare(conn)  # idempotent: every start of every process runs it
    heard: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(asyncpg_dsn(
        engine.url.render_as_string(hide_password=False)))
    try:
        await listener.add_listener(outbox_channel(store.schema),
                                    lambda *args: heard.put_nowait(args[2]))
        async with engine.begin() as conn:
            await store.append(conn, "post-9", 0, [post(9)])
        assert await asyncio.wait_for(heard.get(), 10) == outbox_channel(store.schema)
    finally:
        await listener.close()


async def test_an_append_first_in_its_transaction_rolls_back_with_it(
        engine: AsyncEngine, store: EventStore) -> None:
    """The append runs on the transaction's own connection: when the unit of work fails
    after it, the events (and their outbox rows) are gone with the rest."""
    with pytest.raises(RuntimeError):
        async with engine.begin() as conn:
            await store.append(conn, "post-rolled-back", 0, [post()])
            raise RuntimeError("the use case failed after appending")
    async with engine.connect() as conn:
        assert await store.load(conn, "post-rolled-back") == []
        assert await conn.scalar(sa.select(sa.func.count()).select_from(store.outbox)) == 0
