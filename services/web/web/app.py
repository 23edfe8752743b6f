"""The web app: Starlette, server-rendered pages, a client of the public API."""

import contextlib
from collections.abc import AsyncIterator
from importlib.resources import files

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kit.logging import get_logger
from web.api import Api
from web.edge import ERROR_PAGES, SessionMiddleware
from web.pages import (
    account,
    assistance,
    cases,
    community,
    listings,
    mine,
    moderation,
    monitoring,
    notifications,
    policy,
    posts,
    provider_console,
    providers,
    questions,
    reports,
    schemes,
    search,
    survey_exports,
    surveys,
    telling,
    vetting,
    voices,
)
from web.render import page
from web.session_store import NatsSessionStore, Sessions, SessionStore
from web.settings import WebSettings, session_key

log = get_logger(__name__)
PAGES = (*account.ROUTES, *community.ROUTES, *posts.ROUTES, *reports.ROUTES, *cases.ROUTES,
         *monitoring.ROUTES, *vetting.ROUTES, *mine.ROUTES, *moderation.ROUTES,
         *questions.ROUTES, *schemes.ROUTES, *notifications.ROUTES, *search.ROUTES,
         *listings.ROUTES, *policy.ROUTES, *providers.ROUTES,
         *provider_console.ROUTES, *surveys.ROUTES, *survey_exports.ROUTES,
         *assistance.ROUTES, *telling.ROUTES,
         *voices.ROUTES)


async def health(_: Request) -> Response:
    return Response('{"status":"ok"}', media_type="application/json")


async def not_found(request: Request, _: Exception) -> Response:
    if not hasattr(request.state, "session"):  # a static file: no page around it
        return PlainTextResponse("not found", status_code=404)
    return page(request, "error.html", 404, heading="error.not_found", detail=None)


async def failed(request: Request, error: Exception) -> Response:
    """Our own fault: logged by its kind and path only, a plain page for the user."""
    log.error("web_failed", error=type(error).__name__, path=request.url.path, exc_info=True)
    if not hasattr(request.state, "session"):
        return PlainTextResponse("internal error", status_code=500)
    return page(request, "error.html", 500, heading="error.api", detail=None)


def create_app(settings: WebSettings, transport: httpx.AsyncBaseTransport | None = None,
               store: SessionStore | None = None) -> Starlette:
    """The app, calling the gateway at `settings.gateway_url` (through `transport` in tests),
    its sessions in the NATS bucket every replica shares (or in `store`)."""
    if store is None:
        store = NatsSessionStore(settings.nats_url, settings.session_idle_s,
                                 session_key(settings), settings.nats_stream_replicas)
    sessions = Sessions(store, session_key(settings))
    client = httpx.AsyncClient(base_url=settings.gateway_url, transport=transport,
                               timeout=settings.api_timeout_s)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await sessions.open()
        try:
            yield
        finally:
            await client.aclose()
            await sessions.close()

    static = StaticFiles(directory=str(files("web") / "static"))
    app = Starlette(
        routes=[*PAGES, Route("/health", health), Mount("/static", static, name="static")],
        middleware=[Middleware(SessionMiddleware, sessions=sessions,
                               secure=settings.production)],
        exception_handlers={**ERROR_PAGES, 404: not_found, Exception: failed}, lifespan=lifespan)
    app.state.settings, app.state.sessions = settings, sessions
    app.state.api = Api(client, sessions)
    return app
