"""Events of the surveys context: versioned survey definitions (the responses stay in the
service's own store: surveys/events.py).

A definition travels whole (the `Definition` of contracts.surveys.messages, as JSON): a
version is one fact, and answers name the version they answered."""

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


REGISTRY = EventRegistry([SurveyDrafted, SurveyPublished])
