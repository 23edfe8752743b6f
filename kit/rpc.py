"""Request/reply handlers on NATS, speaking contracts.rpc.

A handler is `async def handler(request: Request) -> Reply`. Bad input and domain refusals
become 4xx problems; only our own faults become a 500, logged without personal data.

`Server` subscribes the routes with nats-py itself: faststream's consume path (its
dependency injection, middlewares and message wrapper) cost 190 µs of CPU per request
where this one costs 70 (a trivial handler, measured in one process; issue 10). `answer`
is one request whole, without any transport: what the fast tier tests.
"""

import asyncio
import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from pydantic import BaseModel, ValidationError

from contracts import text
from contracts.rpc import (
    CLIENT_ADDRESS,
    CONTENT_TYPE,
    CORRELATION_ID,
    IDEMPOTENCY_KEY,
    LANGUAGE,
    PRINCIPAL,
    PRINCIPAL_SIGNATURE,
    STATUS,
    FieldError,
    Principal,
    Problem,
    Reply,
)
from kit.db import unavailable
from kit.errors import ProblemError, forbidden, unauthorized
from kit.eventstore import Metadata
from kit.logging import get_logger
from kit.metrics import RPC_OVERSIZE, RPC_REQUESTS, RPC_SECONDS
from kit.telemetry import context_from, inject_headers, tracer

log = get_logger(__name__)
M = TypeVar("M", bound=BaseModel)
# Where a JSON body may need a look at its text (contracts.text): an escaped control
# character, form feed or other \u escape, or any character beyond ASCII. Most bodies of
# English text hold none and pass at once.
_SUSPECT = re.compile(rb"\\[ubf]")


def checked_text(body: bytes) -> bytes:
    """The body with its text as it is kept (contracts.text.normalised: NFC, pasted breaks
    as newlines, hidden and reversing characters out); a 422 problem naming the first field
    whose text holds a character no one types (NUL, other controls)."""
    if body.isascii() and not _SUSPECT.search(body):
        return body
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body  # not JSON: the model's own validation says so
    changed = _normalised(data)
    field, character = _untypeable_field(data)
    if character is not None:
        message = f"text may not contain the invisible character {character}"
        raise ProblemError(422, "Invalid request", message,
                           errors=[FieldError(field=field or "body", message=message)])
    return orjson.dumps(changed) if changed != data else body


