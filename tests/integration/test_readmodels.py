"""Inline read models follow the code's shape: replayed at start-up when their tables change."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kit.db import create_schema
from kit.readmodels import InlineModel, keep_current, rebuild, shape


def notes_table(*extra: sa.Column) -> sa.Table:
    metadata = sa.MetaData(schema="shapes_test")
    return sa.Table("notes", metadata, sa.Column("note_id", sa.Integer, primary_key=True),
                    sa.Column("body", sa.Text, nullable=False), *extra)


class Replayer:
    """Stands in for a service's events: three notes, written again at each replay."""

    def __init__(self, table: sa.Table) -> None:
        self.table, self.replays = table, 0

    async def __call__(self, conn: AsyncConnection) -> int:
        self.replays += 1
        await conn.execute(self.table.delete())
        await conn.execute(self.table.insert(), [{"note_id": n, "body": f"note {n}"}
                                                 for n in range(3)])
        return 3


async def columns(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.scalars(sa.text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "'shapes_test' AND table_name = 'notes' ORDER BY ordinal_position"))).all())


async def test_the_same_shape_is_left_alone_and_a_new_one_is_replayed(
        engine: AsyncEngine) -> None:
    old = notes_table()
    await create_schema(engine, old.metadata)
    replayer = Replayer(old)
    assert await keep_current(engine, "notes", InlineModel([old], replayer))  # first start
    assert not await keep_current(engine, "notes", InlineModel([old], replayer))
    assert replayer.replays == 1

    new = notes_table(sa.Column("language", sa.Text, server_default="en"))
    assert shape([new]) != shape([old])
    await create_schema(engine, new.metadata)  # as a release starts: the table exists already
    assert await columns(engine) == ["note_id", "body"]
    replayer = Replayer(new)
    assert await keep_current(engine, "notes", InlineModel([new], replayer))
    assert await columns(engine) == ["note_id", "body", "language"]
    async with engine.connect() as conn:
        assert (await conn.scalar(sa.select(sa.func.count()).select_from(new))) == 3
    assert await rebuild(engine, InlineModel([new], replayer)) == 3
    assert replayer.replays == 2


async def test_an_index_changes_the_shape_too() -> None:
    plain = notes_table()
    indexed = notes_table()
    sa.Index("notes_body", indexed.c.body)
    assert shape([plain]) != shape([indexed]) and shape([plain]) == shape([notes_table()])
