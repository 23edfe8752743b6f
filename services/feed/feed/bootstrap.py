"""The composition root of the feed service: the API process and the worker process."""

from feed import handlers, projections
from feed.adapters import sql
from feed.handlers import Deps
from feed.settings import FeedSettings
from kit import personal
from kit.db import make_engine
from kit.service import Service


def bootstrap(settings: FeedSettings | None = None) -> Service:
    """Commands, queries and the timeline projection."""
    settings = settings or FeedSettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    data = personal.PersonalData(personal.master_key_from(settings.personal_data_master_key))
    return Service(name="feed", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata],
                   routes=handlers.routes(Deps(engine, settings.sandbox_posts_per_hour)),
                   store=sql.store,
                   projections=[projections.timeline(data)], tracking=sql.tracking)


def bootstrap_worker(settings: FeedSettings | None = None) -> Service:
    """The community post counts, in a process of their own."""
    settings = settings or FeedSettings()
    engine = make_engine(settings.database_url, max(2, settings.db_pool_size // 2))
    return Service(name="feed-worker", settings=settings, engine=engine,
                   metadata=[sql.metadata], projections=[projections.community_stats()],
                   tracking=sql.tracking)
