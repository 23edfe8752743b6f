"""Identity rules: contacts normalised, registration events."""

from uuid import uuid4

import pytest

from contracts.identity.events import AccountRegistered
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


def test_registration_emits_a_published_account_and_private_credentials() -> None:
    user_id = uuid4()
    sealed = domain.SealedContact(display_name="pd1.x", email="pd1.y", phone=None)
    registered, credentials = domain.register(user_id, "patient", "hi", sealed, "$argon2id$h")
    assert isinstance(registered, AccountRegistered) and registered.published
    assert registered.display_name == "pd1.x" and registered.preferred_language == "hi"
    assert isinstance(credentials, domain.CredentialsSet) and not credentials.published


def test_unknown_roles_are_refused() -> None:
    sealed = domain.SealedContact(display_name="pd1.x", email=None, phone=None)
    with pytest.raises(domain.IdentityError):
        domain.register(uuid4(), "quack", "en", sealed, "h")
