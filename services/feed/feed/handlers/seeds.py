"""What the feed lists by itself at start-up (schemes, health days): each stream decided
once from its state, in its own transaction."""

from collections.abc import Callable, Sequence
from typing import Any

from contracts.events import Event
from kit.aggregates import Repository
from kit.eventstore import ConcurrencyError, Metadata
from kit.usecases import Database

SEEDER = Metadata(actor="feed")


async def seed(db: Database, repository: Repository[Any], stream: str,
               decide: Callable[[Any], Sequence[Event]]) -> None:
    """Append what `decide` makes of the stream's state (nothing, if it is there already).
    Two processes starting at once: the second finds the first's events and moves on."""
    try:
        async with db.transaction() as conn:
            state, version = await repository.get(conn, stream)
            await repository.append(conn, stream, version, decide(state), SEEDER)
    except ConcurrencyError:
        return
