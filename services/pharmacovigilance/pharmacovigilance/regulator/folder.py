"""The regulator through a drop folder, for manual upload: batch files out, acknowledgements back.

    root/outgoing/<batch_id>.xml        written atomically; a re-send replaces the same file
    root/incoming/*.xml | *.ack         acknowledgements placed back by whoever uploads
    root/incoming/processed/            each acknowledgement once read
    root/incoming/rejected/             files that are no acknowledgement (logged, not raised)

Place acknowledgement files by a rename (copy as `x.ack.part`, then rename to `x.ack`):
a file still being copied would be read half-written and rejected. Move a rejected file
back into incoming to have it read again.
"""

import asyncio
import os
import re
import tempfile
from pathlib import Path

from kit.logging import get_logger
from pharmacovigilance.e2b import Acknowledgement, E2BError, read_ack
from pharmacovigilance.regulator.port import RegulatorRefused, RegulatorUnavailable

log = get_logger(__name__)

ACK_SUFFIXES = (".xml", ".ack")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class FolderRegulator:
    """Writes batches for someone to upload; acknowledgements arrive later, as files."""

    def __init__(self, root: Path) -> None:
        self.outgoing = root / "outgoing"
        self.incoming = root / "incoming"
        self.processed = self.incoming / "processed"
        self.rejected = self.incoming / "rejected"

    async def send(self, batch_id: str, xml: bytes) -> None:
        if not FILE_NAME.fullmatch(batch_id):
            raise RegulatorRefused(f"batch id {batch_id!r} cannot be a file name")
        try:
            await asyncio.to_thread(write_atomically, self.outgoing / f"{batch_id}.xml", xml)
        except OSError as error:
            raise RegulatorUnavailable(f"cannot write the batch file: {error}") from error
        log.info("batch_file_written", batch_id=batch_id)

    async def acknowledgements(self) -> list[Acknowledgement]:
        return await asyncio.to_thread(self._collect)

    def _collect(self) -> list[Acknowledgement]:
        for folder in (self.processed, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)
        placed = sorted((path for path in self.incoming.iterdir() if _is_ack(path)), key=oldest)
        arrived = (self._read(path) for path in placed)
        return [ack for ack in arrived if ack is not None]

    def _read(self, path: Path) -> Acknowledgement | None:
        try:
            ack = read_ack(path.read_bytes())
        except (E2BError, OSError) as error:
            path.replace(self.rejected / path.name)
            log.warning("acknowledgement_file_rejected", file=path.name, error=str(error))
            return None
        path.replace(self.processed / path.name)
        log.info("acknowledgement_file_read", file=path.name, batch_id=ack.batch_id, code=ack.code)
        return ack


def write_atomically(path: Path, content: bytes) -> None:
    """Content at path in full or not at all: a hidden temporary file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(folder: Path) -> None:
    """Make the rename itself survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def oldest(path: Path) -> tuple[int, str]:
    """Files in the order they were placed, by name when placed at the same instant."""
    return path.stat().st_mtime_ns, path.name


def _is_ack(path: Path) -> bool:
    return path.is_file() and path.suffix in ACK_SUFFIXES and not path.name.startswith(".")
