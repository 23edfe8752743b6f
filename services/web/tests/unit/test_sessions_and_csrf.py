"""Tokens stay on the server; every form needs the session's CSRF token."""

import base64
import os
import uuid
from typing import Any

import httpx
from starlette.routing import Route

from web.session_store import InMemorySessionStore
from web.sessions import COOKIE, Session


async def expire_tokens(client: httpx.AsyncClient) -> None:
    """The signed-in session's access token, expired in the store."""
    sessions = client.app.state.sessions  # type: ignore[attr-defined]

    def expired(session: Session) -> Session:
        assert session.tokens is not None
        session.tokens.expires_at = 0
        return session

    assert await sessions.update(client.cookies[COOKIE], expired) is not None


async def test_signing_in_keeps_the_tokens_server_side_under_a_new_session_id(
        browser: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    token = await csrf_of(browser)
    before = browser.cookies[COOKIE]
    reply = await browser.post("/signin", data={"username": "asha@example.in",
                                                "password": "pw", "csrf_token": token})
    assert reply.status_code == 303 and reply.headers["location"] == "/console/cases"
    cookie = reply.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()
    assert browser.cookies[COOKIE] != before  # no fixation
    assert "access-1" not in cookie and "refresh-1" not in cookie
    assert gateway.calls("GET", "/v1/me")[0].headers["authorization"] == "Bearer access-1"


KEY = base64.b64encode(os.urandom(32)).decode()


async def test_the_cookie_is_secure_in_production(gateway: Any) -> None:
    from web.app import create_app
    from web.settings import WebSettings
    app = create_app(WebSettings(production=True, web_session_key=KEY),
                     transport=httpx.MockTransport(gateway.handle),
                     store=InMemorySessionStore(3600))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://web.test") as client:
        cookie = (await client.get("/signin")).headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie


async def test_a_form_without_the_sessions_csrf_token_is_refused(
        browser: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    await csrf_of(browser)
    for token in ({}, {"csrf_token": "forged"}):
        reply = await browser.post("/signin", data={"username": "a", "password": "b", **token})
        assert reply.status_code == 403 and "This form has expired" in reply.text
    assert gateway.calls("POST", "/v1/auth/token") == []


async def test_every_form_of_the_app_checks_the_csrf_token(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    posts = [r for r in signed_in.app.routes  # type: ignore[attr-defined]
             if isinstance(r, Route) and "POST" in (r.methods or ())]
    assert len(posts) >= 12
    before = len(gateway.sent)
    for route in posts:
        path = route.path
        for name in route.param_convertors:
            path = path.replace(f"{{{name}:uuid}}", str(uuid.uuid4()))
        reply = await signed_in.post(path, data={"csrf_token": "stale"})
        assert reply.status_code == 403, path
    assert len(gateway.sent) == before  # nothing reached the API


async def test_an_expired_access_token_is_refreshed_once(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("POST", "/v1/auth/refresh", lambda _: gateway.tokens())
    gateway.on("GET", "/v1/me/adr-reports",
               lambda _: httpx.Response(200, json={"items": [], "next_cursor": None}))
    await expire_tokens(signed_in)
    assert (await signed_in.get("/my/reports")).status_code == 200
    [refresh] = gateway.calls("POST", "/v1/auth/refresh")
    assert refresh.read() == b'{"refresh_token":"refresh-1"}'
    assert gateway.calls("GET", "/v1/me/adr-reports")[0].headers["authorization"] == (
        "Bearer access-2")


async def test_a_refused_refresh_signs_the_user_out(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", "/v1/me/adr-reports", lambda _: gateway.problem(401))
    gateway.on("POST", "/v1/auth/refresh", lambda _: gateway.problem(401))
    reply = await signed_in.get("/my/reports")
    assert reply.status_code == 303 and reply.headers["location"] == "/signin?next=/my/reports"
    assert (await signed_in.get("/my/reports")).headers["location"].startswith("/signin")


async def test_signing_out_revokes_the_refresh_token_and_forgets_the_session(
        signed_in: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    reply = await signed_in.post("/signout", data={"csrf_token": await csrf_of(signed_in, "/")})
    assert reply.status_code == 303
    [logout] = gateway.calls("POST", "/v1/auth/logout")
    assert logout.read() == b'{"refresh_token":"refresh-1"}'
    assert (await signed_in.get("/report")).headers["location"] == "/signin?next=/report"


async def test_after_signing_in_only_a_path_of_this_site_is_followed(
        browser: httpx.AsyncClient, csrf_of: Any) -> None:
    for target, expected in (("//evil.example/x", "/console/cases"),
                             ("https://evil.example", "/console/cases"),
                             ("/my/reports", "/my/reports")):
        reply = await browser.post("/signin", data={
            "username": "a", "password": "b", "next": target,
            "csrf_token": await csrf_of(browser)})
        assert reply.headers["location"] == expected


async def test_a_refused_sign_in_says_why_and_keeps_no_password(
        browser: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    gateway.on("POST", "/v1/auth/token", lambda _: httpx.Response(401, json={
        "title": "गलत उपयोगकर्ता नाम या पासवर्ड", "status": 401,
        "detail": "wrong username or password"}))
    reply = await browser.post("/signin", data={
        "username": "asha@example.in", "password": "not-my-password",
        "csrf_token": await csrf_of(browser)}, headers={"Accept-Language": "hi"})
    assert reply.status_code == 400 and COOKIE in browser.cookies
    assert "गलत उपयोगकर्ता नाम या पासवर्ड — wrong username or password" in reply.text
    assert 'value="asha@example.in"' in reply.text and "not-my-password" not in reply.text
    assert gateway.calls("GET", "/v1/me") == []


async def test_the_users_preferred_language_is_the_uis_unless_they_chose_one(
        browser: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    gateway.preferred_language = "hi"
    await browser.post("/signin", data={"username": "a", "password": "b",
                                        "csrf_token": await csrf_of(browser)})
    assert '<html lang="hi">' in (await browser.get("/signin")).text
    await browser.post("/language", data={"language": "en",
                                          "csrf_token": await csrf_of(browser)})
    await browser.post("/signin", data={"username": "a", "password": "b",
                                        "csrf_token": await csrf_of(browser)})
    assert '<html lang="en">' in (await browser.get("/signin")).text
