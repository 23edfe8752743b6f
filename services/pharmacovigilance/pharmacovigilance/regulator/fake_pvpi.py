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

With --drop-dir it also plays the person who uploads by hand (the other side of
`regulator.folder`): each batch file written to DIR/outgoing is answered as if POSTed, its
acknowledgement placed in DIR/incoming/<name>.ack by a rename, and the batch moved to
DIR/outgoing/uploaded (no batch at all: DIR/outgoing/refused). Down, it leaves the files be.

python -m pharmacovigilance.fake_regulator --port 8765 [--host H] [--token T] [--drop-dir DIR]
(the token also from FAKE_REGULATOR_TOKEN). Logs carry batch ids and counts, no case content.
"""

import argparse
import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from kit.logging import configure_logging, get_logger
from pharmacovigilance.e2b import Acknowledgement, E2BError, ack_xml, read_batch_header
from pharmacovigilance.regulator.folder import oldest, write_atomically
from pharmacovigilance.regulator.memory import Intake

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
            answer = await self.answer(xml)
        except E2BError as error:
            return PlainTextResponse(f"not an E2B(R3) batch: {error}", status_code=400)
        return Response(answer, media_type="application/xml")

    async def answer(self, xml: bytes) -> bytes:
        """The acknowledgement of a batch, recorded at once and, when slow, returned late."""
        try:
            ack = self.intake.receive(xml, reject=self._reject_reason())
        except E2BError:
            log.warning("batch_unreadable", size=len(xml))
            raise
        _log_answer(ack)
        if self.control.mode == "slow":
            await asyncio.sleep(self.control.delay_s)
        return _answer_xml(ack, xml)

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


class Uploader:
    """Whoever takes batch files from the drop folder to the regulator and brings answers back."""

    def __init__(self, regulator: FakeRegulator, root: Path, poll_s: float = 0.2) -> None:
        self.regulator, self.poll_s = regulator, poll_s
        self.outgoing, self.incoming = root / "outgoing", root / "incoming"

    async def run(self) -> None:
        while True:
            try:
                await self.upload_waiting()
            except OSError as error:
                log.warning("drop_folder_unusable", error=type(error).__name__)
            await asyncio.sleep(self.poll_s)

    async def upload_waiting(self) -> int:
        """Answer every batch file waiting, oldest first; how many were answered."""
        if self.regulator.control.mode == "down":
            return 0
        waiting = await asyncio.to_thread(self._waiting)
        answered = [path for path in waiting if await self._upload(path)]
        return len(answered)

    def _waiting(self) -> list[Path]:
        for folder in (self.outgoing / "uploaded", self.outgoing / "refused", self.incoming):
            folder.mkdir(parents=True, exist_ok=True)
        files = [path for path in self.outgoing.glob("*.xml") if not path.name.startswith(".")]
        return sorted(files, key=oldest)

    async def _upload(self, path: Path) -> bool:
        xml = await asyncio.to_thread(path.read_bytes)
        try:
            answer = await self.regulator.answer(xml)
        except E2BError:
            await asyncio.to_thread(path.replace, self.outgoing / "refused" / path.name)
            return False
        await asyncio.to_thread(write_atomically, self.incoming / f"{path.stem}.ack", answer)
        await asyncio.to_thread(path.replace, self.outgoing / "uploaded" / path.name)
        return True


def create_app(token: str | None = None, drop_dir: Path | None = None) -> FastAPI:
    """The fake regulator as an ASGI app; with a token, /e2b wants `Authorization: Bearer`;
    with a drop folder, batches written there are answered too."""
    regulator = FakeRegulator(token)

    @asynccontextmanager
    async def uploading(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(Uploader(regulator, drop_dir).run()) if drop_dir else None
        yield
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    app = FastAPI(title="Fake regulator (E2B R3)", lifespan=uploading)
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
    parser.add_argument("--drop-dir", type=Path, default=None,
                        help="also answer the batch files written to DROP_DIR/outgoing")
    arguments = parser.parse_args(argv)
    configure_logging("fake-regulator")
    uvicorn.run(create_app(arguments.token, arguments.drop_dir), host=arguments.host,
                port=arguments.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
