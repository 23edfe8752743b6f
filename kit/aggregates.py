"""Aggregates loaded from their events and saved at the version read.

    state, version = await repository.get(conn, stream)     # folded from the stream
    events = domain.decide(state, command)                  # pure
    await repository.append(conn, stream, version, events, caller.metadata)

The append uses the version that was read, so a concurrent writer makes it raise
`ConcurrencyError` (the use-case layer retries once, then answers 409) instead of deciding
from a state that no longer holds. The service's inline read models are updated in the
same transaction.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.events import Event, EventRegistry
from kit.eventstore import EventStore, Metadata

S = TypeVar("S")
OnAppend = Callable[[AsyncConnection, list[Event], list[Envelope]], Awaitable[None]]


class NoSuchAggregate(LookupError):
    """The stream has no events: there is no such thing."""


@dataclass(frozen=True)
class Repository(Generic[S]):
    store: EventStore
    registry: EventRegistry
    initial: Callable[[], S]
    evolve: Callable[[S, Event], S]
    on_append: OnAppend | None = None  # the inline read models, kept with the events

    async def get(self, conn: AsyncConnection, stream_id: str) -> tuple[S, int]:
        """The state folded from the stream, and the version it was folded at (0: none)."""
        envelopes = await self.store.load(conn, stream_id)
        state = self.initial()
        for envelope in envelopes:
            state = self.evolve(state, self.registry.decode(envelope))
        return state, envelopes[-1].stream_version if envelopes else 0

    async def existing(self, conn: AsyncConnection, stream_id: str) -> tuple[S, int]:
        """As `get`, for an aggregate that must exist already."""
        state, version = await self.get(conn, stream_id)
        if version == 0:
            raise NoSuchAggregate(stream_id)
        return state, version

    async def change(self, conn: AsyncConnection, stream_id: str,
                     decide: Callable[[S], Sequence[Event]], meta: Metadata) -> S:
        """Fold the stream, decide from its state, append at the version folded; the state
        that was decided from."""
        state, version = await self.get(conn, stream_id)
        await self.append(conn, stream_id, version, decide(state), meta)
        return state

    async def append(self, conn: AsyncConnection, stream_id: str, version: int,
                     events: Sequence[Event], meta: Metadata) -> list[Envelope]:
        """Append after `version` (what `get` returned) and update the read models."""
        if not events:
            return []
        envelopes = await self.store.append(conn, stream_id, version, events, meta)
        if self.on_append is not None:
            await self.on_append(conn, list(events), envelopes)
        return envelopes
