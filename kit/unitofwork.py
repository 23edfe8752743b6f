"""A service's unit of work, and group commit: concurrent commands in one transaction.

`Database.transaction()` is a use case's transaction; inside one (an idempotent use case's,
say, or a group's) `transaction()` and `connect()` join it, so that the key, the events and
the read models commit together. Repositories never commit; the transaction does.

Group commit (`Database.together`): the commands that arrive while the service's groups are
busy wait, and the next group takes them all. They are decided one by one, in order, each
seeing the writes of those before it, as if each had its own transaction in that order, and
are committed together: one BEGIN and one COMMIT (one WAL flush, one wake-up of the outbox
relay) for the group instead of one per command, and nobody's reply leaves before the
commit that makes it true. A command alone (no load) is a group of one: nothing waits for
company.

A command that fails inside a group (a domain error, a conflict, anything) must not take
the others down, nor leave half its writes in theirs: the group's transaction is rolled
back and each of its commands is run again on its own, in its own transaction, in the
same order, and answered from that run. A use case is already run twice when its stream
moved on (kit.usecases), so nothing new is asked of use cases: they decide from what they
read, and change nothing outside their transaction before it commits. A failure of the
COMMIT itself is every command's failure: whether the group committed is not known, so
none is run again.
"""

import asyncio
import contextvars
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from prometheus_client import Counter, Histogram
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

T = TypeVar("T")

_TRANSACTION: ContextVar[AsyncConnection | None] = ContextVar("pu_transaction", default=None)

GROUP_SIZE = Histogram("pu_group_commit_commands", "Commands committed in one transaction",
                       buckets=(1, 2, 4, 8, 16, 32, 64))
GROUP_SPLITS = Counter("pu_group_commit_splits_total",
                       "Groups rolled back because one command failed, and run one by one")


@dataclass
class _Waiting:
    work: Callable[[], Coroutine[Any, Any, Any]]
    context: contextvars.Context  # the request's own: its logging and tracing context
    done: asyncio.Future[Any]


class _Failed(Exception):
    """A command of the group failed: roll the group back."""


class Database:
    """A service's unit of work: transactions, and group commit for the commands that ask.

    `group_size` caps a group; `groups` is how many run at once (each on a connection of its
    own), so that one group is decided while another waits for its commit."""

    def __init__(self, engine: AsyncEngine, *, group_size: int = 32, groups: int = 2) -> None:
        self.engine = engine
        self.group_size = group_size
        self.groups = groups
        self._waiting: deque[_Waiting] = deque()
        self._groups_running = 0  # counted by the groups' task itself, with no await between
        self._tasks: set[asyncio.Task[None]] = set()  # held, so that none is collected

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        current = _TRANSACTION.get()
        if current is not None:
            yield current
            return
        async with self.engine.begin() as conn:
            token = _TRANSACTION.set(conn)
            try:
                yield conn
            finally:
                _TRANSACTION.reset(token)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """For reads: the request's transaction when there is one, else a connection."""
        current = _TRANSACTION.get()
        if current is not None:
            yield current
            return
        async with self.engine.connect() as conn:
            yield conn

    async def together(self, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """`work()`'s result once committed, in a transaction shared with the commands
        waiting with it (see the module's docstring). `work` opens its transaction with
        `transaction()` as usual, and may be called twice."""
        if _TRANSACTION.get() is not None:
            return await work()  # inside a transaction already: part of it
        waiting = _Waiting(work, contextvars.copy_context(),
                           asyncio.get_running_loop().create_future())
        self._waiting.append(waiting)
        if self._groups_running < self.groups:
            self._groups_running += 1
            task = asyncio.create_task(self._commit_groups())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await waiting.done

    async def _commit_groups(self) -> None:
        try:
            while self._waiting:
                group: list[_Waiting] = []
                while self._waiting and len(group) < self.group_size:
                    waiting = self._waiting.popleft()
                    if not waiting.done.done():  # its caller may have given up waiting
                        group.append(waiting)
                if len(group) == 1:
                    await self._alone(group[0])
                elif group:
                    await self._commit(group)
        finally:
            # In the same step as the last look at the queue: a command queued after it
            # finds this group gone and starts another.
            self._groups_running -= 1

    async def _commit(self, group: list[_Waiting]) -> None:
        results: list[Any] = []
        try:
            async with self.engine.begin() as conn:
                for waiting in group:
                    results.append(await self._within(waiting, conn))
        except _Failed:
            GROUP_SPLITS.inc()
            for waiting in group:
                await self._alone(waiting)
            return
        except Exception as error:  # the connection or the COMMIT: nobody knows the outcome
            for waiting in group:
                _settle(waiting, error=error)
            return
        GROUP_SIZE.observe(len(group))
        for waiting, result in zip(group, results, strict=True):
            _settle(waiting, result)

    @staticmethod
    async def _within(waiting: _Waiting, conn: AsyncConnection) -> Any:
        waiting.context.run(_TRANSACTION.set, conn)
        try:
            return await asyncio.create_task(waiting.work(), context=waiting.context)
        except Exception as error:
            raise _Failed from error
        finally:
            waiting.context.run(_TRANSACTION.set, None)

    @staticmethod
    async def _alone(waiting: _Waiting) -> None:
        try:
            result: Any = await asyncio.create_task(waiting.work(), context=waiting.context)
        except Exception as error:
            _settle(waiting, error=error)
        else:
            GROUP_SIZE.observe(1)
            _settle(waiting, result)


def _settle(waiting: _Waiting, result: Any = None, *, error: Exception | None = None) -> None:
    if waiting.done.done():
        return
    if error is not None:
        waiting.done.set_exception(error)
    else:
        waiting.done.set_result(result)
