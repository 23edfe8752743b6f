"""The inline read model `reports`: reports and cases, their timelines, the relay queue and
the signal counts, written in the same transaction as the events."""

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time
from typing import Any
from weakref import WeakKeyDictionary

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.events import Event
from contracts.pharmacovigilance.events import AdverseReactionReported
from kit.readmodels import InlineModel, one_by_one
from pharmacovigilance import domain
from pharmacovigilance.adapters import sql
from pharmacovigilance.domain import signals

Applier = Callable[[AsyncConnection, Any, Envelope], Awaitable[None]]


async def _saved(conn: AsyncConnection, event: domain.AdrReportSaved,
                 envelope: Envelope) -> None:
    await sql.SAVE_REPORT.execute(
        conn, report_id=event.report_id, reporter_id=event.reporter_id, status=domain.DRAFT,
        clear=orjson.dumps(event.clear).decode(), personal=event.personal,
        missing=event.missing, at=envelope.occurred_at)
    _written(conn)[event.report_id] = event.clear


async def _case_opened(conn: AsyncConnection, event: domain.CaseOpened,
                       envelope: Envelope) -> None:
    clear = await _clear_of(conn, event.report_id)
    assert clear is not None  # a case is opened from a saved report
    await sql.OPEN_CASE.execute(
        conn, report_id=event.report_id, status=domain.RECEIVED, reference=event.reference,
        received=event.received, reaction_ids=event.reaction_ids,
        medicine_ids=event.medicine_ids, at=envelope.occurred_at,
        **_triage(clear, event.reaction_ids, event.received, {}))


async def _count_pairs(conn: AsyncConnection, event: AdverseReactionReported,
                       _: Envelope) -> None:
    """Each of the case's (suspect or interacting medicine, reaction) pairs counts once."""
    clear = await _clear_of(conn, event.case_id)
    if clear is None:
        return
    pairs = sorted(signals.pair_keys(
        [(m["name"], m["role"]) for m in clear["medicines"]],
        [(r["description"], (r.get("meddra") or {}).get("term")) for r in clear["reactions"]]))
    if pairs:
        await sql.COUNT_PAIRS.execute(conn, case_id=event.case_id,
                                      medicines=[m for m, _ in pairs],
                                      reactions=[r for _, r in pairs])


# A complete report's first append is AdrReportSaved, CaseOpened and AdverseReactionReported,
# and the last two need the clear form the first has just written: it is kept for the rest
# of the transaction rather than read back (two round trips of every new case, bench (d)).
# Keyed by the transaction itself, so it dies with it, committed or rolled back.
_WRITTEN: WeakKeyDictionary[Any, dict[Any, dict[str, Any]]] = WeakKeyDictionary()


def _written(conn: AsyncConnection) -> dict[Any, dict[str, Any]]:
    transaction = conn.sync_connection.get_transaction() if conn.sync_connection else None
    if transaction is None:
        return {}  # outside a transaction nothing is kept
    return _WRITTEN.setdefault(transaction, {})


async def _clear_of(conn: AsyncConnection, report_id: Any) -> dict[str, Any] | None:
    known = _written(conn).get(report_id)
    if known is not None:
        return known
    return await conn.scalar(sa.select(sql.reports.c.clear).where(
        sql.reports.c.report_id == report_id))


async def _status(conn: AsyncConnection, report_id: Any, status: str, envelope: Envelope,
                  **values: Any) -> None:
    await conn.execute(sql.reports.update().where(sql.reports.c.report_id == report_id)
                       .values(status=status, updated_at=envelope.occurred_at, **values))
    await conn.execute(insert(sql.timeline).values(
        report_id=report_id, at=envelope.occurred_at, status=status).on_conflict_do_nothing())


async def _assessed(conn: AsyncConnection, event: domain.CaseAssessed,
                    envelope: Envelope) -> None:
    r = sql.reports
    case = (await conn.execute(sa.select(r.c.clear, r.c.reaction_ids, r.c.received).where(
        r.c.report_id == event.report_id))).one()
    await _status(conn, event.report_id, domain.UNDER_REVIEW, envelope, coding=event.coding,
                  causality=event.causality,
                  seriousness_confirmed=event.seriousness_confirmed,
                  seriousness=event.seriousness, narrative=event.narrative,
                  **_triage(case.clear, case.reaction_ids, case.received, event.seriousness))


