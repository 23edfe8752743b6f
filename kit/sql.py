"""Hot statements past SQLAlchemy's execution path.

A Core statement is compiled once, for asyncpg, and run on the connection's own asyncpg
driver, whose statement cache prepares it once per connection. On the request paths
SQLAlchemy's execution (a greenlet hop, the compile cache's key, result processing) cost
more CPU than the round trip itself (bench (c): `POST /v1/posts`, `GET /v1/feed`), so the
statements every request makes go this way; the rest of a service keeps SQLAlchemy, on the
same connection and in the same transaction.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection

DIALECT = asyncpg_dialect()


async def driver(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under `conn`, inside the transaction `conn` is in, if any.

    SQLAlchemy sends BEGIN lazily, before its own first statement; a raw statement first
    in a transaction must not run before it, in autocommit. The driver adapter is asked to
    begin, so that its commit and rollback stay its own (SQLAlchemy 2.1's asyncpg adapter:
    `_start_transaction` is what its cursor calls; a test shows the rollback)."""
    sync = conn.sync_connection
    # The connection is checked out already (an AsyncConnection starts so): take it without
    # SQLAlchemy's greenlet round (get_raw_connection), on every statement of the hot path.
    raw = (sync.connection if sync is not None and not sync.closed and not sync.invalidated
           else await conn.get_raw_connection())
    connection = raw.driver_connection
    assert connection is not None
    if conn.in_transaction() and not connection.is_in_transaction():
        await raw.dbapi_connection._start_transaction()  # type: ignore[union-attr]
    return connection


class Statement:
    """One Core statement with named bind parameters, compiled once ($1, $2 … in order)."""

    def __init__(self, statement: sa.Executable) -> None:
        compiled = statement.compile(dialect=DIALECT)  # type: ignore[attr-defined]
        self.sql = str(compiled)
        self._names: list[str] = list(compiled.positiontup or [])
        # Values fixed in the statement itself (a literal limit, say) keep their value.
        self._fixed = {name: bind.value for name, bind in compiled.binds.items()
                       if bind.value is not None and not bind.required}

    def _args(self, params: dict[str, Any]) -> list[Any]:
        return [params[name] if name in params else self._fixed[name] for name in self._names]

    async def rows(self, conn: AsyncConnection, **params: Any) -> list[asyncpg.Record]:
        return await (await driver(conn)).fetch(self.sql, *self._args(params))

    async def row(self, conn: AsyncConnection, **params: Any) -> asyncpg.Record | None:
        return await (await driver(conn)).fetchrow(self.sql, *self._args(params))

    async def execute(self, conn: AsyncConnection, **params: Any) -> None:
        await (await driver(conn)).execute(self.sql, *self._args(params))


@cache
def _insert(table: sa.Table, columns: tuple[str, ...], on_conflict: str) -> str:
    name = f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
    arrays = ", ".join(f"${i}::{table.c[c].type.compile(DIALECT)}[]"
                       for i, c in enumerate(columns, 1))
    return (f"INSERT INTO {name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"
            f"{on_conflict}")


async def insert_rows(conn: AsyncConnection, table: sa.Table, rows: Sequence[dict[str, Any]],
                      *, skip_existing: bool = False) -> None:
    """Many rows in one statement, INSERT … SELECT FROM unnest(arrays): one round trip and
    one execution in Postgres however many rows, where executemany runs one per row. With
    `skip_existing`, rows whose keys are in the table already are left out."""
    if not rows:
        return
    columns = tuple(rows[0])
    sql = _insert(table, columns, " ON CONFLICT DO NOTHING" if skip_existing else "")
    await (await driver(conn)).execute(sql, *([row[c] for row in rows] for c in columns))
