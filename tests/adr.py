"""Helpers of the pharmacovigilance tests: a consumer-form report, staff, coded cases, and
the fake regulator's controls."""

import random
import string
import uuid

import httpx

from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, eventually, login, register


def report(medicine: str = "Amoxicillin 500 mg capsule", reaction: str = "त्वचा पर दाने",
           initials: str | None = None, **overrides: object) -> dict:
    # Different initials by default: reports of different people, not likely duplicates.
    initials = initials or "".join(random.choices(string.ascii_uppercase, k=3))
    body = {
        "reporter": {"name": "Rekha Kumari", "email": "rekha@example.in", "relation": "self",
                     "is_health_professional": False, "consent_to_contact": True,
                     "consent_to_be_named": False},
        "patient": {"initials": initials, "sex": "female", "age": {"value": 34, "unit": "years"},
                    "weight_kg": 58},
        "reactions": [{"description": reaction, "language": "hi", "start_date": "2026-11-01",
                       "outcome": "recovering",
                       "seriousness": {"death": "no", "life_threatening": "no",
                                       "hospitalisation": "unknown"}}],
        "medicines": [{"name": medicine, "dose": "500 mg", "route": "oral",
                       "frequency": "three times a day", "start_date": "2026-10-29",
                       "stop_date": "2026-11-02", "indication": "tooth infection",
                       "advised_by": "doctor", "role": "suspect", "action_taken": "withdrawn",
                       "rechallenge": "not_done"}],
        "history": "", "draft": False}
    body.update(overrides)
    return body


async def staff(client: httpx.AsyncClient, role: str) -> dict[str, str]:
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    email = f"{role}-{uuid.uuid4().hex[:6]}@example.in"
    user_id = await register(client, email)
    await client.put(f"/v1/admin/users/{user_id}/roles", headers=admin, json={"roles": [role]})
    return await login(client, email)


async def coded_case(client: httpx.AsyncClient, reporter: dict[str, str],
                     officer: dict[str, str], medicine: str = "Amoxicillin") -> dict:
    case_id = (await client.post("/v1/adr-reports", headers=reporter,
                                 json=report(medicine=medicine))).json()["report_id"]
    case = (await client.get(f"/v1/pv/cases/{case_id}", headers=officer)).json()
    reaction_id = case["reactions"][0]["reaction_id"]
    await client.post(f"/v1/pv/cases/{case_id}/assessment", headers=officer, json={
        "reactions": [{"reaction_id": reaction_id,
                       "meddra": {"code": "10037844", "term": "Rash", "version": "27.1"}}],
        "causality": [{"medicine_id": case["medicines"][0]["medicine_id"],
                       "reaction_id": reaction_id, "category": "possible"}],
        "seriousness_confirmed": True})
    return case


async def regulator(platform: Platform, path: str, **body: object) -> dict:
    async with httpx.AsyncClient(base_url=platform.stack.regulator_url) as fake:
        reply = await (fake.post(path, json=body) if body else fake.get(path))
        return reply.json() if reply.content else {}


async def status_of(client: httpx.AsyncClient, headers: dict[str, str], case_id: str) -> str:
    return (await client.get(f"/v1/adr-reports/{case_id}", headers=headers)).json()["status"]


async def is_status(client: httpx.AsyncClient, headers: dict[str, str], case_id: str,
              status: str) -> bool:
    return await status_of(client, headers, case_id) == status




async def relay_queue(client: httpx.AsyncClient, officer: dict[str, str],
                      **params: str) -> list[dict]:
    """Every item of the relay queue, page by page."""
    items: list[dict] = []
    cursor = None
    while True:
        page = (await client.get("/v1/pv/relay", headers=officer, params={
            **params, "limit": "3", **({"cursor": cursor} if cursor else {})})).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def rejected(platform: Platform, client: httpx.AsyncClient, reporter: dict[str, str],
                   officer: dict[str, str], case: dict, reason: str) -> dict:
    """Submit the case while the fake regulator rejects everything with `reason`; the case
    as the officer then sees it."""
    await regulator(platform, "/control", mode="reject", reason=reason)
    try:
        await client.post(f"/v1/pv/cases/{case['report_id']}/submit", headers=officer)
        await eventually(lambda: is_status(client, reporter, case["report_id"],
                                           "rejected_by_regulator"))
    finally:
        await regulator(platform, "/control", mode="up")
    return (await client.get(f"/v1/pv/cases/{case['report_id']}", headers=officer)).json()
