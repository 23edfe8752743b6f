"""(d) Pharmacovigilance: ADR reports through the gateway, and a batch export of 10,000 cases.

The cases for the export are made in-process with the service's own code path (the
submit handler's `_save`, in transactions of BATCH), much faster than over HTTP; the
export is then timed in-process (`exports.build`) and through the gateway as the regulator
liaison. The export comes before the write load, so that the period holds exactly CASES.
"""

import asyncio
import csv
import io
import itertools
import string
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.api import (
    ADR_TARGET,
    CONCURRENCY,
    HELLO,
    MAX_REQUESTS,
    MEASURE_S,
    USERS,
    WARMUP_S,
    figure,
    group_commits,
    grouped_since,
    platform_env,
    sign_in,
)
from bench.infra import Servers, create_database, drop_database
from bench.load import LoadResult, http_request, run_load
from bench.report import Figure, Report
from contracts.pharmacovigilance.messages import AdrReportForm, ExportQuery
from contracts.rpc import Principal
from kit.db import asyncpg_dsn, create_schema, make_engine
from kit.embedded import free_port
from kit.eventstore import Metadata
from kit.personal import PersonalData, master_key_from
from kit.personal import metadata as keystore
from kit.usecases import Caller, Database
from pharmacovigilance import domain
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.terminology import OfficerEntered
from pharmacovigilance.bootstrap import deps_for
from pharmacovigilance.deps import Deps
from pharmacovigilance.handlers import exports, reporting
from pharmacovigilance.settings import PvSettings
from stack.processes import Stack

CASES, BATCH, WORKERS = 10_000, 500, 2
CREATE_TIMEOUT_S = 90.0  # bounds on each step; the section takes well under two minutes
DRAIN_TIMEOUT_S = 60.0
EXPORT_TIMEOUT_S = 120.0  # the client's, and the in-process build's
ROLE = "regulator_liaison"


def adr_report(initials: str, medicine: str = "Amoxicillin 500 mg capsule") -> dict[str, Any]:
    """A complete report (it becomes a case), as tests/e2e/test_pharmacovigilance.py's."""
    return {
        "reporter": {"name": "Rekha Kumari", "email": "rekha@example.in", "relation": "self",
                     "is_health_professional": False, "consent_to_contact": True,
                     "consent_to_be_named": False},
        "patient": {"initials": initials, "sex": "female",
                    "age": {"value": 34, "unit": "years"}, "weight_kg": 58},
        "reactions": [{"description": "त्वचा पर दाने", "language": "hi",
                       "start_date": "2026-11-01", "outcome": "recovering",
                       "seriousness": {"death": "no", "life_threatening": "no",
                                       "hospitalisation": "unknown"}}],
        "medicines": [{"name": medicine, "dose": "500 mg",
                       "route": "oral", "frequency": "three times a day",
                       "start_date": "2026-10-29", "stop_date": "2026-11-02",
                       "indication": "tooth infection", "advised_by": "doctor",
                       "role": "suspect", "action_taken": "withdrawn",
                       "rechallenge": "not_done"}],
        "history": "", "draft": False}


def initials() -> Iterator[str]:
    """AAA, AAB, …: 17,576 different patients' initials."""
    return ("".join(letters) for letters in itertools.product(string.ascii_uppercase, repeat=3))


async def bench(servers: Servers, report: Report) -> None:
    # A database of its own: (c)'s platform left an admin (with (c)'s password) and data
    # keys (under (c)'s master key) in the run's database.
    own = replace(servers, database_url=await create_database(
        asyncpg_dsn(servers.database_url)))
    try:
        accepted = await run(own, report)
    finally:
        await drop_database(own.database_url)
    hello = next((f for f in report.figures if f.name == HELLO), None)
    raw_write = report.baselines.get("raw_write")
    if raw_write is not None:  # measured by (c) in this run
        report.compare("(d) POST /v1/adr-reports / raw write", accepted, raw_write, ADR_TARGET)
    if hello is not None:
        report.compare("(d) POST /v1/adr-reports / hello-world", accepted, hello, None)
    report.notes.append(f"(d) POST /v1/adr-reports: {CONCURRENCY} keep-alive connections, "
                        f"{WARMUP_S:.0f} s warm-up, then {MEASURE_S:.0f} s, as (c); "
                        f"{USERS} patients, a complete report each time (patient initials "
                        f"differ by connection); against (c)'s raw write, "
                        f"target {ADR_TARGET:.0%}")


