"""The relay to the regulator leads, fails and leads again against a real Postgres: its
advisory lock never outlives an error, and a stall shows in its metrics."""

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine

from kit import personal
from kit.db import create_schema
from kit.usecases import Database
from pharmacovigilance.adapters import sql
from pharmacovigilance.bootstrap import deps_for
from pharmacovigilance.deps import Deps
from pharmacovigilance.regulator import InMemoryRegulator
from pharmacovigilance.relay import LOCK, RegulatorRelay
from pharmacovigilance.settings import PvSettings
from tests.platform import eventually

pytestmark = pytest.mark.integration
HELD = ("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")


class FailingOnce(InMemoryRegulator):
    """The port failing the way a drop folder on a lost mount does, once."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 0

    async def acknowledgements(self) -> list:
        if self.failures:
            self.failures -= 1
            raise OSError("the drop folder is gone")
        return await super().acknowledgements()


@pytest.fixture
async def relay_deps(engine: AsyncEngine) -> Deps:
    await create_schema(engine, personal.metadata, sql.metadata)
    return deps_for(Database(engine), PvSettings(e2b_sender_id="S", e2b_receiver_id="R",
                                                 meddra_version="27.1"),
                    data=personal.PersonalData(os.urandom(32)))


@pytest.fixture
async def regulator() -> FailingOnce:
    return FailingOnce()


@pytest.fixture
async def running(relay_deps: Deps, regulator: FailingOnce) -> AsyncIterator[RegulatorRelay]:
    relay = RegulatorRelay(relay_deps, regulator, poll_s=0.02, max_backoff_s=0.2)
    task = asyncio.create_task(relay.run())
    yield relay
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def metric(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


async def holders(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        return list((await conn.scalars(sa.text(HELD))).all())


async def leading(engine: AsyncEngine) -> bool:
    return metric("pu_regulator_relay_leading") == 1 and len(await holders(engine)) == 1


async def test_after_an_error_the_relay_lets_go_of_its_lock_and_leads_again(
        engine: AsyncEngine, running: RegulatorRelay, regulator: FailingOnce) -> None:
    await eventually(lambda: leading(engine), timeout=10)
    [first] = await holders(engine)
    errors = metric("pu_regulator_relay_errors_total")
    regulator.failures = 1
    await eventually(lambda: _above(metric("pu_regulator_relay_errors_total"), errors))
    await eventually(lambda: leading(engine), timeout=10)  # within its back-off, not a restart
    [second] = await holders(engine)
    assert second != first  # the old session ended: no idle pooled connection keeps the lock


async def test_a_lost_lock_session_is_noticed_on_the_next_pass(
        engine: AsyncEngine, running: RegulatorRelay) -> None:
    await eventually(lambda: leading(engine), timeout=10)
    [lock_session] = await holders(engine)
    errors = metric("pu_regulator_relay_errors_total")
    async with engine.connect() as conn:  # as a Postgres restart or a failover would
        await conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": lock_session})
    await eventually(lambda: _above(metric("pu_regulator_relay_errors_total"), errors))
    await eventually(lambda: leading(engine), timeout=10)


async def test_a_relay_kept_from_leading_shows_as_stalled(
        engine: AsyncEngine, relay_deps: Deps, regulator: FailingOnce) -> None:
    async with engine.connect() as other:  # another process holds the lead and does nothing
        await other.execute(sa.text("SELECT pg_advisory_lock(hashtext(:k))"), {"k": LOCK})
        await other.commit()
        relay = RegulatorRelay(relay_deps, regulator, poll_s=0.02)
        task = asyncio.create_task(relay.run())
        try:
            beat = metric("pu_regulator_relay_heartbeat_seconds")
            await eventually(lambda: _asked_for_the_lock(engine))  # and was refused it
            assert metric("pu_regulator_relay_leading") == 0
            assert metric("pu_regulator_relay_heartbeat_seconds") == beat
            await other.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": LOCK})
            await other.commit()
            await eventually(lambda: _above(metric("pu_regulator_relay_heartbeat_seconds"), beat))
            assert metric("pu_regulator_relay_leading") == 1
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def _asked_for_the_lock(engine: AsyncEngine) -> bool:
    """Another session than ours has tried for the relay's lock (it is polling for it)."""
    async with engine.connect() as conn:
        return bool(await conn.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND datname = current_database() "
            "AND query LIKE 'SELECT pg_try_advisory_lock%'")))


async def _above(value: float, floor: float) -> bool:
    return value > floor
