"""Contracts: committed schemas stay compatible, envelopes and upcasting behave."""

import json

import pytest

from contracts.registry import ALL
from contracts.schemagen import SCHEMA_DIR, incompatibilities, path_of, schema_of
from stack.schemas import internal_events

EVERY_EVENT = [*ALL.classes, *internal_events()]


@pytest.mark.parametrize("event", EVERY_EVENT, ids=lambda e: f"{e.event_type}.v{e.version}")
def test_every_event_version_has_a_compatible_committed_schema(event: type) -> None:
    """Published and internal alike: internal ones are replayed into read models."""
    path = path_of(event)
    assert path.exists(), f"{path} is missing: run `make schemas` and commit it"
    assert incompatibilities(json.loads(path.read_text()), schema_of(event)) == []


def test_no_shipped_event_version_was_deleted() -> None:
    known = {(e.event_type, e.version) for e in EVERY_EVENT}
    for path in SCHEMA_DIR.rglob("*.json"):
        schema = json.loads(path.read_text())
        assert (schema["x-event-type"], schema["x-version"]) in known, path


def test_the_compatibility_check_catches_breaking_changes() -> None:
    shipped = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
               "required": ["a"]}
    assert incompatibilities(shipped, shipped) == []
    assert incompatibilities(shipped, {**shipped, "properties": {
        **shipped["properties"], "c": {"type": "string"}}}) == []
    assert incompatibilities(shipped, {"properties": {"a": {"type": "string"}},
                                       "required": ["a"]}) == ["field 'b' was removed"]
    assert incompatibilities(shipped, {"properties": {"a": {"type": "integer"},
                                                      "b": {"type": "integer"}},
                                       "required": ["a"]}) == ["field 'a' changed type"]
    assert incompatibilities(shipped, {**shipped, "required": ["a", "b"]}) == [
        "field 'b' became required"]


def test_internal_events_are_checked_too() -> None:
    names = {e.event_type for e in internal_events()}
    assert {"AdrReportSaved", "CaseAssessed", "CredentialsSet"} <= names
    assert not names & {e.event_type for e in ALL.classes}


def test_subjects_follow_context_aggregate_event() -> None:
    for event in EVERY_EVENT:
        context, aggregate, name = event.subject.split(".")
        assert context in ("identity", "feed", "pharmacovigilance", "ratings", "surveys",
                           "assistance", "voices")
        assert aggregate and name
