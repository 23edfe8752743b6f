"""What one request, one page or one account can make of the service: bounded free text,
pages bounded by bytes, and a daily number of complete reports per account."""

import asyncio
from dataclasses import replace
from datetime import timedelta

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
from kit.pagination import PAGE_BYTES
from kit.usecases import serve
from pharmacovigilance import handlers
from pharmacovigilance.adapters import sql
from pharmacovigilance.deps import Deps
from pharmacovigilance.settings import PvSettings
from tests.adr import report
from tests.service_tier import Tier, person

from .conftest import event_types, with_key
from .test_handlers import a_case


def fields_named(body: dict) -> list[str]:
    return [error["field"] for error in body.get("errors") or []]


async def test_an_oversize_follow_up_question_is_refused_and_changes_nothing(
        pv: Tier, reporter: Principal, officer: Principal, engine: AsyncEngine) -> None:
    case_id = await a_case(pv, reporter)
    before = await event_types(engine, case_id)
    huge = await pv.call("request_follow_up", {"report_id": case_id, "request": {
        "questions": ["When?", "x" * 250_000]}}, officer)
    assert huge.status == 422, huge.body
    assert any(f.startswith("request.questions") for f in fields_named(huge.body)), huge.body
    many = await pv.call("request_follow_up", {"report_id": case_id, "request": {
        "questions": ["When?"] * 21}}, officer)
    assert many.status == 422 and "request.questions" in fields_named(many.body), many.body
    assert await event_types(engine, case_id) == before
    assert (await pv.ok("get_case", {"report_id": case_id}, officer))["follow_ups"] == []


async def test_an_oversize_answer_or_narrative_is_refused_and_changes_nothing(
        pv: Tier, reporter: Principal, officer: Principal, engine: AsyncEngine) -> None:
    case_id = await a_case(pv, reporter)
    await pv.ok("request_follow_up", {"report_id": case_id, "request": {
        "questions": ["When did the rash start?"]}}, officer)
    before = await event_types(engine, case_id)
    answer = await pv.call("answer_follow_up", {"report_id": case_id, "answers": {
        "answers": ["y" * 2001]}}, reporter)
    assert answer.status == 422 and any(
        f.startswith("answers.answers") for f in fields_named(answer.body)), answer.body
    narrative = await pv.call("assess_case", {"report_id": case_id, "assessment": {
        "narrative": "z" * 20_001}}, officer)
    assert narrative.status == 422 and "assessment.narrative" in fields_named(narrative.body)
    assert await event_types(engine, case_id) == before


def longest_report(n: int) -> dict:
    """A report with every free-text field and list as long as the form allows (Hindi words:
    three bytes a character)."""
    words = f"{n:02d} " + "द" * 1997
    medicine = {"name": f"Medicine {n} " + "m" * 180, "manufacturer": "a" * 200,
                "batch": "b" * 60, "expiry": "e" * 20, "dose": "d" * 100, "route": "r" * 60,
                "frequency": "f" * 100, "indication": "i" * 300}
    body = report(reaction=words, draft=True, history="ह" * 5000)
    body["reactions"] = [{**body["reactions"][0]} for _ in range(20)]
    body["medicines"] = [{**body["medicines"][0], **medicine} for _ in range(30)]
    body["reporter"] = {**body["reporter"], "name": "न" * 120}
    return body


async def test_a_reporter_pages_through_long_reports_each_page_within_a_message(
        pv: Tier, reporter: Principal) -> None:
    sent = {(await pv.ok("submit_report", longest_report(n), reporter))["report_id"]
            for n in range(30)}
    seen: list[str] = []
    cursor, pages = None, 0
    while True:
        mine = await pv.ok("my_reports", {"limit": 100, **({"cursor": cursor} if cursor else {})},
                           reporter)
        assert 0 < len(orjson.dumps(mine["items"])) < PAGE_BYTES
        assert 1 <= len(mine["items"]) < 30
        seen += [r["report_id"] for r in mine["items"]]
        cursor, pages = mine["next_cursor"], pages + 1
        if cursor is None:
            break
        assert pages < 31
    assert len(seen) == len(set(seen)) == 30 and set(seen) == sent


def limited(deps: Deps, per_day: int) -> Tier:
    """The service with another daily limit of complete reports per account."""
    deps = replace(deps, reports_per_day=per_day)
    return Tier("pharmacovigilance", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS,
                                           db=deps.db, idempotency=sql.idempotency))


