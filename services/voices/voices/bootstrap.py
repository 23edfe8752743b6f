"""The composition root of the voices service: its use cases, the inline `stories` model,
the `people` projection (identity's names and erasures), the periodic checks (overdue
flags, ended embargoes) and, where a speech-to-text model
is installed, the machine transcriber's background work."""

from collections.abc import Coroutine
from typing import Any

from contracts.voices.events import REGISTRY
from kit import personal
from kit.aggregates import Repository
from kit.db import make_engine
from kit.media_s3 import media_store
from kit.service import Service
from kit.usecases import Database, serve
from voices import domain, handlers, projections
from voices.adapters import sql
from voices.adapters.transcriber import transcriber
from voices.deps import Deps
from voices.handlers.curation import erase_storyteller
from voices.handlers.embargo import watch_embargoes
from voices.handlers.flags import watch_overdue_flags
from voices.handlers.media import transcribe_waiting
from voices.settings import VoicesSettings


def personal_data(settings: VoicesSettings) -> personal.PersonalData:
    return personal.PersonalData(personal.master_key_from(settings.personal_data_master_key))


def deps_for(db: Database, settings: VoicesSettings) -> Deps:
    """The use cases' dependencies (the service tier's tests build them the same way)."""
    data = personal_data(settings)
    return Deps(db=db, personal=data,
                stories=Repository(sql.store, REGISTRY, domain.Story, domain.evolve,
                                   on_append=projections.stories(data).apply),
                media=media_store(settings),  # the feed's folder or bucket: keys do not collide
                transcriber=transcriber(settings.voices_transcriber_model),
                max_media_bytes=settings.voices_max_media_bytes,
                max_media_seconds=settings.voices_max_media_seconds)


def bootstrap(settings: VoicesSettings | None = None) -> Service:
    settings = settings or VoicesSettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    db = Database(engine)
    deps = deps_for(db, settings)
    routes = serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=db,
                   idempotency=sql.idempotency)
    background: list[Any] = [lambda: watch_overdue_flags(deps, settings.voices_flag_watch_s),
                             lambda: watch_embargoes(deps, settings.voices_embargo_check_s)]
    if deps.transcriber.available:
        def machine() -> Coroutine[Any, Any, None]:
            return transcribe_waiting(deps, settings.voices_transcribe_every_s)
        background.append(machine)
    people = projections.people(deps.personal,
                                lambda conn, person: erase_storyteller(deps, conn, person))
    return Service(name="voices", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=routes, store=sql.store,
                   inline_models=[projections.stories(deps.personal)],
                   projections=[people], tracking=sql.tracking, background=background)
