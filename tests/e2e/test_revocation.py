"""Tokens die with the account: a role change, signing out and erasure stop the access
tokens issued before them within seconds, on every service's routes, and a restarted
gateway still knows it. A fresh token works wherever its roles allow."""

import uuid
from collections.abc import AsyncIterator

import httpx
import nats
import pytest

from tests.adr import report
from tests.platform import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Platform,
    eventually,
    login,
    register,
    running_platform,
)

POST = {"community": "common", "body": "Is it safe to store insulin in a clay pot?"}


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """No refresh grace here: a refresh token's second use is a reuse at once (the grace
    has its test in identity's service tier)."""
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("revoke"),
                                          REFRESH_TOKEN_GRACE_S="0"):
        yield running


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        yield client


async def signed_up(client: httpx.AsyncClient) -> tuple[str, str]:
    email = f"revoked-{uuid.uuid4().hex[:8]}@example.in"
    return await register(client, email), email


async def tokens(client: httpx.AsyncClient, email: str) -> dict:
    reply = await client.post("/v1/auth/token", data={"username": email,
                                                      "password": "a-long-password-1"})
    assert reply.status_code == 200, reply.text
    return reply.json()


def bearer(issued: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {issued['access_token']}"}


async def refused_everywhere(client: httpx.AsyncClient, headers: dict[str, str]) -> bool:
    """The token is refused by identity's, the feed's and pharmacovigilance's routes."""
    replies = [await client.get("/v1/me", headers=headers),
               await client.post("/v1/posts", headers=headers, json=POST),
               await client.post("/v1/adr-reports", headers=headers, json=report())]
    return all(r.status_code == 401 for r in replies)


async def test_a_removed_role_stops_the_old_token_and_a_fresh_one_works(
        client: httpx.AsyncClient) -> None:
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    user_id, email = await signed_up(client)
    roles = f"/v1/admin/users/{user_id}/roles"
    assert (await client.put(roles, headers=admin, json={"roles": ["pv_officer"]})
            ).status_code == 200
    officer = bearer(await tokens(client, email))
    assert (await client.get("/v1/pv/cases", headers=officer)).status_code == 200
    assert (await client.put(roles, headers=admin, json={"roles": []})).status_code == 200

    await eventually(lambda: refused_everywhere(client, officer), timeout=10)
    assert (await client.get("/v1/pv/cases", headers=officer)).status_code == 401
    fresh = bearer(await tokens(client, email))
    assert (await client.get("/v1/me", headers=fresh)).json()["roles"] == ["patient"]
    assert (await client.get("/v1/pv/cases", headers=fresh)).status_code == 403
    assert (await client.post("/v1/posts", headers=fresh, json=POST)).status_code == 201
    assert (await client.post("/v1/adr-reports", headers=fresh, json=report())
            ).status_code == 201
    assert (await client.get("/v1/me", headers=admin)).status_code == 200  # others go on


async def test_signing_out_stops_that_sessions_token_only(client: httpx.AsyncClient) -> None:
    _, email = await signed_up(client)
    phone, laptop = await tokens(client, email), await tokens(client, email)
    assert (await client.post("/v1/auth/logout", headers=bearer(phone),
                              json={"refresh_token": phone["refresh_token"]})).status_code == 200

    await eventually(lambda: refused_everywhere(client, bearer(phone)), timeout=10)
    assert (await client.get("/v1/me", headers=bearer(laptop))).status_code == 200
    assert (await client.post("/v1/posts", headers=bearer(laptop), json=POST)).status_code == 201
    again = bearer(await tokens(client, email))
    assert (await client.get("/v1/me", headers=again)).status_code == 200


async def test_a_reused_refresh_token_stops_its_sessions_access_token(
        client: httpx.AsyncClient) -> None:
    _, email = await signed_up(client)
    first = await tokens(client, email)
    second = (await client.post("/v1/auth/refresh",
                                json={"refresh_token": first["refresh_token"]})).json()
    assert (await client.post("/v1/auth/refresh", json={
        "refresh_token": first["refresh_token"]})).status_code == 401
    await eventually(lambda: refused_everywhere(client, bearer(second)), timeout=10)


async def test_erasure_stops_the_token_and_a_restarted_gateway_remembers(
        platform: Platform, client: httpx.AsyncClient) -> None:
    _, email = await signed_up(client)
    issued = await tokens(client, email)
    assert (await client.post("/v1/posts", headers=bearer(issued), json=POST)).status_code == 201
    assert (await client.delete("/v1/me", headers=bearer(issued))).status_code == 202
    await eventually(lambda: refused_everywhere(client, bearer(issued)), timeout=10)

    platform.stack.stop_process("gateway")
    platform.stack.start_gateway()
    platform.stack.wait_ready()
    assert await refused_everywhere(client, bearer(issued))


async def test_the_gateway_reads_the_identity_stream_but_publishes_no_event(
        platform: Platform) -> None:
    refusals: list[Exception] = []

    async def refused(error: Exception) -> None:
        refusals.append(error)

    gateway = await nats.connect(platform.nats.url_for("gateway"), error_cb=refused)
    try:
        await gateway.publish("identity.account.roles_changed", b"{}")
        await gateway.publish("$JS.API.STREAM.PURGE.PU_IDENTITY", b"{}")
        await gateway.flush()
        await eventually(lambda: _at_least(refusals, 2), timeout=10)
    finally:
        await gateway.close()
    assert all("permissions violation" in str(e) for e in refusals)


async def _at_least(errors: list[Exception], n: int) -> bool:
    return len(errors) >= n
