"""The regulator port: the in-memory fake, the drop folder, and the fake regulator's HTTP app."""

import asyncio
import os
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from structlog.testing import capture_logs

from pharmacovigilance import e2b
from pharmacovigilance.domain.case import Case, CaseMedicine, CaseReaction
from pharmacovigilance.e2b import Acknowledgement, MessageAcknowledgement
from pharmacovigilance.regulator import (
    InMemoryRegulator,
    Regulator,
    RegulatorRefused,
    RegulatorUnavailable,
)
from pharmacovigilance.regulator.fake_pvpi import Control, FakeRegulator, Uploader, create_app
from pharmacovigilance.regulator.folder import FolderRegulator

V3 = "{urn:hl7-org:v3}"
XML = {"Content-Type": "application/xml"}


def a_case(number: int = 1, **changes: Any) -> Case:
    """A valid case: one reaction, one suspect medicine, a consumer in India."""
    case = Case(
        case_id=UUID(int=number), safety_report_id=f"IN-PU-{number:06d}-V1",
        worldwide_id=f"IN-PU-{number:06d}", version=1,
        created_at=datetime(2024, 1, 5, 10, 30, tzinfo=UTC), first_received=date(2024, 1, 4),
        most_recent=date(2024, 1, 5), reporter_qualification=5, reporter_name=None,
        patient_initials="RK", reactions=(CaseReaction(UUID(int=11), "rash", "en"),),
        medicines=(CaseMedicine(UUID(int=21), "Drugzol 500"),))
    return replace(case, **changes)


def batch(*cases: Case, batch_id: str = "IN-PU-BATCH-0001") -> bytes:
    return e2b.batch_xml(cases or (a_case(),), batch_id=batch_id, sender_id="PATIENTS-UNION",
                         receiver_id="PVPI", created_at=datetime(2024, 1, 5, 12, 0, tzinfo=UTC))


def without_message_ids(xml: bytes) -> bytes:
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    for message in root.iter(f"{V3}PORR_IN049016UV"):
        message.remove(message.find(f"{V3}id"))  # type: ignore[arg-type]
    return ET.tostring(root, encoding="utf-8")


def answers(ack: Acknowledgement | None) -> list[tuple[str, str, str | None]]:
    assert ack is not None
    return [(message.message_id, message.code, message.detail) for message in ack.messages]


# --- the in-memory fake ------------------------------------------------------------------------

async def test_the_in_memory_regulator_answers_each_message_at_once() -> None:
    regulator: Regulator = InMemoryRegulator()
    ack = await regulator.send("IN-PU-BATCH-0001", batch(a_case(1), a_case(2)))
    assert ack is not None and (ack.batch_id, ack.code) == ("IN-PU-BATCH-0001", "AA")
    assert answers(ack) == [("IN-PU-000001-V1", "CA", None), ("IN-PU-000002-V1", "CA", None)]
    assert await regulator.acknowledgements() == []


async def test_a_message_sent_again_is_acknowledged_again_and_accepted_once() -> None:
    regulator = InMemoryRegulator()
    await regulator.send("B1", batch(batch_id="B1"))
    again = await regulator.send("B2", batch(batch_id="B2"))
    assert answers(again) == [("IN-PU-000001-V1", "CA", "duplicate: already accepted")]
    assert regulator.intake.stats() == {
        "batches": 2, "accepted": {"IN-PU-000001-V1": 1},
        "duplicates": {"IN-PU-000001-V1": 1}, "rejected": {}}
    assert regulator.sent == ["B1", "B2"]


async def test_deferred_acknowledgements_arrive_once_through_acknowledgements() -> None:
    regulator = InMemoryRegulator(deferred=True)
    assert await regulator.send("IN-PU-BATCH-0001", batch()) is None
    [ack] = await regulator.acknowledgements()
    assert (ack.batch_id, ack.code) == ("IN-PU-BATCH-0001", "AA")
    assert await regulator.acknowledgements() == []


async def test_down_receives_nothing_and_unanswered_receives_without_saying_so() -> None:
    regulator = InMemoryRegulator()
    regulator.mode = "down"
    with pytest.raises(RegulatorUnavailable):
        await regulator.send("B1", batch())
    assert regulator.intake.stats()["accepted"] == {}
    regulator.mode = "unanswered"
    with pytest.raises(RegulatorUnavailable):
        await regulator.send("B1", batch())
    regulator.mode = "up"
    assert answers(await regulator.send("B1", batch()))[0][1:] == (
        "CA", "duplicate: already accepted")
    assert regulator.intake.stats()["accepted"] == {"IN-PU-000001-V1": 1}


