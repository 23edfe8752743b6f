"""The composition root of the assistance service: its use cases, the inline applications
model, the schemes projection (the feed's directory) and the owners projection (an erased
owner's documents deleted), in one process."""

from pathlib import Path

from assistance import domain, erasure, fund, handlers, projections
from assistance.adapters import sql
from assistance.deps import Deps
from assistance.settings import AssistanceSettings
from contracts.assistance.events import REGISTRY
from kit import personal
from kit.aggregates import Repository
from kit.db import make_engine
from kit.media import MediaStore
from kit.media_s3 import media_store
from kit.service import Service
from kit.usecases import Database, serve


def deps_for(db: Database, settings: AssistanceSettings,
             media: MediaStore | None = None) -> Deps:
    """The use cases' dependencies (the service tier's tests build them the same way)."""
    return Deps(
        db=db, personal=personal.PersonalData(
            personal.master_key_from(settings.personal_data_master_key)),
        applications=Repository(sql.store, REGISTRY, domain.Application, domain.evolve,
                                on_append=projections.APPLICATIONS.apply),
        fund=Repository(sql.store, REGISTRY, fund.Fund, fund.evolve),
        media=media or documents_store(settings),
        fund_attempts=settings.assistance_fund_attempts)


def documents_store(settings: AssistanceSettings) -> MediaStore:
    """The documents' store: the S3 bucket when MEDIA_STORE=s3 (keys are the documents'
    own ids), else a local folder of their own."""
    return media_store(settings, settings.assistance_media_dir
                       or Path(settings.media_dir) / "assistance")


def bootstrap(settings: AssistanceSettings | None = None) -> Service:
    settings = settings or AssistanceSettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    db = Database(engine)
    deps = deps_for(db, settings)
    routes = serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=db,
                   idempotency=sql.idempotency)
    return Service(name="assistance", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=routes, store=sql.store,
                   inline_models=[projections.APPLICATIONS],
                   projections=[projections.SCHEMES, erasure.owners(deps.media)],
                   tracking=sql.tracking)
