"""Accounts: pure rules, no I/O. Contacts are normalised before they are sealed."""

import re
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry
from contracts.identity.events import REGISTRY as PUBLISHED
from contracts.identity.events import AccountRegistered

SELF_SERVICE_ROLES = frozenset({"patient", "caregiver"})
STAFF_ROLES = frozenset({"moderator", "pharmacist_reviewer", "pv_officer",
                         "regulator_liaison", "admin"})
INDIAN_MOBILE = re.compile(r"^[6-9]\d{9}$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class IdentityError(Exception):
    """A request the identity rules refuse."""


class InvalidContactError(IdentityError):
    pass


class CredentialsSet(Event):
    """The password hash of an account. Internal: never leaves the identity service."""

    event_type: ClassVar[str] = "CredentialsSet"
    subject: ClassVar[str] = "identity.account.credentials_set"
    published: ClassVar[bool] = False

    user_id: UUID
    password_hash: str


REGISTRY = PUBLISHED.merged(EventRegistry([CredentialsSet]))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_phone(phone: str) -> str:
    """An Indian number in E.164 (+91…); other countries must already be in E.164."""
    digits = re.sub(r"[\s\-().]", "", phone)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    national = digits.removeprefix("+91") if digits.startswith("+91") else digits
    if not digits.startswith("+") or digits.startswith("+91"):
        national = national.removeprefix("0")
        if len(national) == 12 and national.startswith("91"):
            national = national[2:]
        if INDIAN_MOBILE.match(national):
            return "+91" + national
        raise InvalidContactError("phone must be an Indian mobile number or in E.164 form")
    if E164.match(digits):
        return digits
    raise InvalidContactError("phone must be an Indian mobile number or in E.164 form")


def login_names(email: str | None, phone: str | None) -> list[str]:
    """The names an account can sign in with, normalised."""
    names = []
    if email:
        names.append("email:" + normalise_email(email))
    if phone:
        names.append("phone:" + normalise_phone(phone))
    return names


def login_name_of(username: str) -> str:
    """What a user typed in the login form, as a login name."""
    if "@" in username:
        return "email:" + normalise_email(username)
    return "phone:" + normalise_phone(username)


@dataclass(frozen=True)
class SealedContact:
    """Personal fields, already encrypted with the person's data key."""

    display_name: str
    email: str | None
    phone: str | None


def register(user_id: UUID, role: str, language: str, sealed: SealedContact,
             password_hash: str) -> list[Event]:
    if role not in SELF_SERVICE_ROLES | STAFF_ROLES:
        raise IdentityError(f"unknown role {role}")
    return [
        AccountRegistered(user_id=user_id, role=role, preferred_language=language,
                          display_name=sealed.display_name, email=sealed.email,
                          phone=sealed.phone),
        CredentialsSet(user_id=user_id, password_hash=password_hash),
    ]


def stream_id(user_id: UUID) -> str:
    return f"account-{user_id}"
