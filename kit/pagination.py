"""Opaque list cursors: the (timestamp, id) of the last item of a page.

A cursor is checked before it reaches a query: one that is not base64 of an aware
timestamp and a UUID, or whose timestamp lies outside what a list can hold (a crafted one
far in the future, say), is a 422 problem naming the cursor, never a database error."""

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import orjson
import sqlalchemy as sa

from kit.errors import invalid

# The most a page's items may weigh as JSON: well inside a NATS message (1 MiB), whatever
# its items hold. A page that would weigh more ends early, its cursor after its last item.
PAGE_BYTES = 512 * 1024
# What a list's timestamps can be: from the platform's first day to well after its last.
EARLIEST = datetime(2020, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def encode_cursor(at: datetime, item_id: UUID) -> str:
    raw = f"{at.isoformat()}|{item_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    """The position a cursor stands for; a 422 problem when it is not one of ours."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, item_id = raw.split("|")
        when = datetime.fromisoformat(at)
        position = when.astimezone(UTC) if when.tzinfo else None, UUID(item_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise invalid("cursor", "not a cursor this list gave out") from None
    if position[0] is None or not EARLIEST <= position[0] <= LATEST:
        raise invalid("cursor", "not a cursor this list gave out")
    return position[0], position[1]


def next_cursor(items: list, limit: int, at: str, item_id: str) -> str | None:
    """The cursor after `items` when there is more (the query asked for limit + 1)."""
    if len(items) <= limit:
        return None
    last = items[limit - 1]
    return encode_cursor(getattr(last, at), getattr(last, item_id))


def page(rows: Sequence[Any], limit: int, at: str, item_id: str,
         render: Callable[[Any], Any], budget: int = PAGE_BYTES) -> dict[str, Any]:
    """`{"items", "next_cursor"}` of up to `limit` rendered rows (the query asked for
    limit + 1) within `budget` bytes of JSON; always at least one item when there is one."""
    items: list[Any] = []
    size = 0
    for row in rows[:limit]:
        item = render(row)
        size += len(orjson.dumps(item))
        if items and size > budget:
            break
        items.append(item)
    more = len(rows) > len(items)
    last = rows[len(items) - 1] if items else None
    return {"items": items, "next_cursor": encode_cursor(_value(last, at), _value(
        last, item_id)) if more and last is not None else None}


def _value(row: Any, name: str) -> Any:
    """A column of a row: SQLAlchemy's by attribute, asyncpg's (kit.sql) by key."""
    return row[name] if isinstance(row, asyncpg.Record) else getattr(row, name)


def keyset(statement: sa.Select[Any], at: sa.ColumnElement[Any], item_id: sa.ColumnElement[Any],
           cursor: str | None, limit: int, *, newest_first: bool = False) -> sa.Select[Any]:
    """The statement's page after the cursor: ordered by (at, id), limit + 1 rows, so that
    `next_cursor` can tell whether there is more. A bad cursor is a 422 problem."""
    after = decode_cursor(cursor)
    order = (at.desc(), item_id.desc()) if newest_first else (at, item_id)
    statement = statement.order_by(*order).limit(limit + 1)
    if after is not None:
        position = sa.tuple_(at, item_id)
        statement = statement.where(position < after if newest_first else position > after)
    return statement


# Lists ranked by relevance (search) have no keyset to resume from: their cursor is how
# many items came before, as far as anyone reads ranked results (a search engine's pages).
RANKED_DEPTH = 1000


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"ranked|{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str | None) -> int:
    """The items before a ranked list's page; a 422 problem when the cursor is not one of
    ours (or reaches deeper than RANKED_DEPTH)."""
    if cursor is None:
        return 0
    try:
        kind, offset = base64.urlsafe_b64decode(
            cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        value = int(offset)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("cursor", "not a cursor this list gave out") from None
    if kind != "ranked" or not 0 < value <= RANKED_DEPTH:
        raise invalid("cursor", "not a cursor this list gave out")
    return value


def next_offset(offset: int, shown: int, more: bool) -> str | None:
    """The cursor after a ranked page of `shown` items, when there is more within reach."""
    after = offset + shown
    return encode_offset(after) if more and after < RANKED_DEPTH else None
