"""Exports for the regulator liaison: cases of a period, as the zip `e2b.bundle` makes.

The zip is kept in the service's own table and handed out in chunks that fit NATS
messages; the gateway streams them to the client. Exports older than a day are removed.
`build` is also what `python -m pharmacovigilance.exporter` runs.
"""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.pharmacovigilance.messages import ChunkRef, ExportQuery, ExportStarted
from kit.usecases import Binary, Call
from pharmacovigilance import domain, e2b
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.cases import case_of
from pharmacovigilance.adapters.sealed import KeyCache
from pharmacovigilance.deps import Deps
from pharmacovigilance.domain.case import Case

CHUNK = 512 * 1024
KEPT = timedelta(days=1)


async def period_cases(conn: AsyncConnection, deps: Deps, query: ExportQuery,
                       progress: Callable[[int, int], None] | None = None,
                       unwritten: list[e2b.Unwritten] | None = None,
                       included: list[UUID] | None = None,
                       ) -> AsyncIterator[tuple[Case, str]]:
    """The cases received in the period (with the given status), oldest first; one whose
    stored form makes no case is added to `unwritten` instead. `included` gets the id of
    each, written or not."""
    r = sql.reports
    where = [r.c.status != domain.DRAFT, r.c.received >= query.start, r.c.received <= query.end]
    if query.status:
        where.append(r.c.status == query.status)
    total = int(await conn.scalar(sa.select(sa.func.count()).select_from(r).where(*where)) or 0)
    result = await conn.stream(sa.select(r).where(*where).order_by(r.c.received, r.c.reference))
    done = 0
    keys: KeyCache = {}
    async for row in result:
        if included is not None:
            included.append(row.report_id)
        try:
            case = await case_of(conn, deps, row, keys)
        except e2b.E2BError as error:
            if unwritten is None:
                raise
            unwritten.append(e2b.Unwritten(row.reference, row.status, str(error)))
        else:
            yield case, row.status
        done += 1
        if progress is not None:
            progress(done, total)


async def build(conn: AsyncConnection, deps: Deps, query: ExportQuery,
                progress: Callable[[int, int], None] | None = None,
                included: list[UUID] | None = None) -> tuple[bytes, int, str]:
    """(zip, number of cases, batch id) for the period; `included` gets the cases' ids."""
    unwritten: list[e2b.Unwritten] = []
    pairs = [pair async for pair in period_cases(conn, deps, query, progress, unwritten,
                                                 included)]
    batch_id = f"PU-EXPORT-{query.start:%Y%m%d}-{query.end:%Y%m%d}"
    data = e2b.bundle([c for c, _ in pairs], [s for _, s in pairs], batch_id=batch_id,
                         sender_id=deps.sender_id, receiver_id=deps.receiver_id,
                         created_at=datetime.now(UTC), unwritten=unwritten)
    return data, len(pairs) + len(unwritten), batch_id


async def start_export(call: Call[ExportQuery], deps: Deps) -> ExportStarted:
    """Gather the period's cases into a zip, kept for a day, handed out in chunks; each case
    exported is a staff read, in the case's access log with the export."""
    async with deps.db.transaction() as conn:
        await conn.execute(sql.exports.delete().where(
            sql.exports.c.created_at < datetime.now(UTC) - KEPT))
        included: list[UUID] = []
        data, cases, batch_id = await build(conn, deps, call.command, included=included)
        await log_export(conn, call.caller.user_id, included)
        export_id = uuid4()
        await conn.execute(sql.exports.insert().values(
            export_id=export_id, created_by=call.caller.user_id, created_at=datetime.now(UTC),
            cases=cases, data=data))
    return ExportStarted(export_id=export_id, filename=f"{batch_id}.zip", size=len(data),
                         chunks=max(1, -(-len(data) // CHUNK)), cases=cases)


async def log_export(conn: AsyncConnection, reader_id: UUID, case_ids: list[UUID]) -> None:
    if case_ids:
        now = datetime.now(UTC)
        await conn.execute(sql.case_reads.insert(), [
            {"case_id": case_id, "reader_id": reader_id, "what": "export", "at": now}
            for case_id in case_ids])


async def export_chunk(call: Call[ChunkRef], deps: Deps) -> Binary:
    ref, e = call.command, sql.exports
    async with deps.db.connect() as conn:
        row = (await conn.execute(sa.select(
            e.c.created_by, sa.func.substring(e.c.data, ref.index * CHUNK + 1, CHUNK))
            .where(e.c.export_id == ref.export_id))).one_or_none()
    if row is None:
        raise domain.NoSuchReportError("the export")
    if row[0] != call.caller.user_id:
        raise domain.NotAllowedError("an export is handed only to whoever asked for it")
    return Binary(bytes(row[1]), "application/zip")
