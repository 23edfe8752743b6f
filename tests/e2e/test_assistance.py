"""Project FAITH through the gateway (issue 14 B): a caregiver's application for their
father from the eligibility check to the payment to the hospital, the fund never
overdrawn by concurrent approvals, who may do and see what, bad input, and rebuilt read
models, on real NATS and Postgres."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import nats
import pytest

from contracts.assistance.messages import MAX_DOCUMENT_BYTES
from kit.projection import wait_for
from tests import documents as sample_documents
from tests.documents import pdf, png
from tests.platform import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Platform,
    eventually,
    login,
    patient,
    register,
    running_platform,
)

PROBLEM = "application/problem+json"
LAKH = 1_00_000_00  # ₹1 lakh in paise
FATHER = {"patient_name": "Suresh Patil", "relation": "parent", "patient_age": 66,
          "diagnosis": "Coronary artery disease; bypass surgery advised",
          "disease_area": "heart",
          "hospital": {"name": "Sassoon General Hospital", "type": "government",
                       "state": "Maharashtra"},
          "estimate": 2 * LAKH, "treatment_start": "2026-12-20", "income_bracket": "bpl",
          "urgency": "high"}


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("assistance"),
                                           SANDBOX_HOURS="0"):
        yield running


async def schemes_settled(platform: Platform) -> None:
    """The assistance service's schemes projection has seen every feed event."""
    nc = await nats.connect(platform.nats.url)
    try:
        js = nc.jetstream()
        last = (await js.stream_info("PU_FEED")).state.last_seq
        await wait_for(js, "assistance-projections", "PU_FEED", last)
    finally:
        await nc.close()


async def officer(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, str]:
    email = f"officer-{uuid.uuid4().hex[:8]}@example.in"
    user_id = await register(client, email, display_name="Officer")
    granted = await client.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                               json={"roles": ["assistance_officer"]})
    assert granted.status_code == 200, granted.text
    return await login(client, email)


async def caregiver(client: httpx.AsyncClient, name: str = "Anita") -> dict[str, str]:
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.in"
    await register(client, email, display_name=name, role="caregiver")
    return await login(client, email)


async def upload(client: httpx.AsyncClient, who: dict[str, str], case: str, kind: str,
                 data: bytes, name: str = "scan.pdf") -> httpx.Response:
    return await client.post(f"/v1/assistance/applications/{case}/documents", headers=who,
                             files={"file": (name, data, "application/pdf")},
                             data={"kind": kind})


async def steps(client: httpx.AsyncClient, who: dict[str, str], case: str) -> list[str]:
    reply = await client.get(f"/v1/assistance/applications/{case}", headers=who)
    assert reply.status_code == 200, reply.text
    return [step["kind"] for step in reply.json()["timeline"]]


async def general(client: httpx.AsyncClient, admin: dict[str, str]) -> int:
    """What the general fund (money without a restriction) has available."""
    reply = await client.get("/v1/assistance/fund", headers=admin)
    assert reply.status_code == 200, reply.text
    return sum(p["available"] for p in reply.json()["pools"] if p["restriction"] is None)


