"""The relay through a drop folder: batch files out for manual upload, acknowledgement files
back. The fake regulator (its own process) plays the person who uploads them."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.adr import coded_case, is_status, regulator, rejected, relay_queue, staff, status_of
from tests.platform import Platform, eventually, patient, running_platform


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    tmp = tmp_path_factory.mktemp("drop-folder-platform")
    async for running in running_platform(postgres_url, tmp,
                                          FAKE_REGULATOR_DROP_DIR=str(tmp / "drop")):
        yield running


@pytest.fixture
async def client(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        yield client


def drop(platform: Platform, *parts: str) -> Path:
    return Path(platform.stack.env["REGULATOR_DROP_DIR"], *parts)


def names(folder: Path) -> set[str]:
    return set(os.listdir(folder)) if folder.exists() else set()


async def test_batches_go_out_as_files_and_acknowledgement_files_come_back(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Filed"), await staff(client, "pv_officer")
    cases = [await coded_case(client, reporter, officer, f"Filedol {n}") for n in range(2)]
    message_ids = []
    for case in cases:
        submitted = await client.post(f"/v1/pv/cases/{case['report_id']}/submit",
                                      headers=officer)
        message_ids.append(submitted.json()["relay"]["safety_report_id"])
    for case in cases:
        await eventually(lambda c=case: is_status(client, reporter, c["report_id"],
                                                  "acknowledged"))
    batches = {f"{message_id}-B.xml" for message_id in message_ids}
    assert batches <= names(drop(platform, "outgoing", "uploaded"))
    acks = {f"{message_id}-B.ack" for message_id in message_ids}
    assert acks <= names(drop(platform, "incoming", "processed"))
    stats = await regulator(platform, "/stats")
    assert all(stats["accepted"][message_id] == 1 for message_id in message_ids)
    assert not any(message_id in stats["duplicates"] for message_id in message_ids)


async def test_a_file_waiting_for_upload_is_sent_once_and_acknowledged_later(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Waiting"), await staff(client, "pv_officer")
    case = await coded_case(client, reporter, officer)
    await regulator(platform, "/control", mode="down")  # nobody uploads for a while
    try:
        submitted = await client.post(f"/v1/pv/cases/{case['report_id']}/submit",
                                      headers=officer)
        batch = f"{submitted.json()['relay']['safety_report_id']}-B.xml"
        await eventually(lambda: is_status(client, reporter, case["report_id"],
                                           "sent_to_regulator"))
        assert batch in names(drop(platform, "outgoing"))
    finally:
        await regulator(platform, "/control", mode="up")
    await eventually(lambda: is_status(client, reporter, case["report_id"], "acknowledged"))
    queue = await relay_queue(client, officer)
    [ours] = [q for q in queue if q["report_id"] == case["report_id"]]
    assert ours["state"] == "acknowledged" and ours["attempts"] == 0


async def test_a_rejection_file_returns_the_case_to_the_officer_with_the_reason(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Refiled"), await staff(client, "pv_officer")
    case = await coded_case(client, reporter, officer)
    seen = await rejected(platform, client, reporter, officer, case, "D.2.2: age out of range")
    assert seen["relay"]["detail"] == "D.2.2: age out of range"


async def test_a_file_that_is_no_acknowledgement_is_set_aside_and_changes_nothing(
        platform: Platform, client: httpx.AsyncClient) -> None:
    reporter, officer = await patient(client, "Garbled"), await staff(client, "pv_officer")
    case = await coded_case(client, reporter, officer)
    before = await status_of(client, reporter, case["report_id"])
    incoming = drop(platform, "incoming")
    incoming.mkdir(parents=True, exist_ok=True)
    (incoming / "garbled.ack.part").write_bytes(b"<MCCI_IN200101UV01><not-closed>")
    (incoming / "garbled.ack.part").rename(incoming / "garbled.ack")
    await eventually(lambda: _exists(incoming / "rejected" / "garbled.ack"))
    assert await status_of(client, reporter, case["report_id"]) == before
    relay = await relay_queue(client, officer)
    assert case["report_id"] not in [q["report_id"] for q in relay]


async def _exists(path: Path) -> bool:
    return path.exists()
