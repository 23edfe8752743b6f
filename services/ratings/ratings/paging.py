"""Opaque cursors of lists sorted by a score (kit.pagination's are timestamps): how many
items came before the next page."""

import base64
import binascii

from kit.errors import invalid

MAX_OFFSET = 1_000_000


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o|{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str | None) -> int:
    """The offset a cursor stands for; a 422 problem when it is not one of ours."""
    if cursor is None:
        return 0
    try:
        kind, offset = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode() \
            .split("|")
        value = int(offset)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("cursor", "not a cursor this list gave out") from None
    if kind != "o" or not 0 < value <= MAX_OFFSET:
        raise invalid("cursor", "not a cursor this list gave out")
    return value
