"""Posts and the feed's rules: pure, no I/O."""

import base64
import binascii
from datetime import datetime
from uuid import UUID

from contracts.feed.events import PostCreated
from contracts.feed.messages import COMMON, CreatePost
from feed.communities import BY_SLUG


class FeedError(Exception):
    """A request the feed's rules refuse."""


class UnknownCommunityError(FeedError):
    pass


class BadCursorError(FeedError):
    pass


def known_community(slug: str) -> bool:
    return slug == COMMON or slug in BY_SLUG


def create_post(post_id: UUID, author_id: UUID, command: CreatePost) -> list[PostCreated]:
    if not known_community(command.community):
        raise UnknownCommunityError(command.community)
    return [PostCreated(post_id=post_id, author_id=author_id, community=command.community,
                        kind=command.kind, title=command.title or None, body=command.body,
                        language=command.language, voice_note_id=command.voice_note_id)]


def stream_id(post_id: UUID) -> str:
    return f"post-{post_id}"


def encode_cursor(created_at: datetime, post_id: UUID) -> str:
    raw = f"{created_at.isoformat()}|{post_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, post_id = raw.split("|")
        return datetime.fromisoformat(created_at), UUID(post_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursorError(cursor) from None
