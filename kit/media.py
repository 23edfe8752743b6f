"""Where media (voice notes) are kept: the port, and its local-folder adapter.

The local folder is the embedded default; production's S3-compatible adapter
(kit.media_s3.S3MediaStore, MEDIA_STORE=s3) implements the same Protocol."""

import asyncio
import os
import re
from pathlib import Path
from typing import Protocol
from uuid import uuid4

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")  # no dots, no slashes: no escape


class NoSuchMediaError(LookupError):
    """No media is kept under this key."""


class MediaStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str, start: int, end: int) -> bytes:
        """The bytes from `start` up to, not including, `end`."""
        ...

    async def size(self, key: str) -> int: ...

    async def delete(self, key: str) -> None: ...


def checked(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError("a media key is letters, digits, '-' and '_' (at most 128)")
    return key


class LocalMediaStore:
    """Files in one folder, readable by their owner only (0600, the folder 0700)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / checked(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    def _write(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = self.folder / f".{uuid4().hex}"  # renamed whole: never read half-written
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(partial, path)

    async def get(self, key: str, start: int, end: int) -> bytes:
        return await asyncio.to_thread(self._read, self._path(key), start, end)

    @staticmethod
    def _read(path: Path, start: int, end: int) -> bytes:
        try:
            with path.open("rb") as file:
                file.seek(start)
                return file.read(max(0, end - start))
        except FileNotFoundError as missing:
            raise NoSuchMediaError(path.name) from missing

    async def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError as missing:
            raise NoSuchMediaError(key) from missing

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
