"""Request and reply bodies of the feed service."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.identity.messages import Language

COMMON = "common"


class CreatePost(BaseModel):
    """POST /v1/posts."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")
    kind: Literal["discussion", "question", "policy_input"] = "discussion"
    title: str | None = Field(default=None, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)
    language: Language = "en"
    voice_note_id: UUID | None = None


class PostRef(BaseModel):
    post_id: UUID


class PostAccepted(BaseModel):
    post_id: UUID


class FeedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    community: str = Field(default=COMMON, max_length=64, pattern=r"^[a-z0-9-]+$")
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class MyFeedQuery(BaseModel):
    """GET /v1/me/feed: the common feed and the communities one follows."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class CommunityRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    community: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")


class Following(BaseModel):
    """The caller's follow of one community, after following or unfollowing it."""

    community: str
    following: bool


class Follows(BaseModel):
    """GET /v1/me/follows: the communities the caller follows, by slug."""

    items: list[str]


class Author(BaseModel):
    user_id: UUID | None
    display_name: str
    verified: bool = False
    profession: str | None = None


class FeedItem(BaseModel):
    post_id: UUID
    community: str
    kind: str
    title: str | None
    body: str
    language: str
    author: Author
    created_at: datetime


class FeedPage(BaseModel):
    items: list[FeedItem]
    next_cursor: str | None


class Community(BaseModel):
    id: UUID
    slug: str
    name: str
    description: str
    post_count: int = 0
    member_count: int = 0  # people who follow it


class Communities(BaseModel):
    items: list[Community]
