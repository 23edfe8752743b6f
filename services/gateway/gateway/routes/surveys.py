"""Surveys routes of the public API (../shared/API.md, Surveys): versioned definitions
written and published by survey managers, answered by their audience in its language (a
draft to resume, one response per person), and the results and CSV export for staff."""

import re
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Header, Query, Request
from starlette.responses import Response

from contracts.subjects import rpc
from contracts.surveys.messages import (
    MAX_EXPORT_CHUNK,
    AnswersBody,
    Definition,
    DraftSaved,
    ExportRange,
    ExportRef,
    ExportStatus,
    ResponseAccepted,
    Results,
    ReviseSurvey,
    SaveDraft,
    StaffSurveysPage,
    StaffSurveysQuery,
    SubmitResponse,
    SurveyAccepted,
    SurveyRef,
    SurveysPage,
    SurveysQuery,
    SurveyStatus,
    SurveyView,
)
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES, problem_response
from gateway.routes.media import ranged

router = APIRouter(prefix="/v1", responses=RESPONSES)  # type: ignore[arg-type]
AcceptLanguage = Annotated[str | None, Header(max_length=200)]
TAG = re.compile(r"^[a-z]{2}$")
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "the responses, one row each"}}
SVG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {}}, "description": "the results as a chart"}}


def languages(accept_language: str | None) -> list[str]:
    """The two-letter languages of an Accept-Language header, best first (none: the
    person's preferred language decides)."""
    ranked = []
    for index, part in enumerate((accept_language or "").split(",")[:8]):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower()[:2]
        quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            weight = float(quality)
        except ValueError:
            weight = 0.0
        if TAG.match(code) and weight > 0:
            ranked.append((-weight, index, code))
    return list(dict.fromkeys(code for *_, code in sorted(ranked)))


@router.post("/surveys", status_code=201, response_model=SurveyAccepted, tags=["surveys"])
async def create(body: Definition, caller: CallerDep, bus: BusDep) -> Response:
    """A new survey (version 1, a draft): questions, skip logic, labels per language,
    audience, dates, identified or anonymous."""
    return await bus.forward(rpc("surveys", "create_survey"), caller, body)


@router.put("/surveys/{survey_id}", response_model=SurveyAccepted, tags=["surveys"])
async def revise(survey_id: UUID, body: Definition, caller: CallerDep,
                 bus: BusDep) -> Response:
    """Edit the draft version; once a version is published, an edit makes the next one
    (answers keep the version they answered)."""
    return await bus.forward(rpc("surveys", "revise_survey"), caller,
                             ReviseSurvey(survey_id=survey_id, **body.model_dump()))


