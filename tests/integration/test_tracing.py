"""One trace from the gateway over NATS into the service, and on through the outbox into a
projection; structured logs carry its id."""

from collections.abc import AsyncIterator

import httpx
import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from feed.bootstrap import bootstrap as feed_service
from feed.bootstrap import bootstrap_worker as feed_worker
from feed.settings import FeedSettings
from gateway.app import create_app
from gateway.settings import GatewaySettings
from identity.bootstrap import bootstrap as identity_service
from identity.settings import IdentitySettings
from kit.embedded import EmbeddedNats
from kit.service import Runtime
from kit.telemetry import configure_tracing
from tests.platform import JWT_KEY, MASTER_KEY, PRINCIPAL_KEY, eventually, patient

SPANS = InMemorySpanExporter()


@pytest.fixture
async def gateway(database_url: str, nats_server: EmbeddedNats
                  ) -> AsyncIterator[httpx.AsyncClient]:
    configure_tracing("tests", processor=SimpleSpanProcessor(SPANS))
    common = {"database_url": database_url, "nats_url": nats_server.url,
              "personal_data_master_key": MASTER_KEY, "principal_signing_key": PRINCIPAL_KEY}
    runtimes = [Runtime(identity_service(IdentitySettings(**common, jwt_private_key=JWT_KEY))),
                Runtime(feed_service(FeedSettings(**common))),
                Runtime(feed_worker(FeedSettings(**common)))]
    for runtime in runtimes:
        await runtime.start()
    app = create_app(GatewaySettings(nats_url=nats_server.url,
                                     principal_signing_key=PRINCIPAL_KEY))
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            yield client
    finally:
        for runtime in runtimes:
            await runtime.stop()


async def test_a_post_is_one_trace_from_the_gateway_to_the_projection(
        gateway: httpx.AsyncClient) -> None:
    headers = await patient(gateway, "Tara")
    SPANS.clear()
    reply = await gateway.post("/v1/posts", headers=headers,
                               json={"community": "cancer", "body": "traced"})
    assert reply.status_code == 201
    await eventually(_projected, timeout=20)
    spans = SPANS.get_finished_spans()
    edge = next(s for s in spans if s.name == "POST /v1/posts")
    handler = next(s for s in spans if s.name == "rpc.feed.create_post")
    projection = next(s for s in spans if s.name == "project PostCreated")
    trace_ids = {s.context.trace_id for s in (edge, handler, projection)}
    assert trace_ids == {edge.context.trace_id}
    gateway_spans = {s.context.span_id for s in spans
                     if s is edge or (s.parent and s.parent.span_id == edge.context.span_id)}
    assert handler.parent is not None and handler.parent.span_id in gateway_spans
    assert handler.resource.attributes["service.name"] == "tests"


async def _projected() -> bool:
    return any(s.name == "project PostCreated" for s in SPANS.get_finished_spans())
