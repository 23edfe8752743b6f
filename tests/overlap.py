"""Holding one request back until the others have caught up with it: a way to make
requests overlap on purpose, whatever the machine's load, instead of hoping a sleep is
long enough."""

import asyncio
from collections.abc import Callable
from typing import Any


class Overlap:
    """Set once `count` different tasks have been seen where `seen` says (wrap a call with
    `watch`); `held()` waits for that, and fails the test past `timeout`."""

    def __init__(self, count: int, timeout: float = 10.0) -> None:
        self.count, self.timeout = count, timeout
        self._tasks: set[int] = set()
        self._reached = asyncio.Event()

    def watch(self, owner: Any, name: str, seen: Callable[[Any], bool]) -> None:
        """`owner.name(...)` as before, each result shown to `seen`: True counts the task."""
        original = getattr(owner, name)

        async def watched(*args: Any, **kwargs: Any) -> Any:
            result = await original(*args, **kwargs)
            if seen(result):
                self._tasks.add(id(asyncio.current_task()))
                if len(self._tasks) >= self.count:
                    self._reached.set()
            return result
        setattr(owner, name, watched)

    async def held(self) -> None:
        async with asyncio.timeout(self.timeout):
            await self._reached.wait()
