"""Accounts and sign-in: pure rules, no I/O. An account's state is folded from its events;
decisions return events; refusals are the `XxxError` classes below."""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import reduce
from typing import Any, ClassVar
from uuid import UUID

from contracts import roles
from contracts.events import Event, EventRegistry
from contracts.identity.events import REGISTRY as PUBLISHED
from contracts.identity.events import (
    AccountRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    PersonErased,
    ProfessionalVerified,
    RolesChanged,
    SandboxApplied,
    SessionEnded,
)

INDIAN_MOBILE = re.compile(r"^[6-9]\d{9}$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class IdentityError(Exception):
    """A request the identity rules refuse."""


class InvalidContactError(IdentityError):
    field = "phone"  # emails are checked by the request model; phones here


class WeakPasswordError(IdentityError):
    field = "password"


class RoleError(IdentityError):
    """Roles that cannot be given (or taken) this way."""

    field = "roles"


class ConsentError(IdentityError):
    field = "purpose"


class AccountExistsError(IdentityError):
    def __init__(self) -> None:
        super().__init__("an account with this email or phone number exists")


class NoSuchAccountError(IdentityError):
    def __init__(self, message: str = "the account does not exist") -> None:
        super().__init__(message)


class ErasedError(NoSuchAccountError):
    """The person was erased: nothing more happens to this account."""


class SignInError(IdentityError):
    """Who asks is not (or no longer) signed in."""

    title = "Unauthorized"


class InvalidCredentialsError(SignInError):
    """Unknown user or wrong password: the same answer for both."""

    title = "Invalid credentials"

    def __init__(self) -> None:
        super().__init__("the username or password is wrong")


class AccountGoneError(SignInError):
    def __init__(self) -> None:
        super().__init__("this account no longer exists")


class InvalidRefreshTokenError(SignInError):
    def __init__(self, message: str = "the refresh token is not valid") -> None:
        super().__init__(message)


class RefreshTokenReusedError(InvalidRefreshTokenError):
    """A refresh token came back after it was used: its whole family is revoked."""

    def __init__(self) -> None:
        super().__init__("this refresh token was already used: sign in again")


class TooManyAttemptsError(IdentityError):
    title = "Too many attempts"

    def __init__(self, wait_s: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {wait_s} seconds")
        self.retry_after = wait_s  # kit.usecases: the reply's Retry-After


class TooManySignUpsError(IdentityError):
    title = "Too many sign-ups"

    def __init__(self, wait_s: int) -> None:
        super().__init__(f"too many new accounts from this network: try again in {wait_s}"
                         " seconds")
        self.retry_after = wait_s


class BusyError(IdentityError):
    """Every password hashing slot is taken: come back in a moment rather than queue."""

    title = "Service unavailable"

    def __init__(self, wait_s: int = 2) -> None:
        super().__init__("too many sign-ins and sign-ups at once: try again shortly")
        self.retry_after = wait_s


class CredentialsSet(Event):
    """The password hash of an account. Internal: never leaves the identity service."""

    event_type: ClassVar[str] = "CredentialsSet"
    subject: ClassVar[str] = "identity.account.credentials_set"
    published: ClassVar[bool] = False

    user_id: UUID
    password_hash: str


@dataclass(frozen=True)
class SandboxRule:
    """New accounts' first-day limits."""

    hours: int = 24
    posts_per_hour: int = 5
    links_allowed: bool = False


@dataclass(frozen=True)
class Throttle:
    """Sign-in defences, so that guessing is slow and yet the owner is not locked out.

    - An (account, address) pair is locked after `failures_per_pair` failures, for a time
      that doubles with each further lockout (exponential back-off): a guesser at one
      address gets a handful of tries, then fewer and fewer.
    - An account is locked after `failures_per_name` failures from anywhere, and an address
      after `failures_per_address` failures at any accounts, but only for addresses that
      have not signed in to that account before: the owner's known devices keep signing
      in (their own pair's back-off still holds), and one guesser behind a shared NAT does
      not lock out everyone there who has signed in before. An address is an IP address
      here, what the gateway sees; a device behind a changing address is a new one.
    """

    failures_per_name: int = 10
    failures_per_address: int = 100
    failures_per_pair: int = 5
    window_s: int = 900
    lockout_s: int = 300  # doubles with each further lockout, up to a day
    known_for_s: int = 90 * 86_400  # how long a successful sign-in makes an address known

    def lockout_for(self, lockouts: int) -> timedelta:
        """How long a key is locked once it has been locked `lockouts` times before."""
        return timedelta(seconds=min(self.lockout_s * 2 ** lockouts, 86_400))


@dataclass(frozen=True)
class SignUpLimit:
    """New accounts (and professional applications) per client address and window: a
    family or a clinic signs up a few, a script hundreds."""

    per_address: int = 30
    window_s: int = 3600


def refuse_sign_up_beyond(limit: SignUpLimit, count: int, window_started: datetime,
                          now: datetime) -> None:
    if count > limit.per_address:
        ends = window_started + timedelta(seconds=limit.window_s)
        raise TooManySignUpsError(max(1, int((ends - now).total_seconds()) + 1))


def refuse_if_locked(locked_until: datetime | None, now: datetime) -> None:
    if locked_until is not None and locked_until > now:
        raise TooManyAttemptsError(int((locked_until - now).total_seconds()) + 1)


@dataclass(frozen=True)
class SealedContact:
    """Personal fields, already encrypted with the person's data key."""

    display_name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Account:
    user_id: UUID | None = None
    roles: frozenset[str] = frozenset()
    profession: str | None = None
    consents: dict[str, str] = field(default_factory=dict)  # purpose -> version
    erased: bool = False


def evolve(state: Account, event: Event) -> Account:
    """The account after `event`; events that do not change it pass by."""
    step = _EVOLVERS.get(type(event))
    return step(state, event) if step else state


_EVOLVERS: dict[type[Event], Any] = {
    AccountRegistered: lambda s, e: replace(s, user_id=e.user_id, roles=frozenset({e.role})),
    RolesChanged: lambda s, e: replace(s, roles=frozenset(e.roles)),
    ProfessionalVerified: lambda s, e: replace(s, profession=e.profession),
    ConsentGiven: lambda s, e: replace(s, consents={**s.consents, e.purpose: e.consent_version}),
    ConsentWithdrawn: lambda s, e: replace(
        s, consents={p: v for p, v in s.consents.items() if p != e.purpose}),
    PersonErased: lambda s, e: replace(s, erased=True, roles=frozenset(), consents={}),
}


def replay(events: list[Event]) -> Account:
    return reduce(evolve, events, Account())


def register(user_id: UUID, role: str, language: str, sealed: SealedContact,
             password_hash: str, consents: list[tuple[str, str]], now: datetime,
             sandbox: SandboxRule | None) -> list[Event]:
    if role not in roles.ALL - {roles.PROFESSIONAL}:
        raise RoleError(f"unknown role {role}")
    events: list[Event] = [
        AccountRegistered(user_id=user_id, role=role, preferred_language=language,
                          display_name=sealed.display_name, email=sealed.email,
                          phone=sealed.phone),
        CredentialsSet(user_id=user_id, password_hash=password_hash),
    ]
    events += [ConsentGiven(user_id=user_id, purpose=p, consent_version=v) for p, v in consents]
    if sandbox is not None:
        events.append(SandboxApplied(user_id=user_id, until=now + timedelta(hours=sandbox.hours),
                                     posts_per_hour=sandbox.posts_per_hour,
                                     links_allowed=sandbox.links_allowed))
    return events


def set_staff_roles(account: Account, staff_roles: set[str], reason: str | None,
                    by: UUID | None = None) -> list[Event]:
    """Admins grant staff roles; the base role (patient, professional…) is kept as it is."""
    _alive(account)
    unknown = staff_roles - roles.STAFF
    if unknown:
        raise RoleError(f"only staff roles can be assigned here, not {sorted(unknown)}")
    if account.user_id == by and roles.ADMIN not in staff_roles:
        raise RoleError("an admin cannot remove their own admin role")
    held = (account.roles - roles.STAFF) | staff_roles
    if held == account.roles:
        return []
    return [RolesChanged(user_id=_id(account), roles=sorted(held), reason=reason)]


def verify_professional(account: Account, profession: str, reason: str | None) -> list[Event]:
    _alive(account)
    held = (account.roles - {roles.APPLICANT}) | {roles.PROFESSIONAL}
    return [RolesChanged(user_id=_id(account), roles=sorted(held), reason=reason),
            ProfessionalVerified(user_id=_id(account), profession=profession)]


def give_consent(account: Account, purpose: str, version: str) -> list[Event]:
    _alive(account)
    if account.consents.get(purpose) == version:
        return []
    return [ConsentGiven(user_id=_id(account), purpose=purpose, consent_version=version)]


def withdraw_consent(account: Account, purpose: str) -> list[Event]:
    _alive(account)
    if purpose == "terms":
        raise ConsentError("the terms cannot be withdrawn: erase the account instead")
    if purpose not in account.consents:
        return []
    return [ConsentWithdrawn(user_id=_id(account), purpose=purpose)]


def erase(account: Account) -> list[Event]:
    _alive(account)
    return [PersonErased(user_id=_id(account))]


def end_session(account: Account, session_id: UUID, reason: str) -> list[Event]:
    """The fact that stops a session's access tokens; an erased account's all stopped."""
    if account.user_id is None or account.erased:
        return []
    return [SessionEnded(user_id=account.user_id, session_id=session_id, reason=reason)]


def _alive(account: Account) -> None:
    if account.user_id is None:
        raise NoSuchAccountError()
    if account.erased:
        raise ErasedError("the account was erased")


def _id(account: Account) -> UUID:
    assert account.user_id is not None
    return account.user_id


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


def stream_id(user_id: UUID) -> str:
    return f"account-{user_id}"


REGISTRY = PUBLISHED.merged(EventRegistry([CredentialsSet]))
