"""The gateway's FastAPI application."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from nats.aio.client import Client
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException
from starlette.responses import Response

from contracts.rpc import STATUS
from contracts.subjects import health
from gateway import problems
from gateway.auth import TokenVerifier
from gateway.bus import ServiceBus
from gateway.cache import MicroCache
from gateway.docs import add_docs
from gateway.middleware import EdgeMiddleware
from gateway.revocations import RevocationFeed, Revocations
from gateway.routes import ROUTERS, assistance, media, voices
from gateway.routing import RouteIndex
from gateway.settings import GatewaySettings
from kit import bus as nats_bus
from kit import rpc
from kit.telemetry import recording

# Every route that takes a document or a recording, by its path template, with its own
# body limit (the edge's 413 comes before any parsing); every other path the default.
UPLOAD_BODY_LIMITS = {media.UPLOAD_PATH: media.UPLOAD_BODY_LIMIT,
                      assistance.DOCUMENT_PATH: assistance.DOCUMENT_BODY_LIMIT,
                      **voices.UPLOAD_BODY_LIMITS}


def create_app(settings: GatewaySettings, nc: Client | None = None) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = nc or await nats_bus.connect(settings.nats_url, "gateway")
        app.state.nc = client
        app.state.bus = ServiceBus(client, settings.rpc_timeout_s,
                                   rpc.signing_key(settings.principal_signing_key))
        revocations = Revocations(settings.access_token_ttl_s)
        app.state.revocations = RevocationFeed(client, revocations)
        app.state.revocations.start()
        app.state.verifier = TokenVerifier(client, settings.jwt_issuer, settings.jwt_audience,
                                           revocations)
        app.state.cache = MicroCache(settings.public_cache_ttl_s)
        yield
        await app.state.revocations.stop()
        if nc is None:
            with contextlib.suppress(Exception):
                await client.drain()

    app = FastAPI(title="Patients' Union API", version="1.0.0", lifespan=lifespan,
                  description="The public API of the Patients' Union platform.",
                  docs_url=None, redoc_url=None,  # add_docs: served without a CDN
                  # Server spans only, and only when spans are exported: metrics are
                  # Prometheus's, logs are ours (they could otherwise carry request
                  # values), per-operation spans cost too much.
                  telemetry={"tracing": recording(), "operation_spans": False,
                             "metrics": False, "logs": False})
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(RequestValidationError, problems.on_validation_error)
    app.add_exception_handler(HTTPException, problems.on_http_error)
    app.add_exception_handler(Exception, problems.on_unexpected)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["*"], allow_headers=["*"])
    app.add_middleware(EdgeMiddleware, max_body_bytes=settings.max_body_bytes,
                       large_bodies=UPLOAD_BODY_LIMITS)
    _add_operational_routes(app, settings)
    add_docs(app)
    app.router.routes.insert(0, RouteIndex(app.router.routes))
    return app


def _add_operational_routes(app: FastAPI, settings: GatewaySettings) -> None:
    @app.get("/health", tags=["operations"])
    async def liveness() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", tags=["operations"], responses={
        503: {"description": "NATS or a service is not answering: the same report, not ready"}})
    async def readiness() -> Response:
        nc: Client = app.state.nc
        checks = await asyncio.gather(*(_ping(nc, s) for s in settings.ready_services))
        # Not ready before the revoked tokens are known: it would let them through.
        report = {"nats": nc.is_connected, "revocations": app.state.revocations.caught_up,
                  **dict(zip(settings.ready_services, checks, strict=True))}
        ready = all(report.values())
        return Response(orjson.dumps({"status": "ready" if ready else "not ready", **report}),
                        status_code=200 if ready else 503, media_type="application/json")

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _ping(nc: Client, service: str) -> bool:
    if not nc.is_connected:
        return False
    try:
        reply = await nc.request(health(service), b"{}", timeout=2)
    except Exception:
        return False
    return (reply.headers or {}).get(STATUS) == "200"
