"""Inline read models follow the code's shape: replayed from the events at start-up when
their tables change, and rebuilt on request."""

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.envelope import Envelope
from contracts.events import Event, EventRegistry
from kit.db import create_schema
from kit.eventstore import EventStore
from kit.readmodels import InlineModel, keep_current, one_by_one, rebuild, shape


class NoteWritten(Event):
    event_type: ClassVar[str] = "NoteWritten"
    subject: ClassVar[str] = "shapes_test.note.written"
    published: ClassVar[bool] = False

    note_id: int
    body: str


def notes_table(*extra: sa.Column) -> sa.Table:
    metadata = sa.MetaData(schema="shapes_test")
    return sa.Table("notes", metadata, sa.Column("note_id", sa.Integer, primary_key=True),
                    sa.Column("body", sa.Text, nullable=False), *extra)


class Notes:
    """The notes model over a table of one shape or another; counts the notes it writes."""

    def __init__(self, table: sa.Table) -> None:
        self.table, self.written = table, 0
        self.store = EventStore(table.metadata, "shapes_test")
        self.model = InlineModel(name="notes", tables=[table], store=self.store,
                                 registry=EventRegistry([NoteWritten]),
                                 handlers={NoteWritten: one_by_one(self.write)})

    async def write(self, conn: AsyncConnection, event: NoteWritten, _: Envelope) -> None:
        self.written += 1
        await conn.execute(self.table.insert().values(note_id=event.note_id, body=event.body))


async def columns(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.scalars(sa.text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "'shapes_test' AND table_name = 'notes' ORDER BY ordinal_position"))).all())


async def test_the_same_shape_is_left_alone_and_a_new_one_is_replayed(
        engine: AsyncEngine) -> None:
    old = Notes(notes_table())
    await create_schema(engine, old.table.metadata)
    async with engine.begin() as conn:
        for n in range(3):
            events = [NoteWritten(note_id=n, body=f"note {n}")]
            await old.model.apply(conn, events,
                                  await old.store.append(conn, f"note-{n}", 0, events))
    assert await keep_current(engine, old.model)  # first start: replayed once
    assert not await keep_current(engine, old.model)
    assert old.written == 3 + 3

    new = Notes(notes_table(sa.Column("language", sa.Text, server_default="en")))
    assert shape(new.model.tables) != shape(old.model.tables)
    await create_schema(engine, new.table.metadata)  # as a release starts: the table exists
    assert await columns(engine) == ["note_id", "body"]
    assert await keep_current(engine, new.model)
    assert await columns(engine) == ["note_id", "body", "language"]
    async with engine.connect() as conn:
        assert (await conn.scalar(sa.select(sa.func.count()).select_from(new.table))) == 3
    assert await rebuild(engine, new.model) == 3
    assert new.written == 3 + 3


async def test_an_index_changes_the_shape_too() -> None:
    plain = notes_table()
    indexed = notes_table()
    sa.Index("notes_body", indexed.c.body)
    assert shape([plain]) != shape([indexed]) and shape([plain]) == shape([notes_table()])
