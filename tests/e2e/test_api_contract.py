"""Bad input, idempotency and personal data, through the gateway."""

import asyncio
import base64
import json
import time
import uuid

import httpx
import jwt
import pytest
import sqlalchemy as sa

from identity.tokens import new_private_key_pem
from kit.personal import KeyShreddedError, PersonalData, master_key_from
from tests.platform import (
    ADMIN_PASSWORD,
    JWT_KEY,
    MASTER_KEY,
    Platform,
    login,
    patient,
    register,
)

PROBLEM = "application/problem+json"


async def counts(platform: Platform) -> tuple[object, ...]:
    return (await platform.scalar("SELECT count(*) FROM feed.events"),
            await platform.scalar("SELECT count(*) FROM identity.events"),
            await platform.scalar("SELECT count(*) FROM feed.posts"))


def token(claims: dict, key: str = JWT_KEY, algorithm: str = "EdDSA") -> str:
    now = int(time.time())
    base = {"iss": "patients-union", "aud": "patients-union-api", "sub": str(uuid.uuid4()),
            "roles": ["patient"], "iat": now, "exp": now + 600}
    headers = {"kid": _kid()}
    return jwt.encode({**base, **claims}, key, algorithm=algorithm, headers=headers)


def _kid() -> str:
    from identity.tokens import TokenSigner, load_private_key

    return TokenSigner(load_private_key(JWT_KEY, ""), "i", "a", 1).kid