async def cases_of(engine: AsyncEngine, reporter: Principal) -> int:
    r = sql.reports
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(r).where(
            r.c.reporter_id == reporter.user_id, r.c.status != "draft")) or 0)


async def test_complete_reports_are_limited_per_account_per_day_drafts_are_not(
        deps: Deps, reporter: Principal, engine: AsyncEngine) -> None:
    assert PvSettings().adr_reports_per_day == 10
    pv = limited(deps, 3)
    for _ in range(3):
        assert (await pv.call("submit_report", report(), reporter)).status == 201
    refused = await pv.call("submit_report", report(), reporter)
    assert refused.status == 429, refused.body
    assert refused.body["title"] == "Too many requests"
    assert "at most 3 complete reports in 24 hours" in refused.body["detail"]
    assert 23 * 3600 < refused.body["retry_after"] <= 24 * 3600  # when the first one leaves
    draft = await pv.call("submit_report", report(draft=True), reporter)
    assert draft.status == 201 and draft.body["status"] == "draft"
    completed = await pv.call("update_report", {"report_id": draft.body["report_id"],
                                                "form": report()}, reporter)
    assert completed.status == 429
    assert await cases_of(engine, reporter) == 3
    other = await with_key(deps, person("patient"))
    assert (await pv.call("submit_report", report(), other)).status == 201


async def test_the_limit_is_a_rolling_day(deps: Deps, reporter: Principal) -> None:
    pv = limited(deps, 2)
    sent = [(await pv.ok("submit_report", report(), reporter))["report_id"] for _ in range(2)]
    assert (await pv.call("submit_report", report(), reporter)).status == 429
    async with deps.db.transaction() as conn:  # the first one sent 25 hours ago
        await conn.execute(sql.timeline.update().where(sql.timeline.c.report_id == sent[0])
                           .values(at=sql.timeline.c.at - timedelta(hours=25)))
    assert (await pv.call("submit_report", report(), reporter)).status == 201
    assert (await pv.call("submit_report", report(), reporter)).status == 429


async def test_the_pv_roles_are_not_limited_nor_anyone_when_the_limit_is_zero(
        deps: Deps, engine: AsyncEngine) -> None:
    pv = limited(deps, 2)
    officer = await with_key(deps, person("pv_officer"))
    assert [(await pv.call("submit_report", report(), officer)).status
            for _ in range(4)] == [201] * 4
    assert await cases_of(engine, officer) == 4
    patient = await with_key(deps, person("patient"))
    unlimited = limited(deps, 0)  # ADR_REPORTS_PER_DAY=0, as the bench sets it
    assert [(await unlimited.call("submit_report", report(), patient)).status
            for _ in range(3)] == [201] * 3


async def test_concurrent_submissions_by_one_account_keep_to_the_limit(
        deps: Deps, reporter: Principal, engine: AsyncEngine) -> None:
    pv = limited(deps, 3)
    replies = await asyncio.gather(*(pv.call("submit_report", report(), reporter)
                                     for _ in range(12)))
    statuses = sorted(r.status for r in replies)
    assert statuses == [201] * 3 + [429] * 9, [r.body for r in replies]
    assert await cases_of(engine, reporter) == 3


async def test_the_longest_case_the_bounds_allow_fits_a_nats_message(
        deps: Deps, reporter: Principal, officer: Principal) -> None:
    pv = limited(deps, 0)
    case_id = (await pv.ok("submit_report", {**longest_report(1), "draft": False},
                           reporter))["report_id"]
    await pv.ok("assess_case", {"report_id": case_id, "assessment": {
        "narrative": "न" * 20_000}}, officer)
    for _ in range(5):
        await pv.ok("request_follow_up", {"report_id": case_id, "request": {
            "questions": ["प" * 1000] * 10}}, officer)
        await pv.ok("answer_follow_up", {"report_id": case_id, "answers": {
            "answers": ["उ" * 2000] * 10}}, reporter)
    sixth = await pv.call("request_follow_up", {"report_id": case_id, "request": {
        "questions": ["Once more?"]}}, officer)
    assert sixth.status == 409
    case = await pv.ok("get_case", {"report_id": case_id}, officer)
    assert len(case["follow_ups"]) == 5
    assert len(orjson.dumps(case)) < 1024 * 1024 - 64 * 1024  # with room for the envelope
