"""What one request, one page or one account can make of the service: bounded free text,
pages bounded by bytes, and a daily number of complete reports per account."""

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
from kit.pagination import PAGE_BYTES
from tests.adr import report
from tests.service_tier import Tier

from .conftest import event_types
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
        "answers": ["y" * 5001]}}, reporter)
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
