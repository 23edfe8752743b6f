"""FastAPI dependencies: the caller, established from the token and the access table."""

import re
from typing import Annotated
from uuid import uuid4

from fastapi import Depends, HTTPException, Request

from gateway.access import ACCESS
from gateway.auth import InvalidTokenError, TokenVerifier
from gateway.bus import Caller, ServiceBus
from gateway.problems import language_of

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def caller(request: Request) -> Caller:
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    allowed = ACCESS.get((request.method, path), frozenset())  # unlisted: nobody
    verifier: TokenVerifier = request.app.state.verifier
    principal = None
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise _unauthorized("use a Bearer token")
        try:
            principal = await verifier.principal(token.strip())
        except InvalidTokenError:
            raise _unauthorized("the token is invalid or expired") from None
    if allowed is not None:
        if principal is None:
            raise _unauthorized("sign in first")
        if not allowed & set(principal.roles):
            raise HTTPException(403, "your role does not allow this")
    return Caller(principal, request.state.correlation_id,
                  language_of(request.headers.get("accept-language")),
                  _idempotency_key(request), request.client.host if request.client else None)


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None or request.method not in WRITES:
        return None
    if not IDEMPOTENCY_KEY.match(key):
        raise HTTPException(400, "Idempotency-Key must be 1 to 200 visible ASCII characters")
    return key


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


async def bus(request: Request) -> ServiceBus:
    return request.app.state.bus


def new_correlation_id() -> str:
    return uuid4().hex


CallerDep = Annotated[Caller, Depends(caller)]
BusDep = Annotated[ServiceBus, Depends(bus)]
