"""Pharmacovigilance routes of the public API: ADR reports, cases, ICSRs and signals."""

from collections.abc import AsyncIterator
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Body, Query
from starlette.responses import Response, StreamingResponse

from contracts.pharmacovigilance.messages import (
    AdrReportAccepted,
    AdrReportForm,
    AnswerQuestions,
    AskReporter,
    AssessCase,
    Assessment,
    CaseFilter,
    CasePage,
    CaseReads,
    CaseView,
    ChunkRef,
    ExportQuery,
    ExportStarted,
    FollowUpAnswers,
    FollowUpRequest,
    Page,
    ReadsQuery,
    RelayFilter,
    RelayQueue,
    RelayState,
    ReportPage,
    ReportRef,
    ReportView,
    ResolveDuplicate,
    SignalQuery,
    Signals,
    UpdateReport,
)
from contracts.subjects import rpc
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES

router = APIRouter(prefix="/v1", responses=RESPONSES,  # type: ignore[arg-type]
                   tags=["pharmacovigilance"])


def pv(operation: str) -> str:
    return rpc("pharmacovigilance", operation)


@router.post("/adr-reports", status_code=201, response_model=AdrReportAccepted)
async def submit_report(body: AdrReportForm, caller: CallerDep, bus: BusDep) -> Response:
    """Report a side effect of a medicine (for yourself or someone you care for). With
    `draft: true`, or while something is missing, it stays a draft you can complete."""
    return await bus.forward(pv("submit_report"), caller, body)


@router.put("/adr-reports/{report_id}", response_model=AdrReportAccepted)
async def update_report(report_id: UUID, body: AdrReportForm, caller: CallerDep,
                        bus: BusDep) -> Response:
    """Complete or correct a draft; a complete one becomes a case."""
    return await bus.forward(pv("update_report"), caller,
                             UpdateReport(report_id=report_id, form=body))


