"""The officer's review of a case: coding and causality, follow-up with the reporter,
likely duplicates, submission for relay to the regulator. Each decision is taken on the
case's state folded from its events and appended at the version it was folded at."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from contracts.events import Event
from contracts.pharmacovigilance.messages import (
    AskReporter,
    AssessCase,
    ReportRef,
    ReportView,
    ResolveDuplicate,
)
from kit.usecases import Call
from pharmacovigilance import domain
from pharmacovigilance.adapters.candidates import likely_duplicates
from pharmacovigilance.adapters.sealed import reporter_key
from pharmacovigilance.deps import Deps
from pharmacovigilance.handlers.views import case_row, shown


async def assess_case(call: Call[AssessCase], deps: Deps) -> ReportView:
    """Coding, causality, confirmed seriousness and narrative: what is given replaces what was."""
    a, report_id = call.command.assessment, call.command.report_id
    coding = {str(c.reaction_id): deps.terminology.confirm(c.meddra.code, c.meddra.term,
                                                          c.meddra.version)
              for c in a.reactions}
    seriousness = {str(c.reaction_id): c.seriousness.model_dump(exclude_none=True)
                   for c in a.reactions if c.seriousness is not None}
    stream = domain.stream_id(report_id)
    async with deps.db.transaction() as conn:
        case, version = await deps.reports.get(conn, stream)
        domain.existing_case(case)
        narrative = None
        if a.narrative is not None:  # it may name people: sealed like the reporter's words
            assert case.reporter_id is not None
            key = await reporter_key(conn, deps, case.reporter_id)
            narrative = deps.personal.encrypt(key, case.reporter_id, "narrative", a.narrative)
        events = domain.assess(case, domain.assessment(
            case, coding, [c.model_dump(mode="json") for c in a.causality],
            a.seriousness_confirmed, seriousness, narrative))
        await deps.reports.append(conn, stream, version, events, call.caller.metadata)
        return await shown(conn, deps, report_id)


async def request_follow_up(call: Call[AskReporter], deps: Deps) -> ReportView:
    questions = call.command.request.questions
    return await _review(call, deps, call.command.report_id,
                         lambda case, _: domain.request_follow_up(case, questions),
                         duplicates=False)


async def submit_case(call: Call[ReportRef], deps: Deps) -> ReportView:
    """Queue this version of the case for the regulator."""
    return await _review(call, deps, call.command.report_id,
                         lambda case, found: domain.submit(case, domain.undecided(case, found)))


async def resolve_duplicate(call: Call[ResolveDuplicate], deps: Deps) -> ReportView:
    """The officer says whether a likely duplicate is the same case (link) or not."""
    body = call.command
    return await _review(call, deps, body.report_id, lambda case, found: (
        domain.resolve_duplicate(case, body.other_report_id, set(found), body.decision)))


Decision = Callable[[domain.CaseState, list[UUID]], list[Event]]


async def _review(call: Call[Any], deps: Deps, report_id: UUID, decide: Decision, *,
                  duplicates: bool = True) -> ReportView:
    """Fold the case, find its likely duplicates (when the decision weighs them), decide,
    append at the version folded."""
    async with deps.db.transaction() as conn:
        found = (await likely_duplicates(conn, deps, await case_row(conn, report_id))
                 if duplicates else [])
        others = [other for other, _ in found]

        def checked(case: domain.CaseState) -> list[Event]:
            domain.existing_case(case)
            return decide(case, others)

        await deps.reports.change(conn, domain.stream_id(report_id), checked,
                                  call.caller.metadata)
        return await shown(conn, deps, report_id)
