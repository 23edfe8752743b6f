"""Export jobs: asked for by staff, written a page at a time by a worker with the progress
in the job, the file read in pieces once done; a worker's crash leaves the job to another
once its lease runs out; what is not ready or not there says so."""

import asyncio
import csv
import dataclasses
import io
from datetime import timedelta
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.roles import PATIENT
from surveys.adapters import exports
from surveys.deps import Deps
from surveys.handlers.exports import run_export_job
from tests.service_tier import Tier, person

from .conftest import member
from .test_handlers import MANAGER, published


async def answered(surveys: Tier, engine: AsyncEngine, count: int) -> str:
    survey_id = await published(surveys)
    for index in range(count):
        await surveys.ok("submit_response", {"survey_id": survey_id, "answers": {
            "seen": "no", "late_by": index, "care": 3, "comment": f"=cmd {index}"}},
            await member(engine, "diabetes"))
    return survey_id


async def file_of(surveys: Tier, ref: dict, size: int, piece: int) -> bytes:
    parts = [(await surveys.ok("export_bytes", {**ref, "start": start, "length": piece},
                               MANAGER)) for start in range(0, size, piece)]
    return b"".join(parts)


async def test_an_export_job_shows_its_progress_then_gives_the_file(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    survey_id = await answered(surveys, engine, 7)
    job = await surveys.ok("start_export", {"survey_id": survey_id}, MANAGER)
    assert (job["status"], job["percent"], job["size"]) == ("queued", 0.0, None)
    ref = {"survey_id": survey_id, "export_id": job["export_id"]}
    not_ready = await surveys.call("export_bytes", {**ref, "start": 0, "length": 10}, MANAGER)
    assert not_ready.status == 409

    seen: list[tuple[str, int, int]] = []

    async def watch() -> None:
        while not seen or seen[-1][0] != "done":
            status = await surveys.ok("export_status", ref, MANAGER)
            seen.append((status["status"], status["rows_done"], status["rows_total"]))
            await asyncio.sleep(0)

    await asyncio.gather(run_export_job(deps, page_size=2), watch())
    assert seen[-1] == ("done", 7, 7)
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and set(done) <= {0, 2, 4, 6, 7}  # a page at a time
    status = await surveys.ok("export_status", ref, MANAGER)
    assert status["percent"] == 100.0
    data = await file_of(surveys, ref, status["size"], 100)
    assert len(data) == status["size"]
    whole = (await surveys.call("export_responses", {"survey_id": survey_id}, MANAGER)).body
    assert data == whole  # the job's file is the one-reply export, page by page
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["response"] for r in rows] == [str(n) for n in range(1, 8)]
    assert sorted(int(r["late_by"]) for r in rows) == list(range(7))
    assert all(r["comment"].startswith("'=") for r in rows)  # never a formula
    assert not await run_export_job(deps)  # nothing waits


async def test_a_crashed_workers_job_is_taken_over_once_its_lease_runs_out(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    survey_id = await answered(surveys, engine, 3)
    job = await surveys.ok("start_export", {"survey_id": survey_id}, MANAGER)
    async with engine.begin() as conn:  # a worker claims it, then dies
        claimed = await exports.claim(conn, deps.clock(), deps.clock() + timedelta(seconds=60))
    assert claimed.status == "running"
    assert not await run_export_job(deps)  # its lease holds
    later = dataclasses.replace(deps, clock=lambda: deps.clock() + timedelta(minutes=2))
    assert await run_export_job(later)
    status = await surveys.ok("export_status", {"survey_id": survey_id,
                                                "export_id": job["export_id"]}, MANAGER)
    assert (status["status"], status["rows_done"]) == ("done", 3)


async def test_exports_refuse_what_is_wrong_and_write_nothing(
        surveys: Tier, engine: AsyncEngine) -> None:
    survey_id = await answered(surveys, engine, 1)
    other = await published(surveys)
    job = await surveys.ok("start_export", {"survey_id": survey_id}, MANAGER)
    assert (await surveys.call("start_export", {"survey_id": str(uuid4())}, MANAGER)).status \
        == 404
    assert (await surveys.call("start_export", {"survey_id": survey_id},
                               person(PATIENT))).status == 403
    assert (await surveys.call("export_status", {"survey_id": other,
                                                 "export_id": job["export_id"]},
                               MANAGER)).status == 404  # not this survey's
    assert (await surveys.call("export_bytes", {"survey_id": survey_id,
                                                "export_id": job["export_id"],
                                                "start": -1, "length": 10},
                               MANAGER)).status == 422
    async with engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(
            exports.exports)) == 1
