"""Identity rules: contacts normalised, registration events."""

from datetime import UTC, datetime, timedelta
from typing import get_args
from uuid import UUID, uuid4

import pytest

from contracts import roles
from contracts.identity.events import (
    AccountRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    PersonErased,
    ProfessionalVerified,
    RolesChanged,
    SandboxApplied,
)
from contracts.identity.messages import StaffRole
from identity import domain


@pytest.mark.parametrize("written", ["9876543210", "+91 98765 43210", "098765-43210",
                                     "919876543210", "0091 9876543210", "(987) 654-3210"])
def test_indian_mobile_numbers_become_e164(written: str) -> None:
    assert domain.normalise_phone(written) == "+919876543210"


def test_foreign_numbers_must_already_be_e164() -> None:
    assert domain.normalise_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("bad", ["12345", "5876543210", "+91 12345", "phone", "+0123456789"])
def test_bad_phone_numbers_are_refused(bad: str) -> None:
    with pytest.raises(domain.InvalidContactError):
        domain.normalise_phone(bad)


def test_login_names_are_normalised_and_typed() -> None:
    assert domain.login_names(" Meera@Example.IN ", "9876543210") == [
        "email:meera@example.in", "phone:+919876543210"]
    assert domain.login_name_of("MEERA@example.in") == "email:meera@example.in"
    assert domain.login_name_of("98765 43210") == "phone:+919876543210"


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SEALED = domain.SealedContact(display_name="pd1.x", email="pd1.y", phone=None)


def registered(role: str = "patient") -> tuple[UUID, domain.Account]:
    user_id = uuid4()
    events = domain.register(user_id, role, "en", SEALED, "h", [("terms", "1")], NOW, None)
    return user_id, domain.replay(events)


def test_registration_emits_account_credentials_consents_and_the_sandbox() -> None:
    user_id = uuid4()
    events = domain.register(user_id, "patient", "hi", SEALED, "$argon2id$h",
                             [("terms", "2026-11")], NOW, domain.SandboxRule())
    account, credentials, consent, sandbox = events
    assert isinstance(account, AccountRegistered) and account.published
    assert account.display_name == "pd1.x" and account.preferred_language == "hi"
    assert isinstance(credentials, domain.CredentialsSet) and not credentials.published
    assert isinstance(consent, ConsentGiven) and consent.consent_version == "2026-11"
    assert isinstance(sandbox, SandboxApplied) and sandbox.until == NOW + timedelta(hours=24)
    assert sandbox.posts_per_hour == 5 and not sandbox.links_allowed
    state = domain.replay(events)
    assert state.roles == {"patient"} and state.consents == {"terms": "2026-11"}


def test_unknown_roles_and_self_made_professionals_are_refused() -> None:
    for role in ("quack", "professional"):
        with pytest.raises(domain.IdentityError):
            domain.register(uuid4(), role, "en", SEALED, "h", [], NOW, None)


def test_admins_grant_staff_roles_and_the_base_role_stays() -> None:
    _, account = registered("patient")
    [changed] = domain.set_staff_roles(account, {"moderator", "pv_officer"}, "new team")
    assert isinstance(changed, RolesChanged)
    assert changed.roles == ["moderator", "patient", "pv_officer"]
    account = domain.evolve(account, changed)
    assert domain.set_staff_roles(account, {"moderator", "pv_officer"}, None) == []
    [removed] = domain.set_staff_roles(account, set(), "left the team")
    assert removed.roles == ["patient"]
    with pytest.raises(domain.IdentityError):
        domain.set_staff_roles(account, {"professional"}, None)


def test_verification_turns_an_applicant_into_a_professional() -> None:
    _, applicant = registered("applicant")
    roles, verified = domain.verify_professional(applicant, "doctor", "registration checked")
    assert isinstance(roles, RolesChanged) and roles.roles == ["professional"]
    assert isinstance(verified, ProfessionalVerified) and verified.profession == "doctor"
    professional = domain.evolve(domain.evolve(applicant, roles), verified)
    assert professional.roles == {"professional"} and professional.profession == "doctor"


def test_consents_can_be_withdrawn_but_not_the_terms() -> None:
    _, account = registered()
    [given] = domain.give_consent(account, "adr_follow_up_contact", "1")
    account = domain.evolve(account, given)
    assert domain.give_consent(account, "adr_follow_up_contact", "1") == []
    [withdrawn] = domain.withdraw_consent(account, "adr_follow_up_contact")
    assert isinstance(withdrawn, ConsentWithdrawn)
    assert "adr_follow_up_contact" not in domain.evolve(account, withdrawn).consents
    with pytest.raises(domain.IdentityError):
        domain.withdraw_consent(account, "terms")


def test_an_erased_account_refuses_everything() -> None:
    user_id, account = registered()
    [erased] = domain.erase(account)
    assert isinstance(erased, PersonErased) and erased.user_id == user_id
    account = domain.evolve(account, erased)
    assert account.erased and account.roles == frozenset()
    for step in (lambda: domain.erase(account),
                 lambda: domain.give_consent(account, "terms", "2"),
                 lambda: domain.set_staff_roles(account, {"moderator"}, None)):
        with pytest.raises(domain.ErasedError):
            step()


def test_the_staff_roles_admins_give_are_the_platforms() -> None:
    assert set(get_args(StaffRole)) == roles.STAFF
    _, account = registered("caregiver")
    [changed] = domain.set_staff_roles(account, set(roles.STAFF), "everything")
    assert set(changed.roles) == roles.STAFF | {"caregiver"}


def test_lockouts_double_up_to_a_day_and_say_how_long_to_wait() -> None:
    throttle = domain.Throttle(lockout_s=300)
    assert [throttle.lockout_for(n).total_seconds() for n in (0, 1, 2, 9)] == [
        300, 600, 1200, 86_400]
    domain.refuse_if_locked(None, NOW)
    domain.refuse_if_locked(NOW, NOW)  # the lock has just run out
    with pytest.raises(domain.TooManyAttemptsError, match="try again in 61 seconds"):
        domain.refuse_if_locked(NOW + timedelta(seconds=60), NOW)
