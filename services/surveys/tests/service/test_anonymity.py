"""Anonymous responses cannot be paired with the tokens that were spent for them, by any
column of the stored rows (xmin included); one response per person still holds, at once
and across a crash between the token and the batch (README.md, "Anonymity")."""

import asyncio
import dataclasses
from datetime import timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from surveys.deps import Deps
from surveys.handlers.batches import Waits, write_batch, write_due_batches
from tests.service_tier import Tier

from .conftest import member
from .test_handlers import MANAGER, definition, published

HOUR = Waits(timedelta(hours=1))


def answers(index: int) -> dict:
    return {"seen": "no", "late_by": index, "care": 1 + index % 5}


async def rows(engine: AsyncEngine, sql: str) -> list:
    async with engine.connect() as conn:
        return list((await conn.exec_driver_sql(sql)).all())


async def test_no_stored_column_pairs_a_response_with_its_token(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    survey_id = await published(surveys, "anonymous")
    people = [await member(engine, "diabetes") for _ in range(8)]
    for index, who in enumerate(people):
        await surveys.ok("submit_response", {"survey_id": survey_id,
                                             "answers": answers(index)}, who)
    spent = {xmin for (xmin,) in await rows(
        engine, "SELECT xmin::text FROM surveys.participants")}
    assert len(spent) == 8  # one transaction per submission, none of them a response's
    assert await rows(engine, "SELECT * FROM surveys.events "
                              "WHERE event_type = 'ResponseSubmitted'") == []

    assert await write_due_batches(deps, HOUR) == 8
    events = await rows(engine, "SELECT xmin::text, position, event_id, stream_id, version, "
                                "occurred_at, actor, correlation_id, causation_id, trace::text,"
                                " data FROM surveys.events "
                                "WHERE event_type = 'ResponseSubmitted' ORDER BY position")
    tokens = await rows(engine, "SELECT xmin::text, ctid::text, token FROM "
                                "surveys.participants ORDER BY ctid")
    # One transaction wrote every response and rewrote every token: no xmin tells one apart,
    # and none is a submission's.
    assert len({e[0] for e in events}) == 1 and {t[0] for t in tokens} == {events[0][0]}
    assert not spent & {events[0][0]}
    for read_model in ("responses", "tallies"):
        xmins = {x for (x,) in await rows(engine, f"SELECT xmin::text FROM surveys.{read_model}")}
        assert not xmins & spent, read_model
    # The envelope: no actor, no correlation, no causation, no trace, the day only.
    assert {(e[6], e[7], e[8], e[9]) for e in events} == {(None, None, None, "{}")}
    assert {(e[5].hour, e[5].minute, e[5].second, e[5].microsecond) for e in events} == {
        (0, 0, 0, 0)}
    assert {e[4] for e in events} == {1}
    # The data: no person and no token in any form.
    texts = " ".join(str(e) for e in events)
    for who, (_, _, token) in zip(people, tokens, strict=True):
        assert str(who.user_id) not in texts
        assert token.hex() not in texts and str(token) not in texts
    assert all(e[10]["respondent_id"] is None for e in events)
    # The positions do not follow the order of arrival (1 chance in 40 320 that a shuffle
    # keeps it), and the answers are all there.
    assert [e[10]["answers"]["late_by"] for e in events] != list(range(8))
    assert sorted(e[10]["answers"]["late_by"] for e in events) == list(range(8))
    assert await rows(engine, "SELECT * FROM surveys.ballots") == []
    [(commit_times,)] = await rows(engine, "SHOW track_commit_timestamp")
    assert commit_times == "off"  # else the commits' instants would be kept
    results = await surveys.ok("survey_results", {"survey_id": survey_id}, MANAGER)
    assert results["responses"] == 8


async def test_one_person_answering_twice_at_once_gets_one_201_and_one_409(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    survey_id = await published(surveys, "anonymous")
    meera = await member(engine, "diabetes")
    body = {"survey_id": survey_id, "answers": answers(1)}
    replies = await asyncio.gather(*(surveys.call("submit_response", body, meera)
                                     for _ in range(2)))
    assert sorted(r.status for r in replies) == [201, 409]
    assert [r.body["status"] for r in replies if r.status == 409] == [409]
    assert len(await rows(engine, "SELECT * FROM surveys.ballots")) == 1
    assert len(await rows(engine, "SELECT * FROM surveys.participants")) == 1


async def test_submissions_during_a_batch_are_each_written_once(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    survey_id = await published(surveys, "anonymous")
    people = [await member(engine, "diabetes") for _ in range(12)]
    first, rest = people[:5], people[5:]
    for index, who in enumerate(first):
        await surveys.ok("submit_response", {"survey_id": survey_id,
                                             "answers": answers(index)}, who)
    replies = await asyncio.gather(
        write_batch(deps, UUID(survey_id)),
        *(surveys.call("submit_response", {"survey_id": survey_id, "answers": answers(i)}, who)
          for i, who in enumerate(rest, 5)))
    assert {r.status for r in replies[1:]} == {201}
    await write_batch(deps, UUID(survey_id), at_least=1)
    written = await rows(engine, "SELECT data->'answers'->>'late_by' FROM surveys.events "
                                 "WHERE event_type = 'ResponseSubmitted'")
    assert sorted(int(v) for (v,) in written) == list(range(12))
    assert len(await rows(engine, "SELECT * FROM surveys.participants")) == 12
    again = await surveys.call("submit_response", {"survey_id": survey_id,
                                                   "answers": answers(0)}, people[0])
    assert again.status == 409  # the rewritten tokens still count


async def test_a_crash_before_the_batch_loses_nothing_and_allows_no_second_answer(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    survey_id = await published(surveys, "anonymous")
    meera = await member(engine, "diabetes")
    await surveys.ok("submit_response", {"survey_id": survey_id, "answers": answers(3)}, meera)
    # The process stops here; a new one starts with nothing in memory.
    assert await write_due_batches(deps, HOUR) == 0  # one waits: not a batch yet
    again = await surveys.call("submit_response", {"survey_id": survey_id,
                                                   "answers": answers(4)}, meera)
    assert again.status == 409
    waits = Waits(timedelta(hours=1))
    assert await write_due_batches(deps, waits) == 0  # first seen now
    later = dataclasses.replace(deps, clock=lambda: deps.clock() + timedelta(hours=2))
    assert await write_due_batches(later, waits) == 1  # waited long enough
    [(late_by,)] = await rows(engine, "SELECT data->'answers'->>'late_by' FROM surveys.events "
                                      "WHERE event_type = 'ResponseSubmitted'")
    assert late_by == "3"


async def test_a_closed_survey_writes_what_waits(
        surveys: Tier, deps: Deps, engine: AsyncEngine) -> None:
    survey_id = await published(surveys, "anonymous")
    await surveys.ok("submit_response", {"survey_id": survey_id, "answers": answers(2)},
                     await member(engine, "diabetes"))
    closing = (deps.clock() + timedelta(days=1)).isoformat()
    await surveys.ok("revise_survey", {"survey_id": survey_id,
                                       **definition("anonymous", closes_at=closing)}, MANAGER)
    await surveys.ok("publish_survey", {"survey_id": survey_id}, MANAGER)
    assert await write_due_batches(deps, HOUR) == 0
    after = dataclasses.replace(deps, clock=lambda: deps.clock() + timedelta(days=2))
    assert await write_due_batches(after, HOUR) == 1
