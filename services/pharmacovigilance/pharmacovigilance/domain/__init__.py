"""The pharmacovigilance domain, pure (no I/O, no frameworks): a report's state folded from
its events (`state`), the rules of a valid case (`report`), the officer's review and the
relay's outcomes (`review`), the facts recorded (`events`), the case as an ICSR carries it
(`case`), likely duplicates (`duplicates`), disproportionality (`signals`) and the case
narrative (`narrative`). What the service uses is named here."""

from pharmacovigilance.domain.events import (
    REGISTRY,
    AdrReportSaved,
    CaseAssessed,
    CaseOpened,
    CaseSubmitted,
    DuplicateResolved,
    FollowUpAnswered,
    FollowUpRequested,
    RelayOutcome,
)
from pharmacovigilance.domain.report import (
    PATIENT,
    PV_ROLES,
    REACTION,
    REPORTER,
    SUSPECT,
    AccountErasedError,
    NoSuchCaseError,
    NoSuchReportError,
    NotAllowedError,
    ReportError,
    by_reporter,
    confirmed,
    due_on,
    editable,
    existing,
    existing_case,
    join,
    missing,
    open_case,
    overall_seriousness,
    qualification,
    reference,
    save,
    split,
    stream_id,
)
from pharmacovigilance.domain.review import (
    answer_follow_up,
    answerable,
    assess,
    assessment,
    relay_outcome,
    request_follow_up,
    resolve_duplicate,
    submit,
    undecided,
)
from pharmacovigilance.domain.state import (
    ACKNOWLEDGED,
    DRAFT,
    FOLLOW_UP_REQUESTED,
    OPEN_FOR_REVIEW,
    RECEIVED,
    REJECTED,
    RETURNED,
    SENT,
    SUBMITTED,
    UNDER_REVIEW,
    WITH_REGULATOR,
    CaseState,
    evolve,
    initial,
)

__all__ = [
    "ACKNOWLEDGED", "DRAFT", "FOLLOW_UP_REQUESTED", "OPEN_FOR_REVIEW", "PATIENT", "PV_ROLES",
    "REACTION", "RECEIVED", "REGISTRY", "REJECTED", "REPORTER", "RETURNED", "SENT",
    "SUBMITTED", "SUSPECT", "UNDER_REVIEW", "WITH_REGULATOR", "AccountErasedError",
    "AdrReportSaved", "CaseAssessed", "CaseOpened", "CaseState", "CaseSubmitted",
    "DuplicateResolved", "FollowUpAnswered", "FollowUpRequested", "NoSuchCaseError",
    "NoSuchReportError", "NotAllowedError", "RelayOutcome", "ReportError", "answer_follow_up",
    "answerable", "assess", "assessment", "by_reporter", "confirmed", "due_on", "editable",
    "evolve", "existing", "existing_case", "initial", "join", "missing", "open_case",
    "overall_seriousness", "qualification", "reference", "relay_outcome", "request_follow_up",
    "resolve_duplicate", "save", "split", "stream_id", "submit", "undecided",
]
