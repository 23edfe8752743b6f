"""The composition root of the feed service: the API process and the worker process."""

from datetime import timedelta

from feed import domain, handlers, notifications, projections, voice_notes, watch
from feed.adapters import sql
from feed.deps import Deps
from feed.events import REGISTRY
from feed.handlers.gatherings import seed_health_days
from feed.handlers.schemes import seed_schemes
from feed.settings import FeedSettings
from kit import personal
from kit.aggregates import Repository
from kit.db import make_engine
from kit.media_s3 import media_store
from kit.service import Service
from kit.usecases import Database, serve


def deps_for(db: Database, settings: FeedSettings) -> Deps:
    """The use cases' dependencies (the service tier's tests build them the same way)."""
    posts = Repository(sql.store, REGISTRY, domain.Post, domain.evolve,
                       on_append=projections.on_post_append)
    members = Repository(sql.store, REGISTRY, domain.Membership, domain.evolve_membership,
                         on_append=projections.FOLLOWS.apply)
    comments = Repository(sql.store, REGISTRY, domain.CommentState, domain.evolve_comment,
                          on_append=projections.on_comment_append)
    reactions = Repository(sql.store, REGISTRY, domain.Reacted, domain.evolve_reacted,
                           on_append=projections.REACTIONS.apply)
    drug_queries = Repository(sql.store, REGISTRY, domain.DrugQueryState,
                              domain.evolve_drug_query, on_append=projections.DRUG_QUERIES.apply)
    return Deps(db=db, posts=posts, members=members, comments=comments, reactions=reactions,
                drug_queries=drug_queries,
                schemes=Repository(sql.store, REGISTRY, domain.SchemeEntry,
                                   domain.evolve_scheme, on_append=projections.SCHEMES.apply),
                readers=Repository(sql.store, REGISTRY, domain.Reader, domain.evolve_reader,
                                   on_append=projections.NOTIFICATION_READS.apply),
                moderators=Repository(sql.store, REGISTRY, domain.ModeratorState,
                                      domain.evolve_moderator,
                                      on_append=projections.MODERATOR_SCOPES.apply),
                listings=Repository(sql.store, REGISTRY, domain.Listing, domain.evolve_listing,
                                    on_append=projections.on_listing_append),
                voice_notes=Repository(sql.store, REGISTRY, voice_notes.VoiceNoteState,
                                       voice_notes.evolve,
                                       on_append=projections.VOICE_NOTES.apply),
                media=media_store(settings),
                drug_query_sla=timedelta(hours=settings.drug_query_sla_hours),
                sandbox_posts_per_hour=settings.sandbox_posts_per_hour,
                policy_report_max=settings.policy_report_max,
                keywords=settings.keywords)


def bootstrap(settings: FeedSettings | None = None) -> Service:
    """Commands, queries and the inline read models, kept with the events."""
    settings = settings or FeedSettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    db = Database(engine)
    deps = deps_for(db, settings)
    routes = serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=db,
                   idempotency=sql.idempotency)
    return Service(name="feed", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=routes, store=sql.store,
                   inline_models=[projections.POSTS, projections.FOLLOWS,
                                  projections.FLAGS, projections.COMMENTS,
                                  projections.REACTIONS, projections.DRUG_QUERIES,
                                  projections.SCHEMES, projections.NOTIFICATION_READS,
                                  projections.MODERATOR_SCOPES, projections.RESOURCES,
                                  projections.GATHERINGS, projections.VOICE_NOTES],
                   tracking=sql.tracking,
                   on_start=[lambda: seed_schemes(deps), lambda: seed_health_days(deps)],
                   background=[lambda: watch.overdue_drug_queries(
                       deps, settings.drug_query_watch_s)])


def bootstrap_worker(settings: FeedSettings | None = None) -> Service:
    """The projections, in a process of their own: feed pages (timeline), the communities'
    counts and everyone's notifications. Their consumers' event loop is not the one serving
    requests, so under load a post is on its page in milliseconds (bench (c))."""
    settings = settings or FeedSettings()
    engine = make_engine(settings.database_url, max(2, settings.db_pool_size // 2))
    data = personal.PersonalData(personal.master_key_from(settings.personal_data_master_key))
    return Service(name="feed-worker", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata],
                   projections=[projections.timeline(data), projections.search(data),
                                projections.community_stats(),
                                notifications.notifications(notifications.LogNotifier())],
                   tracking=sql.tracking)
