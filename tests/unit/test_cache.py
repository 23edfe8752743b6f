"""The gateway's micro-cache stays within its bounds, whatever is thrown at it."""

import itertools

from starlette.requests import Request
from starlette.responses import Response

from gateway.cache import MicroCache


def request(query: str = "") -> Request:
    return Request({"type": "http", "method": "GET", "path": "/v1/feed", "headers": [],
                    "query_string": query.encode()})


async def test_made_up_query_strings_share_the_routes_one_entry() -> None:
    cache, calls = MicroCache(ttl_s=60), itertools.count()

    async def fetch() -> Response:
        next(calls)
        return Response(b"page")

    for n in range(400):
        await cache.serve(request(f"community=hiv&junk{n}=x"), fetch, "en", {"community": "hiv"})
    assert len(cache) == 1 and next(calls) == 1


async def test_entries_and_bytes_are_bounded_and_expired_ones_dropped() -> None:
    cache = MicroCache(ttl_s=60, max_entries=50, max_bytes=64 * 1024)

    async def fetch() -> Response:
        return Response(b"x" * 3000)

    for n in range(500):
        await cache.serve(request(), fetch, "en", {"cursor": str(n)})
        assert len(cache) <= 50 and cache.size <= 64 * 1024
    assert cache.size == len(cache) * 3000 == 21 * 3000

    expired = MicroCache(ttl_s=1e-6)  # each entry has expired by the next store
    for n in range(100):
        await expired.serve(request(), fetch, "en", {"cursor": str(n)})
    assert len(expired) <= 1


async def test_a_page_too_big_to_hold_is_served_not_kept() -> None:
    cache = MicroCache(ttl_s=60, max_bytes=16 * 1024)

    async def fetch() -> Response:
        return Response(b"x" * 2048)

    reply = await cache.serve(request(), fetch, "en", {})
    assert reply.status_code == 200 and len(cache) == 0
