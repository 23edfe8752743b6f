"""Identity and access through the gateway: vetting, roles, sessions, defences, erasure."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa

from tests.platform import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Platform,
    login,
    patient,
    register,
    running_platform,
)

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """This module's platform keeps the real first-day limit, lowered to 3 posts an hour,
    and no refresh grace: a refresh token's second use is a reuse at once (the grace for a
    retried refresh has its test in identity's service tier)."""
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("identity"),
                                          SANDBOX_POSTS_PER_HOUR="3",
                                          REFRESH_TOKEN_GRACE_S="0"):
        yield running


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        yield client


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> dict[str, str]:
    return await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)


def application(email: str, number: str = "MMC/2011/04567") -> dict:
    return {"full_name": "Dr. Farida Shaikh", "email": email, "phone": None,
            "profession": "doctor", "registration_council": "Maharashtra Medical Council",
            "registration_number": number, "qualification": "MBBS, MD (Medicine)",
            "workplace": "KEM Hospital, Mumbai", "password": "stethoscope-and-chai"}


async def apply(client: httpx.AsyncClient, email: str, **overrides: str) -> dict:
    reply = await client.post("/v1/professional-applications",
                              json={**application(email), **overrides})
    assert reply.status_code == 201, reply.text
    assert reply.json()["status"] == "pending"
    return reply.json()


