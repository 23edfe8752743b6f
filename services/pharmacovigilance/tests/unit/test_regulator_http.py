"""The HTTP adapter against the fake regulator: in process, served for real, and unreachable."""

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
import uvicorn

from pharmacovigilance import e2b
from pharmacovigilance.domain.case import Case, CaseMedicine, CaseReaction
from pharmacovigilance.e2b import Acknowledgement
from pharmacovigilance.regulator import Regulator, RegulatorRefused, RegulatorUnavailable
from pharmacovigilance.regulator.fake_pvpi import create_app
from pharmacovigilance.regulator.http import HttpRegulator

IN_PROCESS = "http://regulator/e2b"


def a_case(number: int = 1, **changes: Any) -> Case:
    """A valid case: one reaction, one suspect medicine, a consumer in India."""
    case = Case(
        case_id=UUID(int=number), safety_report_id=f"IN-PU-{number:06d}-V1",
        worldwide_id=f"IN-PU-{number:06d}", version=1,
        created_at=datetime(2024, 1, 5, 10, 30, tzinfo=UTC), first_received=date(2024, 1, 4),
        most_recent=date(2024, 1, 5), reporter_qualification=5, reporter_name=None,
        reactions=(CaseReaction(UUID(int=11), "rash", "en"),),
        medicines=(CaseMedicine(UUID(int=21), "Drugzol 500"),))
    return replace(case, **changes)


def batch(*cases: Case, batch_id: str = "B1") -> bytes:
    return e2b.batch_xml(cases or (a_case(),), batch_id=batch_id, sender_id="PATIENTS-UNION",
                         receiver_id="PVPI", created_at=datetime(2024, 1, 5, 12, 0, tzinfo=UTC))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def in_process(app: Any, token: str | None = None) -> HttpRegulator:
    return HttpRegulator(IN_PROCESS, 5.0, token, transport=httpx.ASGITransport(app=app))


async def control(app: Any, **settings: Any) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://regulator") as client:
        (await client.post("/control", json=settings)).raise_for_status()


async def test_a_batch_posted_is_answered_with_its_acknowledgement() -> None:
    async with in_process(create_app()) as regulator:
        port: Regulator = regulator
        ack = await port.send("B1", batch(a_case(1), a_case(2)))
        assert ack is not None and (ack.batch_id, ack.code) == ("B1", "AA")
        assert [(m.message_id, m.code) for m in ack.messages] == [
            ("IN-PU-000001-V1", "CA"), ("IN-PU-000002-V1", "CA")]
        assert await port.acknowledgements() == []


async def test_a_rejection_comes_back_as_an_acknowledgement_not_an_error() -> None:
    app = create_app()
    await control(app, mode="reject", reason="C.2.r.4 not accepted")
    async with in_process(app) as regulator:
        ack = await regulator.send("B1", batch())
    assert (ack.code, ack.messages[0].code, ack.messages[0].detail) == (
        "AE", "CR", "C.2.r.4 not accepted")


async def test_a_regulator_that_is_down_is_unavailable() -> None:
    app = create_app()
    await control(app, mode="down")
    async with in_process(app) as regulator:
        with pytest.raises(RegulatorUnavailable, match="503"):
            await regulator.send("B1", batch())


async def test_a_batch_the_regulator_cannot_read_is_refused() -> None:
    async with in_process(create_app()) as regulator:
        with pytest.raises(RegulatorRefused, match="400"):
            await regulator.send("B1", b"<MCCI_IN200100UV01/>")


async def test_the_bearer_token_is_sent_and_a_wrong_one_refused() -> None:
    app = create_app(token="s3cret")
    async with in_process(app, token="s3cret") as regulator:
        assert (await regulator.send("B1", batch())).code == "AA"
    async with in_process(app, token="wrong") as regulator:
        with pytest.raises(RegulatorRefused, match="401"):
            await regulator.send("B1", batch())


def answering(status: int, body: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(lambda _: httpx.Response(status, content=body))


@pytest.mark.parametrize(("status", "body", "error"), [
    (200, b"<html>maintenance</html>", RegulatorUnavailable),
    (200, e2b.ack_xml(Acknowledgement("A1", "B9", "AA"), sender_id="PVPI",
                      receiver_id="PATIENTS-UNION", created_at=datetime(2024, 1, 6, tzinfo=UTC)),
     RegulatorUnavailable),
    (429, b"slow down", RegulatorUnavailable),
    (502, b"bad gateway", RegulatorUnavailable),
    (413, b"too large", RegulatorRefused),
])
async def test_answers_other_than_this_batch_acknowledged(
        status: int, body: bytes, error: type[Exception]) -> None:
    async with HttpRegulator(IN_PROCESS, 5.0, transport=answering(status, body)) as regulator:
        with pytest.raises(error):
            await regulator.send("B1", batch())


async def test_an_endpoint_nobody_listens_on_is_unavailable() -> None:
    async with HttpRegulator(f"http://127.0.0.1:{free_port()}/e2b", 2.0) as regulator:
        with pytest.raises(RegulatorUnavailable):
            await regulator.send("B1", batch())


@pytest.fixture
async def served() -> AsyncIterator[str]:
    """The fake regulator served over TCP in this process; its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_config=None, access_log=False, lifespan="off"))
    serving = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


async def test_an_answer_that_times_out_leaves_the_batch_received_and_a_resend_counted_once(
        served: str) -> None:
    async with httpx.AsyncClient(base_url=served) as fake:
        await fake.post("/control", json={"mode": "slow", "delay_s": 0.5})
        async with HttpRegulator(f"{served}/e2b", 0.1) as regulator:
            with pytest.raises(RegulatorUnavailable):
                await regulator.send("B1", batch())
            await fake.post("/control", json={"mode": "up"})
            ack = await regulator.send("B1", batch())
        assert (ack.code, ack.messages[0].code) == ("AA", "CA")
        stats = (await fake.get("/stats")).json()
    assert (stats["accepted"], stats["duplicates"]) == (
        {"IN-PU-000001-V1": 1}, {"IN-PU-000001-V1": 1})
