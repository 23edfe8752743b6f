"""Request and reply bodies of the identity service."""

import re
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
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class Me(BaseModel):
    user_id: UUID
    display_name: str
    roles: list[str]
    profession: str | None = None
    verified: bool
    preferred_language: str


class SigningKey(BaseModel):
    """The public half of the token signing key, for verifiers."""

    kid: str
    algorithm: str
    public_key_pem: str
    issuer: str
    audience: str
