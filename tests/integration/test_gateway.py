"""The gateway's answers when services are slow, absent, or NATS is gone."""

from collections.abc import AsyncIterator

import httpx
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from gateway.app import create_app
from gateway.settings import GatewaySettings
from kit.embedded import EmbeddedNats

PROBLEM = "application/problem+json"


@pytest.fixture
async def gateway(nats_server: EmbeddedNats, nc: Client) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(GatewaySettings(nats_url=nats_server.url, rpc_timeout_s=0.5))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        yield client


async def test_a_service_that_does_not_answer_in_time_is_a_504(gateway: httpx.AsyncClient,
                                                                nc: Client) -> None:
    async def silent(msg: Msg) -> None:
        return None  # takes the request, never replies

    await nc.subscribe("rpc.feed.list_communities", cb=silent)
    await nc.flush()
    reply = await gateway.get("/v1/communities")
    assert reply.status_code == 504 and reply.headers["content-type"] == PROBLEM


async def test_a_service_that_is_not_running_is_a_503(gateway: httpx.AsyncClient) -> None:
    reply = await gateway.get("/v1/communities")
    assert reply.status_code == 503 and reply.headers["content-type"] == PROBLEM
    assert reply.headers["retry-after"]
    ready = await gateway.get("/ready")
    assert ready.status_code == 503 and ready.json()["feed"] is False


async def test_nats_gone_is_a_503_and_not_ready(gateway: httpx.AsyncClient,
                                                nats_server: EmbeddedNats) -> None:
    nats_server.kill()
    reply = await gateway.get("/v1/feed")
    assert reply.status_code == 503 and reply.json()["status"] == 503
    assert (await gateway.get("/ready")).json()["nats"] is False
    assert (await gateway.get("/health")).status_code == 200
