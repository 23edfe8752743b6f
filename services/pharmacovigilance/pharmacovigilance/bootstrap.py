"""The composition root of the pharmacovigilance service."""

from pathlib import Path

from kit import personal
from kit.aggregates import Repository
from kit.db import make_engine
from kit.service import Service
from kit.usecases import Database, serve
from pharmacovigilance import domain, handlers, projections
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.terminology import Terminology, terminology
from pharmacovigilance.deps import Deps
from pharmacovigilance.regulator import Regulator
from pharmacovigilance.regulator.folder import FolderRegulator
from pharmacovigilance.regulator.http import HttpRegulator
from pharmacovigilance.relay import RegulatorRelay
from pharmacovigilance.settings import PvSettings


def deps_for(db: Database, settings: PvSettings, *, data: personal.PersonalData | None = None,
             terms: Terminology | None = None) -> Deps:
    """The use cases' dependencies (the service tier, the relay's tests, the exporter and the
    bench build them the same way)."""
    reports = Repository(sql.store, domain.REGISTRY, domain.initial, domain.evolve,
                         on_append=projections.REPORTS.apply)
    data = data or personal.PersonalData(
        personal.master_key_from(settings.personal_data_master_key))
    return Deps(db=db, reports=reports, personal=data, sender_id=settings.e2b_sender_id,
                receiver_id=settings.e2b_receiver_id,
                terminology=terms or terminology(settings.meddra_llt_file,
                                                 settings.meddra_version),
                reports_per_day=settings.adr_reports_per_day)


def bootstrap(settings: PvSettings | None = None) -> Service:
    """Commands and queries, the inline reports model, and the relay when a channel is set."""
    settings = settings or PvSettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    db = Database(engine)
    deps = deps_for(db, settings)
    routes = serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=db,
                   idempotency=sql.idempotency)
    regulator = regulator_from(settings)
    background = [RegulatorRelay(deps, regulator,
                                 max_backoff_s=settings.regulator_max_backoff_s).run
                  ] if regulator is not None else []
    return Service(name="pharmacovigilance", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=routes, store=sql.store,
                   inline_models=[projections.REPORTS], background=background)


def regulator_from(settings: PvSettings) -> Regulator | None:
    """The configured channel to the regulator; None: cases wait in the relay queue."""
    if settings.regulator_url:
        return HttpRegulator(settings.regulator_url, settings.regulator_timeout_s)
    if settings.regulator_drop_dir:
        return FolderRegulator(Path(settings.regulator_drop_dir))
    return None
