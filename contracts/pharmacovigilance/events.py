"""Events of the pharmacovigilance context that other contexts may read."""

from typing import ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry


class AdverseReactionReported(Event):
    """A patient's report met the minimum criteria of a valid case (ICH E2D)."""

    event_type: ClassVar[str] = "AdverseReactionReported"
    subject: ClassVar[str] = "pharmacovigilance.case.reported"

    case_id: UUID
    reference: str
    reporter_id: UUID
    serious: bool | None  # None: no seriousness criterion answered either way
    suspect_medicines: list[str]  # lower-cased names as on the pack


class ReportProgressed(Event):
    """A step of a report its reporter is to hear of: the officer asks them questions
    (`follow_up_requested`), the regulator acknowledged the case (`acknowledged`)."""

    event_type: ClassVar[str] = "ReportProgressed"
    subject: ClassVar[str] = "pharmacovigilance.case.progressed"

    report_id: UUID
    reporter_id: UUID
    reference: str
    step: str


REGISTRY = EventRegistry([AdverseReactionReported, ReportProgressed])
