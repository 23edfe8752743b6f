"""A case's documents: up to MAX_DOCUMENT_BYTES, crossing the bus in pieces (a NATS message
holds 1 MiB), each piece sealed with the owner's key while it waits; checked whole on its
bytes, kept sealed in the media store, read back a range at a time."""

from base64 import b64decode
from binascii import Error as Base64Error
from uuid import UUID, uuid4, uuid5

from assistance import documents, domain
from assistance.adapters import sql
from assistance.deps import Deps
from assistance.handlers.applications import OFFICERS, may_read
from assistance.handlers.sealing import open_document, owner_key, seal_document
from contracts.assistance.events import DocumentAdded
from contracts.assistance.messages import (
    DOCUMENT_PART_BYTES,
    DocumentAccepted,
    DocumentInfo,
    DocumentPart,
    DocumentRange,
    DocumentRef,
    PartKept,
    UploadDocument,
)
from kit.logging import get_logger
from kit.usecases import Binary, Call, Caller

log = get_logger(__name__)


def part_key(upload_id: UUID, index: int) -> str:
    return f"assistance-part-{upload_id.hex}-{index}"


def _decoded(data_b64: str) -> bytes:
    try:
        data = b64decode(data_b64, validate=True)
    except (Base64Error, ValueError):
        raise documents.DocumentRefusedError("the file was not sent whole") from None
    if not data or len(data) > DOCUMENT_PART_BYTES:
        raise documents.DocumentRefusedError(f"a piece holds 1 to {DOCUMENT_PART_BYTES} bytes")
    return data


async def _owner(deps: Deps, application_id: UUID, caller: Caller) -> tuple[UUID, bytes]:
    """Whose case it is (a document may be added to it by the caller), and their key."""
    async with deps.db.connect() as conn:
        state, _ = await deps.applications.get(conn, domain.stream(application_id))
        owner = domain.check_may_add_document(state, caller.user_id, caller.has_any(*OFFICERS))
        return owner, await owner_key(conn, deps, owner)


async def put_document_part(call: Call[DocumentPart], deps: Deps) -> PartKept:
    """One piece of a large document, sealed with the owner's key until the upload ends."""
    c = call.command
    data = _decoded(c.data_b64)
    owner, key = await _owner(deps, c.application_id, call.caller)
    sealed = seal_document(key, owner, uuid5(c.upload_id, str(c.index)), data)
    await deps.media.put(part_key(c.upload_id, c.index), sealed, "application/octet-stream")
    return PartKept(index=c.index, size=len(data))


async def _assembled(deps: Deps, c: UploadDocument, owner: UUID, key: bytes,
                     last: bytes) -> bytes:
    pieces = []
    for index in range(c.parts):
        if c.upload_id is None:
            raise documents.DocumentRefusedError("pieces need their upload_id")
        name = part_key(c.upload_id, index)
        try:
            sealed = await deps.media.get(name, 0, await deps.media.size(name))
        except LookupError:
            raise documents.DocumentRefusedError(f"piece {index} was not sent") from None
        pieces.append(open_document(key, owner, uuid5(c.upload_id, str(index)), sealed))
    return b"".join([*pieces, last])


async def upload_document(call: Call[UploadDocument], deps: Deps) -> DocumentAccepted:
    """A document (its pieces put before, and this last one) checked whole on its bytes,
    kept sealed in the media store, then recorded; the file is removed again if the record
    is refused, and the pieces in any case."""
    command, caller = call.command, call.caller
    try:
        last = _decoded(command.data_b64)
        owner, key = await _owner(deps, command.application_id, caller)
        data = await _assembled(deps, command, owner, key, last)
    finally:
        await _drop_parts(deps, command)
    checked = documents.check(data)
    stream, document_id = domain.stream(command.application_id), uuid4()
    media_key = f"assistance-{document_id.hex}"
    await deps.media.put(media_key, seal_document(key, owner, document_id, data),
                         "application/octet-stream")
    event = DocumentAdded(application_id=command.application_id, document_id=document_id,
                          kind=command.kind, content_type=checked.content_type,
                          size=checked.size, media_key=media_key, added_by=caller.user_id)
    try:
        async with deps.db.transaction() as conn:
            after = await deps.applications.change(
                conn, stream, lambda s: domain.add_document(s, event), caller.metadata)
    except BaseException:
        await deps.media.delete(media_key)
        raise
    status = domain.evolve(after, event).status
    log.info("document_added", application_id=str(command.application_id), kind=command.kind,
             size=checked.size)
    return DocumentAccepted(document_id=document_id, kind=command.kind,
                            content_type=checked.content_type, size=checked.size,
                            status=status)  # type: ignore[arg-type]


async def _drop_parts(deps: Deps, command: UploadDocument) -> None:
    if command.upload_id is not None:
        for index in range(command.parts):
            await deps.media.delete(part_key(command.upload_id, index))


async def _opened(command: DocumentRef, caller: Caller, deps: Deps) -> tuple[dict, bytes]:
    """The document's record and its bytes, to those who may read the case."""
    async with deps.db.connect() as conn:
        row = await sql.application(conn, command.application_id)
        document = await sql.document(conn, command.application_id, command.document_id)
        if row is None or document is None or not may_read(row, caller):
            raise domain.NoSuchApplicationError()
        key = await owner_key(conn, deps, row["owner_id"])
    media_key = document["media_key"]
    sealed = await deps.media.get(media_key, 0, await deps.media.size(media_key))
    return dict(document), open_document(key, row["owner_id"], command.document_id, sealed)


async def get_document(call: Call[DocumentRef], deps: Deps) -> Binary:
    """A document of a case, whole (one reply holds 1 MiB: larger ones by document_bytes)."""
    document, data = await _opened(call.command, call.caller, deps)
    if len(data) > DOCUMENT_PART_BYTES:
        raise documents.DocumentRefusedError("too large for one reply: read it by ranges")
    return Binary(data, document["content_type"])


async def document_info(call: Call[DocumentRef], deps: Deps) -> DocumentInfo:
    """Its type and size, to those who may read the case (they then read it by ranges)."""
    async with deps.db.connect() as conn:
        row = await sql.application(conn, call.command.application_id)
        document = await sql.document(conn, call.command.application_id,
                                      call.command.document_id)
        if row is None or document is None or not may_read(row, call.caller):
            raise domain.NoSuchApplicationError()
        await owner_key(conn, deps, row["owner_id"])  # 410 once the owner was erased
    return DocumentInfo(document_id=call.command.document_id,
                        content_type=document["content_type"], size=document["size"])


async def document_bytes(call: Call[DocumentRange], deps: Deps) -> Binary:
    """`length` bytes of the document from `start`: the whole is opened (AES-GCM is checked
    whole), the range sent."""
    document, data = await _opened(call.command, call.caller, deps)
    if call.command.start >= len(data):
        raise documents.DocumentRangeError("the document is shorter than that")
    piece = data[call.command.start:call.command.start + call.command.length]
    return Binary(piece, document["content_type"])