def unsigned(claims: dict) -> str:
    def b64(part: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")

    now = int(time.time())
    body = {"iss": "patients-union", "aud": "patients-union-api", "sub": str(uuid.uuid4()),
            "roles": ["admin"], "iat": now, "exp": now + 600, **claims}
    return f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': _kid()})}.{b64(body)}."


BAD_POSTS = [
    ("malformed JSON", b'{"community": "diabetes", "body": ', 400),
    ("missing body", b'{"community": "diabetes"}', 422),
    ("wrong type", b'{"community": "diabetes", "body": 42}', 422),
    ("unknown field", b'{"community": "diabetes", "body": "x", "admin": true}', 422),
    ("unknown community", b'{"community": "astrology", "body": "x"}', 422),
    ("bad kind", b'{"community": "diabetes", "body": "x", "kind": "advert"}', 422),
    ("empty body", b'{"community": "diabetes", "body": "   "}', 422),
    ("not an object", b'["diabetes"]', 422),
    ("oversized", json.dumps({"community": "diabetes", "body": "x" * 300_000}).encode(), 413),
]


@pytest.mark.parametrize(("case", "payload", "status"), BAD_POSTS, ids=[c[0] for c in BAD_POSTS])
async def test_bad_posts_get_a_problem_and_write_nothing(platform: Platform, case: str,
                                                        payload: bytes, status: int) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        headers = await patient(client)
        before = await counts(platform)
        reply = await client.post("/v1/posts", content=payload,
                                  headers={**headers, "Content-Type": "application/json"})
        assert reply.status_code == status, reply.text
        assert reply.headers["content-type"] == PROBLEM
        problem = reply.json()
        assert problem["status"] == status and problem["title"]
        if status == 422:
            assert problem["errors"] and all({"field", "message"} <= set(e)
                                             for e in problem["errors"])
        assert await counts(platform) == before


BAD_TOKENS = {
    "missing": None,
    "garbage": "Bearer not-a-token",
    "wrong scheme": "Basic dXNlcjpwYXNz",
    "expired": "Bearer " + token({"exp": int(time.time()) - 60, "iat": int(time.time()) - 700}),
    "wrong audience": "Bearer " + token({"aud": "someone-else"}),
    "wrong issuer": "Bearer " + token({"iss": "someone-else"}),
    "alg none": "Bearer " + unsigned({}),
    "signed by another key": "Bearer " + token({}, key=new_private_key_pem()),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
async def test_bad_tokens_are_refused(platform: Platform, case: str) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        authorization = BAD_TOKENS[case]
        before = await counts(platform)
        reply = await client.post("/v1/posts", json={"community": "hiv", "body": "x"},
                                  headers={"Authorization": authorization} if authorization
                                  else {})
        assert reply.status_code == 401, reply.text
        assert reply.headers["content-type"] == PROBLEM
        assert (await client.get("/v1/me", headers={"Authorization": authorization or ""})
                ).status_code == 401
        assert await counts(platform) == before


async def test_a_tampered_token_is_refused(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        headers = await patient(client)
        head, body, signature = headers["Authorization"].removeprefix("Bearer ").split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        claims["roles"] = ["admin"]
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        reply = await client.get("/v1/me", headers={
            "Authorization": f"Bearer {head}.{forged}.{signature}"})
        assert reply.status_code == 401


async def test_bad_accounts_and_logins_get_problems(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        before = await counts(platform)
        for body in ({"email": "x@example.in", "password": "short", "display_name": "X",
                      "role": "patient", "consents": [{"purpose": "terms", "version": "1"}]},
                     {"email": "not-an-email", "password": "long-enough-pw", "display_name": "X",
                      "role": "patient", "consents": [{"purpose": "terms", "version": "1"}]},
                     {"phone": "12345", "password": "long-enough-pw", "display_name": "X",
                      "role": "patient", "consents": [{"purpose": "terms", "version": "1"}]},
                     {"email": "y@example.in", "password": "long-enough-pw",
                      "display_name": "X", "role": "admin",
                      "consents": [{"purpose": "terms", "version": "1"}]},
                     {"email": "z@example.in", "password": "long-enough-pw",
                      "display_name": "X", "role": "patient", "consents": []}):
            reply = await client.post("/v1/accounts", json=body)
            assert reply.status_code == 422, (body, reply.text)
            assert reply.headers["content-type"] == PROBLEM
        assert await counts(platform) == before
        wrong = await client.post("/v1/auth/token", data={"username": "nobody@example.in",
                                                          "password": "whatever-it-is"})
        assert wrong.status_code == 401 and wrong.headers["content-type"] == PROBLEM
        missing = await client.post("/v1/auth/token", data={"username": "a"})
        assert missing.status_code == 422


async def test_a_taken_email_is_a_conflict(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        await register(client, "taken@example.in")
        reply = await client.post("/v1/accounts", json={
            "email": "TAKEN@example.in", "password": "another-password", "display_name": "T",
            "role": "patient", "consents": [{"purpose": "terms", "version": "1"}]})
        assert reply.status_code == 409 and reply.headers["content-type"] == PROBLEM


async def test_unknown_routes_and_methods_are_problems(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        assert (await client.get("/v1/nothing")).headers["content-type"] == PROBLEM
        reply = await client.delete("/v1/communities")
        assert reply.status_code == 405 and reply.headers["content-type"] == PROBLEM
        reply = await client.get("/v1/feed", params={"community": "astrology"})
        assert reply.status_code == 404 and reply.headers["content-type"] == PROBLEM
        reply = await client.get("/v1/feed", params={"cursor": "!!!"})
        assert reply.status_code == 422
        reply = await client.get("/v1/feed", params={"limit": 1000})
        assert reply.status_code == 422
        reply = await client.get("/v1/posts/not-a-uuid")
        assert reply.status_code == 422
        reply = await client.get(f"/v1/posts/{uuid.uuid4()}")
        assert reply.status_code == 404


async def test_the_same_idempotency_key_twice_makes_one_post(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        headers = {**await patient(client), "Idempotency-Key": str(uuid.uuid4())}
        body = {"community": "tuberculosis", "body": "Day 30 of DOTS. Feeling better."}
        before = await platform.scalar("SELECT count(*) FROM feed.posts")
        first, second = await asyncio.gather(
            client.post("/v1/posts", json=body, headers=headers),
            client.post("/v1/posts", json=body, headers=headers))
        third = await client.post("/v1/posts", json=body, headers=headers)
        statuses = (first.status_code, second.status_code, third.status_code)
        assert statuses == (201, 201, 201), (first.text, second.text, third.text)
        assert first.json() == second.json() == third.json()
        assert await platform.scalar("SELECT count(*) FROM feed.posts") == before + 1
        other = await client.post("/v1/posts", json={**body, "body": "different"},
                                  headers=headers)
        assert other.status_code == 422 and other.headers["content-type"] == PROBLEM
        assert await platform.scalar("SELECT count(*) FROM feed.posts") == before + 1


async def test_a_shredded_key_makes_personal_fields_unreadable(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        user_id = uuid.UUID(await register(client, "shred.me@example.in", display_name="Kavya"))
    async with platform.engine.begin() as conn:
        data = await conn.scalar(sa.text(
            "SELECT data FROM identity.events WHERE event_type = 'AccountRegistered'"
            " AND stream_id = :s"), {"s": f"account-{user_id}"})
        assert "shred.me@example.in" not in json.dumps(data) and "Kavya" not in json.dumps(data)
        personal = PersonalData(master_key_from(MASTER_KEY))
        email = await personal.reveal(conn, user_id, "email", data["email"])
        assert email == "shred.me@example.in"
        await personal.shred(conn, user_id)
        with pytest.raises(KeyShreddedError):
            await personal.key(conn, user_id)
        assert await personal.reveal(conn, user_id, "email", data["email"]) is None
        assert await personal.reveal(conn, user_id, "display_name", data["display_name"]) is None


async def test_the_problem_title_follows_accept_language(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        reply = await client.get("/v1/me", headers={"Accept-Language": "hi"})
        assert reply.status_code == 401 and reply.json()["title"] == "पहले साइन इन करें"


async def test_an_indian_phone_number_signs_in_however_it_is_written(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        reply = await client.post("/v1/accounts", json={
            "phone": "098765 43210", "password": "a-long-password-1", "display_name": "Anu",
            "role": "caregiver", "consents": [{"purpose": "terms", "version": "1"}]})
        assert reply.status_code == 201, reply.text
        for written in ("+91 98765 43210", "9876543210", "+919876543210"):
            headers = await login(client, written)
            me = (await client.get("/v1/me", headers=headers)).json()
            assert me["roles"] == ["caregiver"] and me["display_name"] == "Anu"


async def test_no_personal_data_password_or_token_in_any_log_line(platform: Platform) -> None:
    """Runs last in this module: every request above has been logged by then."""
    logs = platform.logs()
    assert '"event": "service_started"' in logs  # the logs are there, and JSON
    for secret in ("@example.in", "a-long-password-1", "another-password", "9876543210",
                   "Kavya", "Bearer", "eyJ", ADMIN_PASSWORD):
        assert secret not in logs, secret