async def test_reject_mode_rejects_every_message_with_the_reason() -> None:
    regulator = InMemoryRegulator()
    regulator.mode, regulator.reason = "reject", "E.i.2.1b: MedDRA code missing"
    ack = await regulator.send("B1", batch(a_case(1), a_case(2)))
    assert ack is not None and ack.code == "AE"
    assert {code for _, code, _ in answers(ack)} == {"CR"}
    assert regulator.intake.stats()["rejected"] == {
        "IN-PU-000001-V1": "E.i.2.1b: MedDRA code missing",
        "IN-PU-000002-V1": "E.i.2.1b: MedDRA code missing"}


async def test_invalid_cases_are_rejected_one_by_one() -> None:
    no_suspect = a_case(2, medicines=(CaseMedicine(UUID(int=21), "Drugzol", "concomitant"),))
    ack = await InMemoryRegulator().send("B1", batch(
        a_case(1), no_suspect, a_case(3, reactions=()), a_case(4, worldwide_id="")))
    assert ack is not None and ack.code == "AE"
    assert answers(ack) == [
        ("IN-PU-000001-V1", "CA", None),
        ("IN-PU-000002-V1", "CR", "G.k.1: no suspect or interacting medicine"),
        ("IN-PU-000003-V1", "CR", "E.i: no reaction"),
        ("IN-PU-000004-V1", "CR", "C.1.8.1 worldwide unique case identification is missing")]


async def test_a_batch_whose_messages_cannot_be_told_apart_is_rejected_whole() -> None:
    ack = await InMemoryRegulator().send("IN-PU-BATCH-0001", without_message_ids(batch()))
    assert ack is not None and (ack.batch_id, ack.code, ack.messages, ack.detail) == (
        "IN-PU-BATCH-0001", "AR", (), "a message has no id (N.2.r.1)")


async def test_what_is_no_batch_is_refused() -> None:
    with pytest.raises(RegulatorRefused):
        await InMemoryRegulator().send("B1", b"<not-e2b/>")


# --- the drop folder ---------------------------------------------------------------------------

async def test_a_batch_is_written_to_outgoing_and_nothing_is_answered_yet(tmp_path: Path) -> None:
    regulator: Regulator = FolderRegulator(tmp_path)
    assert await regulator.send("IN-PU-BATCH-0001", batch()) is None
    assert (tmp_path / "outgoing" / "IN-PU-BATCH-0001.xml").read_bytes() == batch()
    assert await regulator.acknowledgements() == []


async def test_sending_a_batch_again_replaces_its_file(tmp_path: Path) -> None:
    regulator = FolderRegulator(tmp_path)
    await regulator.send("B1", batch(a_case(1), batch_id="B1"))
    await regulator.send("B1", batch(a_case(2), batch_id="B1"))
    assert os.listdir(tmp_path / "outgoing") == ["B1.xml"]
    assert (tmp_path / "outgoing" / "B1.xml").read_bytes() == batch(a_case(2), batch_id="B1")


async def test_a_write_that_fails_leaves_the_previous_file_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regulator = FolderRegulator(tmp_path)
    await regulator.send("B1", batch(a_case(1), batch_id="B1"))

    def disk_full(_: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(RegulatorUnavailable):
        await regulator.send("B1", batch(a_case(2), batch_id="B1"))
    assert os.listdir(tmp_path / "outgoing") == ["B1.xml"]
    assert (tmp_path / "outgoing" / "B1.xml").read_bytes() == batch(a_case(1), batch_id="B1")


async def test_a_batch_id_that_is_no_file_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegulatorRefused):
        await FolderRegulator(tmp_path).send("../B1", batch())


def place_ack(tmp_path: Path, file_name: str, ack: Acknowledgement) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir(exist_ok=True)
    (incoming / file_name).write_bytes(e2b.ack_xml(
        ack, sender_id="PVPI", receiver_id="PATIENTS-UNION", created_at=datetime.now(UTC)))


async def test_acknowledgement_files_are_read_once_and_moved_to_processed(tmp_path: Path) -> None:
    first = Acknowledgement("A1", "B1", "AA", (MessageAcknowledgement("IN-PU-000001-V1", "CA"),))
    second = Acknowledgement("A2", "B2", "AR", detail="not ours")
    place_ack(tmp_path, "a1.ack", first)
    place_ack(tmp_path, "a2.xml", second)
    regulator = FolderRegulator(tmp_path)
    assert await regulator.acknowledgements() == [first, second]
    assert await regulator.acknowledgements() == []
    assert sorted(os.listdir(tmp_path / "incoming" / "processed")) == ["a1.ack", "a2.xml"]


