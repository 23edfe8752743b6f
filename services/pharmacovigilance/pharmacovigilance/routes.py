"""Pharmacovigilance's use cases, in one table: subject -> handler."""

from functools import partial

from contracts.subjects import rpc
from kit.rpc import RpcHandler
from pharmacovigilance import exports, handlers, review
from pharmacovigilance.deps import Deps

HANDLERS = {
    rpc("pharmacovigilance", "submit_report"): handlers.submit_report,
    rpc("pharmacovigilance", "update_report"): handlers.update_report,
    rpc("pharmacovigilance", "get_report"): handlers.get_report,
    rpc("pharmacovigilance", "my_reports"): handlers.my_reports,
    rpc("pharmacovigilance", "list_cases"): handlers.list_cases,
    rpc("pharmacovigilance", "get_case"): handlers.get_case,
    rpc("pharmacovigilance", "case_e2b"): handlers.case_e2b,
    rpc("pharmacovigilance", "case_reads"): handlers.case_reads,
    rpc("pharmacovigilance", "signals"): handlers.signal_list,
    rpc("pharmacovigilance", "assess_case"): review.assess,
    rpc("pharmacovigilance", "request_follow_up"): review.ask_reporter,
    rpc("pharmacovigilance", "answer_follow_up"): review.answer,
    rpc("pharmacovigilance", "submit_case"): review.submit,
    rpc("pharmacovigilance", "relay_queue"): review.relay_queue,
    rpc("pharmacovigilance", "resolve_duplicate"): review.resolve_duplicate,
    rpc("pharmacovigilance", "start_export"): exports.start_export,
    rpc("pharmacovigilance", "export_chunk"): exports.export_chunk,
}


def routes(deps: Deps) -> dict[str, RpcHandler]:
    return {subject: partial(handler, deps) for subject, handler in HANDLERS.items()}