async def test_a_caregiver_applies_for_their_father_and_sees_each_step(
        platform: Platform) -> None:
    await schemes_settled(platform)
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        anita, case_officer = await caregiver(client), await officer(client, admin)
        check = await client.post("/v1/assistance/eligibility", json={
            "patient_age": 66, "disease_area": "heart", "hospital_type": "government",
            "hospital_state": "Maharashtra", "income_bracket": "bpl"})
        assert check.status_code == 200, check.text
        assert check.json()["suggested_schemes"][0]["slug"] == "pm-jay"
        applied = await client.post("/v1/assistance/applications", headers=anita, json=FATHER)
        assert applied.status_code == 201, applied.text
        case = applied.json()["application_id"]
        assert "pm-jay" in [s["slug"] for s in applied.json()["suggested_schemes"]]
        for kind, data in (("estimate", pdf()), ("id", png())):
            added = await upload(client, anita, case, kind, data)
            assert added.status_code == 201, added.text
        photo_id = await client.get(f"/v1/assistance/applications/{case}/documents/"
                                    f"{added.json()['document_id']}", headers=case_officer)
        assert photo_id.status_code == 200 and photo_id.content == png()
        assert photo_id.headers["content-type"] == "image/png"
        asked = await client.post(f"/v1/assistance/applications/{case}/decision",
                                  headers=case_officer, json={
                                      "decision": "request_documents",
                                      "documents": ["income_certificate"],
                                      "reason": "Please add the tehsildar's income certificate"})
        assert asked.status_code == 200, asked.text
        seen = await client.get(f"/v1/assistance/applications/{case}", headers=anita)
        assert seen.json()["documents_outstanding"] == ["income_certificate"]
        assert seen.json()["timeline"][-1]["note"] == \
            "Please add the tehsildar's income certificate"
        assert (await upload(client, anita, case, "income_certificate", pdf("Income: Rs 60,000"))
                ).status_code == 201
        verified = await client.post(f"/v1/assistance/applications/{case}/verification",
                                     headers=case_officer,
                                     json={"note": "MS confirmed the estimate by phone"})
        assert verified.status_code == 200, verified.text
        given = await client.post("/v1/assistance/sponsorships", headers=admin, json={
            "sponsor": "Pune Rotary Club", "amount": 5 * LAKH, "restriction": "heart"})
        assert given.status_code == 201, given.text
        approved = await client.post(f"/v1/assistance/applications/{case}/decision",
                                     headers=case_officer, json={
                                         "decision": "approve", "amount": int(1.5 * LAKH),
                                         "reason": "Eligible; PM-JAY card not issued yet"})
        assert approved.status_code == 200, approved.text
        paid = await client.post(f"/v1/assistance/applications/{case}/disbursements",
                                 headers=case_officer, json={
                                     "amount": int(1.5 * LAKH), "payee": "hospital",
                                     "reference": "NEFT UTR 6120001"})
        assert paid.status_code == 201, paid.text
        assert await steps(client, anita, case) == [
            "submitted", "document_added", "document_added", "documents_requested",
            "document_added", "hospital_verified", "approved", "disbursed"]
        view = (await client.get(f"/v1/assistance/applications/{case}", headers=anita)).json()
        assert (view["status"], view["approved"], view["disbursed"]) == (
            "disbursed", int(1.5 * LAKH), int(1.5 * LAKH))
        assert view["timeline"][-1]["detail"] == "hospital: NEFT UTR 6120001"
        assert {d["content_type"] for d in view["documents"]} == {"application/pdf",
                                                                   "image/png"}
        await platform.settled()
        told = (await client.get("/v1/me/notifications", headers=anita)).json()["items"]
        assert [(n["kind"], n["link"]) for n in reversed(told)] == [
            (f"assistance_{step}", f"/v1/assistance/applications/{case}") for step in (
                "documents_requested", "hospital_verified", "approved", "disbursed")]
        mine = await client.get("/v1/me/assistance/applications", headers=anita)
        assert [item["application_id"] for item in mine.json()["items"]] == [case]
        report = await client.get("/v1/assistance/fund/report", headers=admin)
        assert report.status_code == 200 and "Suresh" not in report.text
        assert case not in report.text and "Sassoon" not in report.text


async def verified_cases(client: httpx.AsyncClient, case_officer: dict[str, str],
                         count: int) -> list[str]:
    cases = []
    for _ in range(count):
        who = await patient(client, "Kavya")
        applied = await client.post("/v1/assistance/applications", headers=who, json={
            **FATHER, "relation": "self", "disease_area": "kidney"})
        case = applied.json()["application_id"]
        await client.post(f"/v1/assistance/applications/{case}/verification",
                          headers=case_officer, json={"note": "confirmed"})
        cases.append(case)
    return cases


