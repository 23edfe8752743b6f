"""A fake regulator, its own process, for `make run` and the tests. In memory, one process.

    POST /e2b      an ICSR batch (Content-Type application/xml or text/xml)
                   200 + MCCI_IN200101UV01: AA all accepted, AE some rejected (CR with the
                       reason), AR the batch refused whole (no message, a message without id);
                       a message id accepted before is CA again and counted as a duplicate
                   400 text/plain: not an E2B(R3) batch at all
                   401 wrong or missing bearer token (when started with one), 415 not XML,
                   503 while told to be down
    POST /control  {"mode": "up" | "down" | "reject" | "slow", "reason": "...", "delay_s": 2}
                   reject: every message CR with `reason`; slow: the batch is recorded at once
                   and answered delay_s later, so a sender killed meanwhile never hears of it
    GET  /stats    {"batches": n, "accepted": {id: 1}, "duplicates": {id: k}, "rejected": {id: why}}
    POST /reset    counts cleared, mode back to up

python -m pharmacovigilance.fake_regulator --port 8765 [--host H] [--token T]
(the token also from FAKE_REGULATOR_TOKEN). Logs carry batch ids and counts, no case content.
"""

import argparse
import asyncio
import os
import secrets
from datetime import UTC, datetime
from typing import Literal

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from kit.logging import configure_logging, get_logger
from pharmacovigilance.e2b import Acknowledgement, E2BError, ack_xml, read_batch_header
from pharmacovigilance.regulator import Intake

log = get_logger(__name__)

XML_TYPES = ("application/xml", "text/xml")


class Control(BaseModel):
    mode: Literal["up", "down", "reject", "slow"] = "up"
    reason: str = "rejected on request"
    delay_s: float = Field(default=2.0, ge=0, le=600)


class FakeRegulator:
    """The routes' state: what was received, and how to behave."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.intake = Intake()
        self.control = Control()

    async def receive(self, request: Request) -> Response:
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        xml = await request.body()
        try:
            ack = self.intake.receive(xml, reject=self._reject_reason())
        except E2BError as error:
            log.warning("batch_unreadable", size=len(xml))
            return PlainTextResponse(f"not an E2B(R3) batch: {error}", status_code=400)
        _log_answer(ack)
        if self.control.mode == "slow":
            await asyncio.sleep(self.control.delay_s)
        return Response(_answer_xml(ack, xml), media_type="application/xml")

    async def set_control(self, control: Control) -> Control:
        self.control = control
        log.info("regulator_mode_set", mode=control.mode)
        return control

    async def stats(self) -> dict[str, object]:
        return self.intake.stats()

    async def reset(self) -> dict[str, object]:
        self.intake, self.control = Intake(), Control()
        return self.intake.stats()

    def _refusal(self, request: Request) -> Response | None:
        if self.control.mode == "down":
            return PlainTextResponse("down on request", status_code=503)
        if self.token and not secrets.compare_digest(
                request.headers.get("authorization", ""), f"Bearer {self.token}"):
            return PlainTextResponse("wrong or missing bearer token", status_code=401)
        if request.headers.get("content-type", "").split(";")[0].strip() not in XML_TYPES:
            return PlainTextResponse("send application/xml", status_code=415)
        return None

    def _reject_reason(self) -> str | None:
        return self.control.reason if self.control.mode == "reject" else None


def create_app(token: str | None = None) -> FastAPI:
    """The fake regulator as an ASGI app; with a token, /e2b wants `Authorization: Bearer`."""
    regulator = FakeRegulator(token)
    app = FastAPI(title="Fake regulator (E2B R3)")
    app.post("/e2b")(regulator.receive)
    app.post("/control")(regulator.set_control)
    app.get("/stats")(regulator.stats)
    app.post("/reset")(regulator.reset)
    return app


def _answer_xml(ack: Acknowledgement, batch: bytes) -> bytes:
    header = read_batch_header(batch)
    return ack_xml(ack, sender_id=header.receiver_id, receiver_id=header.sender_id,
                   created_at=datetime.now(UTC))


def _log_answer(ack: Acknowledgement) -> None:
    codes = [message.code for message in ack.messages]
    log.info("batch_acknowledged", batch_id=ack.batch_id, code=ack.code,
             accepted=codes.count("CA"), rejected=codes.count("CR"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pharmacovigilance.fake_regulator",
                                     description="A fake E2B(R3) regulator for demos and tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default=os.environ.get("FAKE_REGULATOR_TOKEN"))
    arguments = parser.parse_args(argv)
    configure_logging("fake-regulator")
    uvicorn.run(create_app(arguments.token), host=arguments.host, port=arguments.port,
                log_config=None, access_log=False)


if __name__ == "__main__":
    main()
