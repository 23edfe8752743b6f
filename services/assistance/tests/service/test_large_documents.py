"""A document larger than one message: its pieces put one by one (sealed while they wait),
assembled and checked whole, kept, then read back by ranges; pieces never left behind."""

from base64 import b64encode
from pathlib import Path
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.assistance.messages import DOCUMENT_PART_BYTES, MAX_DOCUMENT_BYTES
from contracts.roles import CAREGIVER, PATIENT
from tests.documents import pdf
from tests.service_tier import Tier

from .conftest import member
from .test_handlers import application


def b64(data: bytes) -> str:
    return b64encode(data).decode()


async def put(tier: Tier, case: str, data: bytes, by: object) -> dict:
    """The document as the gateway sends it: pieces, then the last one with the kind."""
    pieces = [data[i:i + DOCUMENT_PART_BYTES] for i in range(0, len(data), DOCUMENT_PART_BYTES)]
    upload_id = str(uuid4())
    for index, piece in enumerate(pieces[:-1]):
        kept = await tier.ok("put_document_part", {"application_id": case,
                                                   "upload_id": upload_id, "index": index,
                                                   "data_b64": b64(piece)}, by)
        assert kept == {"index": index, "size": len(piece)}
    reply = await tier.call("upload_document", {
        "application_id": case, "kind": "estimate", "upload_id": upload_id,
        "parts": len(pieces) - 1, "data_b64": b64(pieces[-1])}, by)
    return {**(reply.body if isinstance(reply.body, dict) else {}), "replied": reply.status}


async def test_a_scanned_estimate_of_several_mb_is_kept_and_read_back_by_ranges(
        assistance: Tier, engine: AsyncEngine, media_dir: Path) -> None:
    caregiver = await member(engine, CAREGIVER)
    case = str((await assistance.ok("apply", application(), caregiver))["application_id"])
    scan = pdf(scan_bytes=3 * 1024 * 1024)
    added = await put(assistance, case, scan, caregiver)
    assert (added["replied"], added["content_type"], added["size"]) == (
        201, "application/pdf", len(scan))
    stored = list(media_dir.iterdir())
    assert len(stored) == 1 and b"%PDF" not in stored[0].read_bytes()  # no piece left
    ref = {"application_id": case, "document_id": added["document_id"]}
    info = await assistance.ok("document_info", ref, caregiver)
    assert info == {"document_id": added["document_id"], "content_type": "application/pdf",
                    "size": len(scan)}
    read = b"".join([(await assistance.call("document_bytes", {
        **ref, "start": start, "length": DOCUMENT_PART_BYTES}, caregiver)).body
        for start in range(0, len(scan), DOCUMENT_PART_BYTES)])
    assert read == scan
    past = await assistance.call("document_bytes", {**ref, "start": len(scan),
                                                    "length": 10}, caregiver)
    assert past.status == 416
    whole = await assistance.call("get_document", ref, caregiver)
    assert whole.status == 422  # too large for one reply: by ranges
    other = await member(engine, PATIENT)
    assert (await assistance.call("document_info", ref, other)).status == 404
    assert (await assistance.call("document_bytes", {**ref, "start": 0, "length": 10},
                                  other)).status == 404


async def test_missing_pieces_bad_pieces_and_others_cases_are_refused(
        assistance: Tier, engine: AsyncEngine, media_dir: Path) -> None:
    patient, other = await member(engine, PATIENT), await member(engine, PATIENT)
    case = str((await assistance.ok("apply", application(), patient))["application_id"])
    upload_id = str(uuid4())
    piece = pdf(scan_bytes=DOCUMENT_PART_BYTES)[:DOCUMENT_PART_BYTES]
    await assistance.ok("put_document_part", {"application_id": case, "upload_id": upload_id,
                                              "index": 0, "data_b64": b64(piece)}, patient)
    missing = await assistance.call("upload_document", {
        "application_id": case, "kind": "estimate", "upload_id": upload_id, "parts": 2,
        "data_b64": b64(b"%%EOF")}, patient)
    assert missing.status == 422 and "piece 1" in missing.body["detail"]
    assert not list(media_dir.iterdir())  # the piece that came is gone too
    for body, by in (({"index": 0, "data_b64": b64(piece)}, other),  # not their case
                     ({"index": 0, "data_b64": b64(piece + b"x")}, patient),  # too big
                     ({"index": 99, "data_b64": b64(piece)}, patient),  # beyond 10 MB
                     ({"index": 0, "data_b64": "not base64!"}, patient)):
        reply = await assistance.call("put_document_part", {
            "application_id": case, "upload_id": upload_id, **body}, by)
        assert reply.status in (404, 422), (body, reply.status)
    assert not list(media_dir.iterdir())
    assert MAX_DOCUMENT_BYTES // DOCUMENT_PART_BYTES == 20
