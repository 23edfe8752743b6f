"""Two replicas of the web app (two app instances, each with its own store and NATS
connection, as the web account) sharing their sessions through one real NATS: a sign-in
on one is a sign-in on the other, an expired token is refreshed once for both, an idle
session is forgotten, and NATS away is a 503 page until it is back."""

import asyncio
import contextlib
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from contracts.subjects import WEB_SESSIONS_BUCKET
from kit import bus
from kit.embedded import EmbeddedNats
from kit.keyvalue import open_bucket
from tests.overlap import Overlap
from tests.platform import eventually
from web.app import create_app
from web.sessions import COOKIE, Session
from web.settings import WebSettings

from .replicas import two_replicas

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Gateway(httpx.AsyncBaseTransport):
    """The API's token routes and one page's, its refresh held by `overlap` when set (so
    that concurrent requests overlap in it); counts the refreshes."""

    def __init__(self) -> None:
        self.issued = 0
        self.refreshed: list[bytes] = []
        self.bearers: list[str] = []
        self.overlap: Overlap | None = None

    def tokens(self) -> httpx.Response:
        self.issued += 1
        return httpx.Response(200, json={
            "access_token": f"access-{self.issued}", "refresh_token": f"refresh-{self.issued}",
            "token_type": "bearer", "expires_in": 900})

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/auth/token":
            return self.tokens()
        if path == "/v1/auth/refresh":
            self.refreshed.append(await request.aread())
            if self.overlap is not None:
                await self.overlap.held()  # until the other requests wait on its claim
            return self.tokens()
        if path == "/v1/auth/logout":
            return httpx.Response(200, json={"status": "signed_out"})
        if path == "/v1/me":
            return httpx.Response(200, json={
                "user_id": "7b0e1c52-95a4-4a5c-9d0b-0b8d0b1e6a11", "display_name": "Asha",
                "roles": ["patient"], "verified": False, "preferred_language": "en"})
        if path == "/v1/me/adr-reports":
            self.bearers.append(request.headers["authorization"])
            return httpx.Response(200, json={"items": [], "next_cursor": None})
        return httpx.Response(404, json={"title": "Not found", "status": 404})


