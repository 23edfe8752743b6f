"""The fund: sponsorships in, its balance and the sponsors' report, both folded from the
fund's stream; and `on_fund`, how every change of the fund is decided on its one stream."""

from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import uuid4

from assistance import fund
from assistance.deps import Deps
from contracts.assistance.events import REGISTRY, SponsorshipRecorded
from contracts.assistance.messages import (
    FundReport,
    FundView,
    RecordSponsorship,
    SponsorshipAccepted,
)
from contracts.rpc import NoBody
from kit.eventstore import ConcurrencyError
from kit.logging import get_logger
from kit.usecases import Call

log = get_logger(__name__)
T = TypeVar("T")


async def on_fund(deps: Deps, attempt: Callable[[], Awaitable[T]]) -> T:
    """Run `attempt` (appending to the fund stream at the version it read) until no one
    else moved the stream on meanwhile. Approvals come many at a time and all meet on this
    stream, so each is decided again from the fund as it now is -- more often than the one
    rerun kit.usecases gives every use case. Each try is a savepoint of one transaction (the
    request's own when an Idempotency-Key opened it): a conflict rolls back that try only,
    and the next one's statements see what the others committed (read committed)."""
    async with deps.db.transaction() as conn:
        for _ in range(deps.fund_attempts - 1):
            try:
                async with conn.begin_nested():
                    return await attempt()
            except ConcurrencyError:
                log.info("fund_contended")
        async with conn.begin_nested():
            return await attempt()


async def record_sponsorship(call: Call[RecordSponsorship], deps: Deps) -> SponsorshipAccepted:
    command, sponsorship_id = call.command, uuid4()
    event = SponsorshipRecorded(sponsorship_id=sponsorship_id, sponsor=command.sponsor,
                                amount=command.amount, restriction=command.restriction or "",
                                recorded_by=call.caller.user_id)

    async def attempt() -> int:
        async with deps.db.transaction() as conn:
            state, version = await deps.fund.get(conn, fund.STREAM)
            await deps.fund.append(conn, fund.STREAM, version, [event], call.caller.metadata)
        return fund.evolve(state, event).available

    available = await on_fund(deps, attempt)
    log.info("sponsorship_recorded", sponsorship_id=str(sponsorship_id))
    return SponsorshipAccepted(sponsorship_id=sponsorship_id, available=available)


async def fund_balance(call: Call[NoBody], deps: Deps) -> FundView:
    async with deps.db.connect() as conn:
        state, _ = await deps.fund.get(conn, fund.STREAM)
    return FundView(**fund.view(state))


async def fund_report(call: Call[NoBody], deps: Deps) -> FundReport:
    async with deps.db.connect() as conn:
        envelopes = await deps.fund.store.load(conn, fund.STREAM)
    events = [REGISTRY.decode(envelope) for envelope in envelopes]
    return FundReport.model_validate(fund.report(events))
