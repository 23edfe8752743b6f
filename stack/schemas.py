"""JSON Schemas of the events each service keeps in its own store (never published): the
same registry, files and compatibility rule as the published ones (contracts.schemagen).

`make schemas` runs it after `python -m contracts.schemagen`.
"""

import sys
from importlib import import_module

from contracts.events import Event, EventRegistry
from contracts.schemagen import generate

# Every event registry a service reads its own store with, as "module:attribute".
REGISTRIES = ("identity.domain:REGISTRY", "identity.applications:REGISTRY",
              "pharmacovigilance.domain:REGISTRY", "feed.events:REGISTRY",
              "surveys.events:REGISTRY")


def registry(name: str) -> EventRegistry:
    module, _, attribute = name.partition(":")
    found = getattr(import_module(module), attribute)
    assert isinstance(found, EventRegistry), name
    return found


def internal_events() -> list[type[Event]]:
    """Every version of every event a service stores but does not publish."""
    return sorted({event for name in REGISTRIES for event in registry(name).classes
                   if not event.published}, key=lambda e: (e.subject, e.version))


if __name__ == "__main__":
    sys.exit(1 if generate(internal_events()) else 0)
