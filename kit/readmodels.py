"""Read models: tables derived from events by handlers, one per event type, and rebuilt
by emptying the tables and handling every event again. Two kinds share this shape:

- inline models (`InlineModel`), which a service's own events fill in the same transaction
  as the append (read-your-writes), replayed from the service's own event store on request
  and, at start-up, whenever the code declares their tables in another shape (a column
  added, a type or an index changed) -- so a new release never reads a table laid out by
  an old one, and there are no migrations to write;
- projections (`kit.projection.Projection`), fed from the streams by durable consumers,
  in any service.
"""

import hashlib
import itertools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.schema import CreateIndex, CreateTable

from contracts.envelope import Envelope
from contracts.events import Event, EventRegistry
from kit.eventstore import EventStore
from kit.logging import get_logger

log = get_logger(__name__)
SHAPE_LOCK = 7701  # advisory lock: processes of one service starting at once take turns


# A handler takes a run of consecutive events of one type, in order, so that it can change
# its read model with a few statements per run rather than one per event. Events come at
# their latest version, each with its envelope; typed loosely so that each handler can name
# the event class it takes.
Handler = Callable[[AsyncConnection, list[tuple[Any, Envelope]]], Awaitable[None]]
OneHandler = Callable[[AsyncConnection, Any, Envelope], Awaitable[None]]


def one_by_one(handler: OneHandler) -> Handler:
    """A handler for events that are rare enough to be handled one statement at a time."""
    async def handle(conn: AsyncConnection, run: list[tuple[Any, Envelope]]) -> None:
        for event, envelope in run:
            await handler(conn, event, envelope)
    return handle


@dataclass(frozen=True)
class ReadModel:
    """Tables derived from events: which events, how each changes the tables."""

    name: str
    handlers: Mapping[type[Event], Handler]
    tables: Sequence[sa.Table]  # emptied on rebuild, dependants first; owned by this model
    registry: EventRegistry
    _by_type: dict[str, Handler] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_type",
                           {kind.event_type: h for kind, h in self.handlers.items()})

    def handler_for(self, event_type: str) -> Handler | None:
        return self._by_type.get(event_type)

    async def apply(self, conn: AsyncConnection, events: Sequence[Event],
                    envelopes: Sequence[Envelope]) -> None:
        """Handle events (with their envelopes), run by run of one type."""
        pairs = zip(events, envelopes, strict=True)
        for event_type, run in itertools.groupby(pairs, key=lambda pair: pair[0].event_type):
            handler = self.handler_for(event_type)
            if handler is not None:
                await handler(conn, list(run))


@dataclass(frozen=True)
class InlineModel(ReadModel):
    """A read model of a service's own events, written with them."""

    store: EventStore | None = None

    async def replay(self, conn: AsyncConnection) -> int:
        """Empty the tables and handle every event of the store again; how many events."""
        assert self.store is not None, f"inline model {self.name} needs its event store"
        for table in self.tables:
            await conn.execute(table.delete())
        after, replayed = 0, 0
        while batch := await self.store.read_all(conn, after):
            known = [e for e in batch if self.handler_for(e.event_type) is not None]
            await self.apply(conn, [self.registry.decode(e) for e in known], known)
            after, replayed = batch[-1].position, replayed + len(batch)
        return replayed


def inline(*models: ReadModel) -> Callable[[AsyncConnection, list[Event], list[Envelope]],
                                          Awaitable[None]]:
    """An aggregate's `on_append` (kit.aggregates.Repository): these read models, in order,
    in the transaction of the append."""
    async def apply(conn: AsyncConnection, events: list[Event],
                    envelopes: list[Envelope]) -> None:
        for model in models:
            await model.apply(conn, events, envelopes)
    return apply


def shape(tables: Sequence[sa.Table]) -> str:
    """A fingerprint of the tables' DDL (columns, types, defaults, constraints, indexes)."""
    dialect = postgresql.dialect()
    ddl = [str(CreateTable(table).compile(dialect=dialect))
           + "".join(str(CreateIndex(index).compile(dialect=dialect))
                     for index in sorted(table.indexes, key=lambda index: str(index.name)))
           for table in tables]
    return hashlib.sha256("\n".join(ddl).encode()).hexdigest()


async def rebuild(engine: AsyncEngine, model: InlineModel) -> int:
    """Replay the model from the events; how many events were replayed. Rebuilds of one
    model take turns (two at once would each insert every row)."""
    async with engine.begin() as conn:
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:lock, hashtext(:model))"),
                           {"lock": SHAPE_LOCK, "model": f"{model.tables[0].schema}.{model.name}"})
        return await model.replay(conn)


async def keep_current(engine: AsyncEngine, model: InlineModel) -> bool:
    """Drop, create and replay the model's tables when their shape changed; True if it did."""
    return await reshaped(engine, model.name, model.tables, model.replay)


async def reshaped(engine: AsyncEngine, name: str, tables: Sequence[sa.Table],
                   refill: Callable[[AsyncConnection], Awaitable[object]]) -> bool:
    """When the tables' shape is not the one recorded for read model `name` (a column or an
    index added, say), drop and create them and `refill` them in the same transaction;
    True if it did. An inline model replays its store; a projection forgets what it had
    handled, so that its consumer starts again from the streams."""
    schema = tables[0].schema
    shapes = f'"{schema}".read_model_shapes'
    fingerprint = shape(tables)
    async with engine.begin() as conn:
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": SHAPE_LOCK})
        await conn.execute(sa.text(f"CREATE TABLE IF NOT EXISTS {shapes} "
                                   "(name text PRIMARY KEY, shape text NOT NULL)"))
        stored = await conn.scalar(sa.text(f"SELECT shape FROM {shapes} WHERE name = :name"),
                                   {"name": name})
        if stored == fingerprint:
            return False
        for table in tables:
            await conn.run_sync(table.drop, checkfirst=True)
        for table in reversed(tables):
            await conn.run_sync(table.create)
        refilled = await refill(conn)
        await conn.execute(sa.text(
            f"INSERT INTO {shapes} (name, shape) VALUES (:name, :shape) "
            "ON CONFLICT (name) DO UPDATE SET shape = excluded.shape"),
            {"name": name, "shape": fingerprint})
    log.info("read_model_reshaped", model=name, refilled=refilled, first=stored is None)
    return True