async def run(servers: Servers, report: Report) -> Figure:
    """The stack up, the cases made, both exports timed, then the write load; all stopped."""
    # The bench's load is a few accounts sending thousands of complete reports: lift the
    # daily limit per account, in the stack and in the in-process run.
    env = {**platform_env(servers), "ADR_REPORTS_PER_DAY": "0"}
    stack = Stack(env, servers.run_dir / "logs", free_port())
    engine = make_engine(servers.database_url, WORKERS)
    deps = deps_for(Database(engine), PvSettings(database_url=servers.database_url,
                                                 adr_reports_per_day=0),
                    data=PersonalData(master_key_from(env["PERSONAL_DATA_MASTER_KEY"])),
                    terms=OfficerEntered())
    try:
        await asyncio.to_thread(stack.start)
        await create_schema(engine, keystore, sql.metadata)  # the service made them: a no-op
        first_day = datetime.now(UTC).date()
        await create_cases(report, deps)
        period = (first_day, datetime.now(UTC).date())  # cases are dated when received
        report.notes.append(await drained(engine))
        await export_in_process(report, deps, period)
        await export_over_http(report, stack, env, period)
        return await measure_reports(report, stack, engine)
    finally:
        await engine.dispose()
        await asyncio.to_thread(stack.stop)


async def create_cases(report: Report, deps: Deps) -> None:
    """CASES complete reports of one reporter, through the submit use case's own `_save`
    (its transaction joining the batch's).

    WORKERS transactions at a time, one connection each, overlap one's Python with
    another's round trips; their cases all name the same medicine and reaction, whose
    signal counts are rows of each case's, not one total row both would queue on."""
    reporter_id = uuid.uuid4()
    caller = Caller(Principal(user_id=reporter_id, roles=("patient",)),
                    metadata=Metadata(actor="bench"))
    names = initials()
    batches = iter(range(0, CASES, BATCH))

    async def worker(medicine: str) -> None:
        for start in batches:  # shared: the next batch goes to whichever worker is free
            async with deps.db.transaction():
                for _ in range(start, min(start + BATCH, CASES)):
                    form = AdrReportForm.model_validate(adr_report(next(names), medicine))
                    await reporting._save(deps, uuid.uuid4(), caller, form)

    started = time.perf_counter()
    async with asyncio.timeout(CREATE_TIMEOUT_S):
        async with deps.db.engine.begin() as conn:
            await deps.personal.create_key(conn, reporter_id)
        await asyncio.gather(*(worker("Amoxicillin 500 mg capsule") for _ in range(WORKERS)))
    seconds = time.perf_counter() - started
    report.add(Figure(f"in-process _save, {CASES} cases, {WORKERS}x txns of {BATCH}", CASES,
                      seconds, "cases/s"))
    async with deps.db.engine.connect() as conn:
        cases = await conn.scalar(sa.select(sa.func.count()).select_from(sql.reports).where(
            sql.reports.c.reporter_id == reporter_id, sql.reports.c.status == domain.RECEIVED))
    if cases != CASES:
        report.failures.append(f"(d) {cases} of the {CASES} reports made in-process became "
                               f"cases (status received)")


async def drained(engine: AsyncEngine) -> str:
    """Wait for the service's outbox relay to publish the cases' events: the export is
    then timed on its own, not against the relay in the same process."""
    started = time.perf_counter()
    left = 0
    try:
        async with asyncio.timeout(DRAIN_TIMEOUT_S):
            async with engine.connect() as conn:
                while left := await conn.scalar(
                        sa.text("SELECT count(*) FROM pharmacovigilance.outbox")):
                    await conn.commit()
                    await asyncio.sleep(0.1)
    except TimeoutError:
        return (f"(d) the pharmacovigilance outbox still held {left} events after "
                f"{DRAIN_TIMEOUT_S:.0f} s; the exports were timed while it relayed")
    return (f"(d) the pharmacovigilance outbox relayed the cases' events in "
            f"{time.perf_counter() - started:.1f} s, before the exports were timed")


def query(period: tuple[date, date]) -> dict[str, str]:
    return {"from": period[0].isoformat(), "to": period[1].isoformat()}


def listing_rows(data: bytes) -> int:
    """Data rows of the zip's CSV line listing."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        listing = archive.read(name).decode("utf-8-sig")
    return sum(1 for _ in csv.DictReader(io.StringIO(listing)))


def check_listing(report: Report, what: str, data: bytes) -> int:
    """The CSV's rows, and a failure in the report unless there are CASES or more."""
    try:
        rows = listing_rows(data)
    except (zipfile.BadZipFile, StopIteration, UnicodeDecodeError, csv.Error) as error:
        report.failures.append(f"(d) {what}: no readable line listing in the zip "
                               f"({type(error).__name__}: {error})"[:300])
        return 0
    if rows < CASES:
        report.failures.append(f"(d) {what}: the line listing has {rows} rows, "
                               f"fewer than the {CASES} cases")
    return rows


