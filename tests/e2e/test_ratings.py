"""Ratings through the gateway (issue 12): the providers directory, one rating per person,
the documented scores, the defences and the rated professional's reply, on real NATS and
Postgres."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import nats
import pytest

from kit.projection import wait_for
from tests.platform import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Platform,
    eventually,
    login,
    patient,
    running_platform,
)

PROBLEM = "application/problem+json"
C = 5  # SCORES.md's prior weight


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """New accounts out of their first-day sandbox at once (the sandbox has its own test),
    and the burst rule at its defaults: 3 ratings an hour from new accounts per provider."""
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("ratings"),
                                           SANDBOX_HOURS="0"):
        yield running


async def directory_settled(platform: Platform) -> None:
    """The ratings' directory projection has seen every identity and feed event."""
    await platform.settled()
    nc = await nats.connect(platform.nats.url)
    try:
        js = nc.jetstream()
        for stream in ("PU_IDENTITY", "PU_FEED"):
            last = (await js.stream_info(stream)).state.last_seq
            await wait_for(js, "ratings-projections", stream, last)
    finally:
        await nc.close()


async def doctor(client: httpx.AsyncClient, admin: dict[str, str], name: str) -> tuple[str, dict]:
    """A verified doctor: applied, approved by the admin, signed in."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.in"
    applied = await client.post("/v1/professional-applications", json={
        "full_name": f"Dr. {name}", "email": email, "phone": None, "profession": "doctor",
        "registration_council": "Maharashtra Medical Council",
        "registration_number": f"MMC/{uuid.uuid4().hex[:8]}", "qualification": "MBBS",
        "workplace": "KEM Hospital, Mumbai", "password": "stethoscope-and-chai"})
    assert applied.status_code == 201, applied.text
    decided = await client.post(
        f"/v1/admin/professional-applications/{applied.json()['application_id']}/decision",
        headers=admin, json={"decision": "approve", "reason": "On the council's register"})
    assert decided.status_code == 200, decided.text
    return applied.json()["user_id"], await login(client, email, "stethoscope-and-chai")


def expected(stars: list[int], kind_stars: list[int]) -> float:
    """SCORES.md: (C * kind mean + sum) / (C + n)."""
    mean = sum(kind_stars) / len(kind_stars)
    return round((C * mean + sum(stars)) / (C + len(stars)), 2)


async def rate(client: httpx.AsyncClient, who: dict, provider_id: str, stars: int,
               **body: object) -> httpx.Response:
    return await client.put(f"/v1/providers/{provider_id}/my-rating", headers=who,
                            json={"stars": stars, **body})


async def scores_settled(platform: Platform) -> None:
    """The ratings' scores projection has seen every rating event (relayed from the outbox
    to PU_RATINGS): what a reader sees after the projection's lag (SCORES.md)."""
    async with asyncio.timeout(30):
        while await platform.count("ratings.outbox"):
            await asyncio.sleep(0.05)
    nc = await nats.connect(platform.nats.url)
    try:
        js = nc.jetstream()
        last = (await js.stream_info("PU_RATINGS")).state.last_seq
        await wait_for(js, "ratings-projections", "PU_RATINGS", last)
    finally:
        await nc.close()


async def rating_of(platform: Platform, client: httpx.AsyncClient, provider_id: str) -> dict:
    """A provider's `rating` once the scores projection has caught up."""
    await scores_settled(platform)
    reply = await client.get(f"/v1/providers/{provider_id}")
    assert reply.status_code == 200, reply.text
    return reply.json()["rating"]


