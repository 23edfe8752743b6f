"""Pharmacovigilance's service tier: its use cases on a real Postgres, no NATS, no gateway;
MedDRA through the officer-entered terms or a licensed-style LLT file (each test that codes
runs over both), the regulator through its in-memory fake."""

import os
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
from kit import personal
from kit.usecases import Database, serve
from pharmacovigilance import domain, handlers
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.terminology import LltFile, OfficerEntered, Terminology
from pharmacovigilance.bootstrap import deps_for
from pharmacovigilance.deps import Deps
from pharmacovigilance.settings import PvSettings
from tests.service_tier import Tier, person, service_engine

RASH = {"code": "10037844", "term": "Rash", "version": "27.1"}


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    async with service_engine(database_url, sql.metadata, 24) as engine:
        yield engine


@pytest.fixture(params=["officer-entered", "llt-file"])
def terms(request: pytest.FixtureRequest, tmp_path: Path) -> Terminology:
    """Both MedDRA adapters: the terms as the officer typed them, and a dictionary file."""
    if request.param == "officer-entered":
        return OfficerEntered()
    llt = tmp_path / "llt.asc"
    llt.write_text(f"{RASH['code']}$Rash$10037844$$$$$$$Y$$\n10040785$Skin rash$$$$$$$$Y$$\n")
    return LltFile(llt, "27.1")


@pytest.fixture
def deps(engine: AsyncEngine, database_url: str, terms: Terminology) -> Deps:
    return deps_for(Database(engine), PvSettings(database_url=database_url),
                    data=personal.PersonalData(os.urandom(32)), terms=terms)


@pytest.fixture
def pv(deps: Deps) -> Tier:
    return Tier("pharmacovigilance", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS,
                                           db=deps.db, idempotency=sql.idempotency))


@pytest.fixture
def officer() -> Principal:
    return person("pv_officer")


@pytest.fixture
def liaison() -> Principal:
    return person("regulator_liaison")


@pytest.fixture
async def reporter(deps: Deps) -> Principal:
    """A patient whose data key exists, as identity makes it at sign-up."""
    return await with_key(deps, person("patient"))


async def with_key(deps: Deps, principal: Principal) -> Principal:
    async with deps.db.transaction() as conn:
        await deps.personal.create_key(conn, principal.user_id)
    return principal


async def event_types(engine: AsyncEngine, report_id: str | UUID) -> list[str]:
    events = sql.store.events
    async with engine.connect() as conn:
        return list((await conn.scalars(sa.select(events.c.event_type).where(
            events.c.stream_id == domain.stream_id(UUID(str(report_id))))
            .order_by(events.c.version))).all())


async def folded(deps: Deps, report_id: str | UUID) -> domain.CaseState:
    async with deps.db.connect() as conn:
        state, _ = await deps.reports.get(conn, domain.stream_id(UUID(str(report_id))))
    return state
