"""Every request a service takes is bounded: no text and no list a caller could make as
long as they like (a 250,000-character question once got in). Checked on every command
model of every service's HANDLERS table, so a new one cannot forget."""

from typing import Any, get_args, get_origin

import annotated_types
import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from feed.handlers import HANDLERS as FEED
from identity.handlers import HANDLERS as IDENTITY
from pharmacovigilance.handlers import HANDLERS as PHARMACOVIGILANCE
from ratings.handlers import HANDLERS as RATINGS
from surveys.handlers import HANDLERS as SURVEYS

COMMANDS = sorted({h.command for table in (FEED, IDENTITY, PHARMACOVIGILANCE, RATINGS,
                                                       SURVEYS)
                   for h in table.values()}, key=lambda m: f"{m.__module__}.{m.__name__}")
UNBOUNDED_BY_NATURE = (bool, int, float)  # bounded by their own validators where it matters


def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in models_in(arg)]


def holds(annotation: Any, kind: type) -> bool:
    return annotation is kind or get_origin(annotation) is kind or any(
        holds(arg, kind) for arg in get_args(annotation))


def max_length(field: FieldInfo) -> int | None:
    return next((m.max_length for m in field.metadata if isinstance(m, annotated_types.MaxLen)),
                None)


def every_model(model: type[BaseModel], seen: set[type]) -> list[type[BaseModel]]:
    if model in seen:
        return []
    seen.add(model)
    found = [model]
    for field in model.model_fields.values():
        for inner in models_in(field.annotation):
            found += every_model(inner, seen)
    return found


def unbounded(model: type[BaseModel]) -> list[str]:
    """`Model.field` for each text or list field without a maximum length, and
    `Model.field[]` for a list whose texts have none."""
    loose = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        text = holds(annotation, str) and not _is_literal(annotation)
        if (text or holds(annotation, list)) and max_length(field) is None \
                and not _pattern_or_enum(field):
            loose.append(f"{model.__name__}.{name}")
        if holds(annotation, list) and _loose_items(annotation):
            loose.append(f"{model.__name__}.{name}[]")
    return loose


def _loose_items(annotation: Any) -> bool:
    """A list of plain `str`: its items may be of any length."""
    if get_origin(annotation) is list:
        return any(item is str for item in get_args(annotation))
    return any(_loose_items(arg) for arg in get_args(annotation))


def _is_literal(annotation: Any) -> bool:
    return "Literal" in repr(annotation)


def _pattern_or_enum(field: FieldInfo) -> bool:
    return any(getattr(m, "pattern", None) for m in field.metadata)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda m: m.__name__)
def test_every_text_and_list_a_caller_sends_has_a_maximum(command: type[BaseModel]) -> None:
    loose = [f for model in every_model(command, set()) for f in unbounded(model)]
    assert loose == []
