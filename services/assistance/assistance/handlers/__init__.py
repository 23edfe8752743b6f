"""The assistance use cases, in one table, and what its domain errors mean to a caller."""

from assistance import documents, domain, fund
from assistance.handlers.applications import (
    NoSuchAccountError,
    NotForOthersError,
    apply,
    check_eligibility,
    get_application,
    my_applications,
)
from assistance.handlers.casework import (
    assistance_queue,
    close_application,
    decide_application,
    record_disbursement,
    verify_hospital,
)
from assistance.handlers.funding import fund_balance, fund_report, record_sponsorship
from assistance.handlers.sealing import OwnerErasedError
from assistance.handlers.uploads import (
    document_bytes,
    document_info,
    get_document,
    put_document_part,
    upload_document,
)
from contracts.assistance.messages import (
    ApplicationRef,
    Apply,
    Close,
    Decide,
    Disburse,
    DocumentPart,
    DocumentRange,
    DocumentRef,
    Eligibility,
    MineQuery,
    QueueQuery,
    RecordSponsorship,
    UploadDocument,
    Verify,
)
from contracts.roles import ADMIN, ASSISTANCE_OFFICER, MEMBERS
from contracts.rpc import NoBody
from contracts.subjects import rpc
from kit.usecases import ANYONE, SIGNED_IN, ErrorMap, Handler

OFFICERS = (ASSISTANCE_OFFICER, ADMIN)
# Any vetted member applies, for themselves or their family (patients and caregivers, and
# staff and professionals, who are someone's family too); applicants awaiting vetting do not.
APPLICANTS = tuple(sorted(MEMBERS))
CASEWORK = (ASSISTANCE_OFFICER,)


def _h(operation: str) -> str:
    return rpc("assistance", operation)


HANDLERS = {
    _h("record_sponsorship"): Handler(record_sponsorship, RecordSponsorship, roles=OFFICERS,
                                      idempotent=True, status=201),
    _h("fund_balance"): Handler(fund_balance, NoBody, roles=OFFICERS),
    _h("fund_report"): Handler(fund_report, NoBody, roles=OFFICERS),
    _h("check_eligibility"): Handler(check_eligibility, Eligibility, roles=ANYONE),
    _h("apply"): Handler(apply, Apply, roles=APPLICANTS, idempotent=True, status=201),
    _h("upload_document"): Handler(upload_document, UploadDocument, roles=SIGNED_IN,
                                   status=201),
    _h("get_application"): Handler(get_application, ApplicationRef, roles=SIGNED_IN),
    _h("get_document"): Handler(get_document, DocumentRef, roles=SIGNED_IN),
    _h("put_document_part"): Handler(put_document_part, DocumentPart, roles=SIGNED_IN),
    _h("document_info"): Handler(document_info, DocumentRef, roles=SIGNED_IN),
    _h("document_bytes"): Handler(document_bytes, DocumentRange, roles=SIGNED_IN),
    _h("my_applications"): Handler(my_applications, MineQuery, roles=SIGNED_IN),
    _h("assistance_queue"): Handler(assistance_queue, QueueQuery, roles=CASEWORK),
    _h("decide_application"): Handler(decide_application, Decide, roles=CASEWORK,
                                      idempotent=True),
    _h("verify_hospital"): Handler(verify_hospital, Verify, roles=CASEWORK, idempotent=True),
    _h("record_disbursement"): Handler(record_disbursement, Disburse, roles=CASEWORK,
                                       idempotent=True, status=201),
    _h("close_application"): Handler(close_application, Close, roles=CASEWORK,
                                     idempotent=True),
}

ERRORS: ErrorMap = {
    fund.InsufficientFundsError: 409,
    domain.NoSuchApplicationError: 404,
    domain.ClosedError: 409,
    domain.AlreadyDecidedError: 409,
    domain.NotReadyError: 409,
    domain.AmountError: 422,
    domain.PayeeError: 422,
    domain.NoSuchSchemeError: 422,
    documents.DocumentRefusedError: 422,
    documents.DocumentRangeError: 416,
    NotForOthersError: 403,
    NoSuchAccountError: 422,
    OwnerErasedError: 410,
}
