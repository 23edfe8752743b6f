"""Every route of the API, called as every role: the access table is what is enforced."""

import uuid

import httpx

from gateway.access import ACCESS
from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, register

ROLES = ("patient", "caregiver", "applicant", "professional", "moderator",
         "pharmacist_reviewer", "pv_officer", "regulator_liaison", "admin")
PATH_VALUES = {"purpose": "adr_follow_up_contact", "service": "voices", "projection": "none"}


async def real_accounts(client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    """A signed-in account of every role, made the way users get them."""
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    headers = {"admin": admin}
    for role in ("patient", "caregiver"):
        await register(client, f"{role}@access.example.in", role=role)
        headers[role] = await login(client, f"{role}@access.example.in")
    for role, number in (("applicant", "A-1"), ("professional", "P-1")):
        email = f"{role}@access.example.in"
        applied = (await client.post("/v1/professional-applications", json={
            "full_name": "Dr. Access", "email": email, "profession": "pharmacist",
            "registration_council": "Kerala Pharmacy Council", "registration_number": number,
            "qualification": "B.Pharm", "workplace": "Kochi",
            "password": "a-long-password-1"})).json()
        if role == "professional":
            await client.post(
                f"/v1/admin/professional-applications/{applied['application_id']}/decision",
                headers=admin, json={"decision": "approve", "reason": "checked"})
        headers[role] = await login(client, email)
    for role in ("moderator", "pharmacist_reviewer", "pv_officer", "regulator_liaison"):
        user_id = await register(client, f"{role}@access.example.in")
        await client.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                         json={"roles": [role]})
        headers[role] = await login(client, f"{role}@access.example.in")
    return headers


def concrete(path: str) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + str(uuid.uuid4()) + path[end + 1:]
    return path


async def test_every_route_is_in_the_access_table(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        spec = (await client.get("/openapi.json")).json()
    routes = {(method.upper(), path) for path, item in spec["paths"].items()
              for method in item if path.startswith("/v1/")}
    assert routes == set(ACCESS)


async def test_every_route_times_every_role(platform: Platform) -> None:
    failures = []
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        accounts = await real_accounts(client)
        for (method, path), allowed in sorted(ACCESS.items()):
            # Erasing would end the accounts the walk goes on with (erasure has its own test).
            callers = (None,) if (method, path) == ("DELETE", "/v1/me") else (None, *ROLES)
            for role in callers:
                headers = accounts[role] if role else {}
                body = {} if method in ("POST", "PUT") else None
                reply = await client.request(method, concrete(path), headers=headers,
                                             json=body)
                expected = _expected(allowed, role)
                got = reply.status_code
                refused = got in (401, 403)
                if (expected == "through" and refused) or (
                        expected != "through" and got != expected) or got >= 500:
                    failures.append(f"{method} {path} as {role}: {got} (want {expected})")
    assert not failures, "\n".join(failures)


def _expected(allowed: frozenset[str] | None, role: str | None) -> int | str:
    if allowed is None:
        return "through"
    if role is None:
        return 401
    return "through" if role in allowed else 403


async def test_malformed_bodies_on_every_write_are_problems_and_write_nothing(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        before = (await platform.count("identity.events"), await platform.count("feed.events"))
        for (method, path), _ in sorted(ACCESS.items()):
            if method not in ("POST", "PUT") or path.endswith("/rebuild"):
                continue
            for body in (b"{not json", b"[]", b'{"unexpected": true}'):
                reply = await client.request(method, concrete(path), content=body, headers={
                    **admin, "Content-Type": "application/json"})
                assert 400 <= reply.status_code < 500, (method, path, body, reply.text)
                assert reply.headers["content-type"] == "application/problem+json"
        after = (await platform.count("identity.events"), await platform.count("feed.events"))
        assert after == before
