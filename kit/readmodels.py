"""Inline read models: tables that a service's own events fill in the same transaction as
the append, replayed from those events on request and, at start-up, whenever the code
declares them in another shape (a column added, a type or an index changed). So a new
release never reads a table laid out by an old one, and there are no migrations to write:
the event store is the source of truth, the tables are derived.
"""

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.schema import CreateIndex, CreateTable

from kit.logging import get_logger

log = get_logger(__name__)
SHAPE_LOCK = 7701  # advisory lock: processes of one service starting at once take turns


@dataclass(frozen=True)
class InlineModel:
    tables: Sequence[sa.Table]  # in the order their rows can be deleted (dependants first)
    replay: Callable[[AsyncConnection], Awaitable[int]]  # empty the tables, apply every event


def shape(tables: Sequence[sa.Table]) -> str:
    """A fingerprint of the tables' DDL (columns, types, defaults, constraints, indexes)."""
    dialect = postgresql.dialect()
    ddl = [str(CreateTable(table).compile(dialect=dialect))
           + "".join(str(CreateIndex(index).compile(dialect=dialect))
                     for index in sorted(table.indexes, key=lambda index: str(index.name)))
           for table in tables]
    return hashlib.sha256("\n".join(ddl).encode()).hexdigest()


async def rebuild(engine: AsyncEngine, model: InlineModel) -> int:
    """Replay the model from the events; how many events were replayed."""
    async with engine.begin() as conn:
        return await model.replay(conn)


async def keep_current(engine: AsyncEngine, name: str, model: InlineModel) -> bool:
    """Drop, create and replay the model's tables when their shape changed; True if it did."""
    schema = model.tables[0].schema
    shapes = f'"{schema}".read_model_shapes'
    fingerprint = shape(model.tables)
    async with engine.begin() as conn:
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": SHAPE_LOCK})
        await conn.execute(sa.text(f"CREATE TABLE IF NOT EXISTS {shapes} "
                                   "(name text PRIMARY KEY, shape text NOT NULL)"))
        stored = await conn.scalar(sa.text(f"SELECT shape FROM {shapes} WHERE name = :name"),
                                   {"name": name})
        if stored == fingerprint:
            return False
        for table in model.tables:
            await conn.run_sync(table.drop, checkfirst=True)
        for table in reversed(model.tables):
            await conn.run_sync(table.create)
        replayed = await model.replay(conn)
        await conn.execute(sa.text(
            f"INSERT INTO {shapes} (name, shape) VALUES (:name, :shape) "
            "ON CONFLICT (name) DO UPDATE SET shape = excluded.shape"),
            {"name": name, "shape": fingerprint})
    log.info("read_model_reshaped", model=name, replayed=replayed, first=stored is None)
    return True
