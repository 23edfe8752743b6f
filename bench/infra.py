"""The servers a bench run uses: embedded NATS and Postgres under .bench/, or the ones named
by NATS_URL / DATABASE_URL; always a fresh database, and everything stopped at the end."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from kit.db import asyncpg_dsn
from kit.embedded import EmbeddedNats, EmbeddedPostgres, free_port

BENCH_DIR = Path(__file__).resolve().parents[1] / ".bench"


@dataclass(frozen=True)
class Servers:
    database_url: str  # a database of this run's own
    nats_url: str
    run_dir: Path


@contextlib.asynccontextmanager
async def servers(run_dir: Path) -> AsyncIterator[Servers]:
    """Start what is not given by the environment; stop it (and drop the database) after."""
    started: list[EmbeddedNats | EmbeddedPostgres] = []
    server_url = os.environ.get("DATABASE_URL")
    database_url = None
    # Ports of their own: a developer's `make run` may want the well-known ones.
    try:
        if not server_url:
            postgres = EmbeddedPostgres(run_dir / "pg", free_port(), fast_unsafe=False)
            started.append(postgres)
            server_url = (await asyncio.to_thread(postgres.start)).url
        nats_url = os.environ.get("NATS_URL")
        if not nats_url:
            nats = EmbeddedNats(run_dir / "nats", free_port())
            started.append(nats)
            nats_url = (await asyncio.to_thread(nats.start)).url
        database_url = await create_database(asyncpg_dsn(server_url))
        yield Servers(database_url, nats_url, run_dir)
    finally:
        if database_url and os.environ.get("DATABASE_URL"):
            await drop_database(database_url)
        for server in reversed(started):
            await asyncio.to_thread(server.stop)


async def create_database(server_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return server_url.rsplit("/", 1)[0] + "/" + name


async def drop_database(database_url: str) -> None:
    server_url, name = database_url.rsplit("/", 1)
    with contextlib.suppress(Exception):
        conn = await asyncpg.connect(server_url + "/postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
