"""The engine every service uses, against a real Postgres: a connection the server closed
is not handed out again."""

import asyncpg
import sqlalchemy as sa

from kit.db import make_engine
from kit.sql import driver
from tests.platform import eventually


async def test_a_connection_the_server_closed_is_replaced_at_checkout(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:  # the pool's one connection, killed outside
            pid = await conn.scalar(sa.text("SELECT pg_backend_pid()"))
            raw = (await conn.get_raw_connection()).driver_connection
        killer = make_engine(database_url, pool_size=1)
        async with killer.connect() as admin:
            assert await admin.scalar(sa.text("SELECT pg_terminate_backend(:pid)"),
                                      {"pid": pid})
        await killer.dispose()
        # The server closes its end a moment after the call returns: a connection checked
        # out in between fails once (a 503) and is then discarded; this test checks out
        # after the socket told.
        await eventually(lambda: _closed(raw), timeout=10)
        # The statements on the transaction's own asyncpg connection (kit.sql) would fail
        # with "connection is closed" over and over if the pool handed the dead one out.
        for _ in range(3):
            async with engine.begin() as conn:
                raw = await driver(conn)
                assert await raw.fetchval("SELECT 1") == 1
                assert await conn.scalar(sa.text("SELECT pg_backend_pid()")) != pid
    finally:
        await engine.dispose()


async def _closed(raw: asyncpg.Connection) -> bool:
    return raw.is_closed()
