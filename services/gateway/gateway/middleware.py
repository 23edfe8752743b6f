"""ASGI middleware at the edge: body size limit, correlation id and metrics."""

import time
from collections.abc import MutableMapping
from typing import Any
from uuid import uuid4

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import language_of, problem_response
from kit.metrics import HTTP_REQUESTS, HTTP_SECONDS


class BodyTooLargeError(Exception):
    pass


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        correlation_id = headers.get("x-request-id", "")[:64] or uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        language = language_of(headers.get("accept-language"))
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > self.max_body_bytes:
            await problem_response(413, f"the body may be at most {self.max_body_bytes} bytes",
                                   language=language)(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def limited_receive() -> Message:
            message = await receive()
            received = status.setdefault("received", 0) + len(message.get("body", b""))
            status["received"] = received
            if received > self.max_body_bytes:
                raise BodyTooLargeError
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", []).append(
                    (b"x-request-id", correlation_id.encode()))
            await send(message)

        # The server span itself is FastAPI's (it continues a caller's traceparent).
        try:
            await self.app(scope, limited_receive, send_with_id)
        except BodyTooLargeError:
            await problem_response(413, "the body is too large",
                                   language=language)(scope, receive, send_with_id)
        route = _route_path(scope)
        HTTP_REQUESTS.labels(scope["method"], route, str(status["code"])).inc()
        HTTP_SECONDS.labels(scope["method"], route).observe(time.perf_counter() - started)


def _route_path(scope: MutableMapping[str, Any]) -> str:
    route = scope.get("route")
    return getattr(route, "path", "unmatched")
