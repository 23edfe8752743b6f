"""The surveys' use cases, in one table, and what its domain errors mean to a caller."""

from contracts.roles import ADMIN, MEMBERS, SURVEY_MANAGER
from contracts.subjects import rpc
from contracts.surveys.messages import (
    Definition,
    ExportRange,
    ExportRef,
    ReviseSurvey,
    SaveDraft,
    StaffSurveysQuery,
    SubmitResponse,
    SurveyRef,
    SurveysQuery,
)
from kit.usecases import ErrorMap, Handler
from surveys import domain
from surveys.handlers.answering import get_survey, list_surveys, save_draft, submit_response
from surveys.handlers.authoring import create_survey, publish_survey, revise_survey
from surveys.handlers.exports import export_bytes, export_status, start_export
from surveys.handlers.listing import list_all_surveys
from surveys.handlers.results import export_responses, results_chart, survey_results

STAFF = (SURVEY_MANAGER, ADMIN)
VETTED = tuple(sorted(MEMBERS))  # applicants awaiting vetting answer no survey

HANDLERS = {
    rpc("surveys", "create_survey"): Handler(create_survey, Definition, roles=STAFF,
                                             idempotent=True, status=201),
    rpc("surveys", "revise_survey"): Handler(revise_survey, ReviseSurvey, roles=STAFF),
    rpc("surveys", "publish_survey"): Handler(publish_survey, SurveyRef, roles=STAFF),
    rpc("surveys", "list_all_surveys"): Handler(list_all_surveys, StaffSurveysQuery,
                                                roles=STAFF),
    rpc("surveys", "list_surveys"): Handler(list_surveys, SurveysQuery, roles=VETTED),
    rpc("surveys", "get_survey"): Handler(get_survey, SurveyRef, roles=VETTED),
    rpc("surveys", "save_draft"): Handler(save_draft, SaveDraft, roles=VETTED),
    # Not idempotent: an Idempotency-Key row would keep who called and when beside an
    # anonymous response; a repeat is answered 409, "answered already" (README.md).
    rpc("surveys", "submit_response"): Handler(submit_response, SubmitResponse, roles=VETTED,
                                               status=201),
    rpc("surveys", "survey_results"): Handler(survey_results, SurveyRef, roles=STAFF),
    rpc("surveys", "export_responses"): Handler(export_responses, SurveyRef, roles=STAFF),
    rpc("surveys", "results_chart"): Handler(results_chart, SurveyRef, roles=STAFF),
    rpc("surveys", "start_export"): Handler(start_export, SurveyRef, roles=STAFF, status=202),
    rpc("surveys", "export_status"): Handler(export_status, ExportRef, roles=STAFF),
    rpc("surveys", "export_bytes"): Handler(export_bytes, ExportRange, roles=STAFF),
}

ERRORS: ErrorMap = {
    domain.DefinitionError: 422,
    domain.AnswerError: 422,
    domain.NoSuchSurveyError: 404,
    domain.NotOpenError: 409,
    domain.NoSuchExportError: 404,
    domain.ExportNotReadyError: 409,
    domain.AlreadyAnsweredError: 409,
    domain.NotInAudienceError: 403,
}
