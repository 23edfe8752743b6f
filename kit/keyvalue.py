"""A JetStream key-value bucket with compare-and-set writes, for state that every replica of
a process shares (the web app's sessions): each value has a revision, a write names the
revision it read and fails when another wrote meanwhile, and a value unwritten for the
bucket's TTL is forgotten.

The one module through which the web app reaches NATS (pyproject's import contracts):
nothing of nats-py shows through it, only these errors."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import nats.errors
from nats.aio.client import Client
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError, NotFoundError
from nats.js.kv import KeyValue

from kit.bus import connect


class KeyValueUnavailableError(Exception):
    """NATS cannot be reached, or did not answer in time."""


class RevisionConflictError(Exception):
    """Another writer changed the key since the revision this write read (or created it)."""


@dataclass(frozen=True)
class Versioned:
    value: bytes
    revision: int


class Bucket:
    """One bucket on one connection; every call raises KeyValueUnavailableError when NATS
    is away (the connection keeps reconnecting meanwhile)."""

    def __init__(self, nc: Client, kv: KeyValue, timeout_s: float) -> None:
        self._nc, self._kv, self._timeout_s = nc, kv, timeout_s

    async def get(self, key: str) -> Versioned | None:
        with _unavailable():
            try:
                entry = await self._kv.get(key)
            except KeyNotFoundError:
                return None
        return Versioned(entry.value or b"", entry.revision or 0)

    async def create(self, key: str, value: bytes) -> int:
        """The key's first revision; RevisionConflictError when it exists."""
        with _unavailable(), _conflict():
            return await self._kv.create(key, value)

    async def update(self, key: str, value: bytes, revision: int) -> int:
        """The new revision, if `revision` is still the key's latest."""
        with _unavailable(), _conflict():
            return await self._kv.update(key, value, last=revision)

    async def delete(self, key: str) -> None:
        with _unavailable():
            await self._kv.delete(key)

    async def close(self) -> None:
        with contextlib.suppress(nats.errors.Error):
            await self._nc.drain()


async def open_bucket(url: str, client: str, name: str, ttl_s: float, replicas: int = 1,
                      timeout_s: float = 2.0) -> Bucket:
    """The bucket `name` (made when missing: file storage, one revision kept per key, a
    value forgotten `ttl_s` after its last write; its TTL and replicas changed in place
    when the settings changed), on a connection of its own."""
    nc = await connect(url, client)
    js = nc.jetstream(timeout=timeout_s)
    try:
        found = (await js.stream_info(f"KV_{name}")).config
    except NotFoundError:
        kv = await js.create_key_value(KeyValueConfig(
            bucket=name, ttl=ttl_s, history=1, replicas=replicas, storage=StorageType.FILE))
        return Bucket(nc, kv, timeout_s)
    if found.max_age != ttl_s or found.num_replicas != replicas:
        found.max_age, found.num_replicas = ttl_s, replicas
        await js.update_stream(found)
    return Bucket(nc, await js.key_value(name), timeout_s)


@contextlib.contextmanager
def _unavailable() -> Iterator[None]:
    try:
        yield
    except (nats.errors.Error, TimeoutError) as error:
        raise KeyValueUnavailableError(type(error).__name__) from error


@contextlib.contextmanager
def _conflict() -> Iterator[None]:
    try:
        yield
    except KeyWrongLastSequenceError as error:
        raise RevisionConflictError from error