async def test_the_whole_professional_journey(platform: Platform, client: httpx.AsyncClient,
                                              admin: dict[str, str]) -> None:
    applied = await apply(client, "farida@example.in")
    path = f"/v1/admin/professional-applications/{applied['application_id']}"
    applicant = await login(client, "farida@example.in", "stethoscope-and-chai")
    me = (await client.get("/v1/me", headers=applicant)).json()
    assert me["roles"] == ["applicant"] and me["verified"] is False
    assert (await client.post("/v1/posts", headers=applicant,
                              json={"community": "common", "body": "hi"})).status_code == 403

    queue = (await client.get("/v1/admin/professional-applications",
                              params={"status": "pending"}, headers=admin)).json()["items"]
    mine = next(a for a in queue if a["application_id"] == applied["application_id"])
    assert mine["registration_number"] == "MMC/2011/04567"
    assert mine["email"] == "farida@example.in" and mine["full_name"] == "Dr. Farida Shaikh"

    asked = await client.post(f"{path}/decision", headers=admin, json={
        "decision": "request_info", "reason": "Please give your year of registration"})
    assert asked.status_code == 200 and asked.json()["status"] == "information_requested"
    seen = (await client.get("/v1/me/professional-application", headers=applicant)).json()
    assert seen["questions"][0]["question"] == "Please give your year of registration"
    answered = await client.post("/v1/me/professional-application/information",
                                 headers=applicant, json={"answer": "2011"})
    assert answered.json()["status"] == "pending"
    assert answered.json()["questions"][0]["answer"] == "2011"

    approved = await client.post(f"{path}/decision", headers=admin, json={
        "decision": "approve", "reason": "Verified on the council's register"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    doctor = await login(client, "farida@example.in", "stethoscope-and-chai")
    me = (await client.get("/v1/me", headers=doctor)).json()
    assert me["roles"] == ["professional"] and me["verified"] is True
    assert me["profession"] == "doctor"

    post = await client.post("/v1/posts", headers=doctor, json={
        "community": "diabetes", "body": "Ask me about insulin storage in summer."})
    assert post.status_code == 201
    await platform.settled()
    feed = (await client.get("/v1/feed", params={"community": "diabetes"})).json()
    author = next(i["author"] for i in feed["items"] if i["post_id"] == post.json()["post_id"])
    assert author == {"user_id": applied["user_id"], "display_name": "Dr. Farida Shaikh",
                      "verified": True, "profession": "doctor"}

    history = (await client.get(path, headers=admin)).json()["history"]
    assert [h["event_type"] for h in history] == [
        "ProfessionalApplicationSubmitted", "ProfessionalApplicationInformationRequested",
        "ProfessionalApplicationInformationProvided", "ProfessionalApplicationApproved"]
    admin_id = (await client.get("/v1/me", headers=admin)).json()["user_id"]
    assert history[-1]["actor"] == admin_id
    assert history[-1]["details"]["reason"] == "Verified on the council's register"
    assert "answer" not in history[2]["details"]
    trail = (await client.get(f"/v1/admin/users/{applied['user_id']}/history",
                              headers=admin)).json()["history"]
    assert {"RolesChanged", "ProfessionalVerified"} <= {h["event_type"] for h in trail}
    assert "farida" not in str(trail).lower()


async def test_a_rejected_applicant_stays_an_applicant(client: httpx.AsyncClient,
                                                       admin: dict[str, str]) -> None:
    applied = await apply(client, "quack@example.in", registration_number="FAKE-1")
    reply = await client.post(
        f"/v1/admin/professional-applications/{applied['application_id']}/decision",
        headers=admin, json={"decision": "reject", "reason": "No such registration"})
    assert reply.json()["status"] == "rejected"
    headers = await login(client, "quack@example.in", "stethoscope-and-chai")
    me = (await client.get("/v1/me", headers=headers)).json()
    assert me["roles"] == ["applicant"] and me["verified"] is False
    mine = (await client.get("/v1/me/professional-application", headers=headers)).json()
    assert mine["status"] == "rejected" and mine["decision_reason"] == "No such registration"
    again = await client.post(
        f"/v1/admin/professional-applications/{applied['application_id']}/decision",
        headers=admin, json={"decision": "approve", "reason": "changed my mind"})
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM


async def test_a_registration_already_held_by_a_verified_professional_is_flagged(
        client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    first = await apply(client, "first@example.in", registration_number="KMC 99881")
    await client.post(
        f"/v1/admin/professional-applications/{first['application_id']}/decision",
        headers=admin, json={"decision": "approve", "reason": "checked"})
    second = await apply(client, "second@example.in", registration_number="kmc99881")
    view = (await client.get(f"/v1/admin/professional-applications/{second['application_id']}",
                             headers=admin)).json()
    assert view["registration_held_by"] == [first["user_id"]]


async def test_staff_roles_are_assigned_by_admins_only(client: httpx.AsyncClient,
                                                       admin: dict[str, str]) -> None:
    user_id = await register(client, "pv.officer@example.in")
    roles_path = f"/v1/admin/users/{user_id}/roles"
    member = await patient(client)
    for headers, status in (({}, 401), (member, 403)):
        assert (await client.put(roles_path, headers=headers,
                                 json={"roles": ["admin"]})).status_code == status
        assert (await client.get("/v1/admin/professional-applications",
                                 headers=headers)).status_code == status
    granted = await client.put(roles_path, headers=admin,
                               json={"roles": ["pv_officer"], "reason": "joined PV team"})
    assert granted.json()["roles"] == ["patient", "pv_officer"]
    officer = await login(client, "pv.officer@example.in")
    assert (await client.get("/v1/me", headers=officer)).json()["roles"] == [
        "patient", "pv_officer"]
    for bad in ({"roles": ["professional"]}, {"roles": ["god"]}, {"roles": "admin"}, {}):
        reply = await client.put(roles_path, headers=admin, json=bad)
        assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM
    assert (await client.put(f"/v1/admin/users/{uuid.uuid4()}/roles", headers=admin,
                             json={"roles": []})).status_code == 404


async def test_refresh_tokens_rotate_and_reuse_ends_the_family(
        client: httpx.AsyncClient) -> None:
    await register(client, "rotating@example.in")
    first = (await client.post("/v1/auth/token", data={
        "username": "rotating@example.in", "password": "a-long-password-1"})).json()
    second = (await client.post("/v1/auth/refresh",
                                json={"refresh_token": first["refresh_token"]})).json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"]
    reused = await client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and reused.headers["content-type"] == PROBLEM
    after = await client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401  # the whole family was revoked
    third = (await client.post("/v1/auth/token", data={
        "username": "rotating@example.in", "password": "a-long-password-1"})).json()
    headers = {"Authorization": f"Bearer {third['access_token']}"}
    assert (await client.post("/v1/auth/logout", headers=headers,
                              json={"refresh_token": third["refresh_token"]})).status_code == 200
    assert (await client.post("/v1/auth/refresh", json={
        "refresh_token": third["refresh_token"]})).status_code == 401


async def test_ten_wrong_passwords_lock_the_account(client: httpx.AsyncClient) -> None:
    await register(client, "target@example.in")
    unknown = await client.post("/v1/auth/token", data={"username": "ghost@example.in",
                                                        "password": "wrong-password-0"})
    wrong = await client.post("/v1/auth/token", data={"username": "target@example.in",
                                                      "password": "wrong-password-0"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    for n in range(1, 10):
        await client.post("/v1/auth/token", data={"username": "target@example.in",
                                                  "password": f"wrong-password-{n}"})
    locked = await client.post("/v1/auth/token", data={"username": "target@example.in",
                                                       "password": "a-long-password-1"})
    assert locked.status_code == 429 and locked.headers["content-type"] == PROBLEM
    assert int(locked.headers["retry-after"]) > 0
    other = await client.post("/v1/auth/token", data={"username": "Target@Example.in",
                                                      "password": "a-long-password-1"})
    assert other.status_code == 429


async def test_new_accounts_have_first_day_limits(platform: Platform,
                                                  client: httpx.AsyncClient,
                                                  admin: dict[str, str]) -> None:
    newcomer = await patient(client, "Newcomer")
    await platform.settled()
    linked = await client.post("/v1/posts", headers=newcomer, json={
        "community": "common", "body": "Cheap medicines at www.example-pharmacy.com"})
    assert linked.status_code == 422 and "links" in linked.json()["detail"]
    for n in range(3):
        reply = await client.post("/v1/posts", headers=newcomer,
                                  json={"community": "common", "body": f"hello {n}"})
        assert reply.status_code == 201
    fourth = await client.post("/v1/posts", headers=newcomer,
                               json={"community": "common", "body": "one more"})
    assert fourth.status_code == 429 and fourth.headers["content-type"] == PROBLEM
    assert (await client.post("/v1/posts", headers=admin, json={
        "community": "common", "body": "Official guidance: https://pvpi.example.gov.in"})
            ).status_code == 201


async def test_consents_are_versioned_and_can_be_withdrawn(client: httpx.AsyncClient) -> None:
    headers = await patient(client, "Consenting")
    given = await client.post("/v1/me/consents", headers=headers,
                              json={"purpose": "adr_follow_up_contact", "version": "2026-11"})
    assert {"purpose": "adr_follow_up_contact", "version": "2026-11"} in given.json()["items"]
    withdrawn = await client.delete("/v1/me/consents/adr_follow_up_contact", headers=headers)
    assert {c["purpose"] for c in withdrawn.json()["items"]} == {
        "terms", "health_data_processing"}
    terms = await client.delete("/v1/me/consents/terms", headers=headers)
    assert terms.status_code == 422 and terms.headers["content-type"] == PROBLEM
    assert (await client.post("/v1/me/consents", headers=headers, json={
        "purpose": "marketing", "version": "1"})).status_code == 422


async def test_erasure_leaves_nothing_of_the_person(platform: Platform,
                                                    client: httpx.AsyncClient,
                                                    admin: dict[str, str]) -> None:
    user_id = await register(client, "erase.me@example.in", display_name="Zoya Erasable")
    headers = await login(client, "erase.me@example.in")
    post = (await client.post("/v1/posts", headers=headers, json={
        "community": "cancer", "body": "Round 3 of chemo done."})).json()
    await platform.settled()
    assert (await client.delete("/v1/me", headers=headers)).status_code == 202
    await platform.settled()

    async def nothing_left() -> None:
        assert (await client.get("/v1/me", headers=headers)).status_code == 401
        shown = (await client.get(f"/v1/posts/{post['post_id']}")).json()
        assert shown["author"]["display_name"] == "former member"
        assert shown["body"] == "Round 3 of chemo done."
        feed = (await client.get("/v1/feed", params={"community": "cancer"})).text
        history = (await client.get(f"/v1/admin/users/{user_id}/history",
                                    headers=admin)).text
        for text in (feed, history, await all_rows(platform)):
            assert "Zoya" not in text and "erase.me" not in text
        assert (await client.post("/v1/auth/token", data={
            "username": "erase.me@example.in", "password": "a-long-password-1"})
                ).status_code == 401

    await nothing_left()
    for service, projection in (("identity", "accounts"), ("feed-worker", "timeline"),
                                ("feed-worker", "community-stats")):
        reply = await client.post(f"/v1/admin/projections/{service}/{projection}/rebuild",
                                  headers=admin)
        assert reply.status_code in (200, 202)
    await platform.settled()
    await nothing_left()
    assert (await client.delete("/v1/me", headers=headers)).status_code in (401, 404)


async def all_rows(platform: Platform) -> str:
    """Every row of every table of the platform, as text."""
    async with platform.engine.connect() as conn:
        tables = (await conn.execute(sa.text(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            " WHERE table_schema IN ('identity', 'feed', 'keystore')"))).scalars().all()
        dumps = [str((await conn.execute(sa.text(
            f"SELECT json_agg(t)::text FROM {table} t"))).scalar()) for table in tables]
    return "\n".join(dumps)


BAD_IDENTITY_REQUESTS = [
    ("POST", "/v1/professional-applications", {"full_name": "X"}),
    ("POST", "/v1/professional-applications", {**application("a@b.in"), "profession": "quack"}),
    ("POST", "/v1/professional-applications", {**application("not-an-email")}),
    ("POST", "/v1/professional-applications", {**application("c@d.in"), "password": "password123"}),
    ("POST", "/v1/auth/refresh", {"refresh_token": 5}),
    ("POST", "/v1/auth/refresh", {}),
    ("POST", "/v1/accounts", {"email": "e@f.in", "password": "qwertyuiop", "display_name": "E",
                              "role": "patient", "consents": [{"purpose": "terms",
                                                               "version": "1"}]}),
]


@pytest.mark.parametrize(("method", "path", "body"), BAD_IDENTITY_REQUESTS)
async def test_bad_identity_requests_are_problems_and_write_nothing(
        platform: Platform, client: httpx.AsyncClient, method: str, path: str,
        body: dict) -> None:
    before = await platform.count("identity.events")
    reply = await client.request(method, path, json=body)
    assert 400 <= reply.status_code < 500 and reply.headers["content-type"] == PROBLEM
    assert await platform.count("identity.events") == before


async def test_concurrent_sign_ups_with_one_email_make_one_account(
        platform: Platform, client: httpx.AsyncClient) -> None:
    body = {"email": "twice@example.in", "password": "a-long-password-1", "display_name": "T",
            "role": "patient", "consents": [{"purpose": "terms", "version": "1"}]}
    replies = await asyncio.gather(*(client.post("/v1/accounts", json=body) for _ in range(4)))
    assert sorted(r.status_code for r in replies) == [201, 409, 409, 409]


async def test_no_personal_data_in_the_logs(platform: Platform) -> None:
    logs = platform.logs()
    for secret in ("@example.in", "Farida", "Zoya", "stethoscope-and-chai",
                   "a-long-password-1", "MMC/2011", "Bearer", "eyJ"):
        assert secret not in logs, secret
