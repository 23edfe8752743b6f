"""Password hashing off the event loop, bounded: argon2 costs tens of milliseconds of CPU
a hash, so a flood of sign-ups must not queue sign-ins behind it until the gateway times
out. Beyond the bound a request is refused at once (503, Retry-After) instead."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from identity.domain import BusyError

T = TypeVar("T")


class PasswordHashing:
    """`threads` hashes at a time and at most `bound` running or waiting; sign-ups may take
    only `signup_share` of the bound, so that sign-ins still find a slot during a flood."""

    def __init__(self, hasher: PasswordHasher, threads: int = 2, bound: int = 16,
                 signup_share: float = 0.5) -> None:
        self.hasher, self.bound = hasher, bound
        self.signup_bound = max(1, int(bound * signup_share))
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="argon2")
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def hash(self, password: str) -> str:
        """The hash of a new password (sign-ups, applications)."""
        return await self._run(self.signup_bound, self.hasher.hash, password)

    async def verify(self, stored: str, password: str) -> bool:
        return await self._run(self.bound, self._verify, stored, password)

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    async def _run(self, bound: int, work: Callable[..., T], *args: str) -> T:
        if self._in_flight >= bound:
            raise BusyError()
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)
        finally:
            self._in_flight -= 1


class KeyedLocks:
    """One asyncio lock per key while anyone holds or awaits it: parallel sign-ins to one
    account wait here, holding no database connection, before the transaction's advisory
    lock serialises them across replicas too."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def held(self, key: str) -> AsyncIterator[None]:
        lock, waiters = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, waiters + 1)
        try:
            async with lock:
                yield
        finally:
            lock, waiters = self._locks[key]
            if waiters == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, waiters - 1)
