"""The vetting workflow of professional applications, and password rules."""

from uuid import uuid4

import pytest

from identity import applications as apps
from identity import passwords


def submitted() -> apps.Application:
    return apps.replay([apps.ProfessionalApplicationSubmitted(
        application_id=uuid4(), user_id=uuid4(), profession="doctor",
        registration_council="Maharashtra Medical Council", registration_number="pd1.n",
        registration_key="k", full_name="pd1.f", qualification="pd1.q", workplace="pd1.w")])


def test_request_information_answer_and_approve() -> None:
    application = submitted()
    assert application.status == apps.PENDING
    [asked] = apps.request_information(application, "Please upload your certificate")
    application = apps.replay([*_history(application), asked])
    assert application.status == apps.INFO_REQUESTED
    [answered] = apps.provide_information(application, "pd1.answer")
    application = apps.replay([*_history(application), asked, answered])
    assert application.status == apps.PENDING
    [approved] = apps.approve(application, "registration verified with the council")
    assert isinstance(approved, apps.ProfessionalApplicationApproved)
    assert approved.user_id == application.user_id


def test_a_decided_application_is_closed() -> None:
    application = submitted()
    [rejected] = apps.reject(application, "the registration number does not exist")
    closed = apps.replay([*_history(application), rejected])
    assert closed.status == apps.REJECTED
    for step in (lambda: apps.approve(closed, "x"), lambda: apps.reject(closed, "x"),
                 lambda: apps.request_information(closed, "x")):
        with pytest.raises(apps.ApplicationError):
            step()


def test_answers_need_a_question_and_rejections_a_reason() -> None:
    application = submitted()
    with pytest.raises(apps.ApplicationError):
        apps.provide_information(application, "pd1.unasked")
    with pytest.raises(apps.ApplicationError):
        apps.reject(application, "   ")


def _history(application: apps.Application) -> list:
    assert application.application_id and application.user_id
    return [apps.ProfessionalApplicationSubmitted(
        application_id=application.application_id, user_id=application.user_id,
        profession=application.profession, registration_council="c",
        registration_number="pd1.n", registration_key="k", full_name="pd1.f",
        qualification="pd1.q", workplace="pd1.w")]


@pytest.mark.parametrize(("password", "reason"), [
    ("short", "at least"),
    ("password123", "most common"),
    ("1234567890", "most common"),
    ("aaaaaaaaaaaa", "different characters"),
    ("meera-is-great-2026", "name or contact"),
])
def test_weak_passwords_are_refused(password: str, reason: str) -> None:
    weakness = passwords.weakness(password, "Meera", "meera@example.in")
    assert weakness is not None and reason in weakness


def test_a_decent_password_passes() -> None:
    assert passwords.weakness("correct horse battery staple", "Meera", None) is None
