"""Case work (assistance officers): the queue, documents asked for, the hospital's
verification, the decision (an approval reserves its amount from the fund on the fund's
one stream), the disbursement and the closing. Every step is an event with who and why."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from assistance import domain, fund
from assistance.adapters import sql
from assistance.deps import Deps
from assistance.handlers.applications import summary
from assistance.handlers.funding import on_fund
from assistance.handlers.sealing import sealer
from contracts.assistance.events import FundsDisbursed
from contracts.assistance.messages import Close, Decide, Disburse, QueueQuery, StepDone, Verify
from contracts.events import Event
from kit.logging import get_logger
from kit.pagination import decode_offset, next_offset
from kit.usecases import Call

log = get_logger(__name__)


async def assistance_queue(call: Call[QueueQuery], deps: Deps) -> dict[str, Any]:
    """Open cases, the most urgent first, then the oldest, each with its age in days."""
    query, now = call.command, datetime.now(UTC)
    offset = decode_offset(query.cursor)
    async with deps.db.connect() as conn:
        rows = await sql.queue(conn, query.status, offset, query.limit)
    shown = rows[:query.limit]
    return {"items": [summary(row, now) for row in shown],
            "next_cursor": next_offset(offset, len(shown), len(rows) > query.limit)}


async def _sealed(conn: AsyncConnection, deps: Deps, state: domain.Application, field: str,
                  text: str) -> str:
    if not state.exists or state.owner_id is None:
        raise domain.NoSuchApplicationError()
    return (await sealer(conn, deps, state.owner_id))(field, text)


Decision = Callable[[domain.Application, str], Sequence[Event]]  # state, sealed note


async def _step(call: Call[Any], deps: Deps, note: str, decide: Decision) -> StepDone:
    """One step on the application's own stream: folded, decided with its note sealed,
    appended at the version read."""
    stream = domain.stream(call.command.application_id)
    async with deps.db.transaction() as conn:
        state, version = await deps.applications.get(conn, stream)
        events = decide(state, await _sealed(conn, deps, state, "note", note))
        await deps.applications.append(conn, stream, version, events, call.caller.metadata)
    after = state
    for event in events:
        after = domain.evolve(after, event)
    return StepDone(application_id=call.command.application_id, status=after.status)  # type: ignore[arg-type]


async def decide_application(call: Call[Decide], deps: Deps) -> StepDone:
    done = await _decided(call, deps)
    log.info("application_decided", application_id=str(call.command.application_id),
             decision=call.command.decision)
    return done


async def _decided(call: Call[Decide], deps: Deps) -> StepDone:
    command, by = call.command, call.caller.user_id
    if command.decision == "request_documents":
        return await _step(call, deps, command.reason, lambda state, note: (
            domain.request_documents(state, list(command.documents), note, by)))
    if command.decision == "approve":
        return await on_fund(deps, lambda: _approve(call, deps))
    if command.decision == "refer":
        await _known_scheme(deps, command.scheme or "")
    return await _step(call, deps, command.reason, lambda state, note: domain.decide(
        state, command.decision, 0, command.scheme, note, by))


async def _known_scheme(deps: Deps, slug: str) -> None:
    async with deps.db.connect() as conn:
        if slug not in {row.slug for row in await sql.all_schemes(conn)}:
            raise domain.NoSuchSchemeError(f"no scheme {slug} in the directory")


async def _approve(call: Call[Decide], deps: Deps) -> StepDone:
    """The approval and its reservation, in one transaction: the fund folded from its
    stream and appended to at the version read, so it is never overdrawn."""
    command, by = call.command, call.caller.user_id
    amount, stream = command.amount or 0, domain.stream(command.application_id)
    async with deps.db.transaction() as conn:
        state, version = await deps.applications.get(conn, stream)
        domain.check_may_approve(state, amount)
        money, fund_version = await deps.fund.get(conn, fund.STREAM)
        reserved = fund.reserve(money, command.application_id, state.disease_area, amount, by)
        reason = await _sealed(conn, deps, state, "note", command.reason)
        events = domain.decide(state, "approve", amount, None, reason, by)
        await deps.applications.append(conn, stream, version, events, call.caller.metadata)
        await deps.fund.append(conn, fund.STREAM, fund_version, [reserved],
                               call.caller.metadata)
    return StepDone(application_id=command.application_id, status="approved")


async def verify_hospital(call: Call[Verify], deps: Deps) -> StepDone:
    return await _step(call, deps, call.command.note, lambda state, note: domain.verify(
        state, note, call.caller.user_id))


async def record_disbursement(call: Call[Disburse], deps: Deps) -> StepDone:
    """The payment, on the application's stream and the fund's, in one transaction."""
    command, by = call.command, call.caller.user_id
    stream = domain.stream(command.application_id)

    async def attempt() -> StepDone:
        async with deps.db.transaction() as conn:
            state, version = await deps.applications.get(conn, stream)
            events = domain.disburse(state, command.amount, command.payee, command.reference,
                                     by)
            _, fund_version = await deps.fund.get(conn, fund.STREAM)
            await deps.applications.append(conn, stream, version, events, call.caller.metadata)
            await deps.fund.append(conn, fund.STREAM, fund_version, [FundsDisbursed(
                application_id=command.application_id, disease_area=state.disease_area,
                amount=command.amount)], call.caller.metadata)
        return StepDone(application_id=command.application_id, status="disbursed")

    done = await on_fund(deps, attempt)
    log.info("disbursement_recorded", application_id=str(command.application_id))
    return done


async def close_application(call: Call[Close], deps: Deps) -> StepDone:
    """Closed with its outcome; what an approval reserved and did not pay returns to the
    fund in the same transaction."""
    command, by = call.command, call.caller.user_id
    stream = domain.stream(command.application_id)

    async def attempt() -> StepDone:
        async with deps.db.transaction() as conn:
            state, version = await deps.applications.get(conn, stream)
            note = await _sealed(conn, deps, state, "note", command.note)
            events = domain.close(state, command.outcome, note, by)
            money, fund_version = await deps.fund.get(conn, fund.STREAM)
            await deps.applications.append(conn, stream, version, events, call.caller.metadata)
            await deps.fund.append(conn, fund.STREAM, fund_version,
                                   fund.release(money, command.application_id),
                                   call.caller.metadata)
        return StepDone(application_id=command.application_id, status="closed")

    return await on_fund(deps, attempt)
