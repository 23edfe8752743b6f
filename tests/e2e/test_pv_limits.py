"""What one account or one request can do to pharmacovigilance, through the gateway: a
daily number of complete reports, bounded free text, and exports that spreadsheets cannot
run and that every case exported records in its access log."""

import csv
import datetime
import io
import zipfile
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.adr import report, staff
from tests.platform import Platform, patient

PROBLEM = "application/problem+json"


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        yield client


async def test_an_account_past_its_daily_reports_gets_a_429_and_may_still_keep_drafts(
        client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Prolific")
    for _ in range(10):  # ADR_REPORTS_PER_DAY's default
        sent = await client.post("/v1/adr-reports", headers=reporter, json=report())
        assert sent.status_code == 201 and sent.json()["status"] == "received", sent.text
    refused = await client.post("/v1/adr-reports", headers=reporter, json=report())
    assert refused.status_code == 429 and refused.headers["content-type"] == PROBLEM
    assert "draft" in refused.json()["detail"]
    draft = await client.post("/v1/adr-reports", headers=reporter, json=report(draft=True))
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    mine = (await client.get("/v1/me/adr-reports", headers=reporter,
                             params={"limit": 100})).json()["items"]
    assert len(mine) == 11


async def test_an_oversize_follow_up_question_is_a_422_naming_it(
        client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Asked"), await staff(client, "pv_officer")
    case_id = (await client.post("/v1/adr-reports", headers=reporter,
                                 json=report())).json()["report_id"]
    reply = await client.post(f"/v1/pv/cases/{case_id}/follow-up-requests", headers=officer,
                              json={"questions": ["x" * 250_000]})
    assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM
    assert any("questions" in e["field"] for e in reply.json()["errors"]), reply.json()
    case = (await client.get(f"/v1/pv/cases/{case_id}", headers=officer)).json()
    assert case["status"] == "received" and case["follow_ups"] == []


async def test_an_export_is_in_each_case_s_access_log_and_runs_no_formula(
        client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Formulaic")
    words = '=HYPERLINK("http://evil.example/", "click")'
    case_id = (await client.post("/v1/adr-reports", headers=reporter, json=report(
        reaction=words, medicine="@Sumizol"))).json()["report_id"]
    liaison, officer = await staff(client, "regulator_liaison"), await staff(client, "pv_officer")
    today = datetime.date.today().isoformat()
    reply = await client.get("/v1/pv/exports", headers=liaison,
                             params={"from": today, "to": today})
    assert reply.status_code == 200
    with zipfile.ZipFile(io.BytesIO(reply.content)) as archive:
        listing = archive.read(next(n for n in archive.namelist() if n.endswith(".csv")))
    rows = list(csv.DictReader(io.StringIO(listing.decode("utf-8-sig"))))
    [row] = [r for r in rows if r["suspect_medicines"] == "'@Sumizol"]
    assert row["reactions"] == f"'{words}"
    liaison_id = (await client.get("/v1/me", headers=liaison)).json()["user_id"]
    log = (await client.get(f"/v1/pv/cases/{case_id}/reads", headers=officer)).json()["items"]
    assert (liaison_id, "export") in [(r["reader_id"], r["what"]) for r in log]
