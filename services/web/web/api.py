"""The public API, called over HTTP with the signed-in user's token, refreshed as needed."""

import asyncio
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from web.problems import Problem
from web.session_store import Sessions
from web.sessions import Session, Tokens

# A refresh claimed by one request (any replica's) is waited for this long at most; a claim
# is taken over once older than CLAIM_S (its request died), and looked at every CLAIM_POLL_S.
CLAIM_WAIT_S = 10.0
CLAIM_S = 20.0
CLAIM_POLL_S = 0.05


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

    def __init__(self, client: httpx.AsyncClient, sessions: Sessions) -> None:
        self.client, self.sessions = client, sessions

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
        """A new token pair, asked once for every request and replica that found the old
        one expired (a refresh token used twice ends every session of the user): the one
        whose claim is written first into the shared session asks; the others wait for the
        tokens it writes there."""
        used = session.tokens
        if used is None:
            raise SignedOutError
        if session.revision and not await self._claim(session, used):
            return
        reply = await self._send("POST", "/v1/auth/refresh", None, "en",
                                 {"json": {"refresh_token": used.refresh}})
        tokens = Tokens.issued(reply.body) if reply.ok else None

        def refreshed(latest: Session) -> Session:
            latest.tokens, latest.refreshing, latest.refreshing_until = tokens, None, 0.0
            if tokens is None:
                latest.user = None
            return latest

        if session.revision:
            await self.sessions.update(session.session_id, refreshed)
        refreshed(session)
        if tokens is None:
            raise SignedOutError

    async def _claim(self, session: Session, used: Tokens) -> bool:
        """True once this request may spend `used.refresh`; False when another did and the
        session holds its tokens now."""
        claim, deadline = secrets.token_urlsafe(12), time.monotonic() + CLAIM_WAIT_S
        while True:
            latest = await self.sessions.store.load(session.session_id)
            if latest is None or latest.tokens is None:
                session.tokens, session.user = None, None
                raise SignedOutError
            if latest.tokens.refresh != used.refresh:  # refreshed meanwhile
                session.tokens = latest.tokens
                return False
            if latest.refreshing and latest.refreshing_until > time.time():
                if time.monotonic() > deadline:
                    raise UnavailableError("refresh_wait")
                await asyncio.sleep(CLAIM_POLL_S)
                continue
            latest.refreshing, latest.refreshing_until = claim, time.time() + CLAIM_S
            if await self.sessions.store.replace(latest):
                return True

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