@router.post("/surveys/{survey_id}/publish", response_model=SurveyAccepted, tags=["surveys"])
async def publish(survey_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """Freeze the working version and open it to its audience."""
    return await bus.forward(rpc("surveys", "publish_survey"), caller,
                             SurveyRef(survey_id=survey_id))


@router.get("/surveys", response_model=SurveysPage, tags=["surveys"])
async def open_surveys(caller: CallerDep, bus: BusDep,
                       accept_language: AcceptLanguage = None,
                       limit: Annotated[int, Query(ge=1, le=100)] = 20,
                       cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """The open surveys of the caller's audience, titled in their language."""
    return await bus.forward(rpc("surveys", "list_surveys"), caller, SurveysQuery(
        languages=languages(accept_language), limit=limit, cursor=cursor))


@router.get("/admin/surveys", response_model=StaffSurveysPage, tags=["surveys"])
async def all_surveys(caller: CallerDep, bus: BusDep, accept_language: AcceptLanguage = None,
                      status: SurveyStatus | None = None,
                      limit: Annotated[int, Query(ge=1, le=100)] = 20,
                      cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """Every survey, newest first, for survey managers and admins: drafts, published and
    closed ones (`?status=`), with the published and working versions and how many
    answered (hidden under 5 in an anonymous survey)."""
    return await bus.forward(rpc("surveys", "list_all_surveys"), caller, StaffSurveysQuery(
        status=status, languages=languages(accept_language), limit=limit, cursor=cursor))


@router.get("/surveys/{survey_id}", response_model=SurveyView, tags=["surveys"])
async def survey(survey_id: UUID, caller: CallerDep, bus: BusDep,
                 accept_language: AcceptLanguage = None) -> Response:
    """The survey in the caller's language (each label falls back to the survey's default
    language), with the caller's saved draft and whether they answered."""
    return await bus.forward(rpc("surveys", "get_survey"), caller, SurveyRef(
        survey_id=survey_id, languages=languages(accept_language)))


@router.put("/surveys/{survey_id}/draft", response_model=DraftSaved, tags=["surveys"])
async def save_draft(survey_id: UUID, body: AnswersBody, caller: CallerDep,
                     bus: BusDep) -> Response:
    """Save the answers so far, to resume later."""
    return await bus.forward(rpc("surveys", "save_draft"), caller,
                             SaveDraft(survey_id=survey_id, **body.model_dump()))


@router.post("/surveys/{survey_id}/responses", status_code=201,
             response_model=ResponseAccepted, tags=["surveys"])
async def respond(survey_id: UUID, body: AnswersBody, caller: CallerDep,
                  bus: BusDep) -> Response:
    """Your one response: checked against the version, skip logic included (an answer to a
    hidden question is refused, naming it)."""
    return await bus.forward(rpc("surveys", "submit_response"), caller,
                             SubmitResponse(survey_id=survey_id, **body.model_dump()))


@router.get("/surveys/{survey_id}/results", response_model=Results, responses=CSV,
            tags=["surveys"])
async def results(survey_id: UUID, caller: CallerDep, bus: BusDep,
                  accept: Annotated[str | None, Header(max_length=200)] = None) -> Response:
    """Counts, percentages, means, % positive, NPS, per community too; anonymous surveys
    hide cells of fewer than 5 answers. `Accept: text/csv`: the export."""
    operation = "export_responses" if "text/csv" in (accept or "") else "survey_results"
    return await bus.forward(rpc("surveys", operation), caller, SurveyRef(survey_id=survey_id))


@router.get("/surveys/{survey_id}/export.csv", responses=CSV, tags=["surveys"])
async def export(survey_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """The responses as CSV: no respondent and no communities in anonymous surveys."""
    return await bus.forward(rpc("surveys", "export_responses"), caller,
                             SurveyRef(survey_id=survey_id))


@router.get("/surveys/{survey_id}/results.svg", responses=SVG, tags=["surveys"])
async def chart(survey_id: UUID, caller: CallerDep, bus: BusDep,
                accept_language: AcceptLanguage = None) -> Response:
    """The results as a chart (SVG): each question's share per option, hidden cells said to
    be hidden."""
    return await bus.forward(rpc("surveys", "results_chart"), caller, SurveyRef(
        survey_id=survey_id, languages=languages(accept_language)))


@router.post("/surveys/{survey_id}/exports", status_code=202, response_model=ExportStatus,
             tags=["surveys"])
async def start_export(survey_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """Ask for the responses as CSV, written by a job: watch its progress at the job's
    address, download the file once it is done (large surveys)."""
    return await bus.forward(rpc("surveys", "start_export"), caller,
                             SurveyRef(survey_id=survey_id))


# Before the job's own address, whose {export_id} would take "….csv" too.
@router.get("/surveys/{survey_id}/exports/{export_id}.csv", responses=CSV, tags=["surveys"])
async def export_file(survey_id: UUID, export_id: UUID, request: Request, caller: CallerDep,
                      bus: BusDep) -> Response:
    """The finished job's file, with its Content-Length (a download shows its progress) and
    Range requests (a broken download resumes); 409 while the job is not done."""
    status = await bus.forward(rpc("surveys", "export_status"), caller,
                               ExportRef(survey_id=survey_id, export_id=export_id))
    if status.status_code != 200:
        return status
    job = ExportStatus.model_validate(orjson.loads(bytes(status.body)))
    if job.status != "done" or job.size is None:
        return problem_response(409, f"the export is {job.status}, not done",
                                language=caller.language)

    async def chunk(start: int, length: int) -> Response:
        return await bus.forward(rpc("surveys", "export_bytes"), caller, ExportRange(
            survey_id=survey_id, export_id=export_id, start=start, length=length))

    if job.size == 0:
        return Response(b"", media_type="text/csv; charset=utf-8")
    response = await ranged(request, caller, job.size, "text/csv; charset=utf-8", chunk,
                            MAX_EXPORT_CHUNK)
    response.headers["Content-Disposition"] = f'attachment; filename="survey-{survey_id}.csv"'
    return response


@router.get("/surveys/{survey_id}/exports/{export_id}", response_model=ExportStatus,
            tags=["surveys"])
async def export_status(survey_id: UUID, export_id: UUID, caller: CallerDep,
                        bus: BusDep) -> Response:
    """The job's status: queued, running, done or failed, rows written of all, percent."""
    return await bus.forward(rpc("surveys", "export_status"), caller,
                             ExportRef(survey_id=survey_id, export_id=export_id))
