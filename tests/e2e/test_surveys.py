"""Surveys through the gateway (issue 14 A): a survey in English and Hindi with skip logic
published to one community, answered in either language, one response per person in both
modes, hand-computed results, small cells hidden, versions kept, the CSV export, the read
models rebuilt from the events; on real NATS and Postgres."""

import csv
import io
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.platform import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Platform,
    eventually,
    login,
    register,
    running_platform,
)

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("surveys"),
                                          SANDBOX_HOURS="0"):
        yield running


async def person(client: httpx.AsyncClient, *communities: str,
                 roles: list[str] | None = None) -> tuple[str, dict[str, str]]:
    """A member following the communities (or staff with the roles): id and headers."""
    email = f"m-{uuid.uuid4().hex[:10]}@example.in"
    user_id = await register(client, email)
    if roles:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        given = await client.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                                 json={"roles": roles})
        assert given.status_code == 200, given.text
    headers = await login(client, email)
    for community in communities:
        followed = await client.post(f"/v1/communities/{community}/follow", headers=headers)
        assert followed.status_code in (200, 201, 204), followed.text
    return user_id, headers


def clinic_survey(mode: str, community: str) -> dict:
    """English and Hindi; `late_by` shown only to those not seen on time, with no Hindi
    label (it falls back to English); a five-point question with "don't know", an NPS."""
    return {
        "title": {"en": "Clinic visit", "hi": "क्लिनिक भेंट"},
        "audience": {"communities": [community]}, "mode": mode,
        "questions": [
            {"id": "on_time", "type": "single_choice", "required": True,
             "label": {"en": "Were you seen on time?", "hi": "क्या आपको समय पर देखा गया?"},
             "options": [{"value": "yes", "label": {"en": "Yes", "hi": "हाँ"}},
                         {"value": "no", "label": {"en": "No", "hi": "नहीं"}}]},
            {"id": "late_by", "type": "number", "min": 0, "max": 600,
             "label": {"en": "How many minutes late?"},
             "show_if": {"question": "on_time", "in": ["no"]}},
            {"id": "care", "type": "likert", "required": True, "dont_know": True,
             "label": {"en": "How good was the care?", "hi": "देखभाल कितनी अच्छी थी?"}},
            {"id": "recommend", "type": "nps", "required": True,
             "label": {"en": "Would you recommend the clinic?",
                       "hi": "क्या आप क्लिनिक की सिफ़ारिश करेंगे?"}},
            {"id": "comment", "type": "text", "label": {"en": "Anything else?",
                                                        "hi": "और कुछ?"}},
        ]}


async def published(client: httpx.AsyncClient, manager: dict[str, str], body: dict) -> str:
    created = await client.post("/v1/surveys", headers=manager, json=body)
    assert created.status_code == 201, created.text
    survey_id = created.json()["survey_id"]
    done = await client.post(f"/v1/surveys/{survey_id}/publish", headers=manager)
    assert done.status_code == 200 and done.json()["status"] == "published", done.text
    return str(survey_id)


async def answer(client: httpx.AsyncClient, who: dict[str, str], survey_id: str,
                 **answers: object) -> httpx.Response:
    language = answers.pop("language", None)
    return await client.post(f"/v1/surveys/{survey_id}/responses", headers=who,
                             json={"answers": answers, "language": language})


def question(results: dict, question_id: str) -> dict:
    return next(q for q in results["questions"] if q["question"] == question_id)


async def results_of(client: httpx.AsyncClient, manager: dict[str, str],
                     survey_id: str) -> dict:
    reply = await client.get(f"/v1/surveys/{survey_id}/results", headers=manager)
    assert reply.status_code == 200, reply.text
    return reply.json()


