"""A fake gateway (httpx MockTransport) behind the web app, and a browser-like client."""

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from web.app import create_app
from web.session_store import InMemorySessionStore
from web.settings import WebSettings

from .pages import csrf_token

Handler = Callable[[httpx.Request], httpx.Response]
ALL_ROLES = ["patient", "pv_officer", "regulator_liaison", "admin"]


@dataclass
class FakeGateway:
    """Answers by (method, path); records every request it was sent."""

    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    sent: list[httpx.Request] = field(default_factory=list)
    roles: list[str] = field(default_factory=lambda: list(ALL_ROLES))
    preferred_language: str = "en"
    issued: int = 0

    def __post_init__(self) -> None:
        self.on("POST", "/v1/auth/token", lambda _: self.tokens())
        self.on("POST", "/v1/auth/refresh", lambda _: self.tokens())
        self.on("POST", "/v1/auth/logout", lambda _: httpx.Response(
            200, json={"status": "signed_out"}))
        self.on("GET", "/v1/me", lambda _: httpx.Response(200, json={
            "user_id": str(uuid.uuid4()), "display_name": "Asha", "roles": self.roles,
            "verified": False, "preferred_language": self.preferred_language}))

    def on(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def tokens(self, expires_in: int = 900) -> httpx.Response:
        self.issued += 1
        return httpx.Response(200, json={
            "access_token": f"access-{self.issued}", "refresh_token": f"refresh-{self.issued}",
            "token_type": "bearer", "expires_in": expires_in})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            return httpx.Response(404, json={"title": "Not found", "status": 404},
                                  headers={"content-type": "application/problem+json"})
        return handler(request)

    @staticmethod
    def problem(status: int, errors: list[dict[str, str]] | None = None,
                detail: str = "some fields are missing or wrong") -> httpx.Response:
        body: dict[str, Any] = {"type": "about:blank", "title": "Invalid request",
                                "status": status, "detail": detail}
        if errors:
            body["errors"] = errors
        return httpx.Response(status, json=body,
                              headers={"content-type": "application/problem+json"})

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.sent if (r.method, r.url.path) == (method, path)]


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def settings() -> WebSettings:
    return WebSettings(gateway_url="http://gateway.test")


@pytest.fixture
async def browser(gateway: FakeGateway,
                  settings: WebSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the web app that keeps its cookies, as a browser does."""
    app = create_app(settings, transport=httpx.MockTransport(gateway.handle),
                     store=InMemorySessionStore(settings.session_idle_s))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://web.test") as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def csrf_of() -> Callable[..., Any]:
    """`await csrf_of(client, path)`: the CSRF token of the page's forms."""
    return csrf_token


@pytest.fixture
async def signed_in(browser: httpx.AsyncClient) -> httpx.AsyncClient:
    """The browser, signed in (as a user holding every role the console knows)."""
    reply = await browser.post("/signin", data={
        "username": "asha@example.in", "password": "a-long-password-1",
        "csrf_token": await csrf_token(browser)})
    assert reply.status_code == 303, reply.text
    return browser
