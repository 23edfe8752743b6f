"""The surveys' rules, pure: a survey's versions folded from its events, what an author may
do to it, and whether a response fits the version it answers (types, ranges, required
questions and skip logic). No I/O."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from contracts.events import Event
from contracts.surveys.events import SurveyDrafted, SurveyPublished
from contracts.surveys.messages import DONT_KNOW, Condition, Definition, Question
from surveys.events import ResponseSubmitted

CHOICES = ("single_choice", "multiple_choice")
SCALES = {"likert": range(1, 6), "nps": range(0, 11)}
NAMESPACE = uuid5(NAMESPACE_URL, "https://patients-union.in/surveys")


class SurveyError(Exception):
    """A refusal; `field` names what is at fault, when one thing is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DefinitionError(SurveyError):
    """The definition does not hold together (422)."""


class AnswerError(SurveyError):
    """A response does not fit its version (422)."""


class NoSuchSurveyError(SurveyError):
    """No survey by that id, or none the caller may see (404)."""


class NoSuchExportError(SurveyError):
    """No export job by that id for that survey (404)."""


class ExportNotReadyError(SurveyError):
    """The export's file is not written yet, or its job failed (409)."""


class NotOpenError(SurveyError):
    """Not published, not open yet, or closed (409)."""


class AlreadyAnsweredError(SurveyError):
    """One response per person per survey (409)."""


class NotInAudienceError(SurveyError):
    """The caller is not in the survey's audience (403)."""


def survey_stream(survey_id: UUID) -> str:
    return f"survey-{survey_id}"


def response_stream(survey_id: UUID, respondent_id: UUID) -> str:
    """An identified respondent's one response: a second append finds the stream taken."""
    return f"response-{uuid5(NAMESPACE, f'{survey_id}/{respondent_id}')}"


def anonymous_stream(response_id: UUID) -> str:
    return f"response-{response_id}"


@dataclass(frozen=True)
class Survey:
    """A survey's versions: the working one (draft or published) and the published one."""

    survey_id: UUID | None = None
    versions: Mapping[int, Definition] = field(default_factory=dict)
    working: int = 0
    published: int = 0  # 0: never published

    @property
    def exists(self) -> bool:
        return self.survey_id is not None

    def current(self) -> Definition | None:
        """The version respondents answer now."""
        return self.versions.get(self.published)


def evolve(survey: Survey, event: Event) -> Survey:
    if isinstance(event, SurveyDrafted):
        return replace(survey, survey_id=event.survey_id, working=event.survey_version,
                       versions={**survey.versions,
                                 event.survey_version: Definition.model_validate(event.definition)})
    if isinstance(event, SurveyPublished):
        return replace(survey, published=event.survey_version)
    return survey


def draft(survey: Survey, survey_id: UUID, definition: Definition,
          by: UUID | None) -> list[Event]:
    """A new survey, an edit of its unpublished version, or its next version."""
    check_definition(definition)
    if not survey.exists:
        version = 1
    elif survey.working == survey.published:
        version = survey.working + 1  # the published version stays frozen
    else:
        version = survey.working
    return [SurveyDrafted(survey_id=survey_id, survey_version=version, drafted_by=by,
                          definition=definition.model_dump(mode="json", by_alias=True))]


def revise(survey: Survey, definition: Definition, by: UUID) -> list[Event]:
    if not survey.exists or survey.survey_id is None:
        raise NoSuchSurveyError("no such survey")
    return draft(survey, survey.survey_id, definition, by)


def publish(survey: Survey, by: UUID) -> list[Event]:
    if not survey.exists or survey.survey_id is None:
        raise NoSuchSurveyError("no such survey")
    if survey.working == survey.published:
        raise NotOpenError(f"version {survey.working} is published already; edit the survey "
                           "to make the next one")
    return [SurveyPublished(survey_id=survey.survey_id, survey_version=survey.working,
                            published_by=by)]