async def test_a_broken_file_goes_to_rejected_and_is_logged_not_raised(tmp_path: Path) -> None:
    ack = Acknowledgement("A1", "B1", "AA")
    place_ack(tmp_path, "a1.ack", ack)
    (tmp_path / "incoming" / "broken.xml").write_bytes(b"<MCCI_IN200101UV01")
    (tmp_path / "incoming" / "a3.ack.part").write_bytes(b"still copying")
    with capture_logs() as logs:
        assert await FolderRegulator(tmp_path).acknowledgements() == [ack]
    assert os.listdir(tmp_path / "incoming" / "rejected") == ["broken.xml"]
    assert (tmp_path / "incoming" / "a3.ack.part").exists()
    [warning] = [line for line in logs if line["event"] == "acknowledgement_file_rejected"]
    assert warning["file"] == "broken.xml" and warning["log_level"] == "warning"


# --- the fake regulator, its HTTP app in process -------------------------------------------------

@pytest.fixture
async def fake() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://regulator") as client:
        yield client


async def post_batch(client: httpx.AsyncClient, xml: bytes) -> Acknowledgement:
    response = await client.post("/e2b", content=xml, headers=XML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    return e2b.read_ack(response.content)


async def test_the_fake_accepts_a_batch_and_acknowledges_each_message(
        fake: httpx.AsyncClient) -> None:
    ack = await post_batch(fake, batch(a_case(1), a_case(2)))
    assert (ack.batch_id, ack.code) == ("IN-PU-BATCH-0001", "AA")
    assert answers(ack) == [("IN-PU-000001-V1", "CA", None), ("IN-PU-000002-V1", "CA", None)]


async def test_the_fake_answers_as_the_batch_receiver_to_its_sender(
        fake: httpx.AsyncClient) -> None:
    response = await fake.post("/e2b", content=batch(), headers=XML)
    root = ET.fromstring(response.content)  # noqa: S314 - the fake's own output
    devices = [(role, root.find(f"{V3}{role}/{V3}device/{V3}id").get("extension"))  # type: ignore[union-attr]
               for role in ("sender", "receiver")]
    assert devices == [("sender", "PVPI"), ("receiver", "PATIENTS-UNION")]


async def test_the_fake_counts_duplicates_and_accepts_a_message_once(
        fake: httpx.AsyncClient) -> None:
    await post_batch(fake, batch(a_case(1)))
    again = await post_batch(fake, batch(a_case(1), a_case(2), batch_id="IN-PU-BATCH-0002"))
    assert again.code == "AA"
    assert (await fake.get("/stats")).json() == {
        "batches": 2, "accepted": {"IN-PU-000001-V1": 1, "IN-PU-000002-V1": 1},
        "duplicates": {"IN-PU-000001-V1": 1}, "rejected": {}}


async def test_the_fake_told_to_be_down_answers_503_until_up(fake: httpx.AsyncClient) -> None:
    assert (await fake.post("/control", json={"mode": "down"})).status_code == 200
    assert (await fake.post("/e2b", content=batch(), headers=XML)).status_code == 503
    await fake.post("/control", json={"mode": "up"})
    assert (await post_batch(fake, batch())).code == "AA"
    assert (await fake.get("/stats")).json()["batches"] == 1


async def test_the_fake_told_to_reject_rejects_every_message_with_the_reason(
        fake: httpx.AsyncClient) -> None:
    await fake.post("/control", json={"mode": "reject", "reason": "C.2.r.4 not accepted"})
    ack = await post_batch(fake, batch(a_case(1), a_case(2)))
    assert ack.code == "AE"
    assert answers(ack) == [("IN-PU-000001-V1", "CR", "C.2.r.4 not accepted"),
                            ("IN-PU-000002-V1", "CR", "C.2.r.4 not accepted")]
    assert (await fake.get("/stats")).json()["rejected"] == {
        "IN-PU-000001-V1": "C.2.r.4 not accepted", "IN-PU-000002-V1": "C.2.r.4 not accepted"}


async def test_the_fake_rejects_an_invalid_case_and_accepts_the_rest(
        fake: httpx.AsyncClient) -> None:
    ack = await post_batch(fake, batch(a_case(1), a_case(2, reactions=())))
    assert (ack.code, answers(ack)[1]) == ("AE", ("IN-PU-000002-V1", "CR", "E.i: no reaction"))


@pytest.mark.parametrize(("body", "headers", "status"), [
    (b"<MCCI_IN200100UV01", XML, 400),
    (b'<MCCI_IN200101UV01 xmlns="urn:hl7-org:v3"/>', XML, 400),
    (batch(), {"Content-Type": "application/json"}, 415),
])
async def test_the_fake_refuses_what_is_no_xml_batch(
        fake: httpx.AsyncClient, body: bytes, headers: dict[str, str], status: int) -> None:
    assert (await fake.post("/e2b", content=body, headers=headers)).status_code == status
    assert (await fake.get("/stats")).json()["batches"] == 0


async def test_the_fake_told_to_be_slow_records_the_batch_before_answering(
        fake: httpx.AsyncClient) -> None:
    await fake.post("/control", json={"mode": "slow", "delay_s": 0.5})
    answer = asyncio.create_task(fake.post("/e2b", content=batch(), headers=XML))
    async with asyncio.timeout(5):
        while not (await fake.get("/stats")).json()["accepted"]:
            await asyncio.sleep(0.01)
    assert not answer.done()
    assert (await answer).status_code == 200


async def test_reset_clears_the_counts_and_brings_the_fake_up(fake: httpx.AsyncClient) -> None:
    await post_batch(fake, batch())
    await fake.post("/control", json={"mode": "down"})
    assert (await fake.post("/reset")).json() == {
        "batches": 0, "accepted": {}, "duplicates": {}, "rejected": {}}
    assert (await post_batch(fake, batch())).code == "AA"


async def test_the_fake_refuses_an_unknown_mode(fake: httpx.AsyncClient) -> None:
    assert (await fake.post("/control", json={"mode": "sideways"})).status_code == 422


# --- the fake regulator's uploader: the other side of the drop folder ----------------------------

async def test_the_uploader_answers_batch_files_oldest_first_as_the_folder_expects(
        tmp_path: Path) -> None:
    ours, fake = FolderRegulator(tmp_path), FakeRegulator()
    await ours.send("B2", batch(a_case(2), batch_id="B2"))
    await ours.send("B1", batch(a_case(1), batch_id="B1"))
    assert await Uploader(fake, tmp_path).upload_waiting() == 2
    acks = await ours.acknowledgements()
    assert [(ack.batch_id, ack.code) for ack in acks] == [("B2", "AA"), ("B1", "AA")]
    assert list(fake.intake.accepted) == ["IN-PU-000002-V1", "IN-PU-000001-V1"]
    assert sorted(os.listdir(tmp_path / "outgoing" / "uploaded")) == ["B1.xml", "B2.xml"]


async def test_a_batch_file_written_again_is_a_duplicate_accepted_once(tmp_path: Path) -> None:
    ours, fake = FolderRegulator(tmp_path), FakeRegulator()
    uploader = Uploader(fake, tmp_path)
    for _ in range(2):
        await ours.send("B1", batch(a_case(1), batch_id="B1"))
        assert await uploader.upload_waiting() == 1
    assert fake.intake.stats()["accepted"] == {"IN-PU-000001-V1": 1}
    assert fake.intake.stats()["duplicates"] == {"IN-PU-000001-V1": 1}


async def test_the_uploader_away_leaves_the_files_and_rejects_on_request(tmp_path: Path) -> None:
    ours, fake = FolderRegulator(tmp_path), FakeRegulator()
    await ours.send("B1", batch(batch_id="B1"))
    await fake.set_control(Control(mode="down"))
    assert await Uploader(fake, tmp_path).upload_waiting() == 0
    assert os.listdir(tmp_path / "outgoing") == ["B1.xml"]
    await fake.set_control(Control(mode="reject", reason="C.2.r.3 missing"))
    assert await Uploader(fake, tmp_path).upload_waiting() == 1
    [ack] = await ours.acknowledgements()
    assert answers(ack) == [("IN-PU-000001-V1", "CR", "C.2.r.3 missing")]


async def test_a_file_that_is_no_batch_is_refused_and_answered_by_nothing(tmp_path: Path) -> None:
    (tmp_path / "outgoing").mkdir()
    (tmp_path / "outgoing" / "junk.xml").write_bytes(b"<not-a-batch/>")
    assert await Uploader(FakeRegulator(), tmp_path).upload_waiting() == 0
    assert os.listdir(tmp_path / "outgoing" / "refused") == ["junk.xml"]
    assert await FolderRegulator(tmp_path).acknowledgements() == []
