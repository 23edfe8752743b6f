"""Patients' ADR reports through the gateway: drafts, valid cases, privacy, ICSRs, signals."""

import asyncio
import csv
import datetime
import io
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from pharmacovigilance import e2b
from pharmacovigilance.domain.case import SERIOUSNESS
from tests.adr import (
    coded_case,
    is_status,
    regulator,
    rejected,
    relay_queue,
    report,
    staff,
    status_of,
)
from tests.platform import Platform, eventually, patient

PROBLEM = "application/problem+json"


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        yield client


async def test_a_hindi_report_becomes_a_case_the_patient_can_follow(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Rekha")
    reply = await client.post("/v1/adr-reports", headers=reporter, json=report(initials="RK"))
    assert reply.status_code == 201, reply.text
    accepted = reply.json()
    assert accepted["status"] == "received" and accepted["missing"] == []
    assert accepted["reference"].startswith("PU-ADR-")
    mine = (await client.get("/v1/me/adr-reports", headers=reporter)).json()["items"]
    assert [r["report_id"] for r in mine] == [accepted["report_id"]]
    assert mine[0]["history"][0]["status"] == "received"
    assert mine[0]["reactions"][0]["description"] == "त्वचा पर दाने"
    assert mine[0]["reactions"][0]["seriousness"]["disability"] == "unknown"

    officer = await staff(client, "pv_officer")
    cases = (await client.get("/v1/pv/cases", headers=officer)).json()["items"]
    assert accepted["report_id"] in [c["report_id"] for c in cases]
    case = (await client.get(f"/v1/pv/cases/{accepted['report_id']}", headers=officer)).json()
    assert case["reactions"][0]["reaction_id"] and case["medicines"][0]["medicine_id"]
    assert case["reporter"]["email"] == "rekha@example.in"
    assert await platform.count("pharmacovigilance.case_reads") >= 1

    xml = await client.get(f"/v1/pv/cases/{accepted['report_id']}/e2b", headers=officer)
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    [icsr] = e2b.read_batch(xml.content)
    assert icsr.worldwide_id.endswith(accepted["reference"])
    assert icsr.patient_initials == "RK" and icsr.reporter_name is None  # not consented
    assert icsr.reactions[0].description == "त्वचा पर दाने"
    assert icsr.reactions[0].language == "hi"
    assert icsr.medicines[0].role == "suspect" and icsr.reporter_qualification == 5


async def test_an_incomplete_report_stays_a_draft_until_completed(
        client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Draft")
    incomplete = report(patient={}, medicines=[{"name": "Paracetamol", "role": "concomitant"}])
    reply = (await client.post("/v1/adr-reports", headers=reporter, json=incomplete)).json()
    assert reply["status"] == "draft" and reply["reference"] == ""
    assert reply["missing"] == [
        "patient: initials, age, date of birth or sex",
        "medicines: at least one suspect or interacting medicine"]
    saved = await client.post("/v1/adr-reports", headers=reporter,
                              json=report(draft=True))
    assert saved.json()["status"] == "draft" and saved.json()["missing"] == []
    completed = await client.put(f"/v1/adr-reports/{reply['report_id']}", headers=reporter,
                                 json=report())
    assert completed.status_code == 200 and completed.json()["status"] == "received"
    again = await client.put(f"/v1/adr-reports/{reply['report_id']}", headers=reporter,
                             json=report())
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM


async def test_only_the_reporter_and_the_pv_roles_can_read_a_report(
        client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Private")
    report_id = (await client.post("/v1/adr-reports", headers=reporter,
                                   json=report())).json()["report_id"]
    other = await patient(client, "Nosy")
    moderator = await staff(client, "moderator")
    for headers, status in ((other, 403), (moderator, 403), ({}, 401)):
        reply = await client.get(f"/v1/adr-reports/{report_id}", headers=headers)
        assert reply.status_code == status and reply.headers["content-type"] == PROBLEM
        assert (await client.get(f"/v1/pv/cases/{report_id}/e2b", headers=headers)
                ).status_code in (401, 403)
    assert (await client.get(f"/v1/adr-reports/{report_id}", headers=reporter)).status_code == 200


async def test_a_reporter_pages_through_their_reports_newest_first(
        client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Paged")
    sent = [(await client.post("/v1/adr-reports", headers=reporter, json=report(
        medicine=f"Pagezol {n}", draft=n == 1))).json()["report_id"] for n in range(3)]
    first = (await client.get("/v1/me/adr-reports", headers=reporter,
                              params={"limit": 2})).json()
    rest = (await client.get("/v1/me/adr-reports", headers=reporter,
                             params={"limit": 2, "cursor": first["next_cursor"]})).json()
    pages = [r["report_id"] for r in first["items"]], [r["report_id"] for r in rest["items"]]
    assert pages == ([sent[2], sent[1]], [sent[0]]) and rest["next_cursor"] is None
    assert first["items"][1]["status"] == "draft"
    bad = await client.get("/v1/me/adr-reports", headers=reporter, params={"cursor": "x"})
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM


async def test_the_officer_triages_by_seriousness_and_due_date(
        client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Triaged"), await staff(client, "pv_officer")
    answers = {"serious": {"hospitalisation": "yes"}, "not": dict.fromkeys(SERIOUSNESS, "no"),
               "unknown": {}}
    ids = {}
    for kind, criteria in answers.items():
        body = report(medicine=f"Triazol {kind}")
        body["reactions"][0]["seriousness"] = criteria
        ids[kind] = (await client.post("/v1/adr-reports", headers=reporter,
                                       json=body)).json()["report_id"]

    async def listed(**params: str) -> list[dict]:
        page = (await client.get("/v1/pv/cases", headers=officer,
                                 params={"limit": "100", **params})).json()
        return [c for c in page["items"] if c["report_id"] in ids.values()]

    by_id = {c["report_id"]: c for c in await listed()}
    assert [by_id[ids[k]]["serious"] for k in answers] == [True, False, None]
    received = datetime.date.today()
    due = {k: datetime.date.fromisoformat(by_id[ids[k]]["due_at"][:10]) - received
           for k in answers}
    assert {k: d.days for k, d in due.items()} == {"serious": 15, "not": 90, "unknown": 15}
    assert [c["report_id"] for c in await listed(serious="yes")] == [ids["serious"]]
    assert [c["report_id"] for c in await listed(serious="unknown")] == [ids["unknown"]]
    urgent = [c["report_id"] for c in await listed(sort="due")]
    assert urgent[-1] == ids["not"] and not await listed(overdue="true")

    case = (await client.get(f"/v1/pv/cases/{ids['unknown']}", headers=officer)).json()
    await client.post(f"/v1/pv/cases/{ids['unknown']}/assessment", headers=officer, json={
        "reactions": [{"reaction_id": case["reactions"][0]["reaction_id"],
                       "meddra": {"code": "10037844", "term": "Rash", "version": "27.1"},
                       "seriousness": dict.fromkeys(SERIOUSNESS, "no")}],
        "seriousness_confirmed": True})
    assert [c["report_id"] for c in await listed(serious="no")] == [ids["not"], ids["unknown"]]
    bad = await client.get("/v1/pv/cases", headers=officer, params={"sort": "loudest"})
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM


async def test_every_staff_read_of_a_case_is_in_its_access_log(
        client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Logged")
    case_id = (await client.post("/v1/adr-reports", headers=reporter,
                                 json=report())).json()["report_id"]
    await client.get(f"/v1/adr-reports/{case_id}", headers=reporter)  # the reporter's own
    officer, liaison = await staff(client, "pv_officer"), await staff(client, "regulator_liaison")
    await client.get(f"/v1/pv/cases/{case_id}", headers=officer)
    await client.get(f"/v1/pv/cases/{case_id}/e2b", headers=liaison)
    await client.get(f"/v1/adr-reports/{case_id}", headers=liaison)
    ids = {who: (await client.get("/v1/me", headers=h)).json()["user_id"]
           for who, h in (("officer", officer), ("liaison", liaison))}
    first = (await client.get(f"/v1/pv/cases/{case_id}/reads", headers=officer,
                              params={"limit": 2})).json()
    rest = (await client.get(f"/v1/pv/cases/{case_id}/reads", headers=officer,
                             params={"cursor": first["next_cursor"]})).json()
    log = [(r["reader_id"], r["what"]) for r in first["items"] + rest["items"]]
    assert log == [(ids["liaison"], "report"), (ids["liaison"], "e2b"),
                   (ids["officer"], "case")] and rest["next_cursor"] is None
    for outsider in (reporter, liaison):
        denied = await client.get(f"/v1/pv/cases/{case_id}/reads", headers=outsider)
        assert denied.status_code == 403 and denied.headers["content-type"] == PROBLEM
    missing = await client.get(f"/v1/pv/cases/{uuid.uuid4()}/reads", headers=officer)
    assert missing.status_code == 404


@pytest.mark.parametrize("params", [{"state": "lost"}, {"limit": "0"}, {"limit": "101"},
                                    {"cursor": "not-ours"}])
async def test_bad_relay_queue_queries_are_problems(client: httpx.AsyncClient,
                                                    params: dict[str, str]) -> None:
    officer = await staff(client, "pv_officer")
    reply = await client.get("/v1/pv/relay", headers=officer, params=params)
    assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM


async def test_signals_count_each_case_pair_once(client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Signals")
    for medicine, reaction in (("Drugzol", "rash"), ("Drugzol", "rash"), ("Drugzol", "Rash "),
                               ("Drugzol", "headache"), ("Otherex", "rash")):
        await client.post("/v1/adr-reports", headers=reporter,
                          json=report(medicine=medicine, reaction=reaction))
    officer = await staff(client, "pv_officer")
    rows = (await client.get("/v1/pv/signals", params={"min_count": 1},
                             headers=officer)).json()["items"]
    pair = next(r for r in rows if (r["medicine"], r["reaction"]) == ("drugzol", "rash"))
    assert (pair["a"], pair["b"]) == (3, 1)
    assert pair["c"] >= 1 and pair["a"] + pair["b"] + pair["c"] + pair["d"] >= 5


@pytest.mark.parametrize("bad", [
    {"patient": {"sex": "robot"}},
    {"reactions": [{"description": "x", "outcome": "better"}]},
    {"reactions": [{"description": "x", "seriousness": {"death": "maybe"}}]},
    {"medicines": [{"name": "x", "role": "culprit"}]},
    {"patient": {"age": {"value": -3}}},
    {"unknown_field": 1},
    {"history": "asthma\u0000"},  # PostgreSQL keeps no NUL: refused, not a 500
    {"medicines": [{"name": "Drugzol", "dose": "1\u0000"}]},
])
async def test_bad_reports_are_problems_and_write_nothing(
        platform: Platform, client: httpx.AsyncClient, bad: dict) -> None:
    reporter = await patient(client, "Bad")
    before = await platform.count("pharmacovigilance.events")
    reply = await client.post("/v1/adr-reports", headers=reporter, json={**report(), **bad})
    assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM
    assert await platform.count("pharmacovigilance.events") == before


async def test_an_erased_reporter_leaves_the_clinical_case_without_identifiers(
        client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Erased")
    case_id = (await client.post("/v1/adr-reports", headers=reporter, json=report(
        initials="QZ", patient={"initials": "QZ", "sex": "male",
                                "date_of_birth": "1980-02-03"}))).json()["report_id"]
    assert (await client.delete("/v1/me", headers=reporter)).status_code == 202
    officer = await staff(client, "pv_officer")
    case = (await client.get(f"/v1/pv/cases/{case_id}", headers=officer)).json()
    assert case["reporter"]["email"] is None and case["reporter"]["name"] is None
    assert case["patient"]["initials"] is None and case["patient"]["date_of_birth"] is None
    assert case["patient"]["sex"] == "male"  # the clinical part stays for the regulator
    assert case["reactions"][0]["description"] == "त्वचा पर दाने"
    [icsr] = e2b.read_batch((await client.get(f"/v1/pv/cases/{case_id}/e2b",
                                              headers=officer)).content)
    assert icsr.patient_initials is None and icsr.patient_birth_date is None


async def test_review_follow_up_and_submission(platform: Platform,
                                               client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Followed")
    case_id = (await client.post("/v1/adr-reports", headers=reporter,
                                 json=report())).json()["report_id"]
    officer = await staff(client, "pv_officer")
    case = (await client.get(f"/v1/pv/cases/{case_id}", headers=officer)).json()
    reaction_id = case["reactions"][0]["reaction_id"]
    medicine_id = case["medicines"][0]["medicine_id"]
    early = await client.post(f"/v1/pv/cases/{case_id}/submit", headers=officer)
    assert early.status_code == 409  # nothing coded yet

    assessed = await client.post(f"/v1/pv/cases/{case_id}/assessment", headers=officer, json={
        "reactions": [{"reaction_id": reaction_id,
                       "meddra": {"code": "10099999", "term": "Rash", "version": "27.1"},
                       "seriousness": {"death": "no", "hospitalisation": "yes"}}],
        "causality": [{"medicine_id": medicine_id, "reaction_id": reaction_id,
                       "category": "probable"}],
        "seriousness_confirmed": True,
        "narrative": "Rash on day 3 of amoxicillin; admitted overnight; settled on stopping."})
    assert assessed.status_code == 200, assessed.text
    assert assessed.json()["status"] == "under_review"
    assert assessed.json()["coding"][reaction_id]["code"] == "10099999"
    confirmed = assessed.json()["confirmed_seriousness"][reaction_id]
    assert confirmed == {"death": "no", "hospitalisation": "yes"}  # the rest as reported
    assert assessed.json()["reactions"][0]["seriousness"]["hospitalisation"] == "unknown"
    assert await platform.scalar("SELECT count(*) FROM pharmacovigilance.events WHERE "
                                 "data::text LIKE '%admitted overnight%'") == 0  # sealed
    bad = await client.post(f"/v1/pv/cases/{case_id}/assessment", headers=officer, json={
        "reactions": [{"reaction_id": str(uuid.uuid4()),
                       "meddra": {"code": "10099999", "term": "Rash", "version": "27.1"}}]})
    assert bad.status_code == 409 and bad.headers["content-type"] == PROBLEM

    asked = await client.post(f"/v1/pv/cases/{case_id}/follow-up-requests", headers=officer,
                              json={"questions": ["Did the rash come back?"]})
    assert asked.json()["status"] == "follow_up_requested"
    mine = (await client.get("/v1/me/adr-reports", headers=reporter)).json()["items"][0]
    assert mine["follow_ups"][0]["questions"] == ["Did the rash come back?"]
    answered = await client.post(f"/v1/adr-reports/{case_id}/follow-up", headers=reporter,
                                 json={"answers": ["No, it cleared in a week"]})
    assert answered.status_code == 200 and answered.json()["version"] == 2
    assert answered.json()["follow_ups"][0]["answers"] == ["No, it cleared in a week"]

    submitted = await client.post(f"/v1/pv/cases/{case_id}/submit", headers=officer)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["relay"]["safety_report_id"].endswith("-V2")
    queue = await relay_queue(client, officer)
    assert any(q["report_id"] == case_id and q["version"] == 2 for q in queue)
    xml = (await client.get(f"/v1/pv/cases/{case_id}/e2b", headers=officer)).content
    [icsr] = e2b.read_batch(xml)
    assert icsr.version == 2 and icsr.reactions[0].meddra is not None
    assert icsr.narrative.splitlines()[0].startswith("Rash on day 3 of amoxicillin")
    assert icsr.narrative.splitlines()[-1].endswith(  # what this version brings, H.1
        "asked Did the rash come back?; answered No, it cleared in a week")
    assert icsr.reactions[0].seriousness["hospitalisation"] == "yes"  # the officer's word
    assert icsr.causality[0].category == "probable"
    history = [h["status"] for h in submitted.json()["history"]]
    assert history == ["received", "under_review", "follow_up_requested", "under_review",
                       "submitted"]


async def test_the_regulator_acknowledges_and_the_patient_sees_it(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Acked"), await staff(client, "pv_officer")
    case = await coded_case(client, reporter, officer)
    await client.post(f"/v1/pv/cases/{case['report_id']}/submit", headers=officer)
    await eventually(lambda: is_status(client, reporter, case["report_id"], "acknowledged"))
    mine = (await client.get(f"/v1/adr-reports/{case['report_id']}", headers=reporter)).json()
    assert [h["status"] for h in mine["history"]][-3:] == [
        "submitted", "sent_to_regulator", "acknowledged"]


async def test_an_acknowledged_case_amended_goes_again_as_its_next_version(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Amended"), await staff(client, "pv_officer")
    case = await coded_case(client, reporter, officer)
    case_id, reaction_id = case["report_id"], case["reactions"][0]["reaction_id"]
    await client.post(f"/v1/pv/cases/{case_id}/submit", headers=officer)
    await eventually(lambda: is_status(client, reporter, case_id, "acknowledged"))
    recoded = await client.post(f"/v1/pv/cases/{case_id}/assessment", headers=officer, json={
        "reactions": [{"reaction_id": reaction_id, "meddra": {
            "code": "10040785", "term": "Skin eruption", "version": "27.1"}}]})
    assert recoded.status_code == 200 and recoded.json()["status"] == "under_review"
    again = await client.post(f"/v1/pv/cases/{case_id}/submit", headers=officer)
    assert again.json()["relay"]["safety_report_id"].endswith("-V2")
    await eventually(lambda: is_status(client, reporter, case_id, "acknowledged"))
    stats = await regulator(platform, "/stats")
    sent = [f"IN-PU-{case['reference']}-V{n}" for n in (1, 2)]
    assert [stats["accepted"].get(message_id) for message_id in sent] == [1, 1]


async def test_regulator_down_then_back_delivers_each_case_once_in_order(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Queued"), await staff(client, "pv_officer")
    await regulator(platform, "/control", mode="down")
    cases = [await coded_case(client, reporter, officer, f"Medicine {n}") for n in range(3)]
    for case in cases:
        await client.post(f"/v1/pv/cases/{case['report_id']}/submit", headers=officer)
    pending = await relay_queue(client, officer, state="pending")
    ours = [q for q in pending if q["report_id"] in {c["report_id"] for c in cases}]
    assert [q["report_id"] for q in ours] == [c["report_id"] for c in cases]  # queue order
    await eventually(lambda: _retried(client, officer, ours[0]["safety_report_id"]))
    await eventually(lambda: _metric_at_least(platform, "pu_regulator_oldest_pending_seconds",
                                              0.5))  # what operations see meanwhile
    assert [await status_of(client, reporter, c["report_id"]) for c in cases] == [
        "submitted"] * 3
    await regulator(platform, "/control", mode="up")
    for case in cases:
        await eventually(lambda c=case: is_status(client, reporter, c["report_id"], "acknowledged"))
    stats = await regulator(platform, "/stats")
    ids = [q["safety_report_id"] for q in ours]
    assert all(stats["accepted"][i] == 1 for i in ids)
    acknowledged = await relay_queue(client, officer, state="acknowledged")
    assert set(ids) <= {q["safety_report_id"] for q in acknowledged}
    assert not set(ids) & {q["safety_report_id"]
                           for q in await relay_queue(client, officer, state="pending")}
    times = [(await client.get(f"/v1/adr-reports/{c['report_id']}", headers=reporter)
              ).json()["history"][-1]["at"] for c in cases]
    assert times == sorted(times)  # acknowledged in the order submitted
    await eventually(lambda: _metric_at_least(platform, 'pu_regulator_queue{state="pending"}', 0))
    assert await _metric_at_least(platform, 'pu_regulator_sends_total{outcome="unavailable"}', 1)
    assert await _metric_at_least(platform, 'pu_regulator_sends_total{outcome="sent"}', 3)
    assert await _metric_at_least(platform, 'pu_regulator_acknowledgements_total{code="CA"}', 3)


async def _metric_at_least(platform: Platform, series: str, least: float) -> bool:
    """The pharmacovigilance process exports `series` with at least this value."""
    port = platform.stack.metrics_ports["pharmacovigilance"]
    async with httpx.AsyncClient() as scraper:
        text = (await scraper.get(f"http://127.0.0.1:{port}/metrics")).text
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(series + " ")]
    return bool(values) and values[0] >= least


async def test_a_rejection_returns_the_case_to_the_officer_with_the_reason(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Rejected"), await staff(client, "pv_officer")
    case = await coded_case(client, reporter, officer)
    seen = await rejected(platform, client, reporter, officer, case, "E.i.2.1b: unknown version")
    assert seen["relay"]["detail"] == "E.i.2.1b: unknown version"
    again = await client.post(f"/v1/pv/cases/{case['report_id']}/submit", headers=officer)
    assert again.json()["relay"]["safety_report_id"].endswith("-V2")
    await eventually(lambda: is_status(client, reporter, case["report_id"], "acknowledged"))


async def _retried(client: httpx.AsyncClient, officer: dict[str, str], message_id: str) -> bool:
    queue = await relay_queue(client, officer)
    return any(q["safety_report_id"] == message_id and q["attempts"] >= 1 for q in queue)


async def test_relay_killed_between_send_and_acknowledgement_sends_nothing_twice(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Crash"), await staff(client, "pv_officer")
    case = await coded_case(client, reporter, officer)
    await regulator(platform, "/control", mode="slow", delay_s=30)
    submitted = await client.post(f"/v1/pv/cases/{case['report_id']}/submit", headers=officer)
    message_id = submitted.json()["relay"]["safety_report_id"]
    await eventually(lambda: _received(platform, message_id))  # on the wire, not answered
    platform.stack.kill("pharmacovigilance")
    await regulator(platform, "/control", mode="up")
    platform.stack.start_process("pharmacovigilance")
    await eventually(lambda: is_status(client, reporter, case["report_id"], "acknowledged"))
    stats = await regulator(platform, "/stats")
    assert stats["accepted"][message_id] == 1  # the re-send was recognised, not accepted again
    assert stats["duplicates"][message_id] >= 1


async def _received(platform: Platform, message_id: str) -> bool:
    return message_id in (await regulator(platform, "/stats"))["accepted"]


async def test_a_likely_duplicate_is_put_to_the_officer_before_relay(
        client: httpx.AsyncClient) -> None:
    patient_self, caregiver = await patient(client, "Self"), await patient(client, "Carer")
    officer = await staff(client, "pv_officer")
    same = {"medicine": "Ciprozol 250", "reaction": "swollen lips", "initials": "ZQ"}
    first = (await client.post("/v1/adr-reports", headers=patient_self,
                               json=report(**same))).json()["report_id"]
    second = await coded_case_from(client, caregiver, officer, report(**same))
    case = (await client.get(f"/v1/pv/cases/{second}", headers=officer)).json()
    assert [d["report_id"] for d in case["possible_duplicates"]] == [first]
    blocked = await client.post(f"/v1/pv/cases/{second}/submit", headers=officer)
    assert blocked.status_code == 409 and "duplicates" in blocked.json()["detail"]
    decided = await client.post(f"/v1/pv/cases/{second}/duplicates", headers=officer,
                                json={"other_report_id": first, "decision": "separate"})
    assert decided.status_code == 200
    assert (await client.post(f"/v1/pv/cases/{second}/submit", headers=officer)
            ).status_code == 200


async def coded_case_from(client: httpx.AsyncClient, reporter: dict[str, str],
                          officer: dict[str, str], body: dict) -> str:
    case_id = (await client.post("/v1/adr-reports", headers=reporter,
                                 json=body)).json()["report_id"]
    case = (await client.get(f"/v1/pv/cases/{case_id}", headers=officer)).json()
    await client.post(f"/v1/pv/cases/{case_id}/assessment", headers=officer, json={
        "reactions": [{"reaction_id": case["reactions"][0]["reaction_id"],
                       "meddra": {"code": "10024570", "term": "Lip swelling",
                                  "version": "27.1"}}]})
    return str(case_id)


async def test_the_liaison_exports_a_period_as_e2b_and_a_line_listing(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Exported")
    for n in range(3):
        await client.post("/v1/adr-reports", headers=reporter,
                          json=report(medicine=f"Exportol {n}", initials="EX"))
    liaison, officer = await staff(client, "regulator_liaison"), await staff(client, "pv_officer")
    today = datetime.date.today().isoformat()
    reply = await client.get("/v1/pv/exports", headers=liaison,
                             params={"from": today, "to": today, "status": "received"})
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(reply.content)) as archive:
        names = archive.namelist()
        xml = archive.read(next(n for n in names if n.endswith(".xml")))
        listing = archive.read(next(n for n in names if n.endswith(".csv"))).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(listing)))
    assert int(reply.headers["x-cases"]) == len(rows) == len(e2b.read_batch(xml)) >= 3
    exported = [r for r in rows if r["suspect_medicines"].startswith("Exportol")]
    assert len(exported) == 3 and all(r["relay_status"] == "received" for r in exported)
    assert "EX" not in listing and "rekha@example.in" not in listing  # no identifiers
    assert (await client.get("/v1/pv/exports", headers=officer, params={
        "from": today, "to": today})).status_code == 403
    backwards = await client.get("/v1/pv/exports", headers=liaison,
                                 params={"from": today, "to": "2020-01-01"})
    assert backwards.status_code == 422 and backwards.headers["content-type"] == PROBLEM


async def test_the_export_command_writes_the_same_zip_to_a_file(
        platform: Platform, client: httpx.AsyncClient, tmp_path: Path) -> None:
    reporter = await patient(client, "Commanded")
    await client.post("/v1/adr-reports", headers=reporter, json=report(medicine="Clizol"))
    today = datetime.date.today().isoformat()
    out = tmp_path / "cases.zip"
    env = {**os.environ, **platform.stack.env}
    done = await asyncio.to_thread(subprocess.run, [
        sys.executable, "-m", "pharmacovigilance.exporter", "--from", today, "--to", today,
        "--out", str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "cases written" in done.stdout and "cases" in done.stderr  # the progress bar
    with zipfile.ZipFile(out) as archive:
        listing = archive.read(next(n for n in archive.namelist() if n.endswith(".csv")))
    assert b"Clizol" in listing


async def test_the_export_command_is_a_staff_read_in_each_cases_access_log(
        platform: Platform, client: httpx.AsyncClient, tmp_path: Path) -> None:
    reporter = await patient(client, "Logged")
    case_id = (await client.post("/v1/adr-reports", headers=reporter,
                                 json=report(medicine="Logzol"))).json()["report_id"]
    today = datetime.date.today().isoformat()
    env = {**os.environ, **platform.stack.env}
    done = await asyncio.to_thread(subprocess.run, [
        sys.executable, "-m", "pharmacovigilance.exporter", "--from", today, "--to", today,
        "--out", str(tmp_path / "cases.zip"), "--operator", "Arjun (liaison)"], env=env,
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    officer = await staff(client, "pv_officer")
    reads = (await client.get(f"/v1/pv/cases/{case_id}/reads", headers=officer)).json()
    assert [r["what"] for r in reads["items"]].count("export") == 1
