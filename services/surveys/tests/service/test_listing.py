"""The staff's list of every survey: drafts, published and closed, newest first, with
versions and how many answered, filtered by status and paged."""

import dataclasses
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.roles import ADMIN, PATIENT
from kit.usecases import serve
from surveys import handlers, ready
from surveys.adapters import sql
from surveys.deps import Deps
from tests.service_tier import Tier, person

from .conftest import member
from .test_handlers import MANAGER, definition, published


async def test_staff_list_every_survey_with_status_versions_and_answers(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    identified = await published(surveys)
    anonymous = await published(surveys, "anonymous")
    closing = (deps.clock() + timedelta(days=1)).isoformat()
    closed = await published(surveys)
    await surveys.ok("revise_survey", {"survey_id": closed, **definition(closes_at=closing)},
                     MANAGER)
    await surveys.ok("publish_survey", {"survey_id": closed}, MANAGER)
    await surveys.ok("revise_survey", {"survey_id": identified, **definition()}, MANAGER)
    draft = (await surveys.ok("create_survey", definition(), MANAGER))["survey_id"]
    for survey_id in (identified, identified, anonymous):
        await surveys.ok("submit_response", {"survey_id": survey_id, "answers": {
            "seen": "yes", "care": 4}}, await member(engine, "diabetes"))

    later = dataclasses.replace(deps, clock=lambda: deps.clock() + timedelta(days=2))
    staff = Tier("surveys", serve(handlers.HANDLERS, later, errors=handlers.ERRORS,
                                  db=later.db, idempotency=sql.idempotency))
    listed = await staff.ok("list_all_surveys", {"limit": 100}, person(ADMIN))
    items = {i["survey_id"]: i for i in listed["items"]}
    assert [i["survey_id"] for i in listed["items"]][:4] == [draft, closed, anonymous,
                                                             identified]  # newest first
    assert {str(ready.FFT_ID), str(ready.HOSPITAL_ID)} <= set(items)
    assert (items[identified]["status"], items[identified]["version"],
            items[identified]["working_version"], items[identified]["responses"]) == (
        "published", 1, 2, 2)
    assert (items[anonymous]["mode"], items[anonymous]["responses"]) == ("anonymous", None)
    assert (items[closed]["status"], items[closed]["version"]) == ("closed", 2)
    assert (items[draft]["status"], items[draft]["version"], items[draft]["responses"]) == (
        "draft", 0, 0)
    drafts = await staff.ok("list_all_surveys", {"status": "draft", "limit": 100}, MANAGER)
    assert {i["survey_id"] for i in drafts["items"]} == {
        draft, str(ready.FFT_ID), str(ready.HOSPITAL_ID)}
    first = await staff.ok("list_all_surveys", {"limit": 2}, MANAGER)
    rest = await staff.ok("list_all_surveys", {"limit": 100, "cursor": first["next_cursor"]},
                          MANAGER)
    assert [i["survey_id"] for i in first["items"] + rest["items"]] == [
        i["survey_id"] for i in listed["items"]]
    assert (await staff.call("list_all_surveys", {}, person(PATIENT))).status == 403
    assert (await staff.call("list_all_surveys", {"status": "open"}, MANAGER)).status == 422
    assert (await staff.call("list_all_surveys", {"cursor": "nonsense"}, MANAGER)).status \
        == 422
