"""Group commit (kit.unitofwork) against a real Postgres: concurrent commands in one
transaction, each answered only once committed; one command's failure isolated from the
others; a failed COMMIT failing everyone, and nobody run twice for it."""

import asyncio
from contextvars import ContextVar

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from kit.unitofwork import GROUP_SPLITS, Database

CHOSEN = sa.text("CREATE SCHEMA IF NOT EXISTS uow_test")
TABLES = [
    "DROP TABLE IF EXISTS uow_test.notes, uow_test.seats",
    "CREATE TABLE uow_test.notes (n int PRIMARY KEY, txid bigint NOT NULL)",
    # unique at COMMIT, not at the insert: a group that breaks it fails in its COMMIT
    "CREATE TABLE uow_test.seats (seat int, CONSTRAINT one_each UNIQUE (seat) "
    "DEFERRABLE INITIALLY DEFERRED)",
]
REQUEST: ContextVar[str] = ContextVar("request", default="none")


@pytest.fixture
async def db(engine: AsyncEngine) -> Database:
    async with engine.begin() as conn:
        await conn.execute(CHOSEN)
        for statement in TABLES:
            await conn.execute(sa.text(statement))
    return Database(engine, group_size=32, groups=1)


def note(db: Database, n: int, runs: list[int], fail: bool = False):  # type: ignore[no-untyped-def]
    async def work() -> tuple[int, str]:
        runs.append(n)
        async with db.transaction() as conn:
            txid = await conn.scalar(sa.text("SELECT txid_current()"))
            await conn.execute(sa.text("INSERT INTO uow_test.notes VALUES (:n, :t)"),
                               {"n": n, "t": txid})
            if fail:
                raise ValueError(f"command {n} refused")
        return txid, REQUEST.get()
    return work


async def asked(db: Database, n: int, runs: list[int], fail: bool = False) -> tuple[int, str]:
    REQUEST.set(f"request {n}")  # each caller's own context, as a request's log context
    return await db.together(note(db, n, runs, fail))


async def kept(db: Database) -> dict[int, int]:
    async with db.connect() as conn:
        return dict((await conn.execute(sa.text("SELECT n, txid FROM uow_test.notes"))).all())


async def test_concurrent_commands_commit_in_one_transaction_in_their_own_contexts(
        db: Database) -> None:
    runs: list[int] = []
    results = await asyncio.gather(*(asked(db, n, runs) for n in range(20)))
    assert len({txid for txid, _ in results}) == 1  # one group, one transaction
    assert [context for _, context in results] == [f"request {n}" for n in range(20)]
    assert runs == list(range(20))  # each decided once, in the order they came
    assert sorted(await kept(db)) == list(range(20))


async def test_a_command_alone_waits_for_nobody(db: Database) -> None:
    first = await asked(db, 1, [])
    second = await asked(db, 2, [])
    assert first[0] != second[0]
    assert sorted(await kept(db)) == [1, 2]


async def test_a_failing_command_fails_alone_and_leaves_nothing(db: Database) -> None:
    runs: list[int] = []
    splits = GROUP_SPLITS._value.get()
    results = await asyncio.gather(*(asked(db, n, runs, fail=n == 3) for n in range(6)),
                                   return_exceptions=True)
    assert isinstance(results[3], ValueError) and "command 3" in str(results[3])
    assert all(isinstance(r, tuple) for i, r in enumerate(results) if i != 3)
    assert sorted(await kept(db)) == [0, 1, 2, 4, 5]  # not the failed one's insert
    # The group was rolled back and each command run again on its own, in order.
    assert runs == [0, 1, 2, 3, *range(6)]
    assert GROUP_SPLITS._value.get() == splits + 1


async def test_a_database_error_in_one_command_spares_the_others(db: Database) -> None:
    await asked(db, 7, [])
    results = await asyncio.gather(*(asked(db, n, []) for n in (6, 7, 8)),
                                   return_exceptions=True)
    assert isinstance(results[1], sa.exc.IntegrityError)  # 7 is there already
    assert sorted(await kept(db)) == [6, 7, 8]


async def test_a_failed_commit_fails_every_command_and_runs_none_again(db: Database) -> None:
    runs: list[int] = []

    async def take(seat: int, n: int) -> None:
        async def work() -> None:
            runs.append(n)
            async with db.transaction() as conn:
                await conn.execute(sa.text("INSERT INTO uow_test.seats VALUES (:s)"),
                                   {"s": seat})
        await db.together(work)

    results = await asyncio.gather(take(1, 1), take(2, 2), take(1, 3),
                                   return_exceptions=True)
    assert all(isinstance(r, sa.exc.IntegrityError) for r in results)
    assert isinstance(results[0].orig.__cause__, asyncpg.UniqueViolationError)  # type: ignore[union-attr]
    assert runs == [1, 2, 3]  # whether the group committed is not known: no second run
    async with db.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM uow_test.seats")) == 0


async def test_inside_a_transaction_a_command_is_part_of_it(db: Database) -> None:
    runs: list[int] = []
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.together(note(db, 9, runs))
            raise RuntimeError("the outer unit of work fails")
    assert runs == [9] and await kept(db) == {}


async def test_a_caller_that_gave_up_is_left_out(db: Database) -> None:
    runs: list[int] = []
    started, release = asyncio.Event(), asyncio.Event()

    async def holding() -> None:
        started.set()
        await release.wait()
    first = asyncio.create_task(db.together(holding))  # holds the only group until released
    await started.wait()
    given_up = asyncio.create_task(asked(db, 10, runs))
    waits = asyncio.create_task(asked(db, 11, runs))
    await asyncio.sleep(0)  # one step of each: both are queued behind the group (no timing)
    given_up.cancel()
    release.set()
    await asyncio.gather(first, waits)
    assert runs == [11] and sorted(await kept(db)) == [11]