@pytest.fixture
def nats(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """NATS with every account and its permissions, the web app's among them."""
    server = EmbeddedNats(tmp_path / "nats", users={
        account: secrets.token_urlsafe(16) for account in bus.ACCOUNTS}).start()
    yield server
    server.stop()


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


def replicas(nats: EmbeddedNats, gateway: Gateway, idle_s: int = 3600,
             ) -> contextlib.AbstractAsyncContextManager[list[httpx.AsyncClient]]:
    return two_replicas(WebSettings(gateway_url="http://gateway.test",
                                    nats_url=nats.url_for("web"), session_idle_s=idle_s),
                        gateway)


@pytest.fixture
async def two(nats: EmbeddedNats, gateway: Gateway) -> AsyncIterator[list[httpx.AsyncClient]]:
    async with replicas(nats, gateway) as clients:
        yield clients


async def sign_in(one: httpx.AsyncClient, other: httpx.AsyncClient) -> None:
    """Signed in through `one`; `other` (another browser tab, on the other replica) given
    the same cookie, as the edge would send it there."""
    page = await one.get("/signin")
    token = CSRF.search(page.text)
    assert token, page.text
    reply = await one.post("/signin", data={"username": "asha@example.in", "password": "pw",
                                            "csrf_token": token.group(1)})
    assert reply.status_code == 303, reply.text
    other.cookies.set(COOKIE, one.cookies[COOKIE])


async def test_signed_in_on_one_replica_signed_in_on_the_other_and_out_of_both(
        two: list[httpx.AsyncClient], gateway: Gateway) -> None:
    a, b = two
    await sign_in(a, b)
    assert (await b.get("/my/reports")).status_code == 200
    assert gateway.bearers == ["Bearer access-1"]
    page = await b.get("/my/reports")
    token = CSRF.search(page.text)
    assert token
    assert (await b.post("/signout", data={"csrf_token": token.group(1)})).status_code == 303
    reply = await a.get("/my/reports")  # the old id, on the other replica
    assert reply.status_code == 303 and reply.headers["location"].startswith("/signin")


async def test_an_expired_token_found_by_both_replicas_at_once_is_refreshed_once(
        two: list[httpx.AsyncClient], gateway: Gateway) -> None:
    a, b = two
    await sign_in(a, b)

    def expired(session: Session) -> Session:
        assert session.tokens is not None
        session.tokens.expires_at = 0
        return session

    sessions = a.app.state.sessions  # type: ignore[attr-defined]
    assert await sessions.update(a.cookies[COOKIE], expired) is not None
    gateway.overlap = Overlap(3)  # the refresh waits for the three other requests
    for client in (a, b):
        gateway.overlap.watch(client.app.state.sessions.store, "load",  # type: ignore[attr-defined]
                              lambda found: found is not None and found.refreshing is not None)
    replies = await asyncio.gather(*(c.get("/my/reports") for c in (a, b, a, b)))
    assert [r.status_code for r in replies] == [200] * 4
    assert gateway.refreshed == [b'{"refresh_token":"refresh-1"}']
    assert set(gateway.bearers) == {"Bearer access-2"}
    assert (await b.get("/my/reports")).status_code == 200  # still the new tokens
    assert len(gateway.refreshed) == 1


async def test_a_session_unused_for_the_idle_time_is_forgotten(
        nats: EmbeddedNats, gateway: Gateway) -> None:
    async with replicas(nats, gateway, idle_s=2) as (a, b):
        await sign_in(a, b)
        assert (await b.get("/my/reports")).status_code == 200

        async def forgotten() -> bool:
            sessions = a.app.state.sessions  # type: ignore[attr-defined]
            return await sessions.get(a.cookies[COOKIE]) is None

        await eventually(forgotten, timeout=10)
        reply = await b.get("/my/reports")
        assert reply.status_code == 303 and reply.headers["location"].startswith("/signin")


async def test_nats_away_is_a_503_page_and_the_session_is_back_with_it(
        two: list[httpx.AsyncClient], gateway: Gateway, nats: EmbeddedNats) -> None:
    a, b = two
    await sign_in(a, b)
    nats.stop()
    reply = await b.get("/my/reports")
    assert reply.status_code == 503 and "try again in a minute" in reply.text
    assert reply.headers["retry-after"] == "10"
    nats.start()  # the same port and data: the connections come back by themselves

    async def back() -> bool:
        return (await b.get("/my/reports")).status_code == 200

    await eventually(back, timeout=20)
    assert (await a.get("/my/reports")).status_code == 200  # still signed in, on both


async def test_a_new_idle_time_is_the_buckets_new_ttl(nats: EmbeddedNats) -> None:
    for idle_s in (3600, 600):
        bucket = await open_bucket(nats.url_for("web"), "web", WEB_SESSIONS_BUCKET, idle_s)
        await bucket.close()
    nc = await bus.connect(nats.url, "tests-bucket")
    try:
        info = await nc.jetstream().stream_info(f"KV_{WEB_SESSIONS_BUCKET}")
    finally:
        await nc.close()
    assert info.config.max_age == 600 and info.config.max_msgs_per_subject == 1


async def test_the_bucket_holds_neither_the_cookie_s_id_nor_the_tokens(
        two: list[httpx.AsyncClient], nats: EmbeddedNats) -> None:
    """Whoever reads the bucket (NATS's operators, a copy of its disk) can neither follow a
    session nor use its tokens; a replica given another key finds no session there."""
    a, b = two
    await sign_in(a, b)
    session_id = a.cookies[COOKIE]
    nc = await bus.connect(nats.url, "tests-bucket")
    try:
        kv = await nc.jetstream().key_value(WEB_SESSIONS_BUCKET)
        names = await kv.keys()
        values = [(await kv.get(name)).value or b"" for name in names]
    finally:
        await nc.close()
    assert names and session_id not in names
    for value in values:
        assert b"access-1" not in value and b"refresh-1" not in value
        assert b"Asha" not in value and session_id.encode() not in value
    other = create_app(WebSettings(gateway_url="http://gateway.test",
                                   nats_url=nats.url_for("web")))  # a key of its own
    await other.state.sessions.open()
    try:
        assert await other.state.sessions.get(session_id) is None
    finally:
        await other.state.sessions.close()
