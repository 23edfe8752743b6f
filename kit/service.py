"""The runtime of one service process: NATS, streams, request handlers, the outbox relay
and projections, started in order and stopped cleanly on SIGTERM or SIGINT."""

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from nats.aio.client import Client
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.subjects import health, rebuild
from contracts.system.messages import HealthReply, RebuildProjection
from kit import bus, readmodels, rpc
from kit.db import asyncpg_dsn, create_schema, ping
from kit.errors import not_found
from kit.eventstore import EventStore
from kit.logging import get_logger
from kit.metrics import serve_metrics
from kit.outbox import OutboxRelay
from kit.projection import Projection, ProjectionRunner
from kit.readmodels import InlineModel
from kit.settings import ServiceSettings

log = get_logger(__name__)


@dataclass
class Service:
    """What a service's bootstrap hands to the runtime."""

    name: str  # also its context, its schema and its queue group
    settings: ServiceSettings
    engine: AsyncEngine
    metadata: Sequence[sa.MetaData]
    routes: Mapping[str, rpc.RpcHandler] = field(default_factory=dict)
    store: EventStore | None = None  # its outbox is relayed when set
    projections: Sequence[Projection] = ()
    tracking: sa.Table | None = None  # the projections' handled events (kit.projection)
    on_start: Sequence[Callable[[], Awaitable[None]]] = ()
    # Inline read models, kept with the service's own events and rebuilt from them.
    inline_models: Sequence[InlineModel] = ()
    relay: bool = True
    # Long-running work of the service's own (a relay to the regulator, say).
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()

    @property
    def consumer(self) -> str:
        """The durable consumer its projections share, on each stream they read (its
        replicas share it too): a lone projection's own name, else `<process>-projections`."""
        if len(self.projections) == 1:
            return self.projections[0].durable
        return f"{self.name}-projections"


class Runtime:
    """Starts and stops one service process."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.nc: Client | None = None
        self.server: rpc.Server | None = None
        self.runner: ProjectionRunner | None = None
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        s = self.service
        await create_schema(s.engine, *s.metadata)
        if s.store is not None:
            async with s.engine.begin() as conn:
                await conn.execute(sa.text("SELECT pg_advisory_xact_lock(7700)"))
                await s.store.prepare(conn)
        for model in s.inline_models:
            await readmodels.keep_current(s.engine, model)
        for hook in s.on_start:
            await hook()
        self.nc = await bus.connect(s.settings.nats_url, s.name)
        js = self.nc.jetstream()
        await bus.ensure_streams(js, s.settings.nats_stream_replicas)
        if s.store is not None and s.relay:
            relay = OutboxRelay(asyncpg_dsn(s.settings.database_url), s.store.schema, self.nc,
                                s.name)
            self._tasks.append(asyncio.create_task(relay.run()))
        if s.projections:
            await self._start_projections(self.nc)
        self._tasks += [asyncio.create_task(work()) for work in s.background]
        self.server = rpc.Server(self.nc, s.name, {**s.routes, health(s.name): self._health,
                                                   rebuild(s.name): self._rebuild},
                                 concurrency=s.settings.rpc_concurrency,
                                 principal_key=rpc.signing_key(s.settings.principal_signing_key))
        await self.server.start()
        serve_metrics(s.settings.metrics_port, s.settings.metrics_host)
        log.info("service_started", projections=[p.durable for p in s.projections])

    async def _start_projections(self, nc: Client) -> None:
        s = self.service
        if s.tracking is None:
            raise ValueError("a service with projections needs a tracking table")
        self.runner = ProjectionRunner(s.projections, s.engine, nc, s.tracking,
                                       durable=s.consumer)
        await self.runner.start()

    async def _health(self, request: rpc.Request) -> rpc.Reply:
        try:
            async with self.service.engine.connect() as conn:
                database = await ping(conn)
        except Exception:
            database = False
        return rpc.ok(HealthReply(service=self.service.name, database=database),
                      status=200 if database else 503)

    async def _rebuild(self, request: rpc.Request) -> rpc.Reply:
        """Drop a projection's read model and replay it from the streams (admins only)."""
        request.require("admin")
        name = request.parse(RebuildProjection).projection
        inline = {model.name: model for model in self.service.inline_models}
        if name in inline:
            replayed = await readmodels.rebuild(self.service.engine, inline[name])
            return rpc.ok({"projection": name, "status": "rebuilt", "replayed": replayed})
        if self.runner is None or name not in {p.name for p in self.service.projections}:
            raise not_found(f"projection {name} in {self.service.name}")
        await self.runner.rebuild(name)
        return rpc.ok({"projection": name, "status": "rebuilding"}, status=202)

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
        if self.runner is not None:
            await self.runner.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await self.nc.close()
        await self.service.engine.dispose()
        log.info("service_stopped")

    async def run_until_signalled(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        await stop.wait()
        await self.stop()
