"""The composition root of the ratings service: its use cases, its inline read models and
the directory projection (identity's and the feed's events), in one process."""

from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.ratings.events import REGISTRY
from kit import personal
from kit.aggregates import Repository
from kit.db import make_engine
from kit.service import Service
from kit.usecases import Database, serve
from ratings import domain, handlers, projections, score_models
from ratings.adapters import sql
from ratings.deps import Deps, utc_now
from ratings.settings import RatingsSettings


def deps_for(db: Database, settings: RatingsSettings) -> Deps:
    """The use cases' dependencies (the service tier's tests build them the same way)."""
    return Deps(
        db=db, personal=personal_data(settings),
        providers=Repository(sql.store, REGISTRY, domain.Provider, domain.evolve_provider,
                             on_append=projections.PROVIDERS.apply),
        ratings=Repository(sql.store, REGISTRY, domain.Rating, domain.evolve_rating,
                           on_append=projections.RATINGS.apply),
        burst=domain.BurstRule(
            per_hour=settings.ratings_burst_per_hour,
            young_per_hour=settings.ratings_young_burst_per_hour,
            young_account=timedelta(days=settings.ratings_young_account_days)),
        keywords=tuple(settings.ratings_keywords),
        clock=ahead(timedelta(days=settings.ratings_clock_offset_days)))


def ahead(offset: timedelta) -> Callable[[], datetime]:
    """The machine's clock, or one running `offset` ahead of it."""
    if not offset:
        return utc_now
    return lambda: utc_now() + offset


def personal_data(settings: RatingsSettings) -> personal.PersonalData:
    return personal.PersonalData(personal.master_key_from(settings.personal_data_master_key))


def bootstrap(settings: RatingsSettings | None = None) -> Service:
    settings = settings or RatingsSettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    db = Database(engine)
    routes = serve(handlers.HANDLERS, deps_for(db, settings), errors=handlers.ERRORS, db=db,
                   idempotency=sql.idempotency)
    data = personal_data(settings)
    clock = deps_for(db, settings).clock
    # The scores' refresh (SCORES.md): once at start, before the projections start, and
    # every RATINGS_SCORE_REFRESH_SECONDS (hourly) after.
    period = settings.ratings_score_refresh_seconds
    # The directory projection runs here rather than in a worker of its own: it is light
    # (identity's account events, the feed's few schemes), and the rating use case reads it;
    # so does the scores projection (the ratings' own stream).
    return Service(name="ratings", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=routes, store=sql.store,
                   inline_models=[projections.PROVIDERS, projections.RATINGS],
                   projections=[projections.directory(data), projections.scores()],
                   tracking=sql.tracking,
                   on_start=[lambda: score_models.refresh_now(engine, clock)],
                   background=[lambda: score_models.refresh_every(engine, clock, period)])
