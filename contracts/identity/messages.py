"""Request and reply bodies of the identity service."""

import re
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

LANGUAGES = ("en", "hi", "bn", "ta", "te", "mr", "gu", "kn", "ml", "pa", "or", "as", "ur")
Language = Literal["en", "hi", "bn", "ta", "te", "mr", "gu", "kn", "ml", "pa", "or", "as", "ur"]
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Literal["terms", "health_data_processing", "adr_follow_up_contact"]
    version: str = Field(min_length=1, max_length=20)


class RegisterAccount(BaseModel):
    """POST /v1/accounts: a patient or caregiver signs up."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=20)
    password: str = Field(min_length=10, max_length=256)
    display_name: str = Field(min_length=1, max_length=80)
    role: Literal["patient", "caregiver"]
    preferred_language: Language = "en"
    consents: list[Consent] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _one_contact(self) -> "RegisterAccount":
        if not self.email and not self.phone:
            raise ValueError("give an email or a phone number")
        if self.email and not EMAIL.match(self.email):
            raise ValueError("email is not a valid address")
        if "terms" not in {c.purpose for c in self.consents}:
            raise ValueError("consent to the terms is required")
        return self


class AccountCreated(BaseModel):
    user_id: UUID


class IssueToken(BaseModel):
    """POST /v1/auth/token: the OAuth2 password grant's fields."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=256)


class TokenIssued(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class RefreshToken(BaseModel):
    """POST /v1/auth/refresh and /v1/auth/logout."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=20, max_length=200)


class Me(BaseModel):
    user_id: UUID
    display_name: str
    roles: list[str]
    profession: str | None = None
    verified: bool
    preferred_language: str


class SignedOut(BaseModel):
    """POST /v1/auth/logout: the refresh token's family is revoked."""

    status: Literal["signed_out"] = "signed_out"


class Erased(BaseModel):
    """DELETE /v1/me: the person's data key is destroyed; every service is told."""

    status: Literal["erased"] = "erased"


class SigningKey(BaseModel):
    """The public half of the token signing key, for verifiers."""

    kid: str
    algorithm: str
    public_key_pem: str
    issuer: str
    audience: str


Profession = Literal["doctor", "nurse", "pharmacist", "psychologist", "counsellor",
                     "policy_maker", "other"]
# contracts.roles.STAFF: the roles admins give (a test holds the two together).
StaffRole = Literal["moderator", "pharmacist_reviewer", "pv_officer", "regulator_liaison",
                    "voices_curator", "survey_manager", "assistance_officer", "admin"]
Purpose = Literal["terms", "health_data_processing", "adr_follow_up_contact"]


class ApplyAsProfessional(BaseModel):
    """POST /v1/professional-applications."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str = Field(min_length=2, max_length=120)
    email: str = Field(max_length=320)
    phone: str | None = Field(default=None, max_length=20)
    profession: Profession
    registration_council: str = Field(min_length=2, max_length=120)
    registration_number: str = Field(min_length=1, max_length=40)
    qualification: str = Field(min_length=2, max_length=200)
    workplace: str = Field(min_length=2, max_length=200)
    password: str = Field(min_length=10, max_length=256)
    preferred_language: Language = "en"

    @model_validator(mode="after")
    def _valid_email(self) -> "ApplyAsProfessional":
        if not EMAIL.match(self.email):
            raise ValueError("email is not a valid address")
        return self


class ApplicationAccepted(BaseModel):
    application_id: UUID
    user_id: UUID
    status: str


class Question(BaseModel):
    question: str
    asked_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None


class MyApplication(BaseModel):
    application_id: UUID
    status: str
    profession: str
    questions: list[Question]
    decision_reason: str | None = None


class ProvideInformation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: str = Field(min_length=1, max_length=4000)


class ApplicationFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["pending", "information_requested", "approved", "rejected"] | None = None
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class ApplicationRef(BaseModel):
    application_id: UUID


class UserRef(BaseModel):
    user_id: UUID


class AuditEntry(BaseModel):
    event_type: str
    at: datetime
    actor: str | None
    details: dict[str, str | None]


class ApplicationForAdmin(BaseModel):
    application_id: UUID
    user_id: UUID
    status: str
    full_name: str
    email: str | None
    phone: str | None
    profession: str
    registration_council: str
    registration_number: str
    qualification: str
    workplace: str
    submitted_at: datetime
    updated_at: datetime
    questions: list[Question]
    decision_reason: str | None = None
    # Verified professionals who already hold this registration: check before approving.
    registration_held_by: list[UUID] = []
    history: list[AuditEntry] = []


class ApplicationPage(BaseModel):
    items: list[ApplicationForAdmin]
    next_cursor: str | None


class Decide(BaseModel):
    """POST /v1/admin/professional-applications/{id}/decision."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    application_id: UUID
    decision: Literal["approve", "reject", "request_info"]
    reason: str = Field(min_length=1, max_length=2000)


class SetRoles(BaseModel):
    """PUT /v1/admin/users/{id}/roles: the staff roles the user should hold."""

    model_config = ConfigDict(extra="forbid")

    user_id: UUID
    roles: list[StaffRole] = Field(max_length=8)
    reason: str | None = Field(default=None, max_length=500)


class RolesSet(BaseModel):
    user_id: UUID
    roles: list[str]


class UserHistory(BaseModel):
    user_id: UUID
    history: list[AuditEntry]


class GiveConsent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Purpose
    version: str = Field(min_length=1, max_length=20)


class WithdrawConsent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Purpose


class Consents(BaseModel):
    items: list[Consent]