async def test_three_ratings_give_the_documented_numbers_revised_and_withdrawn(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        doctor_id, _ = await doctor(client, admin, "Farida")
        meera, arjun, kavya = [await patient(client, n) for n in ("Meera", "Arjun", "Kavya")]
        await directory_settled(platform)
        listed = (await client.get("/v1/providers", params={"kind": "doctor"})).json()
        assert doctor_id in [p["provider_id"] for p in listed["items"]]

        for who, stars, criteria in ((meera, 5, {"explanation": 5, "listening": 4}),
                                     (arjun, 4, {"explanation": 3}),
                                     (kavya, 1, {"waiting_time": 1})):
            reply = await rate(client, who, doctor_id, stars, criteria=criteria)
            assert reply.status_code == 200, reply.text
            assert reply.json()["status"] == "counted" and not reply.json()["revised"]
        rating = await rating_of(platform, client, doctor_id)
        assert rating["count"] == 3 and rating["average"] == round(10 / 3, 2)
        assert rating["prior"] == {"mean": round(10 / 3, 4), "weight": C}
        assert rating["score"] == expected([5, 4, 1], [5, 4, 1])
        assert rating["histogram"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1}
        assert rating["criteria"] == {"explanation": 4.0, "listening": 4.0, "waiting_time": 1.0}
        assert rating["confidence"]["level"] == "few ratings"
        low, high = rating["confidence"]["interval"]
        assert low < rating["score"] < high
        assert rating["percentile"] == 50.0  # the only rated doctor: the middle of one

        revised = await rate(client, kavya, doctor_id, 3, criteria={"waiting_time": 2})
        assert revised.json()["revised"] is True
        rating = await rating_of(platform, client, doctor_id)
        assert rating["count"] == 3 and rating["score"] == expected([5, 4, 3], [5, 4, 3])
        assert rating["histogram"]["1"] == 0 and rating["histogram"]["3"] == 1
        assert await platform.count("ratings.ratings") == 3  # one rating per person

        withdrawn = await client.delete(f"/v1/providers/{doctor_id}/my-rating", headers=arjun)
        assert withdrawn.json()["status"] == "withdrawn"
        rating = await rating_of(platform, client, doctor_id)
        assert rating["count"] == 2 and rating["score"] == expected([5, 3], [5, 3])
        again = await client.delete(f"/v1/providers/{doctor_id}/my-rating", headers=arjun)
        assert again.status_code == 404 and again.headers["content-type"] == PROBLEM

        # Read models rebuilt from the events give the same numbers: the inline ratings and
        # the scores projection (its buckets and materialised scores).
        before = await client.get("/v1/providers", params={"kind": "doctor"})
        [listed_doctor] = [p for p in before.json()["items"] if p["provider_id"] == doctor_id]
        assert listed_doctor["rating"]["count"] == 2
        rebuilt = await client.post("/v1/admin/projections/ratings/ratings/rebuild",
                                    headers=admin)
        assert rebuilt.status_code == 200, rebuilt.text
        scores = await client.post("/v1/admin/projections/ratings/scores/rebuild",
                                   headers=admin)
        assert scores.status_code == 202, scores.text
        assert (await rating_of(platform, client, doctor_id)) == rating
        assert (await client.get("/v1/providers", params={"kind": "doctor"})).json() \
            == before.json()


async def test_doctors_do_not_rate_doctors_nor_anyone_themselves(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        rao_id, rao = await doctor(client, admin, "Rao")
        _, iyer = await doctor(client, admin, "Iyer")
        await directory_settled(platform)
        held_before = await platform.count("ratings.ratings")
        for who, why in ((iyer, "doctors cannot rate other doctors"),
                         (rao, "you cannot rate yourself")):
            reply = await rate(client, who, rao_id, 5)
            assert reply.status_code == 403, reply.text
            assert reply.headers["content-type"] == PROBLEM and why in reply.json()["detail"]
        assert await platform.count("ratings.ratings") == held_before


async def test_a_scheme_from_the_directory_is_rateable(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera = await patient(client, "Meera")
        await directory_settled(platform)
        schemes = (await client.get("/v1/providers", params={"kind": "scheme",
                                                             "q": "Jan Arogya"})).json()
        [pmjay] = schemes["items"]
        assert pmjay["kind"] == "scheme" and "PM-JAY" in pmjay["name"]
        hindi = await client.get(f"/v1/providers/{pmjay['provider_id']}",
                                 headers={"Accept-Language": "hi"})
        assert hindi.json()["name"].startswith("आयुष्मान भारत")
        reply = await rate(client, meera, pmjay["provider_id"], 4,
                           criteria={"ease_of_enrolment": 3, "helpline": 5},
                           review="Card made in a day at the CSC.", language="en")
        assert reply.status_code == 200, reply.text
        rating = await rating_of(platform, client, pmjay["provider_id"])
        assert rating["count"] == 1 and rating["criteria"] == {"ease_of_enrolment": 3.0,
                                                               "helpline": 5.0}
        wrong = await rate(client, meera, pmjay["provider_id"], 4, criteria={"cleanliness": 2})
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "criteria"


async def test_a_flood_from_new_accounts_is_held_until_a_moderator_releases_it(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        created = await client.post("/v1/providers", headers=admin, json={
            "kind": "hospital", "name": "Sunrise Multispeciality Hospital", "city": "Pune",
            "state": "Maharashtra", "pincode": "411001", "type": "private"})
        assert created.status_code == 201 and created.json()["status"] == "listed"
        hospital = created.json()["provider_id"]
        raters = [await patient(client, f"New{n}") for n in range(6)]
        await directory_settled(platform)
        replies = [await rate(client, who, hospital, 5) for who in raters]
        assert [r.json()["status"] for r in replies] == ["counted"] * 3 + ["held"] * 3
        assert replies[-1].json()["notices"][0]["reason"] == "new_account"
        assert "moderator" in replies[-1].json()["notices"][0]["message"]
        assert (await rating_of(platform, client, hospital))["count"] == 3

        queue = (await client.get("/v1/moderation/ratings", headers=admin,
                                  params={"provider_id": hospital})).json()["items"]
        assert len(queue) == 3 and queue[0]["held"] == ["new_account"]
        assert (await client.get("/v1/moderation/ratings",
                                 headers=raters[0])).status_code == 403
        released = await client.post(f"/v1/moderation/ratings/{queue[0]['rating_id']}/decision",
                                     headers=admin, json={"decision": "release"})
        assert released.json()["status"] == "counted"
        assert (await rating_of(platform, client, hospital))["count"] == 4

        listed = (await client.get("/v1/providers", params={
            "kind": "hospital", "city": "pune", "sort": "count"})).json()["items"]
        assert listed[0]["provider_id"] == hospital and listed[0]["type"] == "private"


async def pending_ids(client: httpx.AsyncClient, admin: dict[str, str]) -> list[str]:
    """Every suggestion waiting for an admin, a page of two at a time."""
    found: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        reply = await client.get("/v1/admin/providers/pending", headers=admin, params=params)
        assert reply.status_code == 200, reply.text
        found += [p["provider_id"] for p in reply.json()["items"]]
        cursor = reply.json()["next_cursor"]
        if cursor is None:
            return found


async def test_a_member_suggests_a_clinic_that_an_admin_approves(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin, meera = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD), await patient(client)
        suggested = await client.post("/v1/providers", headers=meera, json={
            "kind": "hospital", "name": "Asha Charitable Clinic", "city": "Nagpur",
            "state": "Maharashtra", "type": "charitable"})
        assert suggested.json()["status"] == "pending"
        clinic = suggested.json()["provider_id"]
        assert (await client.get(f"/v1/providers/{clinic}")).status_code == 404
        others = [(await client.post("/v1/providers", headers=meera, json={
            "kind": "doctor", "name": f"Dr. Suggested {n}", "city": "Nagpur"})).json()[
                "provider_id"] for n in range(2)]
        waiting = await pending_ids(client, admin)
        assert waiting.index(clinic) < waiting.index(others[0]) < waiting.index(others[1])
        refused = await client.get("/v1/admin/providers/pending", headers=meera)
        assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
        bad = await client.get("/v1/admin/providers/pending", headers=admin,
                               params={"cursor": "not-ours"})
        assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
        await directory_settled(platform)
        pending = await rate(client, meera, clinic, 5)
        assert pending.status_code == 409 and pending.headers["content-type"] == PROBLEM
        decided = await client.post(f"/v1/admin/providers/{clinic}/decision", headers=admin,
                                    json={"decision": "approve", "reason": "Checked"})
        assert decided.json() == {"provider_id": clinic, "status": "listed"}
        assert clinic not in await pending_ids(client, admin)
        assert (await rate(client, meera, clinic, 5)).status_code == 200


async def test_a_rater_sees_their_own_rating_and_why_it_waits(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin, meera = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD), await patient(client)
        clinic = (await client.post("/v1/providers", headers=admin, json={
            "kind": "hospital", "name": "Seva Clinic", "city": "Surat", "state": "Gujarat",
            "type": "charitable"})).json()["provider_id"]
        await directory_settled(platform)
        path = f"/v1/providers/{clinic}/my-rating"
        none = await client.get(path, headers=meera)
        assert none.status_code == 404 and none.headers["content-type"] == PROBLEM
        assert (await rate(client, meera, clinic, 4, criteria={"cleanliness": 5},
                           review="Kind nurses")).json()["status"] == "counted"
        mine = (await client.get(path, headers=meera)).json()
        assert (mine["status"], mine["stars"], mine["review"], mine["notices"]) == (
            "counted", 4, "Kind nurses", [])
        held = await rate(client, meera, clinic, 2, review="Ring me on 98765 43210")
        assert held.json()["status"] == "held"
        mine = (await client.get(path, headers=meera)).json()
        assert mine["status"] == "held" and mine["stars"] == 2
        assert mine["notices"][0]["reason"] == "contact_details"
        assert (await rating_of(platform, client, clinic))["count"] == 0  # held: not counted
        hidden = await client.post(f"/v1/moderation/ratings/{mine['rating_id']}/decision",
                                   headers=admin, json={"decision": "hide"})
        assert hidden.json()["status"] == "hidden"
        mine = (await client.get(path, headers=meera)).json()
        assert mine["status"] == "hidden" and mine["notices"][0]["reason"] == "hidden"
        assert (await client.get(path)).status_code == 401
        await client.delete(path, headers=meera)
        assert (await client.get(path, headers=meera)).status_code == 404


async def test_the_rated_professional_replies_once_and_no_one_else(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        shah_id, shah = await doctor(client, admin, "Shah")
        meera, arjun = await patient(client, "Meera"), await patient(client, "Arjun")
        await directory_settled(platform)
        rated = await rate(client, meera, shah_id, 2, review="Kept us waiting two hours.")
        review_id = rated.json()["rating_id"]
        path = f"/v1/providers/{shah_id}/reviews/{review_id}/reply"
        other = await client.post(path, headers=arjun, json={"text": "Not true"})
        assert other.status_code == 403 and other.headers["content-type"] == PROBLEM
        answer = await client.post(path, headers=shah, json={"text": "Sorry: an emergency."})
        assert answer.status_code == 201, answer.text
        twice = await client.post(path, headers=shah, json={"text": "Again"})
        assert twice.status_code == 409
        [review] = (await client.get(f"/v1/providers/{shah_id}/reviews")).json()["items"]
        assert review["review"] == "Kept us waiting two hours."
        assert review["reply"]["text"] == "Sorry: an emergency."


async def test_bad_input_is_a_problem_and_writes_nothing(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera = await patient(client)
        await directory_settled(platform)
        scheme = (await client.get("/v1/providers", params={"kind": "scheme"})).json()
        target = scheme["items"][0]["provider_id"]
        before = await platform.count("ratings.events")
        bad = [(target, {"stars": 0}), (target, {"stars": 6}), (target, {"stars": "five"}),
               (target, {"stars": 3, "criteria": {"bedside": 4}}),
               (target, {"stars": 3, "criteria": {"helpline": 9}}),
               (target, {"stars": 3, "review": "x" * 4001}),
               (target, {"stars": 3, "language": "xx"}),
               (str(uuid.uuid4()), {"stars": 3}), ("not-an-id", {"stars": 3})]
        for provider_id, body in bad:
            reply = await client.put(f"/v1/providers/{provider_id}/my-rating", headers=meera,
                                     json=body)
            assert 400 <= reply.status_code < 500, (body, reply.text)
            assert reply.headers["content-type"] == PROBLEM, body
        assert (await client.put(f"/v1/providers/{target}/my-rating",
                                 json={"stars": 3})).status_code == 401
        for params in ({"kind": "shop"}, {"sort": "best"}, {"q": "x" * 101},
                       {"cursor": "garbage"}, {"limit": 0}):
            reply = await client.get("/v1/providers", params=params)
            assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM, params
        for body in ({"kind": "hospital", "name": "No Place"},
                     {"kind": "doctor", "name": "Dr X", "type": "private"},
                     {"kind": "scheme", "name": "Mine"},
                     {"kind": "hospital", "name": "H", "city": "Pune", "state": "MH",
                      "type": "private", "pincode": "12345"}):
            reply = await client.post("/v1/providers", headers=meera, json=body)
            assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM, body
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        review = f"/v1/providers/{target}/reviews/{uuid.uuid4()}"
        for path, who, body in (
                (f"{review}/reply", meera, {"text": ""}),
                (f"{review}/reply", meera, {"text": "x" * 2001}),
                (f"{review}/reply", meera, {"text": "ok"}),  # no such review: 404
                (f"{review}/flags", meera, {"reason": "i-dislike-it"}),
                (f"/v1/admin/providers/{target}/decision", admin, {"decision": "maybe",
                                                                  "reason": "x"}),
                (f"/v1/admin/providers/{uuid.uuid4()}/decision", admin,
                 {"decision": "approve", "reason": "x"}),  # no such provider: 404
                (f"/v1/moderation/ratings/{uuid.uuid4()}/decision", admin,
                 {"decision": "delete"})):
            reply = await client.post(path, headers=who, json=body)
            assert 400 <= reply.status_code < 500, (path, body, reply.text)
            assert reply.headers["content-type"] == PROBLEM, (path, body)
        assert await platform.count("ratings.events") == before


async def test_concurrent_ratings_by_one_person_leave_one(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin, meera = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD), await patient(client)
        clinic = (await client.post("/v1/providers", headers=admin, json={
            "kind": "hospital", "name": "Lotus Clinic", "city": "Indore",
            "state": "Madhya Pradesh", "type": "private"})).json()["provider_id"]
        await directory_settled(platform)
        replies = await asyncio.gather(*(rate(client, meera, clinic, stars)
                                         for stars in (1, 2, 3, 4, 5)))
        assert all(r.status_code in (200, 409) for r in replies), [r.text for r in replies]
        assert sum(1 for r in replies if r.status_code == 200) >= 1
        rating = await rating_of(platform, client, clinic)
        assert rating["count"] == 1
        revised = sum(1 for r in replies if r.status_code == 200 and r.json()["revised"])
        assert revised == sum(1 for r in replies if r.status_code == 200) - 1


async def test_a_flagged_review_counts_until_hidden_and_the_directory_rebuilds_the_same(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        meera, arjun = await patient(client, "Meera"), await patient(client, "Arjun")
        await directory_settled(platform)
        scheme = (await client.get("/v1/providers", params={"kind": "scheme",
                                                            "q": "dialysis"})).json()
        [dialysis] = scheme["items"]
        provider_id = dialysis["provider_id"]
        count = (await rating_of(platform, client, provider_id))["count"]
        rated = await rate(client, meera, provider_id, 1, review="Useless, they are all thieves")
        flagged = await client.post(
            f"/v1/providers/{provider_id}/reviews/{rated.json()['rating_id']}/flags",
            headers=arjun, json={"reason": "abusive"})
        assert flagged.status_code == 201, flagged.text
        assert (await rating_of(platform, client, provider_id))["count"] == count + 1
        hidden = await client.post(
            f"/v1/moderation/ratings/{rated.json()['rating_id']}/decision", headers=admin,
            json={"decision": "hide", "note": "guideline 2"})
        assert hidden.json()["status"] == "hidden"
        assert (await rating_of(platform, client, provider_id))["count"] == count

        before = (await client.get("/v1/providers", params={"limit": 100})).json()
        rebuilt = await client.post("/v1/admin/projections/ratings/directory/rebuild",
                                    headers=admin)
        assert rebuilt.status_code == 202, rebuilt.text
        await directory_settled(platform)

        async def same() -> bool:
            now = (await client.get("/v1/providers", params={"limit": 100})).json()
            return now == before
        await eventually(same)
