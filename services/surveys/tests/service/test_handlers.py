"""Every surveys use case through its HANDLERS entry, on a real Postgres."""

import asyncio
import csv
import io
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.feed.events import CommunityUnfollowed
from contracts.identity.events import PersonErased
from contracts.roles import ADMIN, SURVEY_MANAGER
from kit import readmodels
from surveys import handlers, projections, ready
from surveys.deps import Deps
from surveys.handlers.batches import Waits, write_due_batches
from tests.service_tier import Tier, operations_called_in, operations_of, person

from .conftest import envelope, member

MANAGER = person(SURVEY_MANAGER)
QUESTIONS = [
    {"id": "seen", "type": "single_choice", "required": True,
     "label": {"en": "Were you seen on time?", "hi": "क्या आपको समय पर देखा गया?"},
     "options": [{"value": "yes", "label": {"en": "Yes", "hi": "हाँ"}},
                 {"value": "no", "label": {"en": "No", "hi": "नहीं"}}]},
    {"id": "late_by", "type": "number", "min": 0, "max": 600,
     "label": {"en": "How many minutes late?"}, "show_if": {"question": "seen", "in": ["no"]}},
    {"id": "care", "type": "likert", "required": True, "dont_know": True,
     "label": {"en": "How was the care?", "hi": "देखभाल कैसी थी?"}},
    {"id": "comment", "type": "text", "label": {"en": "Anything else?"}},
]


def definition(mode: str = "identified", **more: object) -> dict:
    return {"title": {"en": "Clinic visit", "hi": "क्लिनिक भेंट"},
            "audience": {"communities": ["diabetes"]}, "mode": mode,
            "questions": QUESTIONS, **more}


async def published(surveys: Tier, mode: str = "identified") -> str:
    created = await surveys.ok("create_survey", definition(mode), MANAGER)
    assert created["status"] == "draft" and created["version"] == 1
    await surveys.ok("publish_survey", {"survey_id": created["survey_id"]}, MANAGER)
    return str(created["survey_id"])


async def test_every_handler_is_called_by_a_test() -> None:
    assert operations_of(handlers.HANDLERS) <= operations_called_in(Path(__file__).parent)


async def test_the_audience_sees_the_open_survey_in_its_language(
        surveys: Tier, engine: AsyncEngine) -> None:
    survey_id = await published(surveys)
    hindi = await member(engine, "diabetes", language="hi")
    outsider = await member(engine, "cancer")
    page = await surveys.ok("list_surveys", {}, hindi)
    assert [(i["survey_id"], i["title"]) for i in page["items"]] == [(survey_id, "क्लिनिक भेंट")]
    assert (await surveys.ok("list_surveys", {}, outsider))["items"] == []
    view = await surveys.ok("get_survey", {"survey_id": survey_id}, hindi)
    labels = {q["id"]: (q["label"], q["label_language"]) for q in view["questions"]}
    assert labels["care"] == ("देखभाल कैसी थी?", "hi")
    assert labels["late_by"] == ("How many minutes late?", "en")  # no Hindi: the default
    refused = await surveys.call("get_survey", {"survey_id": survey_id}, outsider)
    assert refused.status == 403


async def test_a_draft_is_saved_and_resumed_then_one_response_per_person(
        surveys: Tier, engine: AsyncEngine) -> None:
    survey_id = await published(surveys)
    meera = await member(engine, "diabetes")
    await surveys.ok("save_draft", {"survey_id": survey_id, "answers": {"seen": "no"}}, meera)
    view = await surveys.ok("get_survey", {"survey_id": survey_id}, meera)
    assert view["draft"] == {"seen": "no"} and not view["answered"]
    answers = {"seen": "no", "late_by": 40, "care": 4, "comment": "Kind nurse"}
    accepted = await surveys.ok("submit_response", {"survey_id": survey_id,
                                                    "answers": answers}, meera)
    assert accepted == {"survey_id": survey_id, "version": 1, "status": "submitted"}
    again = await surveys.call("submit_response", {"survey_id": survey_id,
                                                   "answers": answers}, meera)
    assert again.status == 409
    view = await surveys.ok("get_survey", {"survey_id": survey_id}, meera)
    assert view["answered"] and view["draft"] is None
    assert [i["answered"] for i in (await surveys.ok("list_surveys", {}, meera))["items"]] \
        == [True]


