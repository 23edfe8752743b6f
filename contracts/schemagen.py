"""JSON Schemas of every event version, kept in contracts/schemas/: the published events'
under `<context>/`, the events each service keeps to itself under `<context>/internal/`
(they are replayed into read models on every reshape, so they are held to the same rule).

`python -m contracts.schemagen` writes the published ones and `python -m stack.schemas`
the internal ones (it imports the services, which contracts may not); both refuse to
overwrite a shipped version with an incompatible one (a change needs a new version and an
upcaster instead).
"""

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from contracts.events import Event
from contracts.registry import ALL

SCHEMA_DIR = Path(__file__).parent / "schemas"


def schema_of(event: type[Event]) -> dict[str, Any]:
    return {**event.model_json_schema(), "x-event-type": event.event_type,
            "x-version": event.version, "x-subject": event.subject}


def path_of(event: type[Event]) -> Path:
    context = event.subject.split(".", 1)[0]
    folder = SCHEMA_DIR / context / ("" if event.published else "internal")
    return folder / f"{event.event_type}.v{event.version}.json"


def incompatibilities(shipped: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What in `current` would break readers or writers of the `shipped` schema."""
    problems = []
    old_props, new_props = shipped.get("properties", {}), current.get("properties", {})
    for name, prop in old_props.items():
        if name not in new_props:
            problems.append(f"field {name!r} was removed")
        elif _shape(new_props[name]) != _shape(prop):
            problems.append(f"field {name!r} changed type")
    for name in set(current.get("required", ())) - set(shipped.get("required", ())):
        problems.append(f"field {name!r} became required")
    return problems


def _shape(prop: dict[str, Any]) -> str:
    ignored = {"title", "description", "default", "examples"}
    return json.dumps({k: v for k, v in prop.items() if k not in ignored}, sort_keys=True)


def generate(events: Iterable[type[Event]] = ALL.classes) -> int:
    """Write each event version's schema; how many shipped ones changed incompatibly."""
    failed = 0
    for event in events:
        path, schema = path_of(event), schema_of(event)
        if path.exists():
            problems = incompatibilities(json.loads(path.read_text()), schema)
            if problems:
                print(f"{path}: shipped version changed incompatibly: {problems}; "
                      "add a new version with an upcaster instead", file=sys.stderr)
                failed += 1
                continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return failed


if __name__ == "__main__":
    sys.exit(1 if generate() else 0)
