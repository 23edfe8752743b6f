"""The shared session store's rules, on its in-memory fake: plain JSON, compare-and-set
writes that lose neither of two concurrent requests' changes, one refresh for concurrent
requests that found the token expired, and a 503 page when the store is away."""

import asyncio
import json
from typing import Any

import httpx

from tests.overlap import Overlap
from tests.platform import eventually
from web.app import create_app
from web.session_store import InMemorySessionStore, Sessions
from web.sessions import COOKIE, Session, Tokens, User, decode, encode, state

from .pages import csrf_token
from .test_sessions_and_csrf import expire_tokens


def signed_in_session() -> Session:
    session = Session.fresh()
    session.tokens = Tokens("access-1", "refresh-1", 1_900_000_000.0)
    session.user = User("u-1", "Asha", ("patient", "moderator"), True)
    session.flash, session.told = "flash.welcome", {"status": "held", "notices": [],
                                                     "offers": []}
    session.keep_offer({"reactions": [{"description": "rash"}]})
    session.keep_offer({"medicines": [{"name": "Amoxicillin"}]})
    return session


def test_a_session_is_stored_as_plain_json_and_read_back_whole() -> None:
    session = signed_in_session()
    stored = json.loads(encode(session))
    assert stored["tokens"]["refresh"] == "refresh-1" and stored["user"]["roles"] == [
        "patient", "moderator"]
    assert "session_id" not in stored and "revision" not in stored  # the key, the store's
    read = decode(session.session_id, 7, encode(session))
    assert state(read) == state(session) and read.revision == 7
    assert list(read.offers) == list(session.offers)  # oldest first, as kept
    assert read.user is not None and read.user.has_any("moderator")


async def stored(sessions: Sessions, session: Session) -> Session:
    await sessions.save(session, None)
    found = await sessions.get(session.session_id)
    assert found is not None
    return found


async def test_two_requests_writing_at_once_keep_both_changes() -> None:
    sessions = Sessions(InMemorySessionStore(3600))
    first = await stored(sessions, signed_in_session())
    second = await sessions.get(first.session_id)
    assert second is not None
    before = state(first)
    first.unread = 4  # one request counted the notifications …
    second.flash = None  # … while another showed the flash and kept an offer
    key = second.keep_offer({"reactions": [{"description": "itching"}]})
    await sessions.save(first, before)
    await sessions.save(second, before)  # its revision is stale: merged into the latest
    latest = await sessions.get(first.session_id)
    assert latest is not None
    assert latest.unread == 4 and latest.flash is None and key in latest.offers
    assert len(latest.offers) == 3


async def test_a_flash_set_meanwhile_is_not_cleared_by_a_page_showing_the_old_one() -> None:
    sessions = Sessions(InMemorySessionStore(3600))
    session = await stored(sessions, signed_in_session())
    before = state(session)
    other = await sessions.get(session.session_id)
    assert other is not None
    other_before = state(other)
    other.flash = "flash.commented"
    await sessions.save(other, other_before)
    session.flash = None  # shown "welcome", read before "commented" was written
    await sessions.save(session, before)
    latest = await sessions.get(session.session_id)
    assert latest is not None and latest.flash == "flash.commented"


async def test_renewing_forgets_the_old_id_and_a_forged_id_finds_nothing() -> None:
    sessions = Sessions(InMemorySessionStore(3600))
    session = await stored(sessions, signed_in_session())
    renewed = await sessions.renew(session)
    assert renewed.session_id != session.session_id and renewed.tokens is None
    assert await sessions.get(session.session_id) is None
    for forged in ("", "../../etc", "a" * 200, "x.y"):
        assert await sessions.get(forged) is None


async def test_an_idle_session_is_forgotten() -> None:
    store = InMemorySessionStore(idle_s=0.05)
    sessions = Sessions(store)
    session = await stored(sessions, signed_in_session())

    async def forgotten() -> bool:
        return await sessions.get(session.session_id) is None
    await eventually(forgotten, timeout=5)


class HeldRefresh(httpx.AsyncBaseTransport):
    """The fake gateway, its refresh held until the other requests wait on its claim: the
    concurrent requests overlap in it, however loaded the machine."""

    def __init__(self, gateway: Any, overlap: Overlap) -> None:
        self.inner, self.overlap = httpx.MockTransport(gateway.handle), overlap

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/auth/refresh":
            await self.overlap.held()
        return await self.inner.handle_async_request(request)


def claimed(session: Session | None) -> bool:
    """A request read the session while another's refresh claim stands in it."""
    return session is not None and session.refreshing is not None


