"""Every pharmacovigilance use case through its HANDLERS entry: reports and drafts, the
officer's review, duplicates, the ICSR, the access log, signals, the relay queue, exports."""

import asyncio
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
from pharmacovigilance import handlers
from pharmacovigilance.adapters import sql
from pharmacovigilance.deps import Deps
from tests.adr import report
from tests.service_tier import Tier, operations_called_in, operations_of, person

from .conftest import RASH, event_types, with_key


async def a_case(pv: Tier, reporter: Principal, **form: object) -> str:
    accepted = await pv.call("submit_report", report(**form), reporter)
    assert accepted.status == 201 and accepted.body["status"] == "received", accepted.body
    return str(accepted.body["report_id"])


async def coded(pv: Tier, officer: Principal, case_id: str) -> dict:
    case = await pv.ok("get_case", {"report_id": case_id}, officer)
    return await pv.ok("assess_case", {"report_id": case_id, "assessment": {
        "reactions": [{"reaction_id": r["reaction_id"], "meddra": RASH}
                      for r in case["reactions"]],
        "causality": [{"reaction_id": case["reactions"][0]["reaction_id"],
                       "medicine_id": case["medicines"][0]["medicine_id"],
                       "category": "probable"}],
        "seriousness_confirmed": True, "narrative": "Rash after the third dose."}}, officer)


async def test_a_report_becomes_a_case_its_reporter_follows(
        pv: Tier, reporter: Principal, officer: Principal) -> None:
    case_id = await a_case(pv, reporter, initials="RK")
    mine = await pv.ok("my_reports", {"limit": 5}, reporter)
    assert [r["report_id"] for r in mine["items"]] == [case_id]
    assert mine["items"][0]["history"][0]["status"] == "received"
    own = await pv.ok("get_report", {"report_id": case_id}, reporter)
    assert own["patient"]["initials"] == "RK" and own["reporter"]["email"]
    work = await pv.ok("list_cases", {"sort": "due", "serious": "unknown"}, officer)
    assert case_id in [c["report_id"] for c in work["items"]]
    assert (await pv.call("list_cases", {}, reporter)).status == 403


async def test_a_draft_is_completed_by_its_reporter_only_and_then_no_longer_edited(
        pv: Tier, reporter: Principal, officer: Principal) -> None:
    draft = await pv.call("submit_report", {"reactions": [{"description": "rash"}],
                                            "draft": True}, reporter)
    assert draft.status == 201 and draft.body["status"] == "draft"
    draft_id = draft.body["report_id"]
    assert (await pv.call("get_case", {"report_id": draft_id}, officer)).status == 404
    stranger = person("patient")
    other = await pv.call("update_report", {"report_id": draft_id, "form": report()}, stranger)
    assert other.status == 403
    done = await pv.ok("update_report", {"report_id": draft_id, "form": report()}, reporter)
    assert done["status"] == "received" and done["reference"].startswith("PU-ADR-")
    again = await pv.call("update_report", {"report_id": draft_id, "form": report()}, reporter)
    assert again.status == 409 and again.body["status"] == 409
    nowhere = await pv.call("update_report", {"report_id": str(uuid4()), "form": report()},
                            reporter)
    assert nowhere.status == 404


async def test_the_officer_codes_asks_and_submits_and_the_reporter_answers(
        pv: Tier, reporter: Principal, officer: Principal, engine: AsyncEngine) -> None:
    case_id = await a_case(pv, reporter)
    early = await pv.call("submit_case", {"report_id": case_id}, officer)
    assert early.status == 409 and "code every reaction" in early.body["detail"]
    assessed = await coded(pv, officer, case_id)
    assert assessed["status"] == "under_review" and assessed["narrative"]
    assert next(iter(assessed["coding"].values()))["term"] == "Rash"
    asked = await pv.ok("request_follow_up", {"report_id": case_id, "request": {
        "questions": ["When did the rash start?"]}}, officer)
    assert asked["status"] == "follow_up_requested"
    body = {"report_id": case_id, "answers": {"answers": ["On the third day"]}}
    assert (await pv.call("answer_follow_up", body, person("patient"))).status == 403
    answered = await pv.ok("answer_follow_up", body, reporter)
    assert answered["version"] == 2 and answered["follow_ups"][0]["answers"] == [
        "On the third day"]
    submitted = await pv.ok("submit_case", {"report_id": case_id}, officer)
    assert submitted["status"] == "submitted"
    assert submitted["relay"]["safety_report_id"].endswith("-V2")
    queue = await pv.ok("relay_queue", {"state": "pending"}, officer)
    assert [q["report_id"] for q in queue["items"]] == [case_id]
    assert (await event_types(engine, case_id))[-1] == "CaseSubmitted"


async def test_an_unknown_meddra_code_or_a_foreign_reaction_is_refused(
        pv: Tier, reporter: Principal, officer: Principal) -> None:
    case_id = await a_case(pv, reporter)
    foreign = await pv.call("assess_case", {"report_id": case_id, "assessment": {
        "reactions": [{"reaction_id": str(uuid4()), "meddra": RASH}]}}, officer)
    assert foreign.status == 409 and "no such reaction" in foreign.body["detail"]
    assert (await pv.call("assess_case", {"report_id": str(uuid4()), "assessment": {}},
                          officer)).status == 404


