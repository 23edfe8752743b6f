"""Assistance routes of the public API (../shared/API.md, Assistance): Project FAITH's
eligibility check, applications and their documents, case work, and the fund."""

from base64 import b64encode
from typing import Annotated
from uuid import UUID, uuid4

import orjson
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from starlette.responses import Response

from contracts.assistance.messages import (
    DOCUMENT_PART_BYTES,
    MAX_DOCUMENT_BYTES,
    ApplicationAccepted,
    ApplicationRef,
    ApplicationsPage,
    ApplicationView,
    Apply,
    Close,
    ClosureBody,
    Decide,
    DecisionBody,
    Disburse,
    DisbursementBody,
    DocumentAccepted,
    DocumentInfo,
    DocumentKind,
    DocumentPart,
    DocumentRange,
    DocumentRef,
    Eligibility,
    EligibilityResult,
    FundReport,
    FundView,
    MineQuery,
    QueueQuery,
    RecordSponsorship,
    SponsorshipAccepted,
    Status,
    StepDone,
    UploadDocument,
    VerificationBody,
    Verify,
)
from contracts.rpc import NoBody
from contracts.subjects import rpc
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES, problem_response
from gateway.routes.media import ranged

router = APIRouter(prefix="/v1/assistance", responses=RESPONSES)  # type: ignore[arg-type]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=200)]


def _s(operation: str) -> str:
    return rpc("assistance", operation)


@router.post("/eligibility", response_model=EligibilityResult,
             tags=["assistance"])
async def eligibility(body: Eligibility, caller: CallerDep, bus: BusDep) -> Response:
    """Before anything else: the government schemes that may cover the case (PM-JAY, RAN,
    the state's schemes), because a scheme should pay first. Nothing is recorded."""
    return await bus.forward(_s("check_eligibility"), caller, body)


@router.post("/applications", status_code=201, response_model=ApplicationAccepted,
             tags=["assistance"])
async def apply(body: Apply, caller: CallerDep, bus: BusDep) -> Response:
    """Apply for help with a treatment's cost: by the patient, a caregiver on their behalf,
    or a caseworker (assistance officer) assisting them (`applicant_id`: their account).
    The reply carries the schemes that may pay first."""
    return await bus.forward(_s("apply"), caller, body)


@router.get("/applications/{application_id}", response_model=ApplicationView,
             tags=["assistance"])