async def test_replicas_finding_the_token_expired_at_once_refresh_it_once(
        gateway: Any, settings: Any) -> None:
    gateway.on("GET", "/v1/me/adr-reports",
               lambda _: httpx.Response(200, json={"items": [], "next_cursor": None}))
    store = InMemorySessionStore(3600)  # shared: two app instances, as two replicas
    overlap = Overlap(3)  # the refresh waits for the three other requests
    overlap.watch(store, "load", claimed)
    apps = [create_app(settings, transport=HeldRefresh(gateway, overlap), store=store)
            for _ in range(2)]
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://web.test") for app in apps]
    for client, app in zip(clients, apps, strict=True):
        client.app = app  # type: ignore[attr-defined]
    try:
        reply = await clients[0].post("/signin", data={
            "username": "asha@example.in", "password": "pw",
            "csrf_token": await csrf_token(clients[0])})
        assert reply.status_code == 303
        clients[1].cookies.set(COOKIE, clients[0].cookies[COOKIE])
        await expire_tokens(clients[0])
        replies = await asyncio.gather(*(c.get("/my/reports") for c in (*clients, *clients)))
    finally:
        for client in clients:
            await client.aclose()
    assert [r.status_code for r in replies] == [200] * 4
    assert len(gateway.calls("POST", "/v1/auth/refresh")) == 1
    used = {r.headers["authorization"] for r in gateway.calls("GET", "/v1/me/adr-reports")}
    assert used == {"Bearer access-2"}


async def test_the_store_away_is_a_503_page_and_the_session_survives_it(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", "/v1/me/adr-reports",
               lambda _: httpx.Response(200, json={"items": [], "next_cursor": None}))
    store = signed_in.app.state.sessions.store  # type: ignore[attr-defined]
    cookie = signed_in.cookies[COOKIE]
    store.available = False
    reply = await signed_in.get("/my/reports")
    assert reply.status_code == 503 and "try again in a minute" in reply.text
    assert reply.headers["retry-after"] == "10" and "set-cookie" not in reply.headers
    store.available = True
    reply = await signed_in.get("/my/reports")
    assert reply.status_code == 200 and signed_in.cookies[COOKIE] == cookie


async def test_the_store_lost_in_the_middle_of_a_request_is_a_503_not_a_500(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    store = signed_in.app.state.sessions.store  # type: ignore[attr-defined]

    def reports(_: httpx.Request) -> httpx.Response:
        store.available = False  # gone while the page was being made
        return httpx.Response(200, json={"items": [], "next_cursor": None})

    gateway.on("GET", "/v1/me/adr-reports", reports)
    await expire_tokens(signed_in)
    gateway.on("POST", "/v1/auth/refresh", lambda _: gateway.tokens())
    reply = await signed_in.get("/my/reports")
    assert reply.status_code == 503 and "Something went wrong" not in reply.text


async def test_the_probes_and_static_files_make_no_session(browser: httpx.AsyncClient) -> None:
    store = browser.app.state.sessions.store  # type: ignore[attr-defined]
    for path in ("/health", "/static/site.css"):
        reply = await browser.get(path)
        assert reply.status_code == 200 and "set-cookie" not in reply.headers, path
    assert len(store) == 0


async def test_pages_read_signed_out_store_nothing_and_their_forms_still_work(
        browser: httpx.AsyncClient) -> None:
    """A visitor reading signed out (a crawler, a flood of cookieless requests) writes
    nothing to the bucket; their session is the cookie's id, its CSRF token the same on
    every page, until the sign-in stores it under a new id."""
    store = browser.app.state.sessions.store  # type: ignore[attr-defined]
    first = await browser.get("/signin")
    assert first.status_code == 200 and COOKIE in first.headers.get("set-cookie", "")
    token = await csrf_token(browser)
    again = await browser.get("/signin")
    assert "set-cookie" not in again.headers  # the same id, kept by the browser
    assert await csrf_token(browser) == token
    assert len(store) == 0
    cookieless = httpx.AsyncClient(transport=browser._transport, base_url="http://web.test")
    async with cookieless:
        for _ in range(5):
            assert (await cookieless.get("/signin")).status_code == 200
            cookieless.cookies.clear()
    assert len(store) == 0
    anonymous = browser.cookies[COOKIE]
    reply = await browser.post("/signin", data={
        "username": "asha@example.in", "password": "a-long-password-1", "csrf_token": token})
    assert reply.status_code == 303, reply.text
    assert len(store) == 1 and browser.cookies[COOKIE] != anonymous
    forged = await browser.post("/signout", data={"csrf_token": token})  # the old id's
    assert forged.status_code == 403