def _triage(clear: dict[str, Any], reaction_ids: Any, received: date,
            officers: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Seriousness of the case, as confirmed so far, and when it is due at the regulator."""
    serious = domain.overall_seriousness([
        domain.confirmed(reaction["seriousness"], officers.get(str(reaction_id)))
        for reaction, reaction_id in zip(clear["reactions"], reaction_ids or [], strict=False)])
    due = datetime.combine(domain.due_on(received, serious), time(), UTC)
    return {"serious": serious, "due_at": due}


async def _follow_up_requested(conn: AsyncConnection, event: domain.FollowUpRequested,
                               envelope: Envelope) -> None:
    asked = {"asked_at": envelope.occurred_at.isoformat(), "questions": event.questions,
             "answers": None, "answered_at": None}
    follow_ups = await conn.scalar(sa.select(sql.reports.c.follow_ups).where(
        sql.reports.c.report_id == event.report_id)) or []
    await _status(conn, event.report_id, domain.FOLLOW_UP_REQUESTED, envelope,
                  follow_ups=[*follow_ups, asked])


async def _follow_up_answered(conn: AsyncConnection, event: domain.FollowUpAnswered,
                              envelope: Envelope) -> None:
    follow_ups = await conn.scalar(sa.select(sql.reports.c.follow_ups).where(
        sql.reports.c.report_id == event.report_id)) or []
    follow_ups[-1] = {**follow_ups[-1], "answers": event.answers,
                      "answered_at": envelope.occurred_at.isoformat()}
    await _status(conn, event.report_id, domain.UNDER_REVIEW, envelope, follow_ups=follow_ups,
                  version=event.case_version)


async def _submitted(conn: AsyncConnection, event: domain.CaseSubmitted,
                     envelope: Envelope) -> None:
    await _status(conn, event.report_id, domain.SUBMITTED, envelope,
                  safety_report_id=event.safety_report_id, relay_detail=None,
                  version=event.case_version)
    queued = {"state": "pending", "attempts": 0, "next_attempt_at": None, "last_error": None,
              "queued_at": envelope.occurred_at, "updated_at": envelope.occurred_at}
    await conn.execute(insert(sql.relay_queue).values(
        safety_report_id=event.safety_report_id, report_id=event.report_id,
        case_version=event.case_version, **queued).on_conflict_do_update(  # returned, again
            index_elements=["safety_report_id"], set_=queued))


RELAY_STATES = {domain.SENT: "sent", domain.ACKNOWLEDGED: "acknowledged",
                domain.REJECTED: "rejected", domain.RETURNED: "returned"}


async def _relayed(conn: AsyncConnection, event: domain.RelayOutcome,
                   envelope: Envelope) -> None:
    """What became of a sending, as releases before the past-tense events recorded it."""
    await _relay(conn, event.report_id, event.safety_report_id, event.outcome, event.detail,
                 envelope)


def _relay_outcome(outcome: str) -> Applier:
    async def apply(conn: AsyncConnection, event: Any, envelope: Envelope) -> None:
        detail = getattr(event, "detail", None) or getattr(event, "reason", None)
        await _relay(conn, event.report_id, event.safety_report_id, outcome, detail, envelope)
    return apply


async def _relay(conn: AsyncConnection, report_id: Any, safety_report_id: str, outcome: str,
                 detail: str | None, envelope: Envelope) -> None:
    await _status(conn, report_id, outcome, envelope, relay_detail=detail)
    await conn.execute(sql.relay_queue.update().where(
        sql.relay_queue.c.safety_report_id == safety_report_id).values(
            state=RELAY_STATES[outcome], last_error=detail, updated_at=envelope.occurred_at))


async def _duplicate_resolved(conn: AsyncConnection, event: domain.DuplicateResolved,
                              envelope: Envelope) -> None:
    decided = await conn.scalar(sa.select(sql.reports.c.duplicates).where(
        sql.reports.c.report_id == event.report_id)) or {}
    await conn.execute(sql.reports.update().where(
        sql.reports.c.report_id == event.report_id).values(
            duplicates={**decided, str(event.other_report_id): event.decision},
            updated_at=envelope.occurred_at))


APPLIERS: dict[type[Event], Applier] = {
    domain.DuplicateResolved: _duplicate_resolved,
    domain.AdrReportSaved: _saved,
    domain.CaseOpened: _case_opened,
    AdverseReactionReported: _count_pairs,
    domain.CaseAssessed: _assessed,
    domain.FollowUpRequested: _follow_up_requested,
    domain.FollowUpAnswered: _follow_up_answered,
    domain.CaseSubmitted: _submitted,
    domain.RelayOutcome: _relayed,
    domain.CaseSentToRegulator: _relay_outcome(domain.SENT),
    domain.CaseAcknowledged: _relay_outcome(domain.ACKNOWLEDGED),
    domain.CaseRejectedByRegulator: _relay_outcome(domain.REJECTED),
    domain.CaseReturnedToOfficer: _relay_outcome(domain.RETURNED),
}

REPORTS = InlineModel(name="reports", tables=sql.INLINE, registry=domain.REGISTRY,
                      store=sql.store,
                      handlers={kind: one_by_one(applier) for kind, applier in APPLIERS.items()})
