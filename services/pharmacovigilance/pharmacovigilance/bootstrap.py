"""The composition root of the pharmacovigilance service.

It starts and answers health; no features yet."""

import sqlalchemy as sa

from kit.db import make_engine
from kit.service import Service
from kit.settings import ServiceSettings

metadata = sa.MetaData(schema="pharmacovigilance")


def bootstrap(settings: ServiceSettings | None = None) -> Service:
    settings = settings or ServiceSettings()
    engine = make_engine(settings.database_url, 2)
    return Service(name="pharmacovigilance", settings=settings, engine=engine, metadata=[metadata])
