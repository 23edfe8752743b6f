"""Identity's service tier: its use cases on a real Postgres, no NATS, no gateway."""

import os
from base64 import b64encode
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
from identity import handlers
from identity.adapters import sql
from identity.bootstrap import deps_for
from identity.deps import Deps
from identity.settings import IdentitySettings
from identity.tokens import new_private_key_pem
from kit.usecases import Database, serve
from tests.service_tier import Tier, person, service_engine

PASSWORD = "a-long-password-1"
SignUp = Callable[..., Awaitable[Principal]]
CountEvents = Callable[..., Awaitable[int]]


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    async with service_engine(database_url, sql.metadata) as engine:
        yield engine


@pytest.fixture
def settings(database_url: str) -> IdentitySettings:
    return IdentitySettings(database_url=database_url, jwt_private_key=new_private_key_pem(),
                            personal_data_master_key=b64encode(os.urandom(32)).decode(),
                            login_failures_per_account=3, login_lockout_s=60)


@pytest.fixture
def deps(engine: AsyncEngine, settings: IdentitySettings) -> Deps:
    return deps_for(Database(engine), settings)


@pytest.fixture
def identity(deps: Deps) -> Tier:
    return Tier("identity", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=deps.db,
                                  idempotency=sql.idempotency))


@pytest.fixture
def sign_up(identity: Tier) -> SignUp:
    """A patient (or caregiver) signed up; who they are to the service afterwards."""
    async def sign_up(email: str, role: str = "patient", **body: Any) -> Principal:
        reply = await identity.ok("register_account", {
            "email": email, "password": PASSWORD, "display_name": "Meera", "role": role,
            "consents": [{"purpose": "terms", "version": "1"}], **body})
        return person(role, user_id=UUID(reply["user_id"]))
    return sign_up


@pytest.fixture
def count_events(engine: AsyncEngine) -> CountEvents:
    """How many events of a type the store holds (of one stream, when named)."""
    async def count(event_type: str, stream_id: str | None = None) -> int:
        events = sql.store.events
        query = sa.select(sa.func.count()).where(events.c.event_type == event_type)
        if stream_id is not None:
            query = query.where(events.c.stream_id == stream_id)
        async with engine.connect() as conn:
            return int(await conn.scalar(query) or 0)
    return count
