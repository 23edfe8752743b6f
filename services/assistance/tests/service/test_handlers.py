"""Every assistance use case through its HANDLERS entry, on a real Postgres."""

import asyncio
from base64 import b64encode
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from assistance import handlers, projections
from contracts.roles import ADMIN, ASSISTANCE_OFFICER, CAREGIVER, PATIENT
from contracts.rpc import Principal
from kit import personal, readmodels
from tests.documents import TEXT_AS_PDF, pdf, png
from tests.service_tier import Tier, operations_called_in, operations_of

from .conftest import member

LAKH = 1_00_000_00  # ₹1 lakh in paise


def application(**changes: Any) -> dict[str, Any]:
    return {"patient_name": "Ramesh Kumar", "relation": "parent", "patient_age": 64,
            "diagnosis": "Triple vessel disease, CABG advised", "disease_area": "heart",
            "hospital": {"name": "KEM Hospital", "type": "government", "state": "Maharashtra"},
            "estimate": 3 * LAKH, "treatment_start": "2026-12-15", "income_bracket": "bpl",
            "urgency": "high", **changes}


async def events(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.text("SELECT count(*) FROM assistance.events")) or 0)


def doc(data: bytes, application_id: str, kind: str = "estimate") -> dict[str, str]:
    return {"application_id": application_id, "kind": kind,
            "data_b64": b64encode(data).decode()}


async def verified_case(tier: Tier, applicant: Principal, officer: Principal,
                        **changes: Any) -> str:
    applied = await tier.ok("apply", application(**changes), applicant)
    case = str(applied["application_id"])
    await tier.ok("verify_hospital", {"application_id": case,
                                      "note": "Estimate confirmed by the MS"}, officer)
    return case


async def test_every_handler_is_called_by_a_test() -> None:
    assert operations_of(handlers.HANDLERS) <= operations_called_in(Path(__file__).parent)


async def test_a_caregivers_case_from_eligibility_to_payment(
        assistance: Tier, engine: AsyncEngine, media_dir: Path) -> None:
    caregiver = await member(engine, CAREGIVER)
    officer = await member(engine, ASSISTANCE_OFFICER)
    admin = await member(engine, ADMIN)
    check = await assistance.ok("check_eligibility", {
        "patient_age": 64, "disease_area": "heart", "hospital_type": "government",
        "hospital_state": "Maharashtra", "income_bracket": "bpl"})
    assert [s["slug"] for s in check["suggested_schemes"]] == [
        "pm-jay", "rashtriya-arogya-nidhi", "mahatma-phule"]
    await assistance.ok("record_sponsorship", {"sponsor": "Tata Trusts", "amount": 5 * LAKH},
                        admin)
    applied = await assistance.ok("apply", application(), caregiver)
    case = str(applied["application_id"])
    assert applied["suggested_schemes"][0]["slug"] == "pm-jay"
    await assistance.ok("upload_document", doc(pdf(), case), caregiver)
    asked = await assistance.ok("decide_application", {
        "application_id": case, "decision": "request_documents", "documents": ["ration_card"],
        "reason": "We need the family's ration card"}, officer)
    assert asked["status"] == "documents_requested"
    added = await assistance.ok("upload_document", doc(png(), case, "ration_card"), caregiver)
    assert (added["content_type"], added["status"]) == ("image/png", "submitted")
    await assistance.ok("verify_hospital", {"application_id": case,
                                            "note": "Called the MS office"}, officer)
    queue = await assistance.ok("assistance_queue", {"status": "verified"}, officer)
    assert [item["application_id"] for item in queue["items"]] == [case]
    await assistance.ok("decide_application", {"application_id": case, "decision": "approve",
                                               "amount": 2 * LAKH, "reason": "Eligible"},
                        officer)
    await assistance.ok("record_disbursement", {"application_id": case, "amount": 2 * LAKH,
                                                "reference": "NEFT-UTR-0001"}, officer)
    await assistance.ok("close_application", {"application_id": case, "outcome": "treated",
                                              "note": "Surgery done"}, officer)
    view = await assistance.ok("get_application", {"application_id": case}, caregiver)
    assert view["patient_name"] == "Ramesh Kumar" and view["status"] == "closed"
    assert [s["kind"] for s in view["timeline"]] == [
        "submitted", "document_added", "documents_requested", "document_added",
        "hospital_verified", "approved", "disbursed", "closed"]
    assert view["timeline"][2]["note"] == "We need the family's ration card"
    assert view["timeline"][2]["by_role"] == "officer"
    assert view["timeline"][1]["by_role"] == "applicant"
    stored = list(media_dir.iterdir())
    assert len(stored) == 2 and all(b"PNG" not in f.read_bytes() and b"%PDF" not in
                                    f.read_bytes() for f in stored)  # sealed at rest
    ration_card = await assistance.call("get_document", {
        "application_id": case, "document_id": added["document_id"]}, officer)
    assert (ration_card.status, ration_card.body, ration_card.content_type) == (
        200, png(), "image/png")
    other = await member(engine, PATIENT)
    assert (await assistance.call("get_document", {
        "application_id": case, "document_id": added["document_id"]}, other)).status == 404
    fund = await assistance.ok("fund_balance", {}, officer)
    assert fund == {"received": 5 * LAKH, "approved": 2 * LAKH, "disbursed": 2 * LAKH,
                    "available": 3 * LAKH, "pools": [{"restriction": None,
                                                      "available": 3 * LAKH}]}
    mine = await assistance.ok("my_applications", {}, caregiver)
    assert [item["application_id"] for item in mine["items"]] == [case]
    report = await assistance.ok("fund_report", {}, admin)
    assert "Ramesh" not in str(report) and case not in str(report)
    assert report["sponsors"] == [{"sponsor": "Tata Trusts", "given": 5 * LAKH,
                                   "restriction": None}]
    async with engine.begin() as conn:  # the caregiver is erased: identity shreds their key
        await personal.PersonalData.shred(conn, caregiver.user_id)
    gone = await assistance.call("get_document", {
        "application_id": case, "document_id": added["document_id"]}, officer)
    assert gone.status == 410
    erased = await assistance.ok("get_application", {"application_id": case}, officer)
    assert erased["patient_name"] is None and erased["diagnosis"] is None
    assert {step["note"] for step in erased["timeline"]} == {None}


