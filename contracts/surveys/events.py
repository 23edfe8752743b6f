"""Events of the surveys context: versioned survey definitions, and the responses to them.

A definition travels whole (the `Definition` of contracts.surveys.messages, as JSON): a
version is one fact, and answers name the version they answered."""

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry


class SurveyDrafted(Event):
    """A survey's working version was written: a new survey, an edit of an unpublished
    version, or the next version after a published one (`survey_version` says which)."""

    event_type: ClassVar[str] = "SurveyDrafted"
    subject: ClassVar[str] = "surveys.survey.drafted"

    survey_id: UUID
    survey_version: int
    definition: dict[str, Any]
    drafted_by: UUID | None = None  # None: seeded by the service


class SurveyPublished(Event):
    """A version was frozen and opened to its audience; it replaces the version before."""

    event_type: ClassVar[str] = "SurveyPublished"
    subject: ClassVar[str] = "surveys.survey.published"

    survey_id: UUID
    survey_version: int
    published_by: UUID


class ResponseSubmitted(Event):
    """One person's response to one version of a survey. Anonymous surveys: no respondent,
    the day only, nothing that links it to the "who answered" set (README.md). Identified:
    the respondent, and free-text answers sealed with their data key (kit.personal)."""

    event_type: ClassVar[str] = "ResponseSubmitted"
    subject: ClassVar[str] = "surveys.response.submitted"

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


REGISTRY = EventRegistry([SurveyDrafted, SurveyPublished, ResponseSubmitted])
