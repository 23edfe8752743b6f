"""A micro-cache for public reads: the same page for everyone, kept for about a second.

A burst of readers (a post going round a WhatsApp group) costs the feed one query per
second, not one per reader; concurrent misses share one call. Clients may skip it with
`Cache-Control: no-cache`, and revalidate with `If-None-Match` (304, no body: cheap
phones on metered data are the point).

It is bounded by entries and by bytes, drops what has expired as it goes, and is keyed
only on the parameters the route takes, so a flood of made-up query strings costs
nothing more than one entry each, for a second, within the bounds.
"""

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response

Fetch = Callable[[], Awaitable[Response]]


class MicroCache:
    def __init__(self, ttl_s: float = 1.0, max_entries: int = 2_000,
                 max_bytes: int = 32 * 1024 * 1024) -> None:
        self.ttl_s = ttl_s
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.size = 0  # bytes of the bodies held
        # Oldest first: every entry lives ttl_s, so the front is the first to expire.
        self._entries: OrderedDict[str, tuple[float, Response, str]] = OrderedDict()
        self._inflight: dict[str, asyncio.Future[tuple[Response, str]]] = {}

    async def serve(self, request: Request, fetch: Fetch, language: str,
                    params: Mapping[str, object] | None = None) -> Response:
        """The cached reply for this path, the route's own parameters and the language, or
        a fresh one."""
        if self.ttl_s <= 0 or "no-cache" in request.headers.get("cache-control", ""):
            return await fetch()
        query = "&".join(f"{name}={value}" for name, value in sorted((params or {}).items()))
        key = f"{language}|{request.url.path}?{query}"
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

    def __len__(self) -> int:
        return len(self._entries)

    def _store(self, key: str, response: Response, etag: str) -> None:
        now, body = time.monotonic(), len(response.body)
        if body > self.max_bytes // 16:
            return  # too big to be worth holding
        self._drop(key)
        while self._entries and (next(iter(self._entries.values()))[0] <= now
                                 or len(self._entries) >= self.max_entries
                                 or self.size + body > self.max_bytes):
            self._drop(next(iter(self._entries)))
        self._entries[key] = (now + self.ttl_s, response, etag)
        self.size += body

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry[1].body)

    def _headers(self, etag: str) -> dict[str, str]:
        return {"ETag": etag, "Cache-Control": f"public, max-age={max(1, round(self.ttl_s))}"}