async def export_in_process(report: Report, deps: Deps, period: tuple[date, date]) -> None:
    """exports.build as the service's start_export calls it, without storing the zip."""
    async with asyncio.timeout(EXPORT_TIMEOUT_S), deps.db.engine.connect() as conn:
        started = time.perf_counter()
        data, cases, _ = await exports.build(conn, deps, ExportQuery.model_validate(
            query(period)))
        seconds = time.perf_counter() - started
    report.add(Figure(f"in-process exports.build, {cases} cases", cases, seconds, "cases/s"))
    rows = check_listing(report, "in-process export", data)
    report.notes.append(f"(d) in-process export: {cases} cases, a {len(data) / 1e6:.1f} MB "
                        f"zip, {rows} rows in its line listing")


async def export_over_http(report: Report, stack: Stack, env: dict[str, str],
                           period: tuple[date, date]) -> None:
    """GET /v1/pv/exports as a regulator liaison: the service builds and stores the zip, the
    gateway streams it in chunks."""
    name = "gateway GET /v1/pv/exports, 10k cases"
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as client:
        liaison = await staff(client, env)
        started = time.perf_counter()
        reply = await client.get("/v1/pv/exports", headers=liaison, params=query(period),
                                 timeout=EXPORT_TIMEOUT_S)
        seconds = time.perf_counter() - started
    if reply.status_code != 200:
        report.add(Figure(name, 0, seconds, "cases/s", errors=1))
        report.failures.append(f"(d) GET /v1/pv/exports answered {reply.status_code}: "
                               f"{reply.text[:200]}")
        return
    rows = check_listing(report, "GET /v1/pv/exports", reply.content)
    report.add(Figure(name, rows, seconds, "cases/s"))
    report.notes.append(f"(d) GET /v1/pv/exports: X-Cases {reply.headers.get('x-cases')}, "
                        f"a {len(reply.content) / 1e6:.1f} MB zip, {rows} rows in its line "
                        f"listing; client timeout {EXPORT_TIMEOUT_S:.0f} s")


async def staff(client: httpx.AsyncClient, env: dict[str, str]) -> dict[str, str]:
    """A new user given the regulator liaison's role by the admin; their bearer header."""
    admin = await token(client, env["ADMIN_EMAIL"], env["ADMIN_PASSWORD"])
    email, password = f"liaison-{uuid.uuid4().hex[:8]}@example.in", "a-long-password-1"
    reply = await client.post("/v1/accounts", json={
        "email": email, "password": password, "display_name": "Bench Liaison",
        "role": "patient", "preferred_language": "en",
        "consents": [{"purpose": "terms", "version": "2026-11"},
                     {"purpose": "health_data_processing", "version": "2026-11"}]})
    reply.raise_for_status()
    reply = await client.put(f"/v1/admin/users/{reply.json()['user_id']}/roles",
                             headers=admin, json={"roles": [ROLE]})
    reply.raise_for_status()
    return await token(client, email, password)


async def token(client: httpx.AsyncClient, email: str, password: str) -> dict[str, str]:
    reply = await client.post("/v1/auth/token", data={"username": email, "password": password})
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def measure_reports(report: Report, stack: Stack, engine: AsyncEngine) -> Figure:
    """POST /v1/adr-reports under the load of (c)'s write run; every 201 must be a case."""
    tokens = await asyncio.gather(*(sign_in(stack.url) for _ in range(USERS)))
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as client:  # one, checked
        probe = await client.post("/v1/adr-reports", headers=tokens[0],
                                  json=adr_report("ZZZ"))
    if probe.status_code != 201 or probe.json().get("status") != domain.RECEIVED:
        report.failures.append(f"(d) a complete report did not become a case: "
                               f"{probe.status_code} {probe.text[:200]}")
    before = await received(engine)
    names = initials()
    port = stack.gateway_port
    posts = [http_request("POST", "/v1/adr-reports", port,
                          {**tokens[i % USERS], "Content-Type": "application/json"},
                          orjson.dumps(adr_report(next(names))))
             for i in range(CONCURRENCY)]
    name = "gateway POST /v1/adr-reports"
    grouped = await group_commits(stack, "pharmacovigilance")
    warm = await run_load(port, posts, concurrency=CONCURRENCY, seconds=WARMUP_S,
                          max_requests=MAX_REQUESTS)
    result = await run_load(port, posts, concurrency=CONCURRENCY, seconds=MEASURE_S,
                            max_requests=MAX_REQUESTS)
    if result.errors:
        report.notes.append(f"{name}: responses by status {dict(sorted(result.statuses.items()))}"
                            f", {result.broken} connections lost")
    measured = figure(name, result)
    report.add(measured)
    report.notes.append(f"(d) {await grouped_since(stack, 'pharmacovigilance', grouped)}")
    made, expected = await received(engine) - before, created(warm) + created(result)
    if made != expected:
        report.failures.append(f"(d) {expected} reports were answered 201, but {made} cases "
                               f"were opened")
    return measured


def created(result: LoadResult) -> int:
    return result.statuses.get(201, 0)


async def received(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(sql.reports)
                                     .where(sql.reports.c.status == domain.RECEIVED)) or 0)
