"""The S3 media store against a real S3-compatible server (moto's, checking signatures):
what goes in comes out by ranges, as from the local store; missing is NoSuchMediaError;
a wrong key is refused; failures are tried again, a bounded number of times."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from kit.embedded import free_port
from kit.media import LocalMediaStore, MediaStore, NoSuchMediaError
from kit.media_s3 import MediaStoreError, S3MediaStore
from kit.sigv4 import Credentials
from tests.s3 import BUCKET, REGION, S3Server, running_s3

DATA = bytes(range(256)) * 40  # 10 240 bytes


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with running_s3(tmp_path_factory.mktemp("s3")) as server:
        yield server


def store_on(s3: S3Server, **options: Any) -> S3MediaStore:
    return S3MediaStore(s3.endpoint, BUCKET, s3.credentials, REGION, **options)


async def test_put_get_ranges_size_and_delete_as_the_local_store_does(
        s3: S3Server, tmp_path: Path) -> None:
    store = store_on(s3)
    local = LocalMediaStore(tmp_path / "media")
    stores: list[MediaStore] = [store, local]
    for each in stores:
        await each.put("note-1", DATA, "audio/webm")
    for start, end in [(0, 1), (2, 5), (0, len(DATA)), (10_000, 20_000), (len(DATA), 99_999),
                       (50_000, 60_000), (7, 7), (9, 3)]:
        assert await store.get("note-1", start, end) == await local.get("note-1", start, end) \
            == DATA[start:end], (start, end)
    assert await store.size("note-1") == len(DATA)
    head = s3.client().head_object(Bucket=BUCKET, Key="note-1")
    assert head["ContentType"] == "audio/webm" and head["ContentLength"] == len(DATA)
    await store.delete("note-1")
    await store.delete("note-1")  # gone already: still fine, as for the local store
    for call in (store.size("note-1"), store.get("note-1", 0, 10), store.get("note-1", 3, 3)):
        with pytest.raises(NoSuchMediaError):
            await call
    await store.aclose()


async def test_temporary_credentials_sign_with_their_session_token(s3: S3Server) -> None:
    temporary = s3.temporary_credentials()
    store = S3MediaStore(s3.endpoint, BUCKET, temporary, REGION)
    await store.put("note-2", b"spoken words", "audio/ogg")
    assert await store.get("note-2", 7, 100) == b"words"
    without_token = S3MediaStore(s3.endpoint, BUCKET, Credentials(
        temporary.access_key_id, temporary.secret_access_key), REGION, attempts=1)
    with pytest.raises(MediaStoreError):
        await without_token.size("note-2")
    await store.delete("note-2")
    await store.aclose()
    await without_token.aclose()


async def test_a_wrong_secret_or_bucket_is_refused_not_missing(s3: S3Server) -> None:
    await store_on(s3).put("note-3", b"x", "audio/webm")
    forged = S3MediaStore(s3.endpoint, BUCKET, Credentials(s3.credentials.access_key_id,
                                                           "not-the-secret"), REGION)
    with pytest.raises(MediaStoreError) as refused:
        await forged.get("note-3", 0, 1)
    assert refused.value.failure == "403 SignatureDoesNotMatch"
    assert "not-the-secret" not in str(refused.value)
    with pytest.raises(MediaStoreError, match="403"):
        await forged.put("note-4", b"x", "audio/webm")
    no_bucket = S3MediaStore(s3.endpoint, "no-such-bucket", s3.credentials, REGION)
    with pytest.raises(MediaStoreError, match="NoSuchBucket"):
        await no_bucket.get("note-3", 0, 1)
    assert s3.client().list_objects_v2(Bucket=BUCKET, Prefix="note-4")["KeyCount"] == 0


class Flaky(httpx.AsyncBaseTransport):
    """The network in front of the real server: the first `failures` requests fail."""

    def __init__(self, failures: list[int | None]) -> None:
        self.failures, self.real, self.sent = failures, httpx.AsyncHTTPTransport(), 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        if self.failures:
            status = self.failures.pop(0)
            if status is None:
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(status, request=request)
        return await self.real.handle_async_request(request)


async def test_5xx_and_lost_connections_are_tried_again(s3: S3Server) -> None:
    flaky = Flaky([503, None, 500])
    store = store_on(s3, transport=flaky, backoff_s=0.01)
    with capture_logs() as logs:
        await store.put("note-5", b"after three failures", "audio/webm")
    assert flaky.sent == 4
    # Only the store's own lines: in a full run, other tests' background tasks log too.
    assert [(line["attempt"], line["failure"]) for line in logs
            if line["event"] == "media_store_retry"] == [
        (1, "503"), (2, "ConnectError"), (3, "500")]
    assert s3.credentials.secret_access_key not in repr(logs)
    assert await store.get("note-5", 0, 5) == b"after"


async def test_tries_are_bounded(s3: S3Server) -> None:
    flaky = Flaky([503] * 10)
    with pytest.raises(MediaStoreError, match="503"):
        await store_on(s3, transport=flaky, attempts=3, backoff_s=0.01).size("note-5")
    assert flaky.sent == 3
    unreachable = S3MediaStore(f"http://127.0.0.1:{free_port()}", BUCKET, s3.credentials,
                               REGION, attempts=2, backoff_s=0.01, timeout_s=1)
    with pytest.raises(MediaStoreError, match="ConnectError"):
        await unreachable.put("note-6", b"x", "audio/webm")


async def test_a_store_that_never_answers_fails_within_the_deadline(s3: S3Server) -> None:
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # accepted, never answered

    silent = await asyncio.start_server(hold, "127.0.0.1", free_port())
    port = silent.sockets[0].getsockname()[1]
    store = S3MediaStore(f"http://127.0.0.1:{port}", BUCKET, s3.credentials, REGION,
                         timeout_s=0.3, deadline_s=1.0, backoff_s=0.05)
    started = time.monotonic()
    with pytest.raises(MediaStoreError, match="Timeout"):
        await store.get("note-7", 0, 10)
    assert 0.3 <= time.monotonic() - started < 1.5
    assert 2 <= len(held) <= 4  # tried again while time remained
    for writer in held:
        writer.close()
    silent.close()
    await silent.wait_closed()
    await store.aclose()