def _normalised(data: Any) -> Any:
    if isinstance(data, str):
        return text.normalised(data)
    if isinstance(data, dict):
        return {key: _normalised(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_normalised(value) for value in data]
    return data


def _untypeable_field(data: Any, path: str = "") -> tuple[str, str | None]:
    if isinstance(data, str):
        return path, text.untypeable(data)
    items = data.items() if isinstance(data, dict) else (
        enumerate(data) if isinstance(data, list) else ())
    for key, value in items:
        here = f"{path}.{key}".lstrip(".")
        if isinstance(key, str) and (character := text.untypeable(key)):
            return here, character
        found = _untypeable_field(value, here)
        if found[1] is not None:
            return found
    return path, None


@dataclass(frozen=True)
class Request:
    subject: str
    body: bytes
    principal: Principal | None
    correlation_id: str | None
    idempotency_key: str | None
    language: str = "en"
    client_address: str | None = None

    def parse(self, model: type[M]) -> M:
        """The body as `model`, or a 400/422 problem naming each bad field."""
        body = checked_text(self.body or b"{}")
        try:
            return model.model_validate_json(body)
        except ValidationError as error:
            raise validation_problem(error) from None

    def require(self, *roles: str) -> Principal:
        """The caller, who must be signed in and, if roles are named, hold one of them."""
        if self.principal is None:
            raise unauthorized()
        if roles and not self.principal.has_any(*roles):
            raise forbidden()
        return self.principal

    @property
    def actor(self) -> str | None:
        return str(self.principal.user_id) if self.principal else None

    def event_metadata(self) -> Metadata:
        """Who and what caused the events this request appends."""
        return Metadata(actor=self.actor, correlation_id=self.correlation_id,
                        trace=inject_headers({}))


RpcHandler = Callable[[Request], Awaitable[Reply]]


def ok(body: BaseModel | Mapping[str, Any] | list | None = None, status: int = 200) -> Reply:
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    return Reply(status=status, body=body)


def refuse(error: ProblemError) -> Reply:
    """A problem as a reply, for refusals whose transaction must still commit."""
    return Reply(status=error.problem.status, body=_problem(error.problem))


def validation_problem(error: ValidationError) -> ProblemError:
    if any(e["type"] == "json_invalid" for e in error.errors()):
        return ProblemError(400, "Malformed JSON", "the request body is not valid JSON")
    errors = [FieldError(field=".".join(str(p) for p in e["loc"]) or "body",
                         message=e["msg"]) for e in error.errors()]
    return ProblemError(422, "Invalid request", "some fields are missing or wrong",
                        errors=errors)


# How long a signed principal stays good: a request is handled within seconds of signing.
SIGNATURE_TTL_S = 60.0


class UntrustedPrincipalError(Exception):
    """A principal header without a valid, fresh signature of the gateway's."""


def signing_key(setting: str) -> bytes | None:
    """PRINCIPAL_SIGNING_KEY (base64, at least 32 bytes); None when not set."""
    if not setting:
        return None
    try:
        key = base64.b64decode(setting, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("PRINCIPAL_SIGNING_KEY is not base64") from error
    if len(key) < 32:
        raise ValueError("PRINCIPAL_SIGNING_KEY must hold at least 32 bytes")
    return key


def sign_principal(key: bytes, subject: str, principal: str, now: float | None = None) -> str:
    """The signature header for `principal` (its JSON) on a request to `subject`."""
    at = f"{now if now is not None else time.time():.3f}"
    return f"{at}.{_mac(key, subject, at, principal)}"


def _mac(key: bytes, subject: str, at: str, principal: str) -> str:
    message = f"{subject}\n{at}\n{principal}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def trusted_principal(key: bytes | None, subject: str,
                      headers: Mapping[str, str]) -> Principal | None:
    """The caller the gateway vouches for; UntrustedPrincipalError for one it did not sign
    (or when this service has no key: it then trusts no principal at all)."""
    principal = headers.get(PRINCIPAL)
    if not principal:
        return None
    signature = headers.get(PRINCIPAL_SIGNATURE, "")
    stamp, _, mac = signature.rpartition(".")
    if key is None or not stamp or not hmac.compare_digest(
            mac, _mac(key, subject, stamp, principal)):
        raise UntrustedPrincipalError("principal not signed by the gateway")
    try:
        age = time.time() - float(stamp)
    except ValueError:
        raise UntrustedPrincipalError("malformed signature time") from None
    if not -5.0 <= age <= SIGNATURE_TTL_S:
        raise UntrustedPrincipalError("principal signed too long ago")
    return Principal.model_validate_json(principal)


def request_from(subject: str, body: bytes, headers: Mapping[str, str],
                 key: bytes | None = None) -> Request:
    return Request(
        subject=subject, body=body,
        principal=trusted_principal(key, subject, headers),
        correlation_id=headers.get(CORRELATION_ID), language=headers.get(LANGUAGE, "en"),
        idempotency_key=headers.get(IDEMPOTENCY_KEY),
        client_address=headers.get(CLIENT_ADDRESS))


async def dispatch(service: str, handler: RpcHandler, request: Request,
                   headers: Mapping[str, str]) -> Reply:
    """Run one handler with logging context, a span and metrics; never raise."""
    structlog.contextvars.bind_contextvars(correlation_id=request.correlation_id)
    started = time.perf_counter()
    with tracer(service).start_as_current_span(request.subject,
                                               context=context_from(headers)):
        try:
            reply = await handler(request)
        except ProblemError as error:
            reply = Reply(status=error.problem.status, body=_problem(error.problem))
        except Exception as error:
            reply = _failed(request, error)
    RPC_SECONDS.labels(service, request.subject).observe(time.perf_counter() - started)
    RPC_REQUESTS.labels(service, request.subject, str(reply.status)).inc()
    structlog.contextvars.unbind_contextvars("correlation_id")
    return reply


RETRY_AFTER_S = 2  # when the database is away: about a restart's or a fail-over's time


def _failed(request: Request, error: Exception) -> Reply:
    """A handler's failure that is no problem of the request's: the database away
    (restarting, failing over) is a 503 with Retry-After and a warning without a stack;
    anything else is our fault, a 500, logged with its stack."""
    if unavailable(error):
        log.warning("rpc_unavailable", subject=request.subject, error=type(error).__name__)
        return Reply(status=503, body={**_problem(Problem(
            title="Service unavailable", status=503,
            detail="the service cannot reach its database just now; try again")),
            "retry_after": RETRY_AFTER_S})
    log.error("rpc_failed", subject=request.subject, error=type(error).__name__,
              exc_info=True)
    return Reply(status=500, body=_problem(Problem(
        title="Internal error", status=500, detail="the service failed; try again")))


def _problem(problem: Problem) -> dict[str, Any]:
    return problem.model_dump(mode="json", exclude_none=True)


# The most a reply may carry: a NATS message holds 1 MiB by default, headers included.
# Pages are bounded by bytes (kit.pagination.PAGE_BYTES) and texts by length, so only a
# fault of ours comes near it; past it the reply is dropped by NATS without a word.
MAX_REPLY_BYTES = 1_000_000


@dataclass(frozen=True)
class Answer:
    """A reply as it goes on the wire."""

    body: bytes
    headers: dict[str, str]


def encode(reply: Reply, subject: str = "", service: str = "") -> Answer:
    """The reply on the wire: the body as JSON (or bytes of its own type), the status in a
    header. A body too large for a NATS message is logged, counted and answered with a
    problem, never dropped silently (the caller would wait for its time-out)."""
    if isinstance(reply.body, bytes):
        body, headers = reply.body, {STATUS: str(reply.status),
                                     CONTENT_TYPE: reply.content_type}
    else:
        body, headers = orjson.dumps(reply.body), {STATUS: str(reply.status)}
    if len(body) > MAX_REPLY_BYTES:
        log.error("rpc_reply_too_large", subject=subject, size=len(body))
        RPC_OVERSIZE.labels(service, subject).inc()
        return Answer(orjson.dumps(_problem(Problem(
            title="Internal error", status=500,
            detail="the answer was too large to send; ask for fewer items"))),
            headers={STATUS: "500"})
    return Answer(body, headers)


async def answer(service: str, subject: str, handler: RpcHandler, body: bytes,
                 headers: Mapping[str, str], principal_key: bytes | None) -> Answer:
    """One request, whole: who asks (a principal counts only when signed with
    `principal_key`; none: no request is anyone's), the handler, the encoded reply."""
    try:
        request = request_from(subject, body, headers, principal_key)
    except UntrustedPrincipalError as error:
        log.warning("rpc_principal_refused", subject=subject, reason=str(error))
        reply = Reply(status=401, body=_problem(Problem(
            title="Unauthorized", status=401, detail="the caller is not vouched for")))
    except (ValidationError, json.JSONDecodeError):
        reply = Reply(status=400, body=_problem(Problem(
            title="Bad request", status=400, detail="malformed request headers")))
    else:
        reply = await dispatch(service, handler, request, headers)
    return encode(reply, subject, service)


class Server:
    """A service's routes on NATS, in its queue group (replicas share the load), up to
    `concurrency` requests of each route handled at once: past that a route's requests
    wait in its subscription, and its callback waits for room."""

    def __init__(self, nc: Client, service: str, routes: Mapping[str, RpcHandler],
                 concurrency: int = 16, principal_key: bytes | None = None) -> None:
        self.nc, self.service, self.routes = nc, service, routes
        self.concurrency, self.principal_key = concurrency, principal_key
        self._subscriptions: list[Subscription] = []
        self._running: set[asyncio.Task] = set()

    async def start(self) -> None:
        for subject, handler in self.routes.items():
            self._subscriptions.append(await self.nc.subscribe(
                subject, queue=self.service, cb=self._route(subject, handler)))

    @property
    def serving(self) -> bool:
        """Whether new requests come in (false from the start of `stop`)."""
        return bool(self._subscriptions)

    async def stop(self) -> None:
        """No new requests; those being handled are answered first."""
        subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
        if self._running:
            await asyncio.wait(self._running, timeout=10)

    def _route(self, subject: str, handler: RpcHandler) -> Callable[[Msg], Awaitable[None]]:
        room = asyncio.Semaphore(self.concurrency)

        async def handle(msg: Msg) -> None:
            try:
                sent = await answer(self.service, subject, handler, msg.data,
                                    msg.headers or {}, self.principal_key)
                if msg.reply:
                    await self.nc.publish(msg.reply, sent.body, headers=sent.headers)
            except Exception as error:  # the connection is away: the caller times out
                log.warning("rpc_reply_failed", subject=subject, error=type(error).__name__)
            finally:
                room.release()

        async def received(msg: Msg) -> None:
            await room.acquire()
            task = asyncio.create_task(handle(msg))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

        return received
