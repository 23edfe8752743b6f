"""What one request, one page or one account can make of the service: bounded free text,
pages bounded by bytes, and a daily number of complete reports per account."""

from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
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
