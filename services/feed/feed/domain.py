"""Posts and the feed's rules: pure, no I/O."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from contracts.feed.events import PostCreated
from contracts.feed.messages import COMMON, CreatePost
from feed.communities import BY_SLUG


class FeedError(Exception):
    """A request the feed's rules refuse."""


class UnknownCommunityError(FeedError):
    pass


class SandboxError(FeedError):
    """A new account's first-day limits refuse this post."""

    def __init__(self, message: str, too_many: bool = False) -> None:
        super().__init__(message)
        self.too_many = too_many


LINK = re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(com|in|org|net|info|io|xyz|ly|me)\b",
                  re.IGNORECASE)


@dataclass(frozen=True)
class Sandbox:
    """First-day limits of an account, as identity published them."""

    until: datetime
    posts_per_hour: int
    links_allowed: bool

    def applies(self, now: datetime) -> bool:
        return now < self.until


def check_sandbox(command: CreatePost, sandbox: Sandbox | None, now: datetime,
                  posts_last_hour: int) -> None:
    """New accounts may post only a few times an hour, and without links."""
    if sandbox is None or not sandbox.applies(now):
        return
    if posts_last_hour >= sandbox.posts_per_hour:
        raise SandboxError(f"new accounts may post {sandbox.posts_per_hour} times an hour "
                           "during their first day", too_many=True)
    text = f"{command.title or ''} {command.body}"
    if not sandbox.links_allowed and LINK.search(text):
        raise SandboxError("links are not allowed during an account's first day")


def unknown_author_sandbox(now: datetime, posts_per_hour: int) -> Sandbox:
    """An author the feed has not heard of yet is treated as brand new."""
    return Sandbox(until=now + timedelta(hours=1), posts_per_hour=posts_per_hour,
                   links_allowed=False)


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
