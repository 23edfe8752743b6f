"""Concurrent writers of one case, on a real Postgres: every decision is taken on the state
folded from the case's events and appended at the version read, so a stale one is retried
once and then answered 409 -- never two submissions of one version, never a submitted case
turned back, never a 500."""

import asyncio
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
from pharmacovigilance.adapters import sql
from pharmacovigilance.deps import Deps
from tests.adr import report
from tests.service_tier import Tier

from .conftest import event_types, folded
from .test_handlers import a_case, coded


async def read_model_status(engine: AsyncEngine, report_id: str) -> str:
    async with engine.connect() as conn:
        return str(await conn.scalar(sa.select(sql.reports.c.status).where(
            sql.reports.c.report_id == UUID(report_id))))


async def consistent(deps: Deps, engine: AsyncEngine, report_id: str) -> None:
    """The read model says what the events say."""
    assert (await folded(deps, report_id)).status == await read_model_status(engine, report_id)


async def test_ten_concurrent_submissions_of_one_version_submit_it_once(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps,
        engine: AsyncEngine) -> None:
    case_id = await a_case(pv, reporter)
    await coded(pv, officer, case_id)
    replies = await asyncio.gather(*(pv.call("submit_case", {"report_id": case_id}, officer)
                                     for _ in range(10)))
    assert {r.status for r in replies} <= {200, 409}, [r.body for r in replies]
    assert [r.status for r in replies].count(200) == 1
    assert (await event_types(engine, case_id)).count("CaseSubmitted") == 1
    queue = await pv.ok("relay_queue", {}, officer)
    assert [q["safety_report_id"] for q in queue["items"]] == [
        (await folded(deps, case_id)).submitted]
    await consistent(deps, engine, case_id)


async def test_an_assessment_racing_a_submission_never_turns_the_case_back(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps,
        engine: AsyncEngine) -> None:
    for _ in range(4):
        case_id = await a_case(pv, reporter)
        assessed = await coded(pv, officer, case_id)
        assessment = {"report_id": case_id, "assessment": {
            "causality": assessed["causality"], "seriousness_confirmed": False}}
        submitted, reassessed = await asyncio.gather(
            pv.call("submit_case", {"report_id": case_id}, officer),
            pv.call("assess_case", assessment, officer))
        assert {submitted.status, reassessed.status} <= {200, 409}
        assert submitted.status == 200  # an assessment first leaves it submittable
        types = await event_types(engine, case_id)
        assert types[-1] == "CaseSubmitted" and types.count("CaseSubmitted") == 1
        assert await read_model_status(engine, case_id) == "submitted"
        await consistent(deps, engine, case_id)


async def test_a_reporter_s_edits_racing_the_completion_of_a_draft_and_its_review(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps,
        engine: AsyncEngine) -> None:
    draft = await pv.ok("submit_report", {"reactions": [{"description": "rash"}],
                                          "draft": True}, reporter)
    draft_id = draft["report_id"]
    edit = {"report_id": draft_id, "form": {"reactions": [{"description": "a rash"}],
                                            "draft": True}}
    complete = {"report_id": draft_id, "form": report()}
    replies = await asyncio.gather(
        *(pv.call("update_report", edit, reporter) for _ in range(3)),
        *(pv.call("update_report", complete, reporter) for _ in range(3)),
        *(pv.call("get_case", {"report_id": draft_id}, officer) for _ in range(2)),
        pv.call("request_follow_up", {"report_id": draft_id, "request": {
            "questions": ["Which dose?"]}}, officer))
    assert all(r.status in (200, 404, 409) for r in replies), [r.body for r in replies]
    types = await event_types(engine, draft_id)
    assert types.count("CaseOpened") <= 1 and "FollowUpRequested" not in types[:1]
    await consistent(deps, engine, draft_id)


async def test_ten_parallel_edits_of_one_draft(
        pv: Tier, reporter: Principal, deps: Deps, engine: AsyncEngine) -> None:
    draft = await pv.ok("submit_report", {"draft": True}, reporter)
    draft_id = draft["report_id"]
    replies = await asyncio.gather(*(pv.call("update_report", {
        "report_id": draft_id, "form": report(initials=f"P{n}")}, reporter) for n in range(10)))
    assert {r.status for r in replies} <= {200, 409}, [r.body for r in replies]
    assert 200 in {r.status for r in replies}
    types = await event_types(engine, draft_id)
    assert types.count("CaseOpened") == 1  # the first completion made the case; no other
    assert (await folded(deps, draft_id)).status == "received"
    await consistent(deps, engine, draft_id)


async def test_six_parallel_assessments_of_one_case(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps,
        engine: AsyncEngine) -> None:
    case_id = await a_case(pv, reporter)
    first = await coded(pv, officer, case_id)
    replies = await asyncio.gather(*(pv.call("assess_case", {"report_id": case_id, "assessment": {
        "causality": [{**first["causality"][0], "category": category}],
        "seriousness_confirmed": True}}, officer) for category in (
            "certain", "probable", "possible", "unlikely", "conditional", "unassessable")))
    assert {r.status for r in replies} <= {200, 409}, [r.body for r in replies]
    accepted = [r for r in replies if r.status == 200]
    assert accepted
    types = await event_types(engine, case_id)
    assert types.count("CaseAssessed") == 1 + len(accepted)
    case = await pv.ok("get_case", {"report_id": case_id}, officer)
    assert case["causality"] == list((await folded(deps, case_id)).causality)
    await consistent(deps, engine, case_id)


async def test_answers_sent_twice_at_once_make_one_new_version(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps,
        engine: AsyncEngine) -> None:
    case_id = await a_case(pv, reporter)
    await pv.ok("request_follow_up", {"report_id": case_id, "request": {
        "questions": ["Which dose?"]}}, officer)
    body = {"report_id": case_id, "answers": {"answers": ["500 mg"]}}
    replies = await asyncio.gather(*(pv.call("answer_follow_up", body, reporter)
                                     for _ in range(4)),
                                   pv.call("submit_case", {"report_id": case_id}, officer))
    assert {r.status for r in replies} <= {200, 409}, [r.body for r in replies]
    types = await event_types(engine, case_id)
    assert types.count("FollowUpAnswered") == 1 and "CaseSubmitted" not in types
    assert (await folded(deps, case_id)).version == 2
    await consistent(deps, engine, case_id)
