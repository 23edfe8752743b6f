"""kit.sql against a real Postgres: compiled statements on the driver, inside SQLAlchemy's
transaction (committed and rolled back with it), and many rows in one insert."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from kit.db import create_schema
from kit.sql import Statement, insert_rows

metadata = sa.MetaData(schema="sql_test")
notes = sa.Table("notes", metadata, sa.Column("id", sa.Uuid, primary_key=True),
                 sa.Column("body", sa.Text, nullable=False),
                 sa.Column("at", sa.DateTime(timezone=True), nullable=False))
NEWEST = Statement(sa.select(notes.c.id, notes.c.body).where(
    notes.c.body.like(sa.bindparam("like"))).order_by(notes.c.at.desc()).limit(2))
COUNT = Statement(sa.select(sa.func.count()).select_from(notes))


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncEngine:
    await create_schema(engine, metadata)
    async with engine.begin() as conn:
        await conn.execute(notes.delete())
    return engine


def note(body: str, second: int) -> dict:
    return {"id": uuid4(), "body": body, "at": datetime(2026, 12, 1, 9, 0, second, tzinfo=UTC)}


async def test_rows_come_back_with_the_literal_limit_kept(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await insert_rows(conn, notes, [note(f"walk {n}", n) for n in range(4)])
    async with db.connect() as conn:
        rows = await NEWEST.rows(conn, like="walk%")
    assert [row["body"] for row in rows] == ["walk 3", "walk 2"]


async def test_a_raw_statement_first_in_a_transaction_rolls_back_with_it(
        db: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        async with db.begin() as conn:
            await insert_rows(conn, notes, [note("never kept", 1)])
            await conn.execute(notes.insert().values(note("nor this", 2)))
            raise RuntimeError("the use case failed")
    async with db.connect() as conn:
        assert (await COUNT.row(conn))[0] == 0


async def test_skip_existing_leaves_rows_already_there_alone(db: AsyncEngine) -> None:
    first = note("first words", 1)
    async with db.begin() as conn:
        await insert_rows(conn, notes, [first])
    async with db.begin() as conn:
        await insert_rows(conn, notes, [{**first, "body": "changed"}, note("new", 2)],
                          skip_existing=True)
    async with db.connect() as conn:
        rows = await NEWEST.rows(conn, like="%")
    assert sorted(row["body"] for row in rows) == ["first words", "new"]
