"""The service tier: a service's use cases through its HANDLERS table, against a real
Postgres, with no NATS and no gateway.

A request goes through exactly what the transport would do around a use case (roles,
parsing, the unit of work, idempotency, the conflict retry, the error map, problems), so a
test reads like a client's call and asserts on the reply.
"""

import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import orjson
import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal, Reply
from kit import personal, rpc
from kit.db import create_schema, make_engine
from kit.rpc import RpcHandler


@asynccontextmanager
async def service_engine(database_url: str, metadata: sa.MetaData,
                         pool_size: int = 12) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database holding a service's schema and the key store."""
    engine = make_engine(database_url, pool_size)
    await create_schema(engine, personal.metadata, metadata)
    try:
        yield engine
    finally:
        await engine.dispose()


def person(*roles: str, user_id: UUID | None = None) -> Principal:
    return Principal(user_id=user_id or uuid4(), roles=roles)


class Tier:
    """One service's request handlers, called as the gateway would call them."""

    def __init__(self, service: str, routes: Mapping[str, RpcHandler]) -> None:
        self.service, self.routes = service, routes

    async def call(self, operation: str, body: BaseModel | Mapping[str, Any] | None = None,
                   by: Principal | None = None, *, idempotency_key: str | None = None,
                   language: str = "en") -> Reply:
        subject = f"rpc.{self.service}.{operation}"
        data = (body.model_dump_json().encode() if isinstance(body, BaseModel)
                else orjson.dumps(body or {}))
        request = rpc.Request(subject, data, by, f"test-{uuid4()}", idempotency_key, language,
                              "127.0.0.1")
        return await rpc.dispatch(self.service, self.routes[subject], request, {})

    async def ok(self, operation: str, body: BaseModel | Mapping[str, Any] | None = None,
                 by: Principal | None = None, **options: Any) -> Any:
        """The body of a reply that must be a success."""
        reply = await self.call(operation, body, by, **options)
        assert reply.status < 300, (operation, reply.status, reply.body)
        return reply.body


def operations_called_in(folder: Path) -> set[str]:
    """Operation names the tier's test files call, as `tier.call("name"` or `.ok("name"`."""
    pattern = re.compile(r"""\.(?:call|ok)\(\s*["']([a-z][a-z0-9_]*)["']""")
    return {name for path in folder.glob("test_*.py")
            for name in pattern.findall(path.read_text())}


def operations_of(handlers: Mapping[str, Any]) -> set[str]:
    return {subject.rsplit(".", 1)[1] for subject in handlers}
