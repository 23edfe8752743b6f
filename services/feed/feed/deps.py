"""What the feed's use cases depend on."""

from dataclasses import dataclass

from feed import domain
from kit.aggregates import Repository
from kit.usecases import Database


@dataclass(frozen=True)
class Deps:
    db: Database
    posts: Repository[domain.Post]
    members: Repository[domain.Membership]
    sandbox_posts_per_hour: int = 5  # for authors the feed has not heard of yet
