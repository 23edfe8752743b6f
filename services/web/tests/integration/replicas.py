"""Two instances of the web app, as two replicas: each its own session store and NATS
connection (the web account's), served in-process, their cookies for the tests to share."""

import contextlib
from collections.abc import AsyncIterator

import httpx

from web.app import create_app
from web.settings import WebSettings


@contextlib.asynccontextmanager
async def two_replicas(settings: WebSettings, gateway: httpx.AsyncBaseTransport,
                       ) -> AsyncIterator[list[httpx.AsyncClient]]:
    """A client of each replica (`client.app` its app), both calling the API through
    `gateway`, their sessions open (the lifespan's work, which ASGITransport does not do)."""
    clients = []
    try:
        for app in [create_app(settings, transport=gateway) for _ in range(2)]:
            await app.state.sessions.open()
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                       base_url="http://web.test")
            client.app = app  # type: ignore[attr-defined]
            clients.append(client)
        yield clients
    finally:
        for client in clients:
            await client.aclose()
            await client.app.state.sessions.close()  # type: ignore[attr-defined]
