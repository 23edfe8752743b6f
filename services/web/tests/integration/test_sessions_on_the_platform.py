"""Two web app instances (each its own store and NATS connection, as the web account)
against the real platform: its gateway and identity, whose refresh tokens rotate and whose
reuse of one ends the user's sessions. Both finding the token expired at once refresh it
once: the user stays signed in on both, through a second refresh too."""

import asyncio
import contextlib
import re
import uuid

import httpx

from tests.platform import Platform, register
from web.sessions import COOKIE, Session
from web.settings import WebSettings

from .replicas import two_replicas

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a-long-password-1"


class Counting(httpx.AsyncBaseTransport):
    """The real gateway over HTTP, counting the refreshes sent to it."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.refreshes = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/auth/refresh":
            self.refreshes += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def replicas(platform: Platform, gateway: Counting,
             ) -> contextlib.AbstractAsyncContextManager[list[httpx.AsyncClient]]:
    return two_replicas(WebSettings(gateway_url=platform.url,
                                    nats_url=platform.nats.url_for("web")), gateway)


def expired(session: Session) -> Session:
    assert session.tokens is not None
    session.tokens.expires_at = 0
    return session


async def test_both_replicas_refresh_an_expired_token_once_and_the_user_stays_signed_in(
        platform: Platform) -> None:
    email = f"asha-{uuid.uuid4().hex[:8]}@example.in"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        await register(api, email, PASSWORD, display_name="Asha")
    gateway = Counting()
    async with replicas(platform, gateway) as (a, b):
        token = CSRF.search((await a.get("/signin")).text)
        assert token
        reply = await a.post("/signin", data={"username": email, "password": PASSWORD,
                                              "csrf_token": token.group(1)})
        assert reply.status_code == 303, reply.text
        b.cookies.set(COOKIE, a.cookies[COOKIE])
        assert (await b.get("/my/reports")).status_code == 200  # signed in on the other
        sessions = a.app.state.sessions  # type: ignore[attr-defined]
        for rounds in (1, 2):  # a second refresh works only if the first spent it once
            assert await sessions.update(a.cookies[COOKIE], expired) is not None
            replies = await asyncio.gather(*(c.get("/my/reports") for c in (a, b, a, b)))
            assert [r.status_code for r in replies] == [200] * 4, rounds
            assert gateway.refreshes == rounds
        for client in (a, b):  # identity still takes the latest tokens
            reply = await client.get("/my/reports")
            assert reply.status_code == 200 and "/signin" not in reply.headers.get(
                "location", "")
    await gateway.aclose()
