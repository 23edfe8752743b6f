"""A micro-cache for public reads: the same page for everyone, kept for about a second.

A burst of readers (a post going round a WhatsApp group) costs the feed one query per
second, not one per reader; concurrent misses share one call. Clients may skip it with
`Cache-Control: no-cache`, and revalidate with `If-None-Match` (304, no body: cheap
phones on metered data are the point).
"""

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

Fetch = Callable[[], Awaitable[Response]]


class MicroCache:
    def __init__(self, ttl_s: float = 1.0, max_entries: int = 5_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Response, str]] = OrderedDict()
        self._inflight: dict[str, asyncio.Future[tuple[Response, str]]] = {}

    async def serve(self, request: Request, fetch: Fetch, language: str) -> Response:
        """The cached reply for this request's path, query and language, or a fresh one."""
        if self.ttl_s <= 0 or "no-cache" in request.headers.get("cache-control", ""):
            return await fetch()
        key = f"{language}|{request.url.path}?{request.url.query}"
        response, etag = await self._lookup(key, fetch)
        if response.status_code != 200:
            return response
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=self._headers(etag))
        return Response(response.body, media_type=response.media_type,
                        headers=self._headers(etag))

    async def _lookup(self, key: str, fetch: Fetch) -> tuple[Response, str]:
        entry = self._entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1], entry[2]
        if key in self._inflight:
            return await asyncio.shield(self._inflight[key])
        future: asyncio.Future[tuple[Response, str]] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await fetch()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as error:
            future.set_exception(error)
            future.exception()  # marked as seen: waiters, if any, still get it
            raise
        finally:
            del self._inflight[key]
        etag = '"' + hashlib.blake2b(bytes(response.body), digest_size=12).hexdigest() + '"'
        if response.status_code == 200:
            self._store(key, response, etag)
        future.set_result((response, etag))
        return response, etag

    def _store(self, key: str, response: Response, etag: str) -> None:
        self._entries[key] = (time.monotonic() + self.ttl_s, response, etag)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def _headers(self, etag: str) -> dict[str, str]:
        return {"ETag": etag, "Cache-Control": f"public, max-age={max(1, round(self.ttl_s))}"}