async def test_ten_approvals_at_once_against_a_fund_that_pays_three(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        case_officer = await officer(client, admin)
        before = await general(client, admin)  # kidney cases draw on general money only
        amount = before + LAKH  # more than is there now: the top-up makes exactly three
        top_up = 3 * amount - before
        given = await client.post("/v1/assistance/sponsorships", headers=admin,
                                  json={"sponsor": "Anonymous donors", "amount": top_up})
        assert given.status_code == 201, given.text
        cases = await verified_cases(client, case_officer, 10)
        replies = await asyncio.gather(*(client.post(  # keyed, as a client retrying would
            f"/v1/assistance/applications/{case}/decision",
            headers={**case_officer, "Idempotency-Key": f"approve-{case}"},
            json={"decision": "approve", "amount": amount, "reason": "Urgent dialysis"})
            for case in cases))
        assert sorted(r.status_code for r in replies) == [200] * 3 + [409] * 7, \
            [r.text for r in replies]
        refused = [r.json() for r in replies if r.status_code == 409]
        assert all(r["title"] == "Not enough money in the fund" for r in refused), refused
        fund = (await client.get("/v1/assistance/fund", headers=admin)).json()
        assert await general(client, admin) == 0
        assert all(p["available"] >= 0 for p in fund["pools"])
        assert fund["approved"] <= fund["received"]
        again = await client.post(  # the same key again: the first answer, nothing reserved
            f"/v1/assistance/applications/{cases[0]}/decision",
            headers={**case_officer, "Idempotency-Key": f"approve-{cases[0]}"},
            json={"decision": "approve", "amount": amount, "reason": "Urgent dialysis"})
        assert again.status_code == replies[0].status_code
        assert (await client.get("/v1/assistance/fund", headers=admin)).json() == fund


async def test_who_may_approve_and_who_may_read_a_case(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        owner, stranger = await caregiver(client, "Farah"), await patient(client, "Imran")
        case = (await client.post("/v1/assistance/applications", headers=owner,
                                  json=FATHER)).json()["application_id"]
        refused = await client.post(f"/v1/assistance/applications/{case}/decision",
                                    headers=owner, json={"decision": "approve",
                                                         "amount": LAKH, "reason": "me"})
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith(PROBLEM)
        hidden = await client.get(f"/v1/assistance/applications/{case}", headers=stranger)
        assert hidden.status_code == 404 and hidden.headers["content-type"].startswith(PROBLEM)
        assert (await upload(client, stranger, case, "id", png())).status_code == 404
        mine = (await upload(client, owner, case, "id", png())).json()["document_id"]
        taken = await client.get(f"/v1/assistance/applications/{case}/documents/{mine}",
                                 headers=stranger)
        assert taken.status_code == 404
        assert (await client.get("/v1/assistance/fund", headers=owner)).status_code == 403
        assert (await client.get(f"/v1/assistance/applications/{case}")).status_code == 401


async def test_bad_input_is_a_problem_and_writes_nothing(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        anita, case_officer = await caregiver(client), await officer(client, admin)
        case = (await client.post("/v1/assistance/applications", headers=anita,
                                  json=FATHER)).json()["application_id"]
        before = await platform.count("assistance.events")
        documents = await platform.count("assistance.documents")
        text = b"This is my income certificate, typed out.\n" * 30
        bad = [
            await upload(client, anita, case, "income_certificate", text, "certificate.pdf"),
            await upload(client, anita, case, "estimate", b"%PDF-1.4\n" + text),
            await upload(client, anita, case, "passport", pdf()),
            await upload(client, anita, case, "id", b"x" * (300 * 1024)),
            await client.post(f"/v1/assistance/applications/{case}/documents", headers=anita,
                              data={"kind": "id"}),
            await client.post("/v1/assistance/applications", headers=anita,
                              json={**FATHER, "estimate": -100}),
            await client.post("/v1/assistance/applications", headers=anita,
                              json={**FATHER, "income_bracket": "rich", "extra": 1}),
            await client.post("/v1/assistance/applications", headers=anita,
                              json={**FATHER, "treatment_end": "2026-01-01"}),
            await client.post("/v1/assistance/applications/not-a-uuid/decision",
                              headers=case_officer, json={"decision": "reject", "reason": "r"}),
            await client.post(f"/v1/assistance/applications/{case}/decision",
                              headers=case_officer, json={"decision": "approve", "reason": "r"}),
            await client.post(f"/v1/assistance/applications/{case}/decision",
                              headers=case_officer,
                              json={"decision": "approve", "amount": LAKH, "reason": "r"}),
            await client.post(f"/v1/assistance/applications/{case}/disbursements",
                              headers=case_officer, json={"amount": LAKH, "reference": "X1"}),
            await client.post("/v1/assistance/sponsorships", headers=admin,
                              json={"sponsor": "S", "amount": 0}),
            await client.get("/v1/assistance/queue", headers=case_officer,
                             params={"cursor": "bm9wZQ"}),
        ]
        for reply in bad:
            assert 400 <= reply.status_code < 500, (reply.status_code, reply.text)
            assert reply.headers["content-type"].startswith(PROBLEM), reply.text
        assert bad[0].json()["errors"][0]["field"] == "file"
        assert await platform.count("assistance.events") == before
        assert await platform.count("assistance.documents") == documents


async def test_rebuilding_the_read_models_gives_the_same_results(platform: Platform) -> None:
    await schemes_settled(platform)
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        anita, case_officer = await caregiver(client), await officer(client, admin)
        case = (await client.post("/v1/assistance/applications", headers=anita,
                                  json=FATHER)).json()["application_id"]
        await client.post(f"/v1/assistance/applications/{case}/decision", headers=case_officer,
                          json={"decision": "refer", "scheme": "pm-jay",
                                "reason": "The family qualifies for PM-JAY: apply there"})
        check = {"patient_age": 30, "disease_area": "kidney", "hospital_type": "government",
                 "hospital_state": "Delhi", "income_bracket": "bpl"}
        before = [(await client.get(f"/v1/assistance/applications/{case}", headers=anita)).json(),
                  (await client.get("/v1/assistance/queue", headers=case_officer,
                                    params={"limit": 100})).json(),
                  (await client.post("/v1/assistance/eligibility", json=check)).json()]
        rebuilt = await client.post("/v1/admin/projections/assistance/applications/rebuild",
                                    headers=admin)
        assert rebuilt.status_code == 200, rebuilt.text
        schemes = await client.post("/v1/admin/projections/assistance/schemes/rebuild",
                                    headers=admin)
        assert schemes.status_code == 202, schemes.text
        await schemes_settled(platform)

        async def same() -> bool:
            now = [(await client.get(f"/v1/assistance/applications/{case}",
                                     headers=anita)).json(),
                   (await client.get("/v1/assistance/queue", headers=case_officer,
                                     params={"limit": 100})).json(),
                   (await client.post("/v1/assistance/eligibility", json=check)).json()]
            return now == before
        await eventually(same)


async def test_a_scanned_pdf_of_a_few_mb_is_kept_and_an_oversized_one_is_a_413(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=60) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        anita, case_officer = await caregiver(client), await officer(client, admin)
        case = (await client.post("/v1/assistance/applications", headers=anita,
                                  json=FATHER)).json()["application_id"]
        scan = sample_documents.pdf("Estimate for CABG: Rs 2,00,000", scan_bytes=4_000_000)
        added = await upload(client, anita, case, "estimate", scan)
        assert added.status_code == 201, added.text
        assert (added.json()["size"], added.json()["content_type"]) == (len(scan),
                                                                        "application/pdf")
        path = f"/v1/assistance/applications/{case}/documents/{added.json()['document_id']}"
        read = await client.get(path, headers=case_officer)
        assert read.status_code == 200 and read.content == scan
        assert read.headers["content-length"] == str(len(scan))
        part = await client.get(path, headers={**case_officer, "Range": "bytes=1000-2999"})
        assert part.status_code == 206 and part.content == scan[1000:3000]
        documents, events = (await platform.count("assistance.documents"),
                             await platform.count("assistance.events"))
        huge = sample_documents.pdf(scan_bytes=MAX_DOCUMENT_BYTES + 100_000)
        refused = await upload(client, anita, case, "estimate", huge)
        assert refused.status_code == 413 and refused.headers["content-type"].startswith(
            PROBLEM)
        assert "the body may be at most" in refused.json()["detail"]
        assert (await platform.count("assistance.documents"),
                await platform.count("assistance.events")) == (documents, events)
        # The pattern is this route's: elsewhere the default limit holds.
        big_post = await client.post("/v1/assistance/applications", content=b" " * 400_000,
                                     headers={**anita, "content-type": "application/json"})
        assert big_post.status_code == 413


async def test_an_erased_applicants_documents_are_deleted_from_the_media_store(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        anita, case_officer = await caregiver(client), await officer(client, admin)
        case = (await client.post("/v1/assistance/applications", headers=anita,
                                  json=FATHER)).json()["application_id"]
        added = await upload(client, anita, case, "estimate", pdf())
        assert added.status_code == 201, added.text
        stored = (platform.tmp / "logs" / "media" / "assistance"
                  / f"assistance-{uuid.UUID(added.json()['document_id']).hex}")
        assert stored.exists()
        erased = await client.delete("/v1/me", headers=anita)
        assert erased.status_code == 202, erased.text

        async def gone() -> bool:
            return not stored.exists()

        await eventually(gone)
        path = f"/v1/assistance/applications/{case}/documents/{added.json()['document_id']}"
        assert (await client.get(path, headers=case_officer)).status_code == 410
