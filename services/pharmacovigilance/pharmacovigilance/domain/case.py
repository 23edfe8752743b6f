"""A case as the regulator sees it: everything an ICH E2B(R3) ICSR carries. Pure data.

The service builds a Case from its events (decrypted, for the PV roles only); `e2b`
writes it as XML and reads it back; `signals` counts its medicine-reaction pairs.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

SERIOUSNESS = ("death", "life_threatening", "hospitalisation", "disability",
               "congenital_anomaly", "other_medically_important")


@dataclass(frozen=True)
class CodedTerm:
    """A MedDRA lowest-level term: licensed content, so always entered or looked up."""

    code: str  # 8 digits
    term: str
    version: str  # e.g. "27.1"


@dataclass(frozen=True)
class CaseReaction:
    reaction_id: UUID
    description: str  # the reporter's own words (E.i.1.1a)
    language: str  # E.i.1.1b
    start_date: date | None = None
    stop_date: date | None = None
    outcome: str = "unknown"  # recovered … fatal, unknown
    seriousness: dict[str, str] = field(default_factory=dict)  # SERIOUSNESS -> yes/no/unknown
    meddra: CodedTerm | None = None


@dataclass(frozen=True)
class CaseMedicine:
    medicine_id: UUID
    name: str
    role: str = "suspect"  # suspect, concomitant, interacting (G.k.1)
    manufacturer: str | None = None
    batch: str | None = None
    dose: str | None = None
    route: str | None = None
    frequency: str | None = None
    start_date: date | None = None
    stop_date: date | None = None
    indication: str | None = None
    action_taken: str = "unknown"
    rechallenge: str = "not_done"


@dataclass(frozen=True)
class Causality:
    medicine_id: UUID
    reaction_id: UUID
    category: str  # WHO-UMC: certain, probable, possible, unlikely, conditional, unassessable


@dataclass(frozen=True)
class Case:
    case_id: UUID
    safety_report_id: str  # C.1.1: sender's unique id, new for each version
    worldwide_id: str  # C.1.8.1: the same for every version of the case
    version: int
    created_at: datetime  # C.1.2
    first_received: date  # C.1.4
    most_recent: date  # C.1.5
    reporter_qualification: int  # C.2.r.4: 1 physician, 2 pharmacist, 3 other HP, 5 consumer
    reporter_name: str | None  # None: withheld (nullFlavor MSK)
    reporter_country: str = "IN"  # C.2.r.3
    patient_initials: str | None = None  # D.1 (None: MSK / unknown)
    patient_sex: str | None = None  # female, male, other, unknown
    patient_age: int | None = None  # D.2.2a
    patient_age_unit: str = "years"  # years or months
    patient_birth_date: date | None = None
    patient_weight_kg: float | None = None
    reactions: tuple[CaseReaction, ...] = ()
    medicines: tuple[CaseMedicine, ...] = ()
    causality: tuple[Causality, ...] = ()
    narrative: str = ""  # H.1
    history: str = ""