async def test_likely_duplicates_are_decided_before_submission(
        pv: Tier, reporter: Principal, officer: Principal, deps: Deps) -> None:
    first = await a_case(pv, reporter, initials="MS")
    caregiver = await with_key(deps, person("caregiver"))
    second = await a_case(pv, caregiver, initials="MS")
    case = await pv.ok("get_case", {"report_id": second}, officer)
    assert [d["report_id"] for d in case["possible_duplicates"]] == [first]
    await coded(pv, officer, second)
    blocked = await pv.call("submit_case", {"report_id": second}, officer)
    assert blocked.status == 409 and "duplicates" in blocked.body["detail"]
    unrelated = await pv.call("resolve_duplicate", {
        "report_id": second, "other_report_id": str(uuid4()), "decision": "separate"}, officer)
    assert unrelated.status == 409
    decided = await pv.ok("resolve_duplicate", {
        "report_id": second, "other_report_id": first, "decision": "separate"}, officer)
    assert decided["status"] == "under_review"
    assert (await pv.ok("submit_case", {"report_id": second}, officer))["status"] == "submitted"


async def test_the_icsr_and_every_staff_read_of_the_case_logged(
        pv: Tier, reporter: Principal, officer: Principal, liaison: Principal) -> None:
    case_id = await a_case(pv, reporter)
    icsr = await pv.call("case_e2b", {"report_id": case_id}, liaison)
    assert icsr.status == 200 and icsr.content_type == "application/xml"
    assert b"PORR_IN049016UV" in icsr.body
    await pv.ok("get_report", {"report_id": case_id}, officer)
    await pv.ok("get_report", {"report_id": case_id}, reporter)  # the reporter's own: not logged
    reads = await pv.ok("case_reads", {"report_id": case_id}, person("admin"))
    assert [r["what"] for r in reads["items"]] == ["report", "e2b"]
    assert (await pv.call("get_report", {"report_id": case_id}, person("patient"))).status == 403
    assert (await pv.call("case_reads", {"report_id": case_id}, liaison)).status == 403


async def test_signals_count_each_case_s_medicine_reaction_pairs(
        pv: Tier, reporter: Principal, officer: Principal) -> None:
    for initials in ("AA", "BB", "CC"):
        await a_case(pv, reporter, initials=initials, medicine="Drugzol 500")
    found = await pv.ok("signals", {"min_count": 3}, officer)
    assert [(s["medicine"], s["a"]) for s in found["items"]] == [("drugzol 500", 3)]


async def test_cases_of_one_pair_are_counted_without_waiting_for_each_other(
        engine: AsyncEngine) -> None:
    """Two reports of the same medicine and reaction in transactions open at once: the
    second counts its pair while the first still holds its locks (a running total would
    make it wait for the first's commit: here, fail on the lock timeout)."""
    pair = {"medicines": ["paracetamol 500"], "reactions": ["rash"]}
    async with engine.connect() as first, engine.connect() as second:
        await sql.COUNT_PAIRS.execute(first, case_id=uuid4(), **pair)
        await second.execute(sa.text("SET lock_timeout = '500ms'"))
        await sql.COUNT_PAIRS.execute(second, case_id=uuid4(), **pair)
        await second.commit()
        await first.commit()
    async with engine.connect() as conn:
        totals = (await conn.execute(sql.SIGNAL_TOTALS)).all()
    assert [(t.medicine, t.reaction, t.pairs) for t in totals] == [
        ("paracetamol 500", "rash", 2)]


async def test_an_export_is_handed_out_in_chunks_to_whoever_asked(
        pv: Tier, reporter: Principal, liaison: Principal, tmp_path: Path) -> None:
    await a_case(pv, reporter)
    today = datetime.now(UTC).date().isoformat()
    started = await pv.ok("start_export", {"from": today, "to": today}, liaison)
    assert started["cases"] == 1 and started["chunks"] == 1
    chunk = await pv.call("export_chunk", {"export_id": started["export_id"], "index": 0},
                          liaison)
    assert chunk.status == 200 and chunk.content_type == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(chunk.body)).namelist()
    assert any(n.endswith("-line-listing.csv") for n in names)
    other = await pv.call("export_chunk", {"export_id": started["export_id"], "index": 0},
                          person("regulator_liaison"))
    assert other.status == 403
    assert (await pv.call("start_export", {"from": today, "to": "2000-01-01"},
                          liaison)).status == 422


async def test_every_case_exported_is_in_its_access_log_with_the_export(
        pv: Tier, reporter: Principal, liaison: Principal, officer: Principal) -> None:
    cases = [await a_case(pv, reporter) for _ in range(2)]
    today = datetime.now(UTC).date().isoformat()
    started = await pv.ok("start_export", {"from": today, "to": today}, liaison)
    assert started["cases"] == 2
    for case_id in cases:
        log = await pv.ok("case_reads", {"report_id": case_id}, officer)
        assert [(r["reader_id"], r["what"]) for r in log["items"]] == [
            (str(liaison.user_id), "export")]


async def test_a_repeated_idempotency_key_makes_one_report(
        pv: Tier, reporter: Principal) -> None:
    body = report()
    replies = await asyncio.gather(*(pv.call("submit_report", body, reporter,
                                             idempotency_key="k-1") for _ in range(6)))
    assert {r.status for r in replies} == {201}
    assert len({r.body["report_id"] for r in replies}) == 1
    mine = await pv.ok("my_reports", {}, reporter)
    assert len(mine["items"]) == 1
    changed = await pv.call("submit_report", report(), reporter, idempotency_key="k-1")
    assert changed.status == 422  # the key again, with another body


async def test_an_erased_reporter_can_no_longer_write(
        pv: Tier, reporter: Principal, deps: Deps) -> None:
    async with deps.db.transaction() as conn:
        await deps.personal.shred(conn, reporter.user_id)
    erased = await pv.call("submit_report", report(), reporter)
    assert erased.status == 409 and erased.body["detail"] == "this account was erased"


def test_every_handler_is_exercised_here() -> None:
    assert operations_of(handlers.HANDLERS) <= operations_called_in(Path(__file__).parent)
