"""What the feed's use cases depend on."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from feed import domain
from feed.moderation import DEFAULT_KEYWORDS, Action
from feed.voice_notes import VoiceNoteState
from kit.aggregates import Repository
from kit.media import MediaStore
from kit.usecases import Database


@dataclass(frozen=True)
class Deps:
    db: Database
    posts: Repository[domain.Post]
    members: Repository[domain.Membership]
    comments: Repository[domain.CommentState]
    reactions: Repository[domain.Reacted]
    drug_queries: Repository[domain.DrugQueryState]
    schemes: Repository[domain.SchemeEntry]
    readers: Repository[domain.Reader]
    moderators: Repository[domain.ModeratorState]
    listings: Repository[domain.Listing]  # resources and events
    voice_notes: Repository[VoiceNoteState]
    media: MediaStore  # the voice notes' bytes
    sandbox_posts_per_hour: int = 5  # for authors the feed has not heard of yet
    keywords: Mapping[str, Action] = field(default_factory=lambda: dict(DEFAULT_KEYWORDS))
    drug_query_sla: timedelta = timedelta(hours=48)
    policy_report_max: int = 5000  # policy inputs in one report (more: a shorter period)
