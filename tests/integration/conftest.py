"""In-process fixtures over real servers: an engine on a fresh database, a JetStream."""

from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client
from sqlalchemy.ext.asyncio import AsyncEngine

from kit import bus
from kit.db import make_engine
from kit.embedded import EmbeddedNats


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, 20)
    yield engine
    await engine.dispose()


@pytest.fixture
async def nc(nats_server: EmbeddedNats) -> AsyncIterator[Client]:
    client = await bus.connect(nats_server.url, "test")
    await bus.ensure_streams(client.jetstream())
    yield client
    await client.close()
