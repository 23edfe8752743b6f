"""The SQL engine: SQLAlchemy async on asyncpg, one Postgres schema per service."""

from typing import Any

import asyncpg
from sqlalchemy import MetaData, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

# The database is away (down, starting up, restarting, the connection lost), not a fault of
# the request or of our code: a caller should try again in a moment.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
    asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # starting up, shutting down, crashed
    asyncpg.exceptions.ConnectionFailureError, OSError, ConnectionError)


def unavailable(error: BaseException) -> bool:
    """Whether the error, or one it was raised from (SQLAlchemy wraps asyncpg's), says the
    database is away."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UNAVAILABLE) or getattr(current, "connection_invalidated",
                                                        False):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def sqlalchemy_url(database_url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+asyncpg://" + database_url[len(prefix):]
    return database_url


def asyncpg_dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def make_engine(database_url: str, pool_size: int = 10) -> AsyncEngine:
    # No pre-ping (three round trips per checkout): a connection the server closed is told
    # by its socket (`_discard_closed`, no round trip) and replaced at checkout. No
    # overflow: connections beyond the pool would be opened and closed on every burst.
    engine = create_async_engine(
        sqlalchemy_url(database_url), pool_size=pool_size, max_overflow=0,
        pool_recycle=1800, hide_parameters=True,
        connect_args={"server_settings": {"application_name": "pu"}},
    )
    event.listen(engine.sync_engine, "checkout", _discard_closed)
    return engine


def _discard_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """A pooled connection whose server went away (a restart, a fail-over) is discarded
    at checkout and a fresh one opened: the statements on the transaction's own asyncpg
    connection (kit.sql) fail outside SQLAlchemy, which would otherwise hand the dead
    connection out again and again."""
    raw = getattr(dbapi_connection, "driver_connection", None)
    if raw is not None and raw.is_closed():
        raise sa_exc.DisconnectionError("the server closed this connection")


async def create_schema(engine: AsyncEngine, *metadatas: MetaData) -> None:
    """Create the schemas and tables that do not exist yet (idempotent, start-up time)."""
    async with engine.begin() as conn:
        # Several processes of one service may start at once: serialise their DDL.
        await conn.execute(text("SELECT pg_advisory_xact_lock(7700)"))
        for metadata in metadatas:
            if metadata.schema:
                await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{metadata.schema}"'))
            await conn.run_sync(metadata.create_all)


async def ping(conn: AsyncConnection) -> bool:
    return (await conn.execute(text("SELECT 1"))).scalar() == 1


async def create_database(server_url: str, name: str) -> str:
    """Create database `name` on the server unless it exists; its URL."""
    conn = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return server_url.rsplit("/", 1)[0] + "/" + name
