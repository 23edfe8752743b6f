"""The inline read model of reports and cases, and the signal counts, kept with the events."""

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.events import Event
from contracts.pharmacovigilance.events import AdverseReactionReported
from pharmacovigilance import domain, signals
from pharmacovigilance.adapters import sql

Applier = Callable[[AsyncConnection, Any, Envelope], Awaitable[None]]


async def apply_all(conn: AsyncConnection, events: list[Event],
                    envelopes: list[Envelope]) -> None:
    for event, envelope in zip(events, envelopes, strict=True):
        applier = APPLIERS.get(type(event))
        if applier is not None:
            await applier(conn, event, envelope)


async def rebuild(conn: AsyncConnection) -> int:
    for table in sql.INLINE:
        await conn.execute(table.delete())
    after, replayed = 0, 0
    while batch := await sql.store.read_all(conn, after):
        await apply_all(conn, [domain.REGISTRY.decode(e) for e in batch], batch)
        after, replayed = batch[-1].position, replayed + len(batch)
    return replayed


async def _saved(conn: AsyncConnection, event: domain.AdrReportSaved,
                 envelope: Envelope) -> None:
    statement = insert(sql.reports).values(
        report_id=event.report_id, reporter_id=event.reporter_id, status=domain.DRAFT,
        clear=event.clear, personal=event.personal, missing=event.missing,
        created_at=envelope.occurred_at, updated_at=envelope.occurred_at)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["report_id"],
        set_={"clear": event.clear, "personal": event.personal, "missing": event.missing,
              "updated_at": envelope.occurred_at}))


async def _case_opened(conn: AsyncConnection, event: domain.CaseOpened,
                       envelope: Envelope) -> None:
    await conn.execute(sql.reports.update().where(
        sql.reports.c.report_id == event.report_id).values(
            status=domain.RECEIVED, reference=event.reference, received=event.received,
            reaction_ids=event.reaction_ids, medicine_ids=event.medicine_ids))
    await conn.execute(sql.timeline.insert().values(
        report_id=event.report_id, at=envelope.occurred_at, status=domain.RECEIVED))


async def _count_pairs(conn: AsyncConnection, event: AdverseReactionReported,
                       _: Envelope) -> None:
    """Each of the case's (suspect or interacting medicine, reaction) pairs counts once."""
    clear = await conn.scalar(sa.select(sql.reports.c.clear).where(
        sql.reports.c.report_id == event.case_id))
    if clear is None:
        return
    pairs = signals.pair_keys(
        [(m["name"], m["role"]) for m in clear["medicines"]],
        [(r["description"], (r.get("meddra") or {}).get("term")) for r in clear["reactions"]])
    if not pairs:
        return
    statement = insert(sql.signal_pairs)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["medicine", "reaction"],
        set_={"pairs": sql.signal_pairs.c.pairs + statement.excluded.pairs}),
        [{"medicine": m, "reaction": r, "pairs": 1} for m, r in sorted(pairs)])


APPLIERS: dict[type[Event], Applier] = {
    domain.AdrReportSaved: _saved,
    domain.CaseOpened: _case_opened,
    AdverseReactionReported: _count_pairs,
}
