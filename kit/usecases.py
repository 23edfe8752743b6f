"""Use cases free of the transport, and the one table per service that serves them.

A use case is `async def verb_noun(call: Call[Command], deps) -> Result`: it gets the
request body as its typed command and who asks (`call.caller`), decides, and returns a
reply model. It never sees NATS, HTTP or a status code. Each service lists its use cases
in `HANDLERS` (in `<service>/handlers/__init__.py`), one `Handler` each, declaring what the
transport needs to know:

    HANDLERS = {
        rpc("feed", "create_post"): Handler(create_post, CreatePost, roles=SIGNED_IN,
                                            idempotent=True, status=201),
    }

`serve(HANDLERS, deps, ...)` turns the table into request handlers: it checks the roles,
parses the body into the command, runs the use case in a unit of work (with its
Idempotency-Key recorded in the same transaction when `idempotent`), retries once when the
event store says the stream moved on meanwhile, and answers a second conflict with a 409.
A `grouped` handler's calls are committed together with the concurrent calls of the
service's other grouped handlers (kit.unitofwork's group commit).
Domain errors become problems through the service's one map, `ERRORS`.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from uuid import UUID

import sqlalchemy as sa
from pydantic import BaseModel

from contracts.rpc import FieldError, Principal, Reply
from kit.errors import ProblemError, unauthorized
from kit.eventstore import ConcurrencyError, Metadata
from kit.idempotency import once
from kit.logging import get_logger
from kit.rpc import Request, RpcHandler, refuse
from kit.unitofwork import Database as Database  # re-exported: where services take it from

log = get_logger(__name__)
B = TypeVar("B", bound=BaseModel)
D = TypeVar("D")

ANYONE: tuple[str, ...] | None = None  # no sign-in needed
SIGNED_IN: tuple[str, ...] = ()  # any signed-in person, whatever their roles


@dataclass(frozen=True)
class Caller:
    """Who asks, as the gateway established it, and what their events record."""

    principal: Principal | None
    language: str = "en"
    metadata: Metadata = field(default_factory=Metadata)
    address: str | None = None

    @property
    def user_id(self) -> UUID:
        """The signed-in person (the table's roles made sure there is one)."""
        if self.principal is None:
            raise unauthorized()
        return self.principal.user_id

    def has_any(self, *roles: str) -> bool:
        return self.principal is not None and self.principal.has_any(*roles)


@dataclass(frozen=True)
class Call(Generic[B]):
    """A use case's input: the command (or query) and who asks."""

    command: B
    caller: Caller


@dataclass(frozen=True)
class Binary:
    """A reply that is not JSON: an ICSR, a zip chunk."""

    data: bytes
    content_type: str


Result = BaseModel | Mapping[str, Any] | list | Binary | None
UseCase = Callable[[Call[Any], Any], Awaitable[Result]]


@dataclass(frozen=True)
class Handler:
    """One entry of a service's HANDLERS table."""

    use_case: UseCase
    command: type[BaseModel]
    roles: tuple[str, ...] | None = SIGNED_IN  # ANYONE, SIGNED_IN, or the roles allowed
    idempotent: bool = False  # an Idempotency-Key makes a repeat return the first result
    status: int = 200  # the success status
    # Committed together with the concurrent calls of other grouped handlers of the service
    # (kit.unitofwork's group commit): for the writes that come many at a time.
    grouped: bool = False


# A domain error class -> the status of its problem; the error's text is the detail, its
# `field`, when it has one, names the field at fault, its `title`, when it has one,
# replaces the status's own title, and its `retry_after` (seconds), when it has one, is
# the problem's `retry_after` member, which the gateway answers as `Retry-After`.
ErrorMap = Mapping[type[Exception], int]
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          409: "Conflict", 410: "Gone", 422: "Invalid request", 429: "Too many requests",
          503: "Service unavailable"}

def problem_for(error: Exception, errors: ErrorMap) -> ProblemError | None:
    """The problem a domain error stands for, by the nearest class in the map."""
    for kind in type(error).__mro__:
        status = errors.get(kind)
        if status is not None:
            name = getattr(error, "field", None)
            title = getattr(error, "title", None) or TITLES.get(status, "Refused")
            detail = str(error) or TITLES.get(status, "refused")
            return ProblemError(status, title, detail, errors=(
                [FieldError(field=name, message=detail)] if name else None))
    return None


def caller_of(request: Request) -> Caller:
    return Caller(principal=request.principal, language=request.language,
                  metadata=request.event_metadata(), address=request.client_address)


def serve(handlers: Mapping[str, Handler], deps: D, *, errors: ErrorMap, db: Database,
          idempotency: sa.Table | None = None) -> dict[str, RpcHandler]:
    """The service's request handlers, one per HANDLERS entry."""
    return {subject: _endpoint(handler, deps, errors, db, idempotency)
            for subject, handler in handlers.items()}


def _endpoint(handler: Handler, deps: Any, errors: ErrorMap, db: Database,
              idempotency: sa.Table | None) -> RpcHandler:
    if handler.idempotent and idempotency is None:
        raise ValueError(f"{handler.use_case.__name__} is idempotent: give the key table")

    async def endpoint(request: Request) -> Reply:
        if handler.roles is not None:
            request.require(*handler.roles)
        call = Call(request.parse(handler.command), caller_of(request))
        try:
            return await _with_one_retry(handler, call, deps, db, idempotency, request)
        except ProblemError:
            raise
        except ConcurrencyError as error:
            log.info("write_conflict", use_case=handler.use_case.__name__)
            raise ProblemError(409, "Conflict", "someone else changed this at the same time; "
                               "reload it and try again") from error
        except Exception as error:
            problem = problem_for(error, errors)
            if problem is None:
                raise
            retry_after = getattr(error, "retry_after", None)
            if retry_after is None:
                raise problem from None
            reply = refuse(problem)
            return reply.model_copy(update={"body": {**reply.body,
                                                     "retry_after": int(retry_after)}})

    endpoint.__name__ = handler.use_case.__name__
    return endpoint


async def _with_one_retry(handler: Handler, call: Call[Any], deps: Any, db: Database,
                          idempotency: sa.Table | None, request: Request) -> Reply:
    try:
        return await _run(handler, call, deps, db, idempotency, request)
    except ConcurrencyError:
        # The stream moved on between our read and our append: decide again, once, from
        # the state as it is now.
        return await _run(handler, call, deps, db, idempotency, request)


async def _run(handler: Handler, call: Call[Any], deps: Any, db: Database,
               idempotency: sa.Table | None, request: Request) -> Reply:
    if handler.grouped:
        return await db.together(
            lambda: _decided(handler, call, deps, db, idempotency, request))
    return await _decided(handler, call, deps, db, idempotency, request)


async def _decided(handler: Handler, call: Call[Any], deps: Any, db: Database,
                   idempotency: sa.Table | None, request: Request) -> Reply:
    if not (handler.idempotent and request.idempotency_key):
        return reply_of(await handler.use_case(call, deps), handler.status)
    assert idempotency is not None
    async with db.transaction() as conn:
        return await once(conn, idempotency, request, lambda: _replied(handler, call, deps))


async def _replied(handler: Handler, call: Call[Any], deps: Any) -> Reply:
    return reply_of(await handler.use_case(call, deps), handler.status)


def reply_of(result: Result, status: int) -> Reply:
    if isinstance(result, Binary):
        return Reply(status=status, body=result.data, content_type=result.content_type)
    if isinstance(result, BaseModel):
        return Reply(status=status, body=result.model_dump(mode="json"))
    return Reply(status=status, body=result)
