"""Export jobs: a survey's CSV written a page of responses at a time by a worker, its
progress kept in the job's row, the file kept with it once done (README.md, "Results").
Not a read model: a job is work asked for, not a fact about a survey."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.adapters.sql import TZ, metadata, responses

exports = sa.Table(
    "exports", metadata,
    sa.Column("export_id", sa.Uuid, primary_key=True),
    sa.Column("survey_id", sa.Uuid, nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False),  # queued, running, done, failed
    sa.Column("rows_total", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("size", sa.Integer),
    sa.Column("data", sa.LargeBinary),
    sa.Column("requested_on", sa.Date, nullable=False),
    sa.Column("lease_until", TZ),  # a worker's claim: past it, another worker takes over
)
SHOWN = [c for c in exports.c if c.name != "data"]


async def queue(conn: AsyncConnection, export_id: UUID, survey_id: UUID, today: date) -> None:
    await conn.execute(exports.insert().values(export_id=export_id, survey_id=survey_id,
                                               status="queued", requested_on=today))


async def job(conn: AsyncConnection, export_id: UUID) -> Any:
    return (await conn.execute(sa.select(*SHOWN).where(
        exports.c.export_id == export_id))).first()


async def claim(conn: AsyncConnection, now: datetime, until: datetime) -> Any:
    """The oldest job waiting, or one whose worker's lease ran out, now this worker's."""
    e = exports.c
    free = sa.select(e.export_id).where(sa.or_(
        e.status == "queued", sa.and_(e.status == "running", e.lease_until < now))
    ).order_by(e.requested_on, e.export_id).limit(1).with_for_update(skip_locked=True)
    claimed = await conn.execute(exports.update().where(e.export_id == free.scalar_subquery())
                                 .values(status="running", rows_done=0, lease_until=until)
                                 .returning(*SHOWN))
    return claimed.first()


async def progress(conn: AsyncConnection, export_id: UUID, done: int, total: int,
                   until: datetime) -> None:
    await conn.execute(exports.update().where(exports.c.export_id == export_id).values(
        rows_done=done, rows_total=total, lease_until=until))


async def finish(conn: AsyncConnection, export_id: UUID, data: bytes, rows: int) -> None:
    await conn.execute(exports.update().where(exports.c.export_id == export_id).values(
        status="done", data=data, size=len(data), rows_done=rows, rows_total=rows,
        lease_until=None))


async def fail(conn: AsyncConnection, export_id: UUID) -> None:
    await conn.execute(exports.update().where(exports.c.export_id == export_id).values(
        status="failed", lease_until=None))


async def read(conn: AsyncConnection, export_id: UUID, start: int, length: int) -> bytes:
    """`length` bytes of a finished export's file from `start` (0-based)."""
    return await conn.scalar(sa.select(sa.func.substring(exports.c.data, start + 1, length))
                             .where(exports.c.export_id == export_id)) or b""


async def count(conn: AsyncConnection, survey_id: UUID) -> int:
    return await conn.scalar(sa.select(sa.func.count()).where(
        responses.c.survey_id == survey_id)) or 0


async def page(conn: AsyncConnection, survey_id: UUID, after: UUID | None,
               limit: int) -> Sequence[Any]:
    """The next responses in the order of their random ids (the export's order)."""
    statement = sa.select(responses).where(responses.c.survey_id == survey_id)
    if after is not None:
        statement = statement.where(responses.c.response_id > after)
    return (await conn.execute(statement.order_by(responses.c.response_id)
                               .limit(limit))).all()
