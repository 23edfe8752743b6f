"""The gateway's answers when services are slow, absent, or NATS is gone; its cache."""

import asyncio
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


@pytest.fixture
async def cached_gateway(nats_server: EmbeddedNats) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(GatewaySettings(nats_url=nats_server.url, public_cache_ttl_s=30))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        yield client


async def test_public_reads_are_micro_cached_and_revalidated(
        cached_gateway: httpx.AsyncClient, nc: Client) -> None:
    calls: list[bytes] = []

    async def feed_service(msg: Msg) -> None:
        calls.append(msg.data)
        await nc.publish(msg.reply, b'{"items": [], "next_cursor": null}',
                         headers={"Pu-Status": "200"})

    await nc.subscribe("rpc.feed.get_feed", cb=feed_service)
    await nc.flush()
    first, second = await asyncio.gather(cached_gateway.get("/v1/feed?community=hiv"),
                                         cached_gateway.get("/v1/feed?community=hiv"))
    assert first.status_code == second.status_code == 200 and len(calls) == 1
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = await cached_gateway.get("/v1/feed?community=hiv", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and len(calls) == 1
    await cached_gateway.get("/v1/feed?community=cancer")
    await cached_gateway.get("/v1/feed?community=hiv", headers={"Cache-Control": "no-cache"})
    assert len(calls) == 3


async def test_cors_allows_only_the_configured_origins(nats_server: EmbeddedNats) -> None:
    app = create_app(GatewaySettings(nats_url=nats_server.url,
                                     cors_origins=["https://app.patientsunion.in"]))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        preflight = {"Access-Control-Request-Method": "POST"}
        allowed = await client.options("/v1/posts", headers={
            **preflight, "Origin": "https://app.patientsunion.in"})
        refused = await client.options("/v1/posts", headers={
            **preflight, "Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.patientsunion.in"
    assert "access-control-allow-origin" not in refused.headers


async def chunks(size: int, piece: int = 16 * 1024) -> AsyncIterator[bytes]:
    body = b'{"community": "common", "body": "' + b"x" * size + b'"}'
    for start in range(0, len(body), piece):
        yield body[start:start + piece]


async def test_a_chunked_body_over_the_limit_is_a_413_and_under_it_goes_through(
        gateway: httpx.AsyncClient) -> None:
    big = await gateway.post("/v1/posts", content=chunks(300_000))
    assert big.status_code == 413 and big.headers["content-type"] == PROBLEM
    small = await gateway.post("/v1/posts", content=chunks(100))
    assert small.status_code == 401  # read whole and passed on: signing in comes next


async def test_header_floods_are_a_431(gateway: httpx.AsyncClient) -> None:
    many = [(f"x-h{n}", "1") for n in range(5_000)]
    flooded = await gateway.get("/v1/communities", headers=many)
    assert flooded.status_code == 431 and flooded.headers["content-type"] == PROBLEM
    long = await gateway.get("/v1/communities", headers={"x-long": "a" * 100_000})
    assert long.status_code == 431
