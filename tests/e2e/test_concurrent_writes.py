"""Every write route of the API, hit by eight identical requests at once (a phone retrying on
a flaky network, two officers on one case): never a server error, and the effects the
service tiers count exactly (one account, one post, one submission) hold through the API."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.adr import coded_case, report, staff
from tests.platform import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CONSENTS,
    Platform,
    login,
    patient,
    register,
)

AT_ONCE = 8


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=60) as client:
        yield client


async def burst(client: httpx.AsyncClient, method: str, path: str,
                headers: dict[str, str] | None = None, **options: object) -> list[int]:
    """The statuses of AT_ONCE identical requests sent together; none may be a 5xx."""
    replies = await asyncio.gather(*(client.request(method, path, headers=headers or {},
                                                    **options)  # type: ignore[arg-type]
                                     for _ in range(AT_ONCE)))
    statuses = [r.status_code for r in replies]
    assert all(s < 500 for s in statuses), (method, path, [(r.status_code, r.text[:200])
                                                           for r in replies])
    return statuses


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def test_identity_writes_at_once(platform: Platform, client: httpx.AsyncClient) -> None:
    email = f"burst-{uuid.uuid4().hex[:8]}@example.in"
    signed_up = await burst(client, "POST", "/v1/accounts", json={
        "email": email, "password": "a-long-password-1", "display_name": "Burst",
        "role": "patient", "preferred_language": "en", "consents": CONSENTS})
    assert signed_up.count(201) == 1  # the others: this email exists (or slow down)
    assert await platform.scalar("SELECT count(*) FROM identity.events WHERE event_type = "
                                 "'AccountRegistered'") is not None
    await burst(client, "POST", "/v1/auth/token",
                data={"username": email, "password": "a-long-password-1"})
    tokens = (await client.post("/v1/auth/token", data={
        "username": email, "password": "a-long-password-1"})).json()
    await burst(client, "POST", "/v1/auth/refresh",
                json={"refresh_token": tokens["refresh_token"]})
    me = await login(client, email)
    consent = {"purpose": "adr_follow_up_contact", "version": "2026-11"}
    assert 200 in await burst(client, "POST", "/v1/me/consents", me, json=consent)
    await burst(client, "DELETE", "/v1/me/consents/adr_follow_up_contact", me)
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    user_id = (await client.get("/v1/me", headers=me)).json()["user_id"]
    await burst(client, "PUT", f"/v1/admin/users/{user_id}/roles", admin,
                json={"roles": ["moderator"], "reason": "burst"})
    await burst(client, "POST", "/v1/auth/logout", me,
                json={"refresh_token": tokens["refresh_token"]})
    erased = await patient(client, "Leaving")
    await burst(client, "DELETE", "/v1/me", erased)


async def test_professional_applications_at_once(client: httpx.AsyncClient) -> None:
    number = uuid.uuid4().hex[:6]
    applied = await burst(client, "POST", "/v1/professional-applications", json={
        "full_name": "Dr. Burst Rao", "email": f"dr-{number}@example.in",
        "phone": None, "profession": "doctor", "registration_council": "Maharashtra Medical "
        "Council", "registration_number": f"MMC-{number}", "qualification": "MBBS",
        "workplace": "Pune", "password": "a-long-password-1"})
    assert applied.count(201) == 1
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    queue = (await client.get("/v1/admin/professional-applications", headers=admin,
                              params={"status": "pending", "limit": 100})).json()["items"]
    [application] = [a for a in queue if a["registration_number"] == f"MMC-{number}"]
    path = f"/v1/admin/professional-applications/{application['application_id']}/decision"
    asked = await burst(client, "POST", path, admin,
                        json={"decision": "request_info", "reason": "your council's card"})
    assert 200 in asked
    applicant = await login(client, f"dr-{number}@example.in")
    await burst(client, "POST", "/v1/me/professional-application/information", applicant,
                json={"answer": "attached below"})
    approved = await burst(client, "POST", path, admin,
                           json={"decision": "approve", "reason": "checked"})
    assert 200 in approved


async def test_a_post_with_one_key_sent_at_once_is_one_post(
        platform: Platform, client: httpx.AsyncClient) -> None:
    author = await patient(client, "Burster")
    before = await platform.count("feed.posts")
    statuses = await burst(client, "POST", "/v1/posts", {**author, **key()},
                           json={"community": "common", "body": "only once"})
    assert set(statuses) == {201} and await platform.count("feed.posts") == before + 1


async def test_pharmacovigilance_writes_at_once(platform: Platform,
                                                client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Concurrent"), await staff(client, "pv_officer")
    before = await platform.count("pharmacovigilance.reports")
    assert set(await burst(client, "POST", "/v1/adr-reports", {**reporter, **key()},
                           json=report())) == {201}
    assert await platform.count("pharmacovigilance.reports") == before + 1
    draft = (await client.post("/v1/adr-reports", headers=reporter,
                               json=report(draft=True))).json()["report_id"]
    await burst(client, "PUT", f"/v1/adr-reports/{draft}", reporter, json=report(draft=True))
    case = await coded_case(client, reporter, officer, "Burstocillin")
    case_id, reaction = case["report_id"], case["reactions"][0]["reaction_id"]
    await burst(client, "POST", f"/v1/pv/cases/{case_id}/assessment", officer, json={
        "reactions": [{"reaction_id": reaction, "meddra": {
            "code": "10037844", "term": "Rash", "version": "27.1"}}]})
    await burst(client, "POST", f"/v1/pv/cases/{case_id}/follow-up-requests", officer,
                json={"questions": ["Did it come back?"]})
    await burst(client, "POST", f"/v1/adr-reports/{case_id}/follow-up", reporter,
                json={"answers": ["No"]})
    submitted = await burst(client, "POST", f"/v1/pv/cases/{case_id}/submit", officer)
    assert submitted.count(200) == 1  # the others: it is submitted already
    assert await platform.scalar(
        "SELECT count(*) FROM pharmacovigilance.events WHERE event_type = 'CaseSubmitted' "
        "AND stream_id = :stream", stream=f"report-{case_id}") == 1
    await burst(client, "POST", f"/v1/pv/cases/{case_id}/duplicates", officer,
                json={"other_report_id": str(uuid.uuid4()), "decision": "separate"})


async def test_rebuilds_asked_at_once(client: httpx.AsyncClient) -> None:
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    await burst(client, "POST", "/v1/admin/projections/feed-worker/timeline/rebuild", admin)
    await burst(client, "POST", "/v1/admin/projections/identity/accounts/rebuild", admin)


async def test_a_new_registration_is_not_disturbed(client: httpx.AsyncClient) -> None:
    """After all that, the platform still takes a new member as usual."""
    await register(client, f"after-{uuid.uuid4().hex[:8]}@example.in")
