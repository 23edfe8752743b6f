"""The composition root of the surveys service: its use cases, its inline read models
(surveys, results), the members projection (the feed's follows, identity's languages),
the two ready surveys seeded at start-up, the anonymous answers' batches and the export
jobs, in one process."""

import base64
import hashlib
import hmac

from kit import personal
from kit.aggregates import Repository
from kit.db import make_engine
from kit.service import Service
from kit.usecases import Database, serve
from surveys import domain, handlers, projections
from surveys.adapters import sql
from surveys.deps import Deps
from surveys.events import REGISTRY
from surveys.handlers.authoring import seed_ready_surveys
from surveys.handlers.batches import keep_writing_batches
from surveys.handlers.exports import keep_exporting
from surveys.settings import SurveysSettings


def deps_for(db: Database, settings: SurveysSettings) -> Deps:
    """The use cases' dependencies (the service tier's tests build them the same way)."""
    master = personal.master_key_from(settings.personal_data_master_key)
    return Deps(db=db, personal=personal.PersonalData(master),
                surveys=Repository(sql.store, REGISTRY, domain.Survey, domain.evolve,
                                   on_append=projections.SURVEYS.apply),
                responses=Repository(sql.store, REGISTRY, lambda: False,
                                     domain.evolve_response,
                                     on_append=projections.RESULTS.apply),
                participation_key=participation_key(settings, master))


def participation_key(settings: SurveysSettings, master: bytes) -> bytes:
    """SURVEYS_PARTICIPATION_KEY, or a key of its own derived from the master key."""
    if settings.surveys_participation_key:
        return base64.b64decode(settings.surveys_participation_key)
    return hmac.new(master, b"surveys participation tokens v1", hashlib.sha256).digest()


def bootstrap(settings: SurveysSettings | None = None) -> Service:
    settings = settings or SurveysSettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    db = Database(engine)
    deps = deps_for(db, settings)
    routes = serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=db,
                   idempotency=sql.idempotency)
    return Service(name="surveys", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=routes, store=sql.store,
                   inline_models=[projections.SURVEYS, projections.RESULTS],
                   projections=[projections.members()], tracking=sql.tracking,
                   on_start=[lambda: seed_ready_surveys(deps)],
                   background=[lambda: keep_writing_batches(
                       deps, settings.surveys_batch_every_s, settings.surveys_batch_longest_s),
                       lambda: keep_exporting(deps, settings.surveys_export_every_s,
                                              settings.surveys_export_page)])
