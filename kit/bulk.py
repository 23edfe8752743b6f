"""Many rows in one statement: INSERT … SELECT FROM unnest(arrays), one round trip and one
execution in Postgres however many rows, where executemany would run one per row."""

from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection


@cache
def _statement(table: sa.Table, columns: tuple[str, ...]) -> sa.TextClause:
    name = f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
    arrays = ", ".join(f":{c}" for c in columns)
    statement = sa.text(f"INSERT INTO {name} ({', '.join(columns)}) SELECT * FROM unnest("
                        f"{arrays}) ON CONFLICT DO NOTHING")
    return statement.bindparams(*(sa.bindparam(c, type_=ARRAY(table.c[c].type))
                                  for c in columns))


async def insert_new(conn: AsyncConnection, table: sa.Table,
                     rows: Sequence[dict[str, Any]]) -> None:
    """Insert the rows whose keys are not in the table yet (all rows share their keys)."""
    if not rows:
        return
    columns = tuple(rows[0])
    await conn.execute(_statement(table, columns),
                       {c: [row[c] for row in rows] for c in columns})
