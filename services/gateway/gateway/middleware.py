"""ASGI middleware at the edge: header and body limits, correlation id and metrics.

A body longer than the limit is a 413, whether its length is declared or it comes in
chunks (read here, up to the limit, before the app sees it); more headers than a client
sends, or longer ones, are a 431.
"""

import re
import time
from collections.abc import Mapping, MutableMapping
from typing import Any
from uuid import uuid4

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import language_of, problem_response
from kit.metrics import HTTP_REQUESTS, HTTP_SECONDS

MAX_HEADERS = 100
MAX_HEADER_BYTES = 16 * 1024  # all names and values together; a long token is ~1 KB


class BodyLimits:
    """The body limit of each path: the default, or the limit of the first upload route
    whose path (a route's template, `{name}` standing for one segment) matches it."""

    def __init__(self, default: int, large: Mapping[str, int] | None = None) -> None:
        self.default = default
        self.patterns = [(re.compile(_pattern(path)), limit)
                         for path, limit in (large or {}).items()]

    def of(self, path: str) -> int:
        return next((limit for pattern, limit in self.patterns if pattern.fullmatch(path)),
                    self.default)


def _pattern(template: str) -> str:
    """A route template as a regular expression: `{name}` is one segment, the rest as is."""
    parts = re.split(r"\{[a-z_][a-z0-9_]*\}", template)
    return "[^/]+".join(re.escape(part) for part in parts)


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int,
                 large_bodies: Mapping[str, int] | None = None) -> None:
        self.app = app
        # Upload routes (path templates) -> their own limit; every other path the default.
        self.limits = BodyLimits(max_body_bytes, large_bodies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope["headers"]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in raw}
        correlation_id = headers.get("x-request-id", "")[:64] or uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        language = language_of(headers.get("accept-language"))
        if len(raw) > MAX_HEADERS or sum(len(k) + len(v) for k, v in raw) > MAX_HEADER_BYTES:
            await problem_response(431, f"at most {MAX_HEADERS} headers of "
                                   f"{MAX_HEADER_BYTES} bytes in all", language=language)(
                scope, receive, send)
            return
        length = headers.get("content-length")
        chunked = length is None and "chunked" in headers.get("transfer-encoding", "")
        limit = self.limits.of(scope["path"])
        if (length is not None and (not length.isdigit() or int(length) > limit)):
            await self._too_large(scope, receive, send, language, limit)
            return
        if chunked:
            body = await self._read_up_to_limit(receive, limit)
            if body is None:
                await self._too_large(scope, receive, send, language, limit)
                return
            receive = _replay(body)
        started = time.perf_counter()
        status = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", []).append(
                    (b"x-request-id", correlation_id.encode()))
            await send(message)

        # The server span itself is FastAPI's (it continues a caller's traceparent).
        await self.app(scope, receive, send_with_id)
        route = _route_path(scope)
        HTTP_REQUESTS.labels(scope["method"], route, str(status["code"])).inc()
        HTTP_SECONDS.labels(scope["method"], route).observe(time.perf_counter() - started)


    async def _read_up_to_limit(self, receive: Receive, limit: int) -> bytes | None:
        """A chunked body, whole; None as soon as it is longer than the limit."""
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send,
                         language: str, limit: int) -> None:
        await problem_response(413, f"the body may be at most {limit} bytes",
                               language=language)(scope, receive, send)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _route_path(scope: MutableMapping[str, Any]) -> str:
    route = scope.get("route")
    return getattr(route, "path", "unmatched")
