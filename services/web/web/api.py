"""The public API, called over HTTP with the signed-in user's token, refreshed as needed."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from web.problems import Problem
from web.sessions import Session, Tokens


class SignedOutError(Exception):
    """The session's tokens are gone or no longer accepted: sign in again."""


class UnavailableError(Exception):
    """The API cannot be reached or did not answer in time."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # the JSON body, or None
    content: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def problem(self) -> Problem:
        return Problem.from_reply(self.status, self.body)


class Api:
    """One HTTP client for every user; each call carries its session's access token."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(self, method: str, path: str, session: Session | None = None, *,
                   language: str = "en", **kwargs: Any) -> Reply:
        """The API's reply; a session whose token was refused once is refreshed and the
        call made again, and a session that cannot be refreshed raises SignedOutError."""
        if session is not None and session.tokens is not None and session.tokens.expired:
            await self.refresh(session)
        reply = await self._send(method, path, session, language, kwargs)
        if reply.status == 401 and session is not None and session.tokens is not None:
            await self.refresh(session)
            reply = await self._send(method, path, session, language, kwargs)
        return reply

    async def stream(self, path: str, session: Session | None, *, language: str = "en",
                     params: Mapping[str, str] | None = None,
                     headers: Mapping[str, str] | None = None) -> httpx.Response:
        """A GET whose body is read as it comes (a voice note, a report): the open response,
        for the caller to close; refreshed as `call` is. Sent without compression, so that
        byte ranges and lengths are the file's own."""
        if session is not None and session.tokens is not None and session.tokens.expired:
            await self.refresh(session)
        response = await self._open(path, session, language, params, headers)
        if response.status_code == 401 and session is not None and session.tokens is not None:
            await response.aclose()
            await self.refresh(session)
            response = await self._open(path, session, language, params, headers)
        return response

    async def _open(self, path: str, session: Session | None, language: str,
                    params: Mapping[str, str] | None,
                    headers: Mapping[str, str] | None) -> httpx.Response:
        sent = {"Accept-Language": language, "Accept-Encoding": "identity", **(headers or {})}
        if session is not None and session.tokens is not None:
            sent["Authorization"] = f"Bearer {session.tokens.access}"
        request = self.client.build_request("GET", path, params=params, headers=sent)
        try:
            return await self.client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise UnavailableError(type(error).__name__) from error

    async def refresh(self, session: Session) -> None:
        """A new token pair, once for concurrent callers (a refresh token used twice ends
        every session of the user)."""
        used = session.tokens
        async with session.refreshing:
            if session.tokens is not used:
                return  # another request refreshed meanwhile
            if used is None:
                raise SignedOutError
            reply = await self._send("POST", "/v1/auth/refresh", None, "en",
                                     {"json": {"refresh_token": used.refresh}})
            if not reply.ok:
                session.tokens, session.user = None, None
                raise SignedOutError
            session.tokens = Tokens.issued(reply.body)

    async def _send(self, method: str, path: str, session: Session | None, language: str,
                    kwargs: dict[str, Any]) -> Reply:
        options = {k: v for k, v in kwargs.items() if k != "headers"}
        headers = {"Accept-Language": language, **kwargs.get("headers", {})}
        if session is not None and session.tokens is not None:
            headers["Authorization"] = f"Bearer {session.tokens.access}"
        try:
            response = await self.client.request(method, path, headers=headers, **options)
        except httpx.HTTPError as error:
            raise UnavailableError(type(error).__name__) from error
        kind = response.headers.get("content-type", "")
        body = response.json() if "json" in kind and response.content else None
        return Reply(response.status_code, body, response.content, kind, response.headers)
