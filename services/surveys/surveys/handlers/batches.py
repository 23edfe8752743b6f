"""The anonymous responses written in batches, apart from the transactions that spent their
tokens (README.md, "Anonymity"): a survey's waiting ballots become response events, in
random order, on streams of random ids, once at least BATCH wait, or when they have waited
long enough, or when the survey has closed."""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import Metadata
from kit.logging import get_logger
from surveys import domain
from surveys.adapters import ballots
from surveys.deps import Deps
from surveys.events import ResponseSubmitted

log = get_logger(__name__)
BATCH = 5  # the small-cell rule's threshold: a batch as small as a cell may show


async def write_batch(deps: Deps, survey_id: UUID, *, at_least: int = BATCH) -> int:
    """The survey's waiting ballots as responses, in one transaction, if at least
    `at_least` wait; the survey's tokens rewritten with them. How many were written."""
    async with deps.db.transaction() as conn:
        await ballots.lock(conn, survey_id, shared=False)
        if await ballots.count(conn, survey_id) < max(at_least, 1):
            return 0
        taken = await ballots.take(conn, survey_id)
        for response in taken:
            response_id = uuid4()
            event = ResponseSubmitted.model_validate({**response, "response_id": response_id})
            await deps.responses.append(conn, domain.anonymous_stream(response_id), 0,
                                        [event], Metadata())
        await ballots.rewrite_tokens(conn, survey_id)
    await ballots.vacuum(deps.db.engine)
    log.info("survey_batch_written", survey_id=str(survey_id), responses=len(taken))
    return len(taken)


@dataclass
class Waits:
    """When this process first saw each survey's ballots waiting: kept in memory only, so
    that no time is stored beside them (after a restart they wait once more, at most)."""

    longest: timedelta
    since: dict[UUID, datetime] = field(default_factory=dict)


async def write_due_batches(deps: Deps, waits: Waits) -> int:
    """Every batch that is due: BATCH ballots waiting, waited long enough, or survey closed."""
    now = deps.clock()
    async with deps.db.connect() as conn:
        waiting = await ballots.waiting(conn)
        closed = {s for s in waiting if await _closed(conn, deps, s, now)}
    waits.since = {s: waits.since.get(s, now) for s in waiting}
    written = 0
    for survey_id, count in waiting.items():
        overdue = now - waits.since[survey_id] >= waits.longest
        if count >= BATCH or overdue or survey_id in closed:
            written += await write_batch(deps, survey_id, at_least=1)
            waits.since.pop(survey_id, None)
    return written


async def _closed(conn: AsyncConnection, deps: Deps, survey_id: UUID, now: datetime) -> bool:
    survey, _ = await deps.surveys.get(conn, domain.survey_stream(survey_id))
    definition = survey.current()
    closes_at = definition.closes_at if definition else None
    return closes_at is not None and closes_at <= now


async def keep_writing_batches(deps: Deps, every_s: float, longest_s: float) -> None:
    """The service's background work: the due batches, every `every_s` seconds."""
    waits = Waits(timedelta(seconds=longest_s))
    while True:
        try:
            await write_due_batches(deps, waits)
        except (sa.exc.SQLAlchemyError, OSError) as error:  # the ballots wait for the next
            log.warning("survey_batches_failed", error=type(error).__name__)
        await asyncio.sleep(every_s)
