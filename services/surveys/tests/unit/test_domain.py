"""The surveys' rules without servers: definitions, versions, answers and skip logic."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from contracts.surveys.messages import Definition
from surveys import domain, ready

BY = uuid4()


def definition(**changes: object) -> Definition:
    body: dict[str, object] = {
        "title": {"en": "Clinic visit", "hi": "क्लिनिक भेंट"},
        "audience": {"communities": ["diabetes"]},
        "questions": [
            {"id": "seen", "type": "single_choice", "required": True,
             "label": {"en": "Were you seen?", "hi": "क्या आपको देखा गया?"},
             "options": [{"value": "yes", "label": {"en": "Yes"}},
                         {"value": "no", "label": {"en": "No"}}]},
            {"id": "wait", "type": "number", "min": 0, "max": 600, "required": True,
             "label": {"en": "Minutes waited"}, "show_if": {"question": "seen", "in": ["yes"]}},
            {"id": "score", "type": "nps", "label": {"en": "Recommend?"}},
            {"id": "why", "type": "text", "label": {"en": "Why so low?"},
             "show_if": {"question": "score", "lte": 6}},
            {"id": "on", "type": "date", "label": {"en": "When?"}},
        ]}
    return Definition.model_validate({**body, **changes})


def test_a_new_survey_is_version_one_and_an_edit_after_publishing_the_next() -> None:
    survey_id = uuid4()
    survey = domain.Survey()
    for event in domain.draft(survey, survey_id, definition(), BY):
        survey = domain.evolve(survey, event)
    assert (survey.working, survey.published) == (1, 0)
    [edit] = domain.revise(survey, definition(), BY)
    assert edit.survey_version == 1  # unpublished: the same version changes
    for event in domain.publish(survey, BY):
        survey = domain.evolve(survey, event)
    [edit] = domain.revise(survey, definition(), BY)
    assert edit.survey_version == 2
    with pytest.raises(domain.NotOpenError):
        domain.publish(survey, BY)  # version 1 is published already


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": {"hi": "केवल हिंदी"}}, "title"),
    ({"audience": {}}, "audience"),
    ({"questions": [{"id": "a", "type": "likert", "label": {"en": "A"}},
                    {"id": "a", "type": "likert", "label": {"en": "A"}}]}, "questions[1].id"),
    ({"questions": [{"id": "a", "type": "single_choice", "label": {"en": "A"},
                     "options": [{"value": "x", "label": {"en": "X"}}]}]},
     "questions[0].options"),
    ({"questions": [{"id": "a", "type": "text", "label": {"en": "A"},
                     "show_if": {"question": "b", "answered": True}},
                    {"id": "b", "type": "text", "label": {"en": "B"}}]},
     "questions[0].show_if.question"),
    ({"questions": [{"id": "a", "type": "likert", "label": {"en": "A"}},
                    {"id": "b", "type": "text", "label": {"en": "B"},
                     "show_if": {"question": "a", "gte": 3, "lte": 4}}]},
     "questions[1].show_if"),
    ({"questions": [{"id": "a", "type": "text", "label": {"en": "A"}, "dont_know": True}]},
     "questions[0].dont_know"),
])
def test_a_definition_that_does_not_hold_together_is_refused(changes: dict,
                                                              field: str) -> None:
    with pytest.raises(domain.DefinitionError) as refused:
        domain.check_definition(definition(**changes))
    assert refused.value.field == field


def test_the_ready_surveys_hold_together() -> None:
    for _, ready_definition in ready.READY:
        domain.check_definition(ready_definition)


def test_skip_logic_shows_questions_on_earlier_answers() -> None:
    d = definition()
    assert [q.id for q in domain.visible(d, {"seen": "no"})] == ["seen", "score", "on"]
    assert [q.id for q in domain.visible(d, {"seen": "yes", "score": 3})] == [
        "seen", "wait", "score", "why", "on"]
    assert "why" not in [q.id for q in domain.visible(d, {"seen": "yes", "score": 7})]


def test_an_answer_to_a_hidden_question_is_refused_by_name() -> None:
    with pytest.raises(domain.AnswerError) as refused:
        domain.check_answers(definition(), {"seen": "no", "wait": 10}, complete=True)
    assert refused.value.field == "answers.wait"
    assert "wait" in str(refused.value)


def test_required_visible_questions_need_an_answer_but_a_draft_may_wait() -> None:
    with pytest.raises(domain.AnswerError) as refused:
        domain.check_answers(definition(), {"seen": "yes"}, complete=True)
    assert refused.value.field == "answers.wait"
    assert domain.check_answers(definition(), {"seen": "yes"}, complete=False) == {
        "seen": "yes"}


@pytest.mark.parametrize(("answers", "field"), [
    ({"seen": "maybe"}, "answers.seen"),
    ({"seen": "yes", "wait": 601}, "answers.wait"),
    ({"seen": "no", "score": 11}, "answers.score"),
    ({"seen": "no", "score": "dont_know"}, "answers.score"),
    ({"seen": "no", "on": "2026-13-01"}, "answers.on"),
    ({"seen": "no", "nope": 1}, "answers.nope"),
])
def test_answers_must_fit_their_type_and_range(answers: dict, field: str) -> None:
    with pytest.raises(domain.AnswerError) as refused:
        domain.check_answers(definition(), answers, complete=True)
    assert refused.value.field == field


def test_a_full_response_is_kept_as_answered() -> None:
    answers = {"seen": "yes", "wait": 45, "score": 4, "why": "Long queue", "on": "2026-11-30"}
    assert domain.check_answers(definition(), answers, complete=True) == answers


def test_the_survey_is_open_between_its_dates_once_published() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    survey = domain.Survey(survey_id=uuid4(), working=1, published=1, versions={
        1: definition(opens_at=now, closes_at=now + timedelta(days=7))})
    assert domain.check_open(survey, now + timedelta(days=1))
    for moment in (now - timedelta(seconds=1), now + timedelta(days=7)):
        with pytest.raises(domain.NotOpenError):
            domain.check_open(survey, moment)
    with pytest.raises(domain.NotOpenError):
        domain.check_open(domain.Survey(survey_id=uuid4(), working=1,
                                        versions={1: definition()}), now)


def test_the_audience_and_a_response_keep_only_the_audience_communities() -> None:
    d = definition()
    assert domain.in_audience(d, ["patient"], ["diabetes", "cancer"])
    assert not domain.in_audience(d, ["patient"], ["cancer"])
    survey = domain.Survey(survey_id=uuid4(), working=1, published=1, versions={1: d})
    event = domain.respond(survey, d, uuid4(), {"seen": "no"}, ["cancer", "diabetes"], "en",
                           date(2026, 12, 1), None)
    assert (event.communities, event.survey_version, event.respondent_id) == (
        ["diabetes"], 1, None)


def test_a_label_falls_back_to_the_default_language() -> None:
    assert domain.label({"en": "Hello", "hi": "नमस्ते"}, ["hi"], "en") == ("नमस्ते", "hi")
    assert domain.label({"en": "Hello"}, ["hi"], "en") == ("Hello", "en")
    assert domain.label({"en": "Hello"}, [], "en") == ("Hello", "en")


@pytest.mark.parametrize("answer", [["yes"], 1, 2.5, "maybe"])
def test_a_single_choice_takes_one_option_value_only(answer: object) -> None:
    with pytest.raises(domain.AnswerError):
        domain.check_answers(definition(), {"seen": answer}, complete=True)


def test_dates_need_their_time_zone_and_numbers_must_be_finite() -> None:
    with pytest.raises(ValueError, match="timezone"):
        definition(opens_at="2026-12-01T09:00:00")
    with pytest.raises(ValueError, match="finite"):
        Definition.model_validate({**definition().model_dump(by_alias=True), "questions": [
            {"id": "n", "type": "number", "label": {"en": "N"}, "max": float("inf")}]})
