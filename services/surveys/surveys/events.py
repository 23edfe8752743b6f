"""The facts the surveys service keeps in its own store and never publishes: the
responses (README.md, "Anonymity"), and the registry its repositories read with."""

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry
from contracts.surveys.events import REGISTRY as PUBLISHED


class ResponseSubmitted(Event):
    """One person's response to one version of a survey. Anonymous surveys: no respondent,
    the day only, nothing that links it to the "who answered" set (README.md). Identified:
    the respondent, and free-text answers sealed with their data key (kit.personal)."""

    event_type: ClassVar[str] = "ResponseSubmitted"
    subject: ClassVar[str] = "surveys.response.submitted"
    # Kept in the surveys' own store (its results are inline read models), never on a
    # stream whose messages carry the instant they were published; and stored with its
    # day only, as its answered_on.
    published: ClassVar[bool] = False
    day_only: ClassVar[bool] = True

    response_id: UUID
    survey_id: UUID
    survey_version: int
    answers: dict[str, Any]  # question id -> value, as the definition's types say
    communities: list[str]  # the respondent's, for the cross-tabs
    language: str
    answered_on: date
    respondent_id: UUID | None = None  # only in identified surveys
    # Free-text answers the moderation patterns hold back from staff, with the reasons.
    held: dict[str, list[str]] = {}



REGISTRY = PUBLISHED.merged(EventRegistry([ResponseSubmitted]))
