"""The feed's service tier: its use cases on a real Postgres, no NATS, no gateway."""

import os
from base64 import b64encode
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import handlers
from feed.adapters import sql
from feed.bootstrap import deps_for
from feed.settings import FeedSettings
from kit.usecases import Database, serve
from tests.service_tier import Tier, service_engine


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    async with service_engine(database_url, sql.metadata) as engine:
        yield engine


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> FeedSettings:
    return FeedSettings(database_url=database_url, sandbox_posts_per_hour=3,
                        media_dir=str(tmp_path / "media"),
                        personal_data_master_key=b64encode(os.urandom(32)).decode())


@pytest.fixture
def feed(engine: AsyncEngine, settings: FeedSettings) -> Tier:
    db = Database(engine)
    return Tier("feed", serve(handlers.HANDLERS, deps_for(db, settings), errors=handlers.ERRORS,
                              db=db, idempotency=sql.idempotency))
