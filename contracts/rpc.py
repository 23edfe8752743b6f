"""The request/reply protocol between the gateway and the services.

A request carries a JSON body and headers (principal, correlation id, idempotency key,
language, trace context). A reply carries its HTTP status in the `Pu-Status` header and its
body as JSON; a failure's body is an RFC 9457 problem.
"""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

PRINCIPAL = "Pu-Principal"
# "<unix time>.<HMAC-SHA256 hex>" over the subject, the time and the principal, with the key
# the gateway and the services share (PRINCIPAL_SIGNING_KEY): a principal nobody signed,
# or signed for another subject or long ago, is refused.
PRINCIPAL_SIGNATURE = "Pu-Principal-Signature"
CORRELATION_ID = "Pu-Correlation-Id"
IDEMPOTENCY_KEY = "Pu-Idempotency-Key"
LANGUAGE = "Pu-Language"
STATUS = "Pu-Status"
CONTENT_TYPE = "Pu-Content-Type"
CLIENT_ADDRESS = "Pu-Client-Address"


class Principal(BaseModel):
    """Who calls, as established by the gateway from a verified token."""

    model_config = ConfigDict(frozen=True)

    user_id: UUID
    roles: tuple[str, ...] = ()

    def has_any(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


class NoBody(BaseModel):
    """The request of an operation that takes nothing but who asks."""


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None


class Reply(BaseModel):
    status: int
    body: Any = None  # JSON-able, or bytes sent as they are with `content_type`
    content_type: str = "application/json"
