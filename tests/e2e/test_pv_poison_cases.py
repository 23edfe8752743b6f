"""One bad case never stops the others: text no one types is refused at intake, text stored
before that is written safely, and a case whose ICSR cannot be built goes back to the
officer while the cases after it reach the regulator."""

import datetime
import io
import zipfile
from collections.abc import AsyncIterator

import httpx
import pytest

from pharmacovigilance import e2b
from tests.adr import coded_case, is_status, regulator, relay_queue, report, staff
from tests.platform import Platform, eventually, patient

PROBLEM = "application/problem+json"


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        yield client


async def stored_as(platform: Platform, case_id: str, sql: str) -> None:
    """Change a case as it is stored, standing in for data kept by an older release."""
    async with platform.engine.begin() as conn:
        await conn.exec_driver_sql(
            f"UPDATE pharmacovigilance.reports SET {sql} WHERE report_id = $1", (case_id,))


async def test_text_no_one_types_is_refused_at_intake_and_pasted_breaks_become_newlines(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter = await patient(client, "Typist")
    before = await platform.count("pharmacovigilance.reports")
    for bad in ({"history": "asthma\u0001"}, {"medicines": [{"name": "Drugzol\u001b[31m"}]},
                {"history": "\ufffe"}):
        refused = await client.post("/v1/adr-reports", headers=reporter, json=report(**bad))
        assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
        assert refused.json()["errors"][0]["field"] in ("history", "medicines.0.name")
    assert await platform.count("pharmacovigilance.reports") == before
    pasted = report(reaction="rash\u000bitching\u000cpage 2")
    accepted = await client.post("/v1/adr-reports", headers=reporter, json=pasted)
    assert accepted.status_code == 201, accepted.text
    mine = (await client.get(f"/v1/adr-reports/{accepted.json()['report_id']}",
                             headers=reporter)).json()
    assert mine["reactions"][0]["description"] == "rash\nitching\npage 2"


async def test_a_case_stored_with_a_vertical_tab_is_written_exported_and_relayed(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Pasted"), await staff(client, "pv_officer")
    case = await coded_case(client, reporter, officer, "Tabulol")
    await stored_as(platform, case["report_id"], "clear = jsonb_set(clear, "
                    "'{reactions,0,description}', to_jsonb('rash' || chr(11) || 'itching'))")
    icsr = await client.get(f"/v1/pv/cases/{case['report_id']}/e2b", headers=officer)
    assert icsr.status_code == 200, icsr.text
    assert e2b.read_batch(icsr.content)[0].reactions[0].description == "rash\nitching"
    liaison = await staff(client, "regulator_liaison")
    today = datetime.date.today().isoformat()
    exported = await client.get("/v1/pv/exports", headers=liaison,
                                params={"from": today, "to": today})
    assert exported.status_code == 200, exported.text
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        xml = archive.read(next(n for n in archive.namelist() if n.endswith(".xml")))
    assert case["report_id"] in {str(c.case_id) for c in e2b.read_batch(xml)}
    await client.post(f"/v1/pv/cases/{case['report_id']}/submit", headers=officer)
    await eventually(lambda: is_status(client, reporter, case["report_id"], "acknowledged"))


async def test_a_case_that_cannot_be_built_goes_back_and_does_not_delay_the_next(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Poisoned"), await staff(client, "pv_officer")
    bad, clean = [await coded_case(client, reporter, officer, f"Medicine {n}") for n in (1, 2)]
    reaction_id = bad["reactions"][0]["reaction_id"]
    await regulator(platform, "/control", mode="down")  # both wait in the queue, in order
    try:
        for case in (bad, clean):
            submitted = await client.post(f"/v1/pv/cases/{case['report_id']}/submit",
                                          headers=officer)
            assert submitted.status_code == 200, submitted.text
        await stored_as(platform, bad["report_id"],  # a MedDRA coding without its term
                        f"coding = '{{\"{reaction_id}\": {{\"code\": \"10037844\"}}}}'::jsonb")
    finally:
        await regulator(platform, "/control", mode="up")
    await eventually(lambda: is_status(client, reporter, clean["report_id"], "acknowledged"))
    await eventually(lambda: is_status(client, reporter, bad["report_id"],
                                       "returned_to_officer"))
    seen = (await client.get(f"/v1/pv/cases/{bad['report_id']}", headers=officer)).json()
    assert "cannot be written" in seen["relay"]["detail"]
    returned = await relay_queue(client, officer, state="returned")
    assert [q["report_id"] for q in returned] == [bad["report_id"]]
    unwritable = await client.get(f"/v1/pv/cases/{bad['report_id']}/e2b", headers=officer)
    assert unwritable.status_code == 409 and unwritable.headers["content-type"] == PROBLEM
    # The officer mends the coding and submits again: the same version goes this time.
    await client.post(f"/v1/pv/cases/{bad['report_id']}/assessment", headers=officer, json={
        "reactions": [{"reaction_id": reaction_id,
                       "meddra": {"code": "10037844", "term": "Rash", "version": "27.1"}}]})
    again = await client.post(f"/v1/pv/cases/{bad['report_id']}/submit", headers=officer)
    assert again.status_code == 200 and again.json()["relay"]["safety_report_id"].endswith("-V1")
    await eventually(lambda: is_status(client, reporter, bad["report_id"], "acknowledged"))
