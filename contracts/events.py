"""Versioned domain events and the registry that reads every shipped version.

A shipped event version is never edited: a change is a new version plus an upcaster from
the previous one, applied on read (`decode`).
"""

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from contracts.envelope import Envelope


class Event(BaseModel):
    """A fact, named in the past tense. Subclasses set the class variables."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    subject: ClassVar[str]  # <context>.<aggregate>.<event>
    published: ClassVar[bool] = True  # False: stays in the owning service's store
    # True: the store keeps the day it happened, not the instant (an anonymous answer: a
    # time finer than the day could tell who gave it, kit.eventstore).
    day_only: ClassVar[bool] = False


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventError(LookupError):
    """An event type or version this registry cannot read."""


class EventRegistry:
    """Maps (type, version) to the event class, and upcasts old versions on read."""

    def __init__(self, events: Iterable[type[Event]],
                 upcasters: dict[tuple[str, int], Upcaster] | None = None) -> None:
        self._classes = {(e.event_type, e.version): e for e in events}
        self._latest: dict[str, int] = {}
        for event_type, version in self._classes:
            self._latest[event_type] = max(version, self._latest.get(event_type, 0))
        self._upcasters = upcasters or {}

    @property
    def classes(self) -> list[type[Event]]:
        return list(self._classes.values())

    def knows(self, event_type: str) -> bool:
        return event_type in self._latest

    def decode(self, envelope: Envelope) -> Event:
        """The event at its latest version, whatever version it was stored at."""
        event_type, version, data = envelope.event_type, envelope.schema_version, envelope.data
        if event_type not in self._latest:
            raise UnknownEventError(f"{event_type} v{version}")
        while version < self._latest[event_type]:
            upcast = self._upcasters.get((event_type, version))
            if upcast is None:
                raise UnknownEventError(f"no upcaster for {event_type} v{version}")
            data, version = upcast(dict(data)), version + 1
        return self._classes[(event_type, version)].model_validate(data)

    def merged(self, other: "EventRegistry") -> "EventRegistry":
        return EventRegistry([*self.classes, *other.classes],
                             {**self._upcasters, **other._upcasters})
