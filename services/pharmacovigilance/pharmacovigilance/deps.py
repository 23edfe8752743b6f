"""What pharmacovigilance's use cases (and its relay) depend on."""

from dataclasses import dataclass

from kit.aggregates import Repository
from kit.personal import PersonalData
from kit.usecases import Database
from pharmacovigilance.adapters.terminology import Terminology
from pharmacovigilance.domain import CaseState


@dataclass(frozen=True)
class Deps:
    db: Database
    reports: Repository[CaseState]  # a report and its case, folded from its stream
    personal: PersonalData
    sender_id: str  # E2B N.1.3, our organisation
    receiver_id: str  # E2B N.1.4, the regulator (PvPI)
    terminology: Terminology
    reports_per_day: int = 10  # complete reports per account in a rolling 24 hours; 0: any