async def test_an_anonymous_response_is_one_per_person_and_carries_no_one(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    survey_id = await published(surveys, "anonymous")
    meera = await member(engine, "diabetes")
    body = {"survey_id": survey_id, "answers": {"seen": "yes", "care": 5}}
    await surveys.ok("submit_response", body, meera)
    assert (await surveys.call("submit_response", body, meera)).status == 409
    assert await write_due_batches(deps, Waits(timedelta(0))) == 1
    async with engine.connect() as conn:
        rows = (await conn.exec_driver_sql(
            "SELECT data, actor, correlation_id, occurred_at FROM surveys.events "
            "WHERE event_type = 'ResponseSubmitted'")).all()
        queued = await conn.exec_driver_sql(
            "SELECT count(*) FROM surveys.outbox WHERE subject = 'surveys.response.submitted'")
    [(data, actor, correlation, occurred_at)] = rows
    assert data["respondent_id"] is None and actor is None and correlation is None
    assert str(meera.user_id) not in str(data)
    # The day only, even in the envelope; and never published (a stream's message carries
    # the instant it was published).
    assert (occurred_at.hour, occurred_at.minute, occurred_at.second,
            occurred_at.microsecond) == (0, 0, 0, 0)
    assert occurred_at.date().isoformat() == data["answered_on"]
    assert queued.scalar() == 0


async def test_a_hidden_or_wrong_answer_is_refused_and_nothing_is_written(
        surveys: Tier, engine: AsyncEngine) -> None:
    survey_id = await published(surveys)
    meera = await member(engine, "diabetes")
    hidden = await surveys.call("submit_response", {"survey_id": survey_id, "answers": {
        "seen": "yes", "late_by": 10, "care": 3}}, meera)
    assert hidden.status == 422
    assert hidden.body["errors"] == [{"field": "answers.late_by", "message": hidden.body[
        "detail"]}]
    assert (await surveys.call("submit_response", {"survey_id": survey_id, "answers": {
        "seen": "yes"}}, meera)).status == 422
    results = await surveys.ok("survey_results", {"survey_id": survey_id}, MANAGER)
    assert results["responses"] == 0


async def test_results_count_and_a_new_version_keeps_old_answers(
        surveys: Tier, engine: AsyncEngine) -> None:
    survey_id = await published(surveys)
    for care in (5, 4, 2, "dont_know"):
        who = await member(engine, "diabetes")
        await surveys.ok("submit_response", {"survey_id": survey_id, "answers": {
            "seen": "yes", "care": care, "comment": "Call me at 9876543210"}}, who)
    revised = await surveys.ok("revise_survey", {"survey_id": survey_id, **definition()},
                               MANAGER)
    assert revised == {"survey_id": survey_id, "version": 2, "status": "draft"}
    await surveys.ok("publish_survey", {"survey_id": survey_id}, MANAGER)
    late = await member(engine, "diabetes")
    await surveys.ok("submit_response", {"survey_id": survey_id, "answers": {
        "seen": "yes", "care": 5}}, late)
    results = await surveys.ok("survey_results", {"survey_id": survey_id}, MANAGER)
    assert results["responses"] == 5 and results["by_version"] == {"1": 4, "2": 1}
    care = next(q for q in results["questions"] if q["question"] == "care")
    assert care["percent_positive"] == 75.0  # 5, 4, 5 of 5, 4, 2, 5
    assert [t["status"] for t in results["texts"]] == ["held"] * 4
    exported = await surveys.call("export_responses", {"survey_id": survey_id},
                                  person(ADMIN))
    rows = list(csv.DictReader(io.StringIO(exported.body.decode("utf-8-sig"))))
    assert sorted(r["version"] for r in rows) == ["1", "1", "1", "1", "2"]
    assert {r["comment"] for r in rows} == {"[held]", ""}
    drawn = await surveys.call("results_chart", {"survey_id": survey_id}, MANAGER)
    assert drawn.content_type == "image/svg+xml"
    assert "% positive 75.0" in drawn.body.decode() and "5 (100.0%)" in drawn.body.decode()
    async with engine.begin() as conn:
        await readmodels.InlineModel.replay(projections.RESULTS, conn)
    assert await surveys.ok("survey_results", {"survey_id": survey_id}, MANAGER) == results


async def test_the_ready_surveys_are_drafts_a_manager_can_publish(surveys: Tier) -> None:
    view = await surveys.ok("get_survey", {"survey_id": str(ready.FFT_ID)}, MANAGER)
    assert view["status"] == "draft" and view["mode"] == "anonymous"
    published_fft = await surveys.ok("publish_survey", {"survey_id": str(ready.FFT_ID)},
                                     MANAGER)
    assert published_fft["status"] == "published"


async def test_concurrent_submissions_of_one_person_make_one_response(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    for mode in ("anonymous", "identified"):
        survey_id = await published(surveys, mode)
        meera = await member(engine, "diabetes")
        body = {"survey_id": survey_id, "answers": {"seen": "yes", "care": 4}}
        replies = await asyncio.gather(*(surveys.call("submit_response", body, meera)
                                         for _ in range(6)))
        assert sorted(r.status for r in replies) == [201] + [409] * 5, mode
        await write_due_batches(deps, Waits(timedelta(0)))
        results = await surveys.ok("survey_results", {"survey_id": survey_id}, MANAGER)
        assert results["by_version"] == {"1": None if mode == "anonymous" else 1}


async def test_who_unfollows_or_is_erased_leaves_the_audience(
        surveys: Tier, engine: AsyncEngine) -> None:
    survey_id = await published(surveys)
    leaving, erased = await member(engine, "diabetes"), await member(engine, "diabetes")
    async with engine.begin() as conn:
        await projections.unfollowed(conn, CommunityUnfollowed(
            user_id=leaving.user_id, community="diabetes"), envelope())
        await projections.erased(conn, PersonErased(user_id=erased.user_id), envelope())
    for who in (leaving, erased):
        assert (await surveys.ok("list_surveys", {}, who))["items"] == []
        refused = await surveys.call("submit_response", {"survey_id": survey_id, "answers": {
            "seen": "yes", "care": 3}}, who)
        assert refused.status == 403
