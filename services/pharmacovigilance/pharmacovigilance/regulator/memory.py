"""The regulator without I/O: `Intake` is what the fakes do on receipt (check each ICSR,
count message ids, acknowledge); `InMemoryRegulator` wraps it for the unit and service
tiers, `fake_pvpi` serves it over HTTP or a drop folder."""

import xml.etree.ElementTree as ET
from collections import Counter
from typing import Literal
from uuid import uuid4

from pharmacovigilance.domain.case import Case
from pharmacovigilance.e2b import (
    Acknowledgement,
    E2BError,
    MessageAcknowledgement,
    read_batch,
    read_batch_header,
)
from pharmacovigilance.e2b.tree import NS, find_all, parse
from pharmacovigilance.regulator.port import RegulatorRefused, RegulatorUnavailable

BATCH, MESSAGE = "MCCI_IN200100UV01", "PORR_IN049016UV"
ACTIVE_ROLES = ("suspect", "interacting")  # G.k.1 roles that make a case valid (ICH E2D)


class Intake:
    """A regulator's side of the exchange, in memory: every message id counted, none twice."""

    def __init__(self) -> None:
        self.batches = 0
        self.accepted: dict[str, int] = {}
        self.duplicates: Counter[str] = Counter()
        self.rejected: dict[str, str] = {}

    def receive(self, xml: bytes, *, reject: str | None = None) -> Acknowledgement:
        """The acknowledgement of a batch; E2BError when it is no batch at all."""
        batch_id = read_batch_header(xml).batch_id
        self.batches += 1
        try:
            singles = _one_message_batches(xml)
        except E2BError as error:
            return Acknowledgement(f"ACK-{uuid4()}", batch_id, "AR", detail=str(error))
        answers = tuple(self._answer(message_id, single, reject) for message_id, single in singles)
        return Acknowledgement(f"ACK-{uuid4()}", batch_id, _batch_code(answers), answers)

    def stats(self) -> dict[str, object]:
        return {"batches": self.batches, "accepted": dict(self.accepted),
                "duplicates": dict(self.duplicates), "rejected": dict(self.rejected)}

    def _answer(self, message_id: str, single: bytes, reject: str | None) -> MessageAcknowledgement:
        problem = reject if reject is not None else _problem(message_id, single)
        if problem is not None:
            self.rejected[message_id] = problem
            return MessageAcknowledgement(message_id, "CR", problem)
        if message_id in self.accepted:
            self.duplicates[message_id] += 1
            return MessageAcknowledgement(message_id, "CA", "duplicate: already accepted")
        self.accepted[message_id] = 1
        return MessageAcknowledgement(message_id, "CA")


def _one_message_batches(xml: bytes) -> list[tuple[str, bytes]]:
    """Each message's id (N.2.r.1) and a copy of the batch holding only that message."""
    batch = parse(xml, BATCH)
    messages = find_all(batch, MESSAGE)
    if not messages:
        raise E2BError("the batch carries no ICSR (N.2.r)")
    position = list(batch).index(messages[0])
    for message in messages:
        batch.remove(message)
    return [_alone(batch, position, message) for message in messages]


def _alone(batch: ET.Element, position: int, message: ET.Element) -> tuple[str, bytes]:
    identifier = message.find("id", NS)
    message_id = None if identifier is None else identifier.get("extension")
    if not message_id:
        raise E2BError("a message has no id (N.2.r.1)")
    batch.insert(position, message)
    single = ET.tostring(batch, encoding="utf-8")
    batch.remove(message)
    return message_id, single


def _problem(message_id: str, single: bytes) -> str | None:
    """Why this ICSR is not a valid case, or None: the first failed check, E2B's words."""
    try:
        [case] = read_batch(single)
    except E2BError as error:
        return str(error)
    return next((problem for problem, failed in _checks(case, message_id) if failed), None)


def _checks(case: Case, message_id: str) -> list[tuple[str, bool]]:
    return [
        ("C.1.1 differs from the message id N.2.r.1", case.safety_report_id != message_id),
        ("C.1.8.1 worldwide unique case identification is missing", not case.worldwide_id),
        ("E.i: no reaction", not case.reactions),
        ("G.k.1: no suspect or interacting medicine",
         not any(medicine.role in ACTIVE_ROLES for medicine in case.medicines)),
        ("C.2.r.3: the primary source's country is missing", not case.reporter_country),
    ]


def _batch_code(answers: tuple[MessageAcknowledgement, ...]) -> str:
    """AA when every message is accepted, else AE: AR is kept for a batch refused whole."""
    return "AA" if all(answer.code == "CA" for answer in answers) else "AE"


Mode = Literal["up", "down", "reject", "unanswered"]


class InMemoryRegulator:
    """The port without I/O, for the unit tier.

    Modes: up; down (RegulatorUnavailable, nothing received); reject (every message CR with
    `reason`); unanswered (received and counted, then RegulatorUnavailable, as a timeout
    after delivery would). Deferred, acknowledgements wait for `acknowledgements()`, as
    with the drop folder.
    """

    def __init__(self, *, deferred: bool = False) -> None:
        self.intake = Intake()
        self.deferred = deferred
        self.mode: Mode = "up"
        self.reason = "rejected on request"
        self.sent: list[str] = []  # batch ids of every delivery, in order
        self._waiting: list[Acknowledgement] = []

    async def send(self, batch_id: str, xml: bytes) -> Acknowledgement | None:
        if self.mode == "down":
            raise RegulatorUnavailable("the regulator is down")
        ack = self._receive(batch_id, xml)
        if self.mode == "unanswered":
            raise RegulatorUnavailable("no answer from the regulator")
        if self.deferred:
            self._waiting.append(ack)
            return None
        return ack

    async def acknowledgements(self) -> list[Acknowledgement]:
        arrived, self._waiting = self._waiting, []
        return arrived

    def _receive(self, batch_id: str, xml: bytes) -> Acknowledgement:
        try:
            ack = self.intake.receive(xml, reject=self.reason if self.mode == "reject" else None)
        except E2BError as error:
            raise RegulatorRefused(f"not an E2B(R3) batch: {error}") from error
        self.sent.append(batch_id)
        return ack