async def test_an_identified_survey_in_two_languages_answered_counted_and_versioned(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        _, manager = await person(client, roles=["survey_manager"])
        survey_id = await published(client, manager, clinic_survey("identified", "diabetes"))
        members = [await person(client, "diabetes") for _ in range(4)]
        _, outsider = await person(client, "cancer")
        await platform.settled()

        # The audience sees it, in Hindi where asked, the untranslated label in English.
        hindi = members[0][1]
        listed = await client.get("/v1/surveys", headers={**hindi, "Accept-Language": "hi"})
        assert [(s["survey_id"], s["title"]) for s in listed.json()["items"]] == [
            (survey_id, "क्लिनिक भेंट")]
        assert (await client.get("/v1/surveys", headers=outsider)).json()["items"] == []
        view = (await client.get(f"/v1/surveys/{survey_id}",
                                 headers={**hindi, "Accept-Language": "hi-IN,en;q=0.5"})).json()
        labels = {q["id"]: (q["label"], q["label_language"]) for q in view["questions"]}
        assert labels["care"] == ("देखभाल कितनी अच्छी थी?", "hi")
        assert labels["late_by"] == ("How many minutes late?", "en")
        assert view["questions"][1]["show_if"] == {"question": "on_time", "in": ["no"]}
        assert (await client.get(f"/v1/surveys/{survey_id}", headers=outsider)).status_code \
            == 403

        # A draft, resumed, then submitted; one in Hindi, the others in English.
        draft = await client.put(f"/v1/surveys/{survey_id}/draft", headers=hindi,
                                 json={"answers": {"on_time": "no"}})
        assert draft.status_code == 200, draft.text
        resumed = (await client.get(f"/v1/surveys/{survey_id}", headers=hindi)).json()
        assert resumed["draft"] == {"on_time": "no"}
        given = [dict(on_time="no", late_by=30, care=5, recommend=10, language="hi",
                      comment="डॉक्टर ने ध्यान से सुना"),
                 dict(on_time="yes", care=4, recommend=9),
                 dict(on_time="yes", care=2, recommend=6, comment="Call 9876543210"),
                 dict(on_time="no", late_by=90, care="dont_know", recommend=8)]
        for (_, who), answers in zip(members, given, strict=True):
            reply = await answer(client, who, survey_id, **answers)
            assert reply.status_code == 201, reply.text
            assert reply.json()["version"] == 1

        # A second response is refused; so is an answer to a hidden question, by name.
        again = await answer(client, hindi, survey_id, on_time="yes", care=3, recommend=5)
        assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
        _, newcomer = await person(client, "diabetes")
        await platform.settled()
        events = await platform.count("surveys.events")
        hidden = await answer(client, newcomer, survey_id, on_time="yes", late_by=5, care=3,
                              recommend=5)
        assert hidden.status_code == 422 and hidden.headers["content-type"] == PROBLEM
        assert hidden.json()["errors"][0]["field"] == "answers.late_by"
        assert "late_by" in hidden.json()["detail"]
        assert await platform.count("surveys.events") == events

        # The figures, by hand: care 5, 4, 2 (and a "don't know"): 2 of 3 positive;
        # recommend 10, 9 promoters, 6 a detractor, 8 passive: (2 - 1) / 4 = 25.
        results = await results_of(client, manager, survey_id)
        assert results["responses"] == 4 and results["by_version"] == {"1": 4}
        care = question(results, "care")
        assert {o["value"]: o["count"] for o in care["options"]} == {
            "1": 0, "2": 1, "3": 0, "4": 1, "5": 1, "dont_know": 1}
        assert care["percent_positive"] == 66.7 and care["mean"] == 3.67
        assert question(results, "recommend")["nps"] == 25.0
        assert question(results, "late_by")["mean"] == 60.0
        on_time = question(results, "on_time")
        assert [(o["value"], o["count"], o["percent"]) for o in on_time["options"]] == [
            ("yes", 2, 50.0), ("no", 2, 50.0)]
        assert [c["community"] for c in results["communities"]] == ["diabetes"]
        assert sorted((t["status"], t["text"]) for t in results["texts"]) == [
            ("held", None), ("published", "डॉक्टर ने ध्यान से सुना")]

        # A new version: the old answers keep theirs.
        body = clinic_survey("identified", "diabetes")
        body["questions"][4]["label"]["en"] = "Anything else you want to tell us?"
        revised = await client.put(f"/v1/surveys/{survey_id}", headers=manager, json=body)
        assert revised.json() == {"survey_id": survey_id, "version": 2, "status": "draft"}
        await client.post(f"/v1/surveys/{survey_id}/publish", headers=manager)
        reply = await answer(client, newcomer, survey_id, on_time="yes", care=5, recommend=10)
        assert reply.status_code == 201 and reply.json()["version"] == 2
        results = await results_of(client, manager, survey_id)
        assert results["by_version"] == {"1": 4, "2": 1}
        exported = await client.get(f"/v1/surveys/{survey_id}/export.csv", headers=manager)
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert sorted(r["version"] for r in rows) == ["1", "1", "1", "1", "2"]
        assert {r["respondent_id"] for r in rows} >= {members[1][0]}
        assert "[held]" in {r["comment"] for r in rows}

        # The read models rebuilt from the events give the same results.
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        for model in ("surveys", "results"):
            rebuilt = await client.post(f"/v1/admin/projections/surveys/{model}/rebuild",
                                        headers=admin)
            assert rebuilt.status_code == 200, rebuilt.text
        assert await results_of(client, manager, survey_id) == results


async def test_an_anonymous_survey_hides_small_cells_and_every_identity(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        _, manager = await person(client, roles=["survey_manager"])
        survey_id = await published(client, manager, clinic_survey("anonymous", "kidney-health"))
        members = [await person(client, "kidney-health") for _ in range(7)]
        await platform.settled()
        # on_time: 5 yes, 2 no (a cell under 5); care: 4 and 5 only.
        for index, (_, who) in enumerate(members):
            late = index >= 5
            reply = await answer(client, who, survey_id, on_time="no" if late else "yes",
                                 **({"late_by": 20} if late else {}),
                                 care=5 if index % 2 else 4, recommend=9)
            assert reply.status_code == 201, reply.text
        again = await answer(client, members[0][1], survey_id, on_time="yes", care=1,
                             recommend=0)
        assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
        view = (await client.get(f"/v1/surveys/{survey_id}", headers=members[0][1])).json()
        assert view["answered"] is True

        results = await batched(client, manager, survey_id, 7)
        assert results["responses"] == 7 and results["suppressed_below"] == 5
        on_time = question(results, "on_time")
        # "no" (2) is under 5, and "yes" goes with it, or 7 - 5 would give it away.
        assert [(o["value"], o["count"]) for o in on_time["options"]] == [
            ("yes", None), ("no", None)]
        assert question(results, "late_by")["answers"] is None  # 2 answers: nothing shown
        care = question(results, "care")
        assert care["percent_positive"] == 100.0 and care["answers"] == 7
        assert question(results, "recommend")["nps"] == 100.0

        drawn = await client.get(f"/v1/surveys/{survey_id}/results.svg", headers=manager)
        assert drawn.headers["content-type"].startswith("image/svg+xml")
        assert "hidden (fewer than 5)" in drawn.text and "% positive 100.0" in drawn.text

        # Nothing that names anyone: not in the events, not in the export.
        exported = await client.get(f"/v1/surveys/{survey_id}/results",
                                    headers={**manager, "Accept": "text/csv"})
        assert exported.status_code == 200
        text = exported.content.decode("utf-8-sig")
        assert "respondent" not in text and "communities" not in text
        for user_id, _ in members:
            assert user_id not in text
            assert not await platform.scalar(
                "SELECT count(*) FROM surveys.events WHERE data::text LIKE :id "
                "OR actor = :raw", id=f"%{user_id}%", raw=user_id)
        assert len(list(csv.DictReader(io.StringIO(text)))) == 7


async def test_the_ready_friends_and_family_question_reports_percent_positive(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        drafts = [s for s in (await client.get("/v1/surveys", headers=admin)).json()["items"]]
        assert all(s["title"] != "Friends and Family Test" for s in drafts)  # drafts
        fft = await ready_id(platform)
        view = (await client.get(f"/v1/surveys/{fft}", headers=admin)).json()
        assert view["status"] == "draft" and view["mode"] == "anonymous"
        assert (await client.post(f"/v1/surveys/{fft}/publish", headers=admin)).status_code \
            == 200
        people = [await person(client) for _ in range(6)]
        for (_, who), given in zip(people, [5, 5, 4, 2, 1, "dont_know"], strict=True):
            reply = await answer(client, who, fft, experience=given, why="Because")
            assert reply.status_code == 201, reply.text
        results = await batched(client, admin, fft, 6)
        assert question(results, "experience")["percent_positive"] == 60.0  # 3 of 5


async def batched(client: httpx.AsyncClient, staff: dict[str, str], survey_id: str,
                  responses: int) -> dict:
    """The results once the anonymous answers' batches hold `responses` (the platform's
    batches run every fraction of a second, tests/platform.py)."""
    results: dict = {}

    async def written() -> bool:
        results.update(await results_of(client, staff, survey_id))
        return results["responses"] == responses

    await eventually(written)
    return results


async def ready_id(platform: Platform) -> str:
    """The seeded Friends and Family Test's id, found by its title in the events."""
    return str(await platform.scalar(
        "SELECT data->>'survey_id' FROM surveys.events WHERE event_type = 'SurveyDrafted' "
        "AND data->'definition'->'title'->>'en' = 'Friends and Family Test'"))


async def test_bad_input_is_a_problem_and_writes_nothing(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        _, manager = await person(client, roles=["survey_manager"])
        _, member = await person(client, "diabetes")
        events = await platform.count("surveys.events")
        bad = [
            (manager, "POST", "/v1/surveys", {"title": {"en": "x"}}),
            (manager, "POST", "/v1/surveys", {**clinic_survey("identified", "diabetes"),
                                              "mode": "secret"}),
            (manager, "POST", "/v1/surveys", {**clinic_survey("identified", "diabetes"),
                                              "title": {"hi": "केवल"}}),
            (manager, "POST", "/v1/surveys", {**clinic_survey("identified", "diabetes"),
                                              "questions": [{"id": "a", "type": "text",
                                                             "label": {"en": "A"},
                                                             "show_if": {"question": "a",
                                                                         "answered": True}}]}),
            (member, "POST", "/v1/surveys", clinic_survey("identified", "diabetes")),
            (manager, "POST", f"/v1/surveys/{uuid.uuid4()}/publish", None),
            (manager, "PUT", f"/v1/surveys/{uuid.uuid4()}", clinic_survey("anonymous", "x")),
            (member, "POST", f"/v1/surveys/{uuid.uuid4()}/responses", {"answers": {}}),
            (member, "POST", "/v1/surveys/not-a-uuid/responses", {"answers": {}}),
            (member, "GET", f"/v1/surveys/{uuid.uuid4()}/results", None),
        ]
        for who, method, path, body in bad:
            reply = await client.request(method, path, headers=who, json=body)
            assert 400 <= reply.status_code < 500, (path, reply.status_code, reply.text)
            assert reply.headers["content-type"] == PROBLEM, (path, reply.text)
        assert await platform.count("surveys.events") == events


async def test_staff_list_every_survey_and_members_may_not(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        _, manager = await person(client, roles=["survey_manager"])
        _, member = await person(client, "diabetes")
        created = await client.post("/v1/surveys", headers=manager,
                                    json=clinic_survey("identified", "diabetes"))
        assert created.status_code == 201, created.text
        drafts = await client.get("/v1/admin/surveys?status=draft&limit=100", headers=manager)
        assert drafts.status_code == 200, drafts.text
        listed = {i["survey_id"]: i for i in drafts.json()["items"]}
        mine = listed[created.json()["survey_id"]]
        assert (mine["status"], mine["version"], mine["working_version"], mine["responses"]) \
            == ("draft", 0, 1, 0)
        assert all(i["status"] == "draft" for i in listed.values())
        refused = await client.get("/v1/admin/surveys", headers=member)
        assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
        bad = await client.get("/v1/admin/surveys?status=open", headers=manager)
        assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM


async def test_an_export_job_reports_progress_and_serves_its_file(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        _, manager = await person(client, roles=["survey_manager"])
        survey_id = await published(client, manager,
                                    clinic_survey("identified", "respiratory-health"))
        members = [await person(client, "respiratory-health") for _ in range(3)]
        await platform.settled()
        for index, (_, who) in enumerate(members):
            reply = await answer(client, who, survey_id, on_time="yes", care=4,
                                 recommend=index)
            assert reply.status_code == 201, reply.text
        started = await client.post(f"/v1/surveys/{survey_id}/exports", headers=manager)
        assert started.status_code == 202, started.text
        job_path = f"/v1/surveys/{survey_id}/exports/{started.json()['export_id']}"
        job: dict = {}

        async def done() -> bool:
            reply = await client.get(job_path, headers=manager)
            assert reply.status_code == 200, reply.text
            job.update(reply.json())
            assert job["status"] in ("queued", "running", "done"), job
            return job["status"] == "done"

        await eventually(done)
        assert (job["rows_done"], job["rows_total"], job["percent"]) == (3, 3, 100.0)
        whole = await client.get(f"{job_path}.csv", headers=manager)
        assert whole.status_code == 200 and whole.headers["content-length"] == str(job["size"])
        assert whole.headers["content-disposition"].startswith("attachment")
        exported = await client.get(f"/v1/surveys/{survey_id}/export.csv", headers=manager)
        assert whole.content == exported.content
        part = await client.get(f"{job_path}.csv", headers={**manager, "Range": "bytes=0-9"})
        assert part.status_code == 206 and part.content == whole.content[:10]
        _, member = await person(client, "respiratory-health")
        assert (await client.get(job_path, headers=member)).status_code == 403
        missing = await client.get(f"/v1/surveys/{survey_id}/exports/{uuid.uuid4()}.csv",
                                   headers=manager)
        assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
