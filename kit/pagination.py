"""Opaque list cursors: the (timestamp, id) of the last item of a page."""

import base64
import binascii
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from kit.errors import invalid


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
        return datetime.fromisoformat(at), UUID(item_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("cursor", "not a cursor this list gave out") from None


def next_cursor(items: list, limit: int, at: str, item_id: str) -> str | None:
    """The cursor after `items` when there is more (the query asked for limit + 1)."""
    if len(items) <= limit:
        return None
    last = items[limit - 1]
    return encode_cursor(getattr(last, at), getattr(last, item_id))


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