def check_definition(definition: Definition) -> None:
    """Ids unique, labels in the default language, options where choices need them, ranges
    that make sense, skip logic on earlier questions only."""
    default = definition.default_language
    if default not in definition.title:
        raise DefinitionError(f"the title needs the default language ({default})", "title")
    opens, closes = definition.opens_at, definition.closes_at
    if opens and closes and closes <= opens:
        raise DefinitionError("closes_at must come after opens_at", "closes_at")
    audience = definition.audience
    if not (audience.everyone or audience.communities or audience.roles):
        raise DefinitionError("say who answers: everyone, communities or roles", "audience")
    earlier: dict[str, Question] = {}
    for index, question in enumerate(definition.questions):
        where = f"questions[{index}]"
        if question.id in earlier:
            raise DefinitionError(f"question id {question.id} is used twice", f"{where}.id")
        _check_question(question, default, where)
        if question.show_if is not None:
            _check_condition(question.show_if, earlier, f"{where}.show_if")
        earlier[question.id] = question


def _check_question(question: Question, default: str, where: str) -> None:
    if default not in question.label:
        raise DefinitionError(f"question {question.id} needs a label in {default}",
                              f"{where}.label")
    values = [option.value for option in question.options]
    if question.type in CHOICES:
        if len(values) < 2:
            raise DefinitionError(f"question {question.id} needs two options or more",
                                  f"{where}.options")
        if len(set(values)) != len(values):
            raise DefinitionError(f"question {question.id} repeats an option",
                                  f"{where}.options")
        if any(default not in option.label for option in question.options):
            raise DefinitionError(f"every option of {question.id} needs a label in {default}",
                                  f"{where}.options")
    elif values:
        raise DefinitionError(f"only choice questions have options ({question.id})",
                              f"{where}.options")
    if question.dont_know and question.type not in SCALES:
        raise DefinitionError("only likert and nps questions offer \"don't know\"",
                              f"{where}.dont_know")
    if question.type == "number" and None not in (question.min, question.max) \
            and question.min > question.max:  # type: ignore[operator]
        raise DefinitionError(f"the range of {question.id} is empty", f"{where}.max")


def _check_condition(condition: Condition, earlier: Mapping[str, Question], where: str) -> None:
    target = earlier.get(condition.question)
    if target is None:
        raise DefinitionError(f"show_if may only look at an earlier question, not "
                              f"{condition.question}", f"{where}.question")
    operators = [name for name in ("is_in", "not_in", "gte", "lte", "answered")
                 if getattr(condition, name) is not None]
    if len(operators) != 1:
        raise DefinitionError("show_if takes exactly one of in, not_in, gte, lte, answered",
                              where)
    numeric = condition.gte is not None or condition.lte is not None
    if numeric and target.type not in ("likert", "nps", "number"):
        raise DefinitionError("gte and lte compare numbers", where)
    listed = condition.is_in if condition.is_in is not None else condition.not_in
    if listed is not None and target.type in CHOICES:
        known = {option.value for option in target.options}
        unknown = [str(v) for v in listed if v not in known]
        if unknown:
            raise DefinitionError(f"{', '.join(unknown)}: not options of {target.id}", where)


