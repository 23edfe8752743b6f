"""Forwarding HTTP requests to the owning service over NATS request/reply."""

import orjson
from nats.aio.client import Client
from nats.errors import ConnectionClosedError, NoRespondersError, OutboundBufferLimitError
from nats.errors import TimeoutError as NatsTimeoutError
from pydantic import BaseModel
from starlette.responses import Response

from contracts.rpc import (
    CLIENT_ADDRESS,
    CONTENT_TYPE,
    CORRELATION_ID,
    IDEMPOTENCY_KEY,
    LANGUAGE,
    PRINCIPAL,
    PRINCIPAL_SIGNATURE,
    STATUS,
    Principal,
)
from gateway.problems import PROBLEM_JSON, localise, problem_response
from kit.rpc import sign_principal
from kit.telemetry import inject_headers


class Caller:
    """What the gateway knows of the HTTP caller, passed on to services."""

    __slots__ = ("address", "correlation_id", "idempotency_key", "language", "principal")

    def __init__(self, principal: Principal | None, correlation_id: str, language: str,
                 idempotency_key: str | None = None, address: str | None = None) -> None:
        self.principal = principal
        self.correlation_id = correlation_id
        self.language = language
        self.idempotency_key = idempotency_key
        self.address = address

    def headers(self, subject: str, key: bytes | None) -> dict[str, str]:
        headers = {CORRELATION_ID: self.correlation_id, LANGUAGE: self.language}
        if self.address:
            headers[CLIENT_ADDRESS] = self.address
        if self.principal is not None:
            principal = self.principal.model_dump_json()
            headers[PRINCIPAL] = principal
            if key is not None:
                headers[PRINCIPAL_SIGNATURE] = sign_principal(key, subject, principal)
        if self.idempotency_key:
            headers[IDEMPOTENCY_KEY] = self.idempotency_key
        return inject_headers(headers)


class ServiceBus:
    """Request/reply to services; NATS trouble becomes 503, a slow service 504."""

    def __init__(self, nc: Client, timeout: float, principal_key: bytes | None = None) -> None:
        self.nc = nc
        self.timeout = timeout
        self.principal_key = principal_key

    async def call(self, subject: str, caller: Caller, body: BaseModel | dict | None = None,
                   timeout: float | None = None) -> tuple[int, bytes, str]:
        payload = (body.model_dump_json().encode() if isinstance(body, BaseModel)
                   else orjson.dumps(body or {}))
        reply = await self.nc.request(subject, payload, timeout=timeout or self.timeout,
                                      headers=caller.headers(subject, self.principal_key))
        headers = reply.headers or {}
        return (int(headers.get(STATUS, "500")), reply.data,
                headers.get(CONTENT_TYPE, "application/json"))

    async def forward(self, subject: str, caller: Caller, body: BaseModel | dict | None = None,
                      timeout: float | None = None) -> Response:
        """The service's reply as an HTTP response."""
        if not self.nc.is_connected:
            return _unavailable(caller)
        try:
            status, data, media_type = await self.call(subject, caller, body, timeout)
        except NoRespondersError:
            return _unavailable(caller, "the service is not running; try again shortly")
        except (NatsTimeoutError, TimeoutError):
            if not self.nc.is_connected:
                return _unavailable(caller)
            return problem_response(504, "the service did not answer in time",
                                    language=caller.language)
        except (ConnectionClosedError, OutboundBufferLimitError, ConnectionError):
            return _unavailable(caller)
        if status >= 400:
            problem = localise(orjson.loads(data), caller.language)
            return Response(orjson.dumps(problem), status_code=status, media_type=PROBLEM_JSON,
                            headers=_retry_after(status, problem))
        return Response(data, status_code=status, media_type=media_type)


def _retry_after(status: int, problem: object) -> dict[str, str] | None:
    """A service says when to come back by a `retry_after` member (seconds) of its problem
    (kit.usecases); HTTP clients read it as the Retry-After header of a 429 or a 503."""
    seconds = problem.get("retry_after") if isinstance(problem, dict) else None
    if status in (429, 503) and isinstance(seconds, int) and seconds >= 0:
        return {"Retry-After": str(seconds)}
    return None


def _unavailable(caller: Caller, detail: str = "the message bus is unreachable") -> Response:
    return problem_response(503, detail, language=caller.language,
                            headers={"Retry-After": "2"})