@pytest.mark.parametrize("keyed", [False, True])  # an Idempotency-Key: one transaction
async def test_ten_approvals_at_once_against_a_fund_for_three(
        assistance: Tier, engine: AsyncEngine, keyed: bool) -> None:
    officer, admin = await member(engine, ASSISTANCE_OFFICER), await member(engine, ADMIN)
    await assistance.ok("record_sponsorship", {"sponsor": "Donors", "amount": 3 * LAKH}, admin)
    cases = [await verified_case(assistance, await member(engine, PATIENT), officer)
             for _ in range(10)]
    replies = await asyncio.gather(*(assistance.call("decide_application", {
        "application_id": case, "decision": "approve", "amount": LAKH, "reason": "ok"},
        officer, idempotency_key=f"approve-{case}" if keyed else None) for case in cases))
    assert sorted(r.status for r in replies) == [200] * 3 + [409] * 7
    refused = [r.body for r in replies if r.status == 409]
    assert all(b["title"] == "Not enough money in the fund" for b in refused), refused
    fund = await assistance.ok("fund_balance", {}, officer)
    assert (fund["approved"], fund["available"]) == (3 * LAKH, 0)


async def test_only_officers_decide_and_no_one_reads_anothers_case(
        assistance: Tier, engine: AsyncEngine) -> None:
    patient, other = await member(engine, PATIENT), await member(engine, PATIENT)
    case = str((await assistance.ok("apply", application(), patient))["application_id"])
    refused = await assistance.call("decide_application", {
        "application_id": case, "decision": "reject", "reason": "no"}, patient)
    assert refused.status == 403
    assert (await assistance.call("get_application", {"application_id": case}, other)).status \
        == 404
    assert (await assistance.call("upload_document", doc(pdf(), case), other)).status == 404
    assert (await assistance.ok("my_applications", {}, other))["items"] == []


async def test_a_caseworker_applies_for_someone_and_sees_the_case(
        assistance: Tier, engine: AsyncEngine) -> None:
    officer, patient = await member(engine, ASSISTANCE_OFFICER), await member(engine, PATIENT)
    for_them = await assistance.ok("apply", application(
        applicant_id=str(patient.user_id)), officer)
    offline = await assistance.ok("apply", application(), officer)  # no account: its own key
    view = await assistance.ok("get_application",
                               {"application_id": for_them["application_id"]}, patient)
    assert view["timeline"][0]["by_role"] == "caseworker"
    mine = await assistance.ok("my_applications", {}, officer)
    assert {i["application_id"] for i in mine["items"]} == {
        str(for_them["application_id"]), str(offline["application_id"])}
    not_officer = await assistance.call("apply", application(
        applicant_id=str(officer.user_id)), patient)
    assert not_officer.status == 403


async def test_bad_input_is_refused_and_writes_nothing(
        assistance: Tier, engine: AsyncEngine, media_dir: Path) -> None:
    patient, officer = await member(engine, PATIENT), await member(engine, ASSISTANCE_OFFICER)
    case = str((await assistance.ok("apply", application(), patient))["application_id"])
    before = await events(engine)
    for body in (application(estimate=-5), application(treatment_end="2026-01-01"),
                 application(payee={"kind": "bank"}), application(disease_area="flu")):
        assert (await assistance.call("apply", body, patient)).status == 422
    for data in (TEXT_AS_PDF, b"%PDF-1.4\n" + TEXT_AS_PDF, png(20, 20)):
        reply = await assistance.call("upload_document", doc(data, case), patient)
        assert reply.status == 422 and reply.body["errors"][0]["field"] == "file"
    for decision in ({"decision": "approve", "reason": "r"},  # no amount
                     {"decision": "approve", "amount": LAKH, "reason": "r"},  # not verified
                     {"decision": "refer", "scheme": "no-such-scheme", "reason": "r"}):
        reply = await assistance.call("decide_application",
                                      {"application_id": case, **decision}, officer)
        assert reply.status in (409, 422), reply.body
    await assistance.ok("verify_hospital", {"application_id": case, "note": "ok"}, officer)
    after_verify = await events(engine)
    poor = await assistance.call("decide_application", {
        "application_id": case, "decision": "approve", "amount": LAKH, "reason": "r"}, officer)
    assert poor.status == 409 and "available" in poor.body["detail"]
    assert await events(engine) == after_verify == before + 2  # the step and its notice
    assert not media_dir.exists() or not list(media_dir.iterdir())


async def test_rebuilding_the_applications_gives_the_same_views(
        assistance: Tier, engine: AsyncEngine) -> None:
    patient, officer = await member(engine, PATIENT), await member(engine, ASSISTANCE_OFFICER)
    case = await verified_case(assistance, patient, officer)
    await assistance.ok("decide_application", {"application_id": case, "decision": "refer",
                                               "scheme": "pm-jay", "reason": "PM-JAY first"},
                        officer)
    before = await assistance.ok("get_application", {"application_id": case}, patient)
    queue = await assistance.ok("assistance_queue", {}, officer)
    await readmodels.rebuild(engine, projections.APPLICATIONS)
    assert await assistance.ok("get_application", {"application_id": case}, patient) == before
    assert await assistance.ok("assistance_queue", {}, officer) == queue