def shown(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    """Whether a question with this condition is shown, given the (visible) answers."""
    if condition is None:
        return True
    answer = answers.get(condition.question)
    if condition.answered is not None:
        return (answer is not None) == condition.answered
    if answer is None:
        return False
    given = answer if isinstance(answer, list) else [answer]
    if condition.is_in is not None:
        return any(value in condition.is_in for value in given)
    if condition.not_in is not None:
        return not any(value in condition.not_in for value in given)
    number = _number(answer)
    if number is None:
        return False
    if condition.gte is not None:
        return number >= condition.gte
    return condition.lte is not None and number <= condition.lte


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return None
    return float(answer)


def visible(definition: Definition, answers: Mapping[str, Any]) -> list[Question]:
    """The questions shown, in order: a condition reads only the answers shown before it."""
    kept: dict[str, Any] = {}
    shown_questions = []
    for question in definition.questions:
        if shown(question.show_if, kept):
            shown_questions.append(question)
            if question.id in answers:
                kept[question.id] = answers[question.id]
    return shown_questions


def check_answers(definition: Definition, answers: Mapping[str, Any], *,
                  complete: bool) -> dict[str, Any]:
    """The answers, checked against the version (all required ones when `complete`; a
    draft may be partial). Refuses an answer to an unknown or hidden question by name."""
    known = {question.id for question in definition.questions}
    for question_id in answers:
        if question_id not in known:
            raise AnswerError(f"no question {question_id} in this survey",
                              f"answers.{question_id}")
    shown_ids = {question.id for question in visible(definition, answers)}
    checked = {}
    for question in definition.questions:
        answer = answers.get(question.id)
        if question.id not in shown_ids:
            if answer is not None:
                raise AnswerError(f"question {question.id} is not shown for these answers "
                                  "(skip logic): leave it out", f"answers.{question.id}")
            continue
        if answer is None or answer == [] or answer == "":
            if complete and question.required:
                raise AnswerError(f"question {question.id} needs an answer",
                                  f"answers.{question.id}")
            continue
        checked[question.id] = check_answer(question, answer)
    return checked


def check_answer(question: Question, answer: Any) -> Any:
    """One answer of the question's type, in its range; as stored."""
    where = f"answers.{question.id}"
    kind = question.type
    if kind == "single_choice":
        if not isinstance(answer, str) or answer not in {o.value for o in question.options}:
            raise AnswerError(f"{question.id}: answer one of its options", where)
        return answer
    if kind == "multiple_choice":
        values = {option.value for option in question.options}
        if not isinstance(answer, list) or not set(map(str, answer)) <= values \
                or len(set(answer)) != len(answer):
            raise AnswerError(f"{question.id}: answer a list of its options, each once", where)
        return answer
    if kind in SCALES:
        if question.dont_know and answer == DONT_KNOW:
            return answer
        if isinstance(answer, bool) or not isinstance(answer, int) \
                or answer not in SCALES[kind]:
            scale = SCALES[kind]
            raise AnswerError(f"{question.id}: answer a whole number from {scale.start} to "
                              f"{scale.stop - 1}" + (" or dont_know" if question.dont_know
                                                     else ""), where)
        return answer
    if kind == "number":
        return _in_range(question, answer, where)
    if kind == "date":
        return _date(question, answer, where)
    if not isinstance(answer, str) or len(answer) > question.max_length:
        raise AnswerError(f"{question.id}: answer a text of at most {question.max_length} "
                          "characters", where)
    return answer


def _in_range(question: Question, answer: Any, where: str) -> float | int:
    number = _number(answer)
    if number is None or not math.isfinite(number):
        raise AnswerError(f"{question.id}: answer a number", where)
    if (question.min is not None and number < question.min) or \
            (question.max is not None and number > question.max):
        raise AnswerError(f"{question.id}: answer a number from {question.min} to "
                          f"{question.max}", where)
    return answer


def _date(question: Question, answer: Any, where: str) -> str:
    try:
        return date.fromisoformat(answer).isoformat() if isinstance(answer, str) \
            and len(answer) == 10 else _bad_date(question, where)
    except ValueError:
        return _bad_date(question, where)


def _bad_date(question: Question, where: str) -> str:
    raise AnswerError(f"{question.id}: answer a date as YYYY-MM-DD", where)


def check_open(survey: Survey, now: datetime) -> Definition:
    """The published version, if the survey is open now."""
    definition = survey.current()
    if definition is None:
        raise NotOpenError("this survey is not published")
    if definition.opens_at and now < definition.opens_at:
        raise NotOpenError("this survey is not open yet")
    if definition.closes_at and now >= definition.closes_at:
        raise NotOpenError("this survey is closed")
    return definition


def in_audience(definition: Definition, roles: Sequence[str],
                communities: Sequence[str]) -> bool:
    audience = definition.audience
    return audience.everyone or bool(set(roles) & set(audience.roles)) or bool(
        set(communities) & set(audience.communities))


def respond(survey: Survey, definition: Definition, response_id: UUID, answers: Mapping[str, Any],
            communities: Sequence[str], language: str, today: date,
            respondent_id: UUID | None) -> ResponseSubmitted:
    assert survey.survey_id is not None
    audience = definition.audience.communities
    kept = sorted(set(communities) & set(audience)) if audience else sorted(set(communities))
    return ResponseSubmitted(response_id=response_id, survey_id=survey.survey_id,
                             survey_version=survey.published, answers=dict(answers),
                             communities=kept, language=language, answered_on=today,
                             respondent_id=respondent_id)


def evolve_response(answered: bool, event: Event) -> bool:
    """An identified respondent's stream: whether they answered."""
    return answered or isinstance(event, ResponseSubmitted)


def label(labels: Mapping[str, str] | None, languages: Sequence[str],
          default: str) -> tuple[str | None, str]:
    """The label in the first language it has, else in the default language."""
    if not labels:
        return None, default
    for language in (*languages, default):
        if language in labels:
            return labels[language], language
    first = next(iter(labels))
    return labels[first], first
