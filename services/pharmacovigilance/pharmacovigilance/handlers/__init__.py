"""Pharmacovigilance's use cases, in one table, and what its domain errors mean to a caller."""

from contracts import roles
from contracts.pharmacovigilance.messages import (
    AdrReportForm,
    AnswerQuestions,
    AskReporter,
    AssessCase,
    CaseFilter,
    ChunkRef,
    ExportQuery,
    Page,
    ReadsQuery,
    RelayFilter,
    ReportRef,
    ResolveDuplicate,
    SignalQuery,
    UpdateReport,
)
from contracts.subjects import rpc
from kit.usecases import SIGNED_IN, ErrorMap, Handler
from pharmacovigilance import domain
from pharmacovigilance.adapters.terminology import UnknownTermError
from pharmacovigilance.handlers.exports import export_chunk, start_export
from pharmacovigilance.handlers.reporting import (
    answer_follow_up,
    get_report,
    my_reports,
    submit_report,
    update_report,
)
from pharmacovigilance.handlers.review import (
    assess_case,
    request_follow_up,
    resolve_duplicate,
    submit_case,
)
from pharmacovigilance.handlers.worklist import (
    case_e2b,
    case_reads,
    get_case,
    list_cases,
    relay_queue,
    signal_list,
)

PV = tuple(sorted(roles.PV))  # officers and the regulator liaison
OFFICER, LIAISON = (roles.PV_OFFICER,), (roles.REGULATOR_LIAISON,)


def pv(operation: str) -> str:
    return rpc("pharmacovigilance", operation)


HANDLERS = {
    # The reporter's side.
    pv("submit_report"): Handler(submit_report, AdrReportForm, roles=SIGNED_IN,
                                 idempotent=True, status=201, grouped=True),
    pv("update_report"): Handler(update_report, UpdateReport, roles=SIGNED_IN),
    pv("get_report"): Handler(get_report, ReportRef, roles=SIGNED_IN),
    pv("my_reports"): Handler(my_reports, Page, roles=SIGNED_IN),
    pv("answer_follow_up"): Handler(answer_follow_up, AnswerQuestions, roles=SIGNED_IN),
    # The PV roles' reading.
    pv("list_cases"): Handler(list_cases, CaseFilter, roles=OFFICER),
    pv("get_case"): Handler(get_case, ReportRef, roles=PV),
    pv("case_e2b"): Handler(case_e2b, ReportRef, roles=PV),
    pv("case_reads"): Handler(case_reads, ReadsQuery, roles=(roles.PV_OFFICER, roles.ADMIN)),
    pv("signals"): Handler(signal_list, SignalQuery, roles=PV),
    pv("relay_queue"): Handler(relay_queue, RelayFilter, roles=PV),
    # The officer's review.
    pv("assess_case"): Handler(assess_case, AssessCase, roles=OFFICER),
    pv("request_follow_up"): Handler(request_follow_up, AskReporter, roles=OFFICER),
    pv("resolve_duplicate"): Handler(resolve_duplicate, ResolveDuplicate, roles=OFFICER),
    pv("submit_case"): Handler(submit_case, ReportRef, roles=OFFICER),
    # The regulator liaison's exports.
    pv("start_export"): Handler(start_export, ExportQuery, roles=LIAISON),
    pv("export_chunk"): Handler(export_chunk, ChunkRef, roles=LIAISON),
}

ERRORS: ErrorMap = {
    domain.NoSuchReportError: 404,
    domain.NotAllowedError: 403,
    domain.ReportError: 409,  # the case is not in a state that allows it
    domain.TooManyReportsError: 429,  # the account's complete reports of the last 24 hours
    UnknownTermError: 422,
}