@router.get("/adr-reports/{report_id}", response_model=ReportView)
async def get_report(report_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """The report and its status timeline (the reporter and the PV roles only)."""
    return await bus.forward(pv("get_report"), caller, ReportRef(report_id=report_id))


@router.get("/me/adr-reports", response_model=ReportPage)
async def my_reports(caller: CallerDep, bus: BusDep,
                     limit: Annotated[int, Query(ge=1, le=100)] = 20,
                     cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """Your reports and drafts, newest first: status timeline, follow-up questions to answer."""
    return await bus.forward(pv("my_reports"), caller, Page(limit=limit, cursor=cursor))


@router.get("/pv/cases", response_model=CasePage)
async def list_cases(caller: CallerDep, bus: BusDep,
                     status: Annotated[str | None, Query(max_length=40)] = None,
                     serious: Literal["yes", "no", "unknown"] | None = None,
                     overdue: bool | None = None,
                     sort: Literal["received", "due"] = "received",
                     limit: Annotated[int, Query(ge=1, le=100)] = 20,
                     cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """Cases with their seriousness and the date they are due at the regulator (15 days from
    receipt when serious or not yet known, else 90); `sort=due` puts the most urgent first."""
    return await bus.forward(pv("list_cases"), caller, CaseFilter(
        status=status, serious=serious, overdue=overdue, sort=sort, limit=limit, cursor=cursor))


@router.get("/pv/cases/{report_id}", response_model=CaseView)
async def get_case(report_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """The case with an id on every reaction and medicine (every read is logged)."""
    return await bus.forward(pv("get_case"), caller, ReportRef(report_id=report_id))


@router.get("/pv/cases/{report_id}/e2b", response_class=Response,
            responses={200: {"content": {"application/xml": {}}}})
async def case_e2b(report_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """The case as an ICH E2B(R3) ICSR (`application/xml`)."""
    return await bus.forward(pv("case_e2b"), caller, ReportRef(report_id=report_id))


@router.get("/pv/cases/{report_id}/reads", response_model=CaseReads)
async def case_reads(report_id: UUID, caller: CallerDep, bus: BusDep,
                     limit: Annotated[int, Query(ge=1, le=100)] = 20,
                     cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """The case's access log: every read of it by staff (who, what, when), newest first."""
    return await bus.forward(pv("case_reads"), caller,
                             ReadsQuery(report_id=report_id, limit=limit, cursor=cursor))


@router.get("/pv/signals", response_model=Signals)
async def signal_list(caller: CallerDep, bus: BusDep,
                      min_count: Annotated[int, Query(ge=1, le=10_000)] = 3) -> Response:
    """Disproportionality (PRR, ROR, chi-squared, IC) of medicine-reaction pairs."""
    return await bus.forward(pv("signals"), caller, SignalQuery(min_count=min_count))


@router.post("/pv/cases/{report_id}/assessment", response_model=ReportView)
async def assess_case(report_id: UUID, body: Assessment, caller: CallerDep,
                      bus: BusDep) -> Response:
    """Code each reaction (MedDRA LLT), assess causality (WHO-UMC), confirm seriousness."""
    return await bus.forward(pv("assess_case"), caller,
                             AssessCase(report_id=report_id, assessment=body))


@router.post("/pv/cases/{report_id}/follow-up-requests", response_model=ReportView)
async def request_follow_up(report_id: UUID, body: FollowUpRequest, caller: CallerDep,
                            bus: BusDep) -> Response:
    """Questions for the reporter, who sees them in GET /v1/me/adr-reports."""
    return await bus.forward(pv("request_follow_up"), caller,
                             AskReporter(report_id=report_id, request=body))


@router.post("/adr-reports/{report_id}/follow-up", response_model=ReportView)
async def answer_follow_up(report_id: UUID, body: FollowUpAnswers, caller: CallerDep,
                           bus: BusDep) -> Response:
    """The reporter's answers: the case gets a new version (an E2B follow-up)."""
    return await bus.forward(pv("answer_follow_up"), caller,
                             AnswerQuestions(report_id=report_id, answers=body))


@router.post("/pv/cases/{report_id}/submit", response_model=ReportView)
async def submit_case(report_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """Queue this version of the case for relay to the regulator."""
    return await bus.forward(pv("submit_case"), caller, ReportRef(report_id=report_id))


@router.get("/pv/relay", response_model=RelayQueue)
async def relay_queue(caller: CallerDep, bus: BusDep,
                      state: RelayState | None = None,
                      limit: Annotated[int, Query(ge=1, le=100)] = 20,
                      cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """The relay queue in the order cases were submitted: pending, sent, acknowledged,
    rejected (with the regulator's words), returned to the officer unsent (with the reason),
    attempts so far."""
    return await bus.forward(pv("relay_queue"), caller,
                             RelayFilter(state=state, limit=limit, cursor=cursor))


@router.post("/pv/cases/{report_id}/duplicates", response_model=ReportView)
async def resolve_duplicate(report_id: UUID, caller: CallerDep, bus: BusDep,
                            other_report_id: Annotated[UUID, Body()],
                            decision: Annotated[Literal["link", "separate"], Body()],
                            ) -> Response:
    """Say whether a likely duplicate (see `possible_duplicates` on the case) is the same
    case (link: only the other one goes to the regulator) or a different one (separate)."""
    return await bus.forward(pv("resolve_duplicate"), caller, ResolveDuplicate(
        report_id=report_id, other_report_id=other_report_id, decision=decision))


EXPORT_TIMEOUT_S = 300.0  # a year of cases takes a while to gather


@router.get("/pv/exports", response_class=Response,
            responses={200: {"content": {"application/zip": {}}}})
async def export_cases(caller: CallerDep, bus: BusDep,
                       query: Annotated[ExportQuery, Query()]) -> Response:
    """A zip of the period's cases (`from`, `to`, optionally `status`): an E2B(R3) batch and
    a CSV line listing."""
    started = await bus.forward(pv("start_export"), caller, query, timeout=EXPORT_TIMEOUT_S)
    if started.status_code != 200:
        return started
    info = ExportStarted.model_validate_json(bytes(started.body))

    async def chunks() -> AsyncIterator[bytes]:
        for index in range(info.chunks):
            code, data, _ = await bus.call(pv("export_chunk"), caller,
                                           ChunkRef(export_id=info.export_id, index=index))
            if code != 200:
                raise RuntimeError(f"export chunk {index} failed with {code}")
            yield data

    return StreamingResponse(chunks(), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{info.filename}"',
        "Content-Length": str(info.size), "X-Cases": str(info.cases)})
