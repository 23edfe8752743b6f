"""The composition root of the pharmacovigilance service."""

from pathlib import Path

from kit import personal
from kit.db import make_engine
from kit.service import Service
from pharmacovigilance import inline, routes
from pharmacovigilance.adapters import sql
from pharmacovigilance.deps import Deps
from pharmacovigilance.regulator import Regulator
from pharmacovigilance.regulator_folder import FolderRegulator
from pharmacovigilance.regulator_http import HttpRegulator
from pharmacovigilance.relay import RegulatorRelay
from pharmacovigilance.settings import PvSettings
from pharmacovigilance.terminology import terminology


def bootstrap(settings: PvSettings | None = None) -> Service:
    settings = settings or PvSettings()
    engine = make_engine(settings.database_url, settings.db_pool_size)
    deps = Deps(engine=engine,
                personal=personal.PersonalData(
                    personal.master_key_from(settings.personal_data_master_key)),
                sender_id=settings.e2b_sender_id, receiver_id=settings.e2b_receiver_id,
                terminology=terminology(settings.meddra_llt_file, settings.meddra_version))

    regulator = regulator_from(settings)
    background = [RegulatorRelay(deps, regulator,
                                 max_backoff_s=settings.regulator_max_backoff_s).run
                  ] if regulator is not None else []
    return Service(name="pharmacovigilance", settings=settings, engine=engine,
                   metadata=[personal.metadata, sql.metadata], routes=routes.routes(deps),
                   store=sql.store,
                   inline_models=[inline.REPORTS],
                   background=background)


def regulator_from(settings: PvSettings) -> Regulator | None:
    """The configured channel to the regulator; None: cases wait in the relay queue."""
    if settings.regulator_url:
        return HttpRegulator(settings.regulator_url, settings.regulator_timeout_s)
    if settings.regulator_drop_dir:
        return FolderRegulator(Path(settings.regulator_drop_dir))
    return None
