"""Idempotent writes: a repeated request with the same Idempotency-Key returns the first
result and changes nothing. The key is recorded in the same transaction as the write."""

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.rpc import Reply
from kit.errors import ProblemError
from kit.rpc import Request


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "idempotency_keys", metadata,
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("body", JSONB),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


async def once(conn: AsyncConnection, table: sa.Table, request: Request,
               produce: Callable[[], Awaitable[Reply]]) -> Reply:
    """Run `produce` in `conn`'s transaction unless this key already has a result."""
    if not request.idempotency_key:
        return await produce()
    digest = hashlib.sha256(request.body).hexdigest()
    # A signed-in caller's keys are theirs alone. Anonymous callers share no namespace: the
    # key holds the body too, so one never learns of, or gets, another's request (the same
    # key with another body is simply another request).
    caller = request.actor or f"anonymous:{digest}"
    key = f"{caller}:{request.subject}:{request.idempotency_key}"
    # A concurrent request with the same key waits here until the first one commits.
    claimed = await conn.scalar(
        insert(table).values(key=key, request_hash=digest, created_at=datetime.now(UTC))
        .on_conflict_do_nothing().returning(table.c.key))
    if claimed is None:
        row = (await conn.execute(sa.select(table).where(table.c.key == key))).one()
        if row.request_hash != digest:
            raise ProblemError(422, "Idempotency-Key reused",
                               "this Idempotency-Key was used with a different request")
        return Reply(status=row.status, body=row.body)
    reply = await produce()
    await conn.execute(table.update().where(table.c.key == key)
                       .values(status=reply.status, body=reply.body))
    return reply
