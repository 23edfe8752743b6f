"""Exports with their progress: staff ask for a survey's CSV, a worker of the service writes
it a page of responses at a time and keeps count in the job, staff watch the count and
download the file in pieces once it is done (README.md, "Results")."""

import asyncio
from datetime import timedelta
from typing import Any
from uuid import uuid4

import sqlalchemy as sa

from contracts.surveys.messages import ExportRange, ExportRef, ExportStatus, SurveyRef
from kit.logging import get_logger
from kit.spreadsheet import csv_header, csv_rows
from kit.usecases import Binary, Call
from surveys import domain
from surveys.adapters import exports
from surveys.deps import Deps
from surveys.handlers.results import Sheet, staff_survey

log = get_logger(__name__)
LEASE = timedelta(seconds=60)


def status_of(job: Any) -> ExportStatus:
    percent = 100.0 if job.status == "done" else (
        round(100 * job.rows_done / job.rows_total, 1) if job.rows_total else 0.0)
    return ExportStatus(export_id=job.export_id, survey_id=job.survey_id, status=job.status,
                        rows_done=job.rows_done, rows_total=job.rows_total, percent=percent,
                        size=job.size, requested_on=job.requested_on)


async def start_export(call: Call[SurveyRef], deps: Deps) -> ExportStatus:
    export_id = uuid4()
    async with deps.db.transaction() as conn:
        await staff_survey(conn, deps, call.command)
        await exports.queue(conn, export_id, call.command.survey_id, deps.clock().date())
        job = await exports.job(conn, export_id)
    return status_of(job)


async def _job(conn: Any, ref: ExportRef) -> Any:
    job = await exports.job(conn, ref.export_id)
    if job is None or job.survey_id != ref.survey_id:
        raise domain.NoSuchExportError("no such export of this survey")
    return job


async def export_status(call: Call[ExportRef], deps: Deps) -> ExportStatus:
    async with deps.db.connect() as conn:
        return status_of(await _job(conn, call.command))


async def export_bytes(call: Call[ExportRange], deps: Deps) -> Binary:
    """A piece of a finished export's file."""
    command = call.command
    async with deps.db.connect() as conn:
        if (await _job(conn, command)).status != "done":
            raise domain.ExportNotReadyError("the export is not written yet")
        data = await exports.read(conn, command.export_id, command.start, command.length)
    return Binary(data, "text/csv; charset=utf-8")


async def run_export_job(deps: Deps, page_size: int = 500) -> bool:
    """One waiting job written whole, its progress counted page by page; False: none waits."""
    async with deps.db.transaction() as conn:
        job = await exports.claim(conn, deps.clock(), deps.clock() + LEASE)
    if job is None:
        return False
    try:
        await _write(deps, job, page_size)
    except (sa.exc.SQLAlchemyError, domain.SurveyError) as error:
        log.warning("survey_export_failed", export_id=str(job.export_id),
                    error=type(error).__name__)
        async with deps.db.transaction() as conn:
            await exports.fail(conn, job.export_id)
    return True


async def _write(deps: Deps, job: Any, page_size: int) -> None:
    async with deps.db.connect() as conn:
        _, definition = await staff_survey(conn, deps, SurveyRef(survey_id=job.survey_id))
        sheet = await Sheet.of(conn, job.survey_id, definition)
        total = await exports.count(conn, job.survey_id)
    parts, done, after = [csv_header(sheet.columns)], 0, None
    while True:
        async with deps.db.connect() as conn:
            rows = await exports.page(conn, job.survey_id, after, page_size)
            lines = [await sheet.line(conn, deps, row, done + i)
                     for i, row in enumerate(rows, 1)]
        if not rows:
            break
        parts.append(csv_rows(sheet.columns, lines))
        done, after = done + len(rows), rows[-1].response_id
        async with deps.db.transaction() as conn:
            await exports.progress(conn, job.export_id, done, max(total, done),
                                   deps.clock() + LEASE)
    async with deps.db.transaction() as conn:
        await exports.finish(conn, job.export_id, b"".join(parts), done)
    log.info("survey_exported", export_id=str(job.export_id), rows=done)


async def keep_exporting(deps: Deps, every_s: float, page_size: int) -> None:
    """The service's background work: the waiting export jobs, one after the other."""
    while True:
        try:
            while await run_export_job(deps, page_size):
                pass
        except (sa.exc.SQLAlchemyError, OSError) as error:
            log.warning("survey_exports_failed", error=type(error).__name__)
        await asyncio.sleep(every_s)
