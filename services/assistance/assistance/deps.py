"""What the assistance use cases depend on."""

from dataclasses import dataclass

from assistance import domain, fund
from kit.aggregates import Repository
from kit.media import MediaStore
from kit.personal import PersonalData
from kit.usecases import Database


@dataclass(frozen=True)
class Deps:
    db: Database
    applications: Repository[domain.Application]
    fund: Repository[fund.Fund]  # one stream: every approval is decided on it
    personal: PersonalData  # names, diagnoses, payee details and notes, sealed per owner
    media: MediaStore  # the documents' bytes
    fund_attempts: int = 20  # approvals at once on the fund stream: each decided again
