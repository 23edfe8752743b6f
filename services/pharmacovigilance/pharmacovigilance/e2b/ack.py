"""ICH E2B(R3) acknowledgements (MCCI_IN200101UV01): written by a receiver, read by us.

Pure: bytes in, bytes out. One acknowledgement answers one ICSR batch (ACK.A) and, within
it, each message (ACK.B.r) by the message's C.1.1.
"""

from dataclasses import dataclass
from datetime import datetime
from xml.etree.ElementTree import Element

from pharmacovigilance.e2b import codes
from pharmacovigilance.e2b.tree import (
    E2BError,
    attribute,
    attribute_at,
    batch_header,
    device,
    document,
    find,
    find_all,
    message_header,
    parse,
    serialise,
    sub,
    text_at,
)

BATCH_CODES = ("AA", "AE", "AR")  # ACK.A.4: all accepted, accepted with errors, rejected
MESSAGE_CODES = ("CA", "CR")  # ACK.B.r.6: accepted, rejected


@dataclass(frozen=True)
class MessageAcknowledgement:
    message_id: str  # ACK.B.r.1: the ICSR's C.1.1
    code: str  # ACK.B.r.6: CA or CR
    detail: str | None = None  # ACK.B.r.7: the error, warning or comment
    local_report_id: str | None = None  # ACK.B.r.2: the receiver's own number for the case


@dataclass(frozen=True)
class Acknowledgement:
    ack_id: str  # ACK.M.1
    batch_id: str  # ACK.A.1: the N.1.2 acknowledged
    code: str  # ACK.A.4: AA, AE or AR
    messages: tuple[MessageAcknowledgement, ...] = ()
    detail: str | None = None  # ACK.A.5: why a batch was rejected, or a comment


def ack_xml(ack: Acknowledgement, *, sender_id: str, receiver_id: str,
            created_at: datetime) -> bytes:
    """The acknowledgement batch; sender_id is the receiver of the ICSRs, and vice versa."""
    _check(ack.code, BATCH_CODES, "batch acknowledgement")
    root = document("MCCI_IN200101UV01")
    batch_header(root, codes.ACK_BATCH_ID, ack.ack_id, created_at)
    for message in ack.messages:
        _message(root, message, sender_id, receiver_id, created_at)
    device(root, "receiver", codes.ACK_BATCH_RECEIVER, receiver_id)
    device(root, "sender", codes.ACK_BATCH_SENDER, sender_id)
    _acknowledgement(root, ack.code, "targetBatch", codes.BATCH_ID, ack.batch_id, ack.detail)
    return serialise(root)


def read_ack(xml: bytes) -> Acknowledgement:
    """An MCCI_IN200101UV01 acknowledgement, its codes checked against ACK.A.4 and ACK.B.r.6."""
    root = parse(xml, "MCCI_IN200101UV01")
    answer = find(root, "acknowledgement")
    return Acknowledgement(
        ack_id=attribute_at(root, "id", "extension"),
        batch_id=attribute_at(answer, "targetBatch/id", "extension"),
        code=_check(attribute(answer, "typeCode"), BATCH_CODES, "batch acknowledgement"),
        messages=tuple(_read_message(message) for message in find_all(root, "MCCI_IN000002UV01")),
        detail=text_at(answer, "acknowledgementDetail/text"),
    )


def _message(root: Element, message: MessageAcknowledgement, sender_id: str, receiver_id: str,
             created_at: datetime) -> None:
    _check(message.code, MESSAGE_CODES, "message acknowledgement")
    element = sub(root, "MCCI_IN000002UV01")
    local_id = ({"root": codes.LOCAL_REPORT_ID, "extension": message.local_report_id}
                if message.local_report_id is not None else {"nullFlavor": "NI"})
    message_header(element, local_id, created_at, accept_ack="NE")
    device(element, "receiver", codes.ACK_MESSAGE_RECEIVER, receiver_id)
    device(element, "sender", codes.ACK_MESSAGE_SENDER, sender_id)
    _acknowledgement(element, message.code, "targetMessage", codes.SAFETY_REPORT_ID,
                     message.message_id, message.detail)


def _acknowledgement(parent: Element, code: str, target: str, root: str, extension: str,
                     detail: str | None) -> None:
    answer = sub(parent, "acknowledgement", typeCode=code)
    sub(sub(answer, target), "id", root=root, extension=extension)
    if detail is not None:
        sub(sub(answer, "acknowledgementDetail"), "text", detail)


def _read_message(element: Element) -> MessageAcknowledgement:
    answer = find(element, "acknowledgement")
    return MessageAcknowledgement(
        message_id=attribute_at(answer, "targetMessage/id", "extension"),
        code=_check(attribute(answer, "typeCode"), MESSAGE_CODES, "message acknowledgement"),
        detail=text_at(answer, "acknowledgementDetail/text"),
        local_report_id=find(element, "id").get("extension"),
    )


def _check(code: str, allowed: tuple[str, ...], what: str) -> str:
    if code not in allowed:
        raise E2BError(f"{what} code {code!r} is none of {', '.join(allowed)}")
    return code