async def application(application_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """The case and its status timeline: the applicant's own, their caseworker's, the
    officers'. Anyone else's is not found."""
    return await bus.forward(_s("get_application"), caller,
                             ApplicationRef(application_id=application_id))


DOCUMENT_PATH = "/v1/assistance/applications/{application_id}/documents"
DOCUMENT_BODY_LIMIT = MAX_DOCUMENT_BYTES + 16 * 1024  # the file and the form around it


@router.post("/applications/{application_id}/documents", status_code=201,
             response_model=DocumentAccepted,
             tags=["assistance"])
async def upload_document(application_id: UUID, caller: CallerDep, bus: BusDep,
                          file: Annotated[UploadFile, File()],
                          kind: Annotated[DocumentKind, Form()]) -> Response:
    """A document of the case (estimate, income certificate, ration card, ID, other): a
    PDF, JPEG or PNG of at most 10 MB, judged on its bytes (a larger body is a 413)."""
    data = await file.read(MAX_DOCUMENT_BYTES + 1)
    if not data or len(data) > MAX_DOCUMENT_BYTES:
        message = (f"a document may be at most {MAX_DOCUMENT_BYTES} bytes" if data
                   else "the file is empty")
        return problem_response(422, message, language=caller.language,
                                errors=[{"field": "file", "message": message}])
    pieces = [data[i:i + DOCUMENT_PART_BYTES] for i in range(0, len(data), DOCUMENT_PART_BYTES)]
    upload_id = uuid4()
    for index, piece in enumerate(pieces[:-1]):
        kept = await bus.forward(_s("put_document_part"), caller, DocumentPart(
            application_id=application_id, upload_id=upload_id, index=index,
            data_b64=b64encode(piece).decode()))
        if kept.status_code != 200:
            return kept
    return await bus.forward(_s("upload_document"), caller, UploadDocument(
        application_id=application_id, kind=kind, upload_id=upload_id,
        parts=len(pieces) - 1, data_b64=b64encode(pieces[-1]).decode()), timeout=30)


@router.get("/applications/{application_id}/documents/{document_id}", response_class=Response,
            tags=["assistance"], responses={200: {"content": {
                "application/pdf": {}, "image/jpeg": {}, "image/png": {}}}})
async def document(application_id: UUID, document_id: UUID, request: Request,
                   caller: CallerDep, bus: BusDep) -> Response:
    """A document of the case, to those who may read the case (410 once its owner was
    erased: it was sealed with their key); with its Content-Length and Range requests."""
    ref = DocumentRef(application_id=application_id, document_id=document_id)
    found = await bus.forward(_s("document_info"), caller, ref)
    if found.status_code != 200:
        return found
    info = DocumentInfo.model_validate(orjson.loads(bytes(found.body)))

    async def chunk(start: int, length: int) -> Response:
        return await bus.forward(_s("document_bytes"), caller, DocumentRange(
            application_id=application_id, document_id=document_id, start=start,
            length=length))

    return await ranged(request, caller, info.size, info.content_type, chunk,
                        DOCUMENT_PART_BYTES)


@router.post("/applications/{application_id}/decision", response_model=StepDone,
             tags=["assistance"])
async def decide(application_id: UUID, body: DecisionBody, caller: CallerDep,
                 bus: BusDep) -> Response:
    """An officer's decision: approve an `amount` (paise; reserved from the fund, refused
    with a 409 when the fund cannot pay it), reject, ask for `documents`, or refer to a
    `scheme` (its slug). The `reason` is shown to the applicant."""
    return await bus.forward(_s("decide_application"), caller, Decide(
        application_id=application_id, **body.model_dump()))


@router.post("/applications/{application_id}/verification", response_model=StepDone,

             tags=["assistance"])
async def verify(application_id: UUID, body: VerificationBody, caller: CallerDep,
                 bus: BusDep) -> Response:
    """The officer confirmed the case with the treating hospital; approval waits for it."""
    return await bus.forward(_s("verify_hospital"), caller, Verify(
        application_id=application_id, **body.model_dump()))


@router.post("/applications/{application_id}/disbursements", status_code=201,
             response_model=StepDone,
             tags=["assistance"])
async def disburse(application_id: UUID, body: DisbursementBody, caller: CallerDep,
                   bus: BusDep) -> Response:
    """A payment of the approved amount, to the hospital by default."""
    return await bus.forward(_s("record_disbursement"), caller, Disburse(
        application_id=application_id, **body.model_dump()))


@router.post("/applications/{application_id}/closure", response_model=StepDone,
             tags=["assistance"])
async def close(application_id: UUID, body: ClosureBody, caller: CallerDep,
                bus: BusDep) -> Response:
    """Close the case with its outcome; what was reserved and not paid returns to the fund."""
    return await bus.forward(_s("close_application"), caller, Close(
        application_id=application_id, **body.model_dump()))


@router.get("/queue", response_model=ApplicationsPage,
             tags=["assistance"])
async def queue(caller: CallerDep, bus: BusDep, status: Status | None = None,
                limit: Limit = 20, cursor: Cursor = None) -> Response:
    """Open cases, the most urgent first, then the oldest, with their age in days."""
    return await bus.forward(_s("assistance_queue"), caller, QueueQuery(
        status=status, limit=limit, cursor=cursor))


@router.post("/sponsorships", status_code=201, response_model=SponsorshipAccepted,
             tags=["assistance"])
async def sponsor(body: RecordSponsorship, caller: CallerDep, bus: BusDep) -> Response:
    """Money into the fund (paise), perhaps restricted to a disease area."""
    return await bus.forward(_s("record_sponsorship"), caller, body)


@router.get("/fund", response_model=FundView,
             tags=["assistance"])
async def fund(caller: CallerDep, bus: BusDep) -> Response:
    """The fund's balance, derived from its events."""
    return await bus.forward(_s("fund_balance"), caller, NoBody())


@router.get("/fund/report", response_model=FundReport,
             tags=["assistance"])
async def report(caller: CallerDep, bus: BusDep) -> Response:
    """The sponsors' report: no patient, application or hospital is named."""
    return await bus.forward(_s("fund_report"), caller, NoBody())


mine = APIRouter(prefix="/v1/me", responses=RESPONSES)  # type: ignore[arg-type]


@mine.get("/assistance/applications", response_model=ApplicationsPage,
             tags=["assistance"])
async def my_applications(caller: CallerDep, bus: BusDep, limit: Limit = 20,
                          cursor: Cursor = None) -> Response:
    """The cases I applied for, or assist as their caseworker; newest first."""
    return await bus.forward(_s("my_applications"), caller, MineQuery(limit=limit,
                                                                      cursor=cursor))
