"""Test helpers: real servers on free ports, fresh databases, the platform's processes."""

import asyncio
import base64
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from identity.tokens import new_private_key_pem
from kit import bus
from kit import db as kit_db
from kit.db import make_engine
from kit.embedded import EmbeddedNats, free_port
from kit.progress import last_sequence, wait_for
from stack.processes import PROCESSES, Stack

ADMIN_EMAIL = "admin@test.patientsunion.in"
ADMIN_PASSWORD = "admin-password-for-tests"
MASTER_KEY = base64.b64encode(os.urandom(32)).decode()
PRINCIPAL_KEY = base64.b64encode(os.urandom(32)).decode()
JWT_KEY = new_private_key_pem()


async def create_database(server_url: str) -> str:
    """A fresh database of the test's own."""
    return await kit_db.create_database(server_url, f"test_{uuid.uuid4().hex[:12]}")


def platform_env(database_url: str, nats_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "NATS_URL": nats_url,
            "PERSONAL_DATA_MASTER_KEY": MASTER_KEY, "JWT_PRIVATE_KEY": JWT_KEY,
            "PRINCIPAL_SIGNING_KEY": PRINCIPAL_KEY,
            "ADMIN_EMAIL": ADMIN_EMAIL, "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "DB_POOL_SIZE": "4", "LOG_LEVEL": "info",
            # Tests post in bursts; the sandbox itself is tested with its own limits.
            "SANDBOX_POSTS_PER_HOUR": "100000",
            # Every test signs up from 127.0.0.1; the per-address limit has its own test.
            "SIGNUPS_PER_ADDRESS": "100000",
            # Tests read right after they write; the micro-cache has a test of its own.
            "PUBLIC_CACHE_TTL_S": "0",
            "REGULATOR_MAX_BACKOFF_S": "1",
            # Tests read anonymous survey results right after answering: batches at once
            # (the batching itself has its own tests, services/surveys/tests/service).
            "SURVEYS_BATCH_EVERY_S": "0.2", "SURVEYS_BATCH_LONGEST_S": "0"}


class NatsServer(Protocol):
    """One server (kit.embedded.EmbeddedNats) or a cluster (tests.nats_cluster)."""

    @property
    def url(self) -> str: ...
    def url_for(self, account: str) -> str: ...
    def stop(self) -> None: ...


# Every platform's log folder, for the suite-wide check that no log line holds secrets.
LOG_DIRS: list[Path] = []


class Platform:
    """A running platform for one test module: its own NATS, database and processes."""

    def __init__(self, tmp: Path, database_url: str, nats_server: NatsServer | None = None,
                 **env: str) -> None:
        LOG_DIRS.append(tmp / "logs")
        self.tmp = tmp
        self.database_url = database_url
        # Each process with a NATS account of its own; the tests' `nats.url` is the operator's.
        # An EmbeddedNats, or the cluster (tests.nats_cluster) of the tests that lose a node.
        self.nats: Any = nats_server or EmbeddedNats(tmp / "nats", users={
            account: secrets.token_urlsafe(16) for account in bus.ACCOUNTS}).start()
        self.stack = Stack({**platform_env(database_url, self.nats.url), **env}, tmp / "logs",
                           gateway_port=free_port(),  # not 8000: another run may hold it
                           web_port=free_port(),  # nor 8080
                           nats_urls={name: self.nats.url_for(name)
                                      for name in (*PROCESSES, bus.GATEWAY, bus.WEB)})
        self.engine: AsyncEngine = make_engine(database_url, 2)

    @property
    def url(self) -> str:
        return self.stack.url

    def start(self) -> "Platform":
        self.stack.start()
        return self

    def stop(self) -> None:
        self.stack.stop()
        self.nats.stop()

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in (self.tmp / "logs").glob("*.log"))

    async def scalar(self, sql: str, **params: object) -> object:
        async with self.engine.connect() as conn:
            return await conn.scalar(sa.text(sql), params)

    async def count(self, table: str) -> int:
        return int(await self.scalar(f"SELECT count(*) FROM {table}"))  # type: ignore[call-overload]

    async def settled(self, timeout: float = 30.0) -> None:
        """Wait until every outbox is empty and every projection has caught up."""
        async with asyncio.timeout(timeout):
            for schema in ("identity", "feed", "pharmacovigilance", "assistance"):
                while await self.count(f"{schema}.outbox"):
                    await asyncio.sleep(0.05)
        nc = await bus.connect(self.nats.url, "tests-settled")
        try:
            js = nc.jetstream()
            for durable, streams in (("feed-worker-projections", (
                                         "PU_FEED", "PU_IDENTITY", "PU_PHARMACOVIGILANCE",
                                         "PU_ASSISTANCE", "PU_VOICES")),
                                     ("surveys-members", ("PU_FEED", "PU_IDENTITY")),
                                     ("assistance-projections", ("PU_FEED", "PU_IDENTITY"))):
                for stream in streams:
                    await wait_for(js, durable, stream,
                                   await last_sequence(js, stream, timeout), timeout)
        finally:
            await nc.close()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.05)


CONSENTS = [{"purpose": "terms", "version": "2026-11"},
            {"purpose": "health_data_processing", "version": "2026-11"}]


async def register(client: httpx.AsyncClient, email: str, password: str = "a-long-password-1",
                   display_name: str = "Meera", role: str = "patient") -> str:
    reply = await client.post("/v1/accounts", json={
        "email": email, "password": password, "display_name": display_name, "role": role,
        "preferred_language": "en", "consents": CONSENTS})
    assert reply.status_code == 201, reply.text
    return reply.json()["user_id"]


async def login(client: httpx.AsyncClient, username: str,
                password: str = "a-long-password-1") -> dict[str, str]:
    reply = await client.post("/v1/auth/token", data={"username": username,
                                                      "password": password})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def running_platform(postgres_url: str, tmp: Path, nats_server: NatsServer | None = None,
                           **env: str) -> AsyncIterator[Platform]:
    """A platform for one test module (the `platform` fixture), with extra environment (and
    a NATS of the test's own making)."""
    running = Platform(tmp, await create_database(postgres_url), nats_server, **env)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        await running.engine.dispose()


async def patient(client: httpx.AsyncClient, name: str = "Meera") -> dict[str, str]:
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.in"
    await register(client, email, display_name=name)
    return await login(client, email)
