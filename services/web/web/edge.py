"""What every request goes through: its session (cookie), its language, the CSRF check of
forms, and the pages shown when the API says no or cannot be reached."""

import contextlib
import hmac
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from web.api import Api, Reply, SignedOutError, UnavailableError
from web.forms import CSRF_FIELD
from web.i18n import LANGUAGE_COOKIE, choose
from web.render import page
from web.session_store import Sessions, SessionsUnavailableError
from web.sessions import COOKIE, Session, User, state

STATIC = "/static/"
SESSIONLESS = ("/health",)  # the probes': no session made for them
# Nothing from another site, no script at all, no framing, forms only to this site.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class CsrfError(Exception):
    """A form posted without this session's CSRF token."""


class ApiFailure(Exception):
    """The API refused what a page needs (not found, forbidden, …)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class Forbidden(Exception):
    """The signed-in user's roles do not reach this page."""


class SessionMiddleware(BaseHTTPMiddleware):
    """Loads the session named by the cookie (a new one otherwise) and the language, and
    writes the request's changes to it back to the shared store."""

    def __init__(self, app: Any, sessions: Sessions, secure: bool) -> None:
        super().__init__(app)
        self.sessions, self.secure = sessions, secure

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        sessionless = request.url.path.startswith(STATIC) or request.url.path in SESSIONLESS
        response = await (call_next(request) if sessionless
                          else self.with_session(request, call_next))
        response.headers.update(SECURITY_HEADERS)
        return response

    async def with_session(self, request: Request, call_next: RequestResponseEndpoint,
                           ) -> Response:
        sent = request.cookies.get(COOKIE)
        request.state.language = choose(request.cookies.get(LANGUAGE_COOKIE),
                                        request.headers.get("accept-language"))
        try:
            loaded = await self.sessions.get(sent)
        except SessionsUnavailableError:
            return sessions_unavailable(request)
        request.state.session = loaded or self.sessions.anonymous(sent)
        before = state(loaded) if loaded else None
        if request.method == "GET":
            await self.count_unread(request)
        response = await call_next(request)
        if getattr(request.state, "sessions_unavailable", False):
            return response  # the page says so; the visitor's cookie is left as it was
        session: Session = request.state.session
        try:
            await self.sessions.save(session, before if session is loaded else None)
        except SessionsUnavailableError:
            return sessions_unavailable(request)
        if session.session_id != sent:
            response.set_cookie(COOKIE, session.session_id, httponly=True, samesite="lax",
                                secure=self.secure, path="/")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @staticmethod
    async def count_unread(request: Request) -> None:
        """The header's count of unread notifications, asked again after a few seconds;
        the page is shown without it when the API cannot say."""
        session: Session = request.state.session
        if not session.signed_in or not session.unread_stale:
            return
        session.unread_at = time.time()
        with contextlib.suppress(SignedOutError, UnavailableError, SessionsUnavailableError):
            reply = await call(request, "GET", "/v1/me/notifications",
                               params={"unread": "true", "limit": 1})
            if reply.ok and isinstance(reply.body, dict):
                session.unread = int(reply.body.get("unread_count", 0))


def sessions_unavailable(request: Request) -> Response:
    """The store of sessions is away: a page that says so (no session is read or kept)."""
    request.state.session, request.state.sessions_unavailable = Session.fresh(), True
    response = page(request, "error.html", 503, heading="error.sessions_unavailable",
                    detail=None)
    response.headers["Retry-After"] = "10"
    response.headers["Cache-Control"] = "no-store"
    return response


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


async def posted(request: Request) -> FormData:
    """The form, once its CSRF token is this session's own."""
    form = await request.form()
    token = str(form.get(CSRF_FIELD, ""))
    if not hmac.compare_digest(token.encode(), session_of(request).csrf_token.encode()):
        raise CsrfError
    return form


async def call(request: Request, method: str, path: str, **kwargs: Any) -> Reply:
    """The API, as the session's user, in the page's language."""
    api: Api = request.app.state.api
    return await api.call(method, path, session_of(request),
                          language=request.state.language, **kwargs)


async def fetch(request: Request, path: str, **kwargs: Any) -> Any:
    """A GET whose success the page needs: its JSON body, or ApiFailure."""
    reply = await call(request, "GET", path, **kwargs)
    if not reply.ok:
        raise ApiFailure(reply)
    return reply.body


# What a relayed file's reply keeps of the API's headers.
RELAYED = ("content-type", "content-length", "content-range", "accept-ranges",
           "content-disposition")


async def relay(request: Request, path: str, *, params: Mapping[str, str] | None = None,
                forward: tuple[str, ...] = (), headers: Mapping[str, str] | None = None,
                ) -> Response:
    """The API's file, streamed through as it arrives (never held whole here), with the
    request headers named in `forward` (a Range) sent on and its status (206, 416) kept;
    an API refusal is the error page."""
    api: Api = request.app.state.api
    sent = {name: request.headers[name] for name in forward if name in request.headers}
    response = await api.stream(path, session_of(request), language=request.state.language,
                                params=params, headers={**sent, **(headers or {})})
    if response.status_code >= 400 and response.status_code != 416:
        try:
            await response.aread()
        finally:
            await response.aclose()
        kind = response.headers.get("content-type", "")
        body = response.json() if "json" in kind and response.content else None
        raise ApiFailure(Reply(response.status_code, body, response.content, kind,
                               response.headers))
    kept = {name: response.headers[name] for name in RELAYED if name in response.headers}
    if "content-encoding" in response.headers:  # asked for none; decoded here otherwise
        kept.pop("content-length", None)
    return StreamingResponse(response.aiter_bytes(), status_code=response.status_code,
                             headers=kept, background=BackgroundTask(response.aclose))


def signed_in(request: Request, *roles: str) -> User:
    """The user, holding one of `roles` when any are named."""
    user = session_of(request).user
    if user is None or session_of(request).tokens is None:
        raise SignedOutError
    if roles and not user.has_any(*roles):
        raise Forbidden
    return user


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def on_signed_out(request: Request, _: Exception) -> Response:
    session_of(request).flash = "flash.sign_in_first"
    return see_other(f"/signin?next={quote(request.url.path)}")


async def on_csrf(request: Request, _: Exception) -> Response:
    return page(request, "error.html", 403, heading="error.csrf", detail=None)


async def on_forbidden(request: Request, _: Exception) -> Response:
    return page(request, "error.html", 403, heading="error.forbidden", detail=None)


async def on_unavailable(request: Request, _: Exception) -> Response:
    return page(request, "error.html", 503, heading="error.unavailable", detail=None)


async def on_sessions_unavailable(request: Request, _: Exception) -> Response:
    return sessions_unavailable(request)


async def on_api_failure(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiFailure)
    status = error.reply.status
    if status == 401:  # the token is no longer taken, even refreshed
        return await on_signed_out(request, error)
    heading = {403: "error.forbidden", 404: "error.not_found"}.get(status, "error.api")
    return page(request, "error.html", status if status >= 400 else 502, heading=heading,
                detail=error.reply.problem.detail)


ERROR_PAGES = {SignedOutError: on_signed_out, CsrfError: on_csrf, Forbidden: on_forbidden,
               UnavailableError: on_unavailable, ApiFailure: on_api_failure,
               SessionsUnavailableError: on_sessions_unavailable}
