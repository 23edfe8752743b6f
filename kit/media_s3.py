"""The media store on an S3-compatible object store: production's adapter of kit.media's port.

Four calls (PUT, ranged GET, HEAD, DELETE) on path-style URLs (`endpoint/bucket/key`, what
MinIO and Ceph serve without DNS tricks, and AWS S3 too), signed with Signature Version 4
(kit.sigv4) and sent with httpx, already a dependency. Not boto3 (synchronous; botocore
alone installs 32 MB of service models), nor aiobotocore (pins botocore to a narrow range of
releases and brings aiohttp), nor miniopy-async (aiohttp too: a second HTTP stack beside
httpx), for four requests whose signing AWS's published vectors fix."""

import asyncio
import hashlib
import itertools
import os
import random
import re
import stat
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx

from kit.logging import get_logger
from kit.media import LocalMediaStore, MediaStore, NoSuchMediaError, checked
from kit.settings import MediaSettings
from kit.sigv4 import EMPTY_SHA256, Credentials, sign

log = get_logger(__name__)

RETRIED = frozenset({429, 500, 502, 503, 504})  # throttled or failing: worth another try
_CODE = re.compile(r"<Code>([A-Za-z0-9.]{1,64})</Code>")


class MediaStoreError(RuntimeError):
    """The object store refused a request or could not be reached (never with credentials)."""

    def __init__(self, operation: str, failure: str) -> None:
        super().__init__(f"media store {operation}: {failure}")
        self.failure = failure


class S3MediaStore:
    """Objects `<key>` in one bucket; the key checked as the local store checks it."""

    def __init__(self, endpoint: str, bucket: str, credentials: Credentials,
                 region: str = "us-east-1", *, timeout_s: float = 3.0,
                 deadline_s: float = 4.0, attempts: int = 4, backoff_s: float = 0.1,
                 max_backoff_s: float = 1.0,
                 server_side_encryption: str = "",
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base = f"{endpoint.rstrip('/')}/{quote(bucket, safe='')}"
        self.credentials, self.region = credentials, region
        self.timeout_s, self.deadline_s, self.attempts = timeout_s, deadline_s, attempts
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self.server_side_encryption = server_side_encryption
        # No proxies or .netrc from the environment: nothing but our signature on a request.
        self.client = httpx.AsyncClient(transport=transport,
                                        trust_env=False, follow_redirects=False)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        headers = {"content-type": content_type}
        if self.server_side_encryption:
            headers["x-amz-server-side-encryption"] = self.server_side_encryption
        response = await self._send("PUT", key, headers, data)
        if response.status_code != 200:
            raise _refused("put", response)

    async def get(self, key: str, start: int, end: int) -> bytes:
        """The bytes from `start` up to, not including, `end` (fewer past the object's end)."""
        if start < 0:
            raise ValueError("a range starts at 0 or later")
        if end <= start:
            await self.size(key)  # still: no such media is an error
            return b""
        response = await self._send("GET", key, {"range": f"bytes={start}-{end - 1}"})
        if response.status_code == 206:
            return response.content
        if response.status_code == 200:  # a store that ignores ranges sends it all
            return response.content[start:end]
        if response.status_code == 416:  # the object is shorter than `start`
            return b""
        raise _missing_or_refused("get", key, response)

    async def size(self, key: str) -> int:
        response = await self._send("HEAD", key)
        if response.status_code == 200:
            return int(response.headers["content-length"])
        raise _missing_or_refused("size", key, response)

    async def delete(self, key: str) -> None:
        response = await self._send("DELETE", key)
        if response.status_code not in (200, 204, 404):  # gone already is gone
            raise _refused("delete", response)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _send(self, method: str, key: str, headers: dict[str, str] | None = None,
                    body: bytes = b"") -> httpx.Response:
        """One request, signed anew for each try. 5xx, throttling and lost connections are
        tried again after a jittered backoff, all tries within `deadline_s`: a reply still
        reaches the gateway before its RPC time-out."""
        url = f"{self.base}/{checked(key)}"
        wanted = {**(headers or {}), "accept-encoding": "identity",
                  "x-amz-content-sha256": hashlib.sha256(body).hexdigest() if body
                  else EMPTY_SHA256}
        deadline = time.monotonic() + self.deadline_s
        for attempt in itertools.count(1):
            signed = sign(method, url, wanted, wanted["x-amz-content-sha256"],
                          self.credentials, self.region, "s3", datetime.now(UTC))
            budget = min(self.timeout_s, max(0.05, deadline - time.monotonic()))
            try:
                response = await self.client.request(method, url, content=body or None,
                                                     headers=signed, timeout=budget)
                failure = "" if response.status_code not in RETRIED else \
                    str(response.status_code)
            except httpx.TransportError as error:
                response, failure = None, type(error).__name__
            pause = self._backoff(attempt)
            last = attempt >= self.attempts or time.monotonic() + pause >= deadline
            if response is not None and (not failure or last):
                return response
            if last:
                raise MediaStoreError(method, failure)
            log.warning("media_store_retry", method=method, attempt=attempt, failure=failure)
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_backoff_s, self.backoff_s * 2 ** (attempt - 1))
        return ceiling * (0.5 + random.random() / 2)


def _code(response: httpx.Response) -> str:
    found = _CODE.search(response.text[:4096]) if response.content else None
    return found.group(1) if found else str(response.status_code)


def _refused(operation: str, response: httpx.Response) -> MediaStoreError:
    return MediaStoreError(operation, f"{response.status_code} {_code(response)}")


def _missing_or_refused(operation: str, key: str,
                        response: httpx.Response) -> NoSuchMediaError | MediaStoreError:
    # A HEAD's 404 has no body; a GET's tells a missing key from a missing bucket.
    if response.status_code == 404 and _code(response) in ("NoSuchKey", "404"):
        return NoSuchMediaError(key)
    return _refused(operation, response)


def secret_from(value: str, path: str, name: str) -> str:
    """A secret from its variable, or from its `*_FILE`, readable by its owner only."""
    if value or not path:
        return value
    mode = os.stat(path).st_mode
    if stat.S_IMODE(mode) & 0o077:
        raise ValueError(f"{name}_FILE may be readable by its owner only (chmod 600)")
    return Path(path).read_text().strip()


def media_store(settings: MediaSettings, local_dir: str | Path | None = None) -> MediaStore:
    """The local folder (`local_dir`, else MEDIA_DIR), or the S3-compatible bucket when
    MEDIA_STORE=s3: every service that keeps media chooses it so."""
    if settings.media_store == "local":
        return LocalMediaStore(local_dir or settings.media_dir)
    secret = secret_from(settings.s3_secret_access_key.get_secret_value(),
                         settings.s3_secret_access_key_file, "S3_SECRET_ACCESS_KEY")
    token = secret_from(settings.s3_session_token.get_secret_value(),
                        settings.s3_session_token_file, "S3_SESSION_TOKEN")
    missing = [name for name, value in (
        ("S3_ENDPOINT", settings.s3_endpoint), ("S3_BUCKET", settings.s3_bucket),
        ("S3_ACCESS_KEY_ID", settings.s3_access_key_id),
        ("S3_SECRET_ACCESS_KEY", secret)) if not value]
    if missing:
        raise ValueError(f"MEDIA_STORE=s3 needs {', '.join(missing)}")
    return S3MediaStore(settings.s3_endpoint, settings.s3_bucket,
                        Credentials(settings.s3_access_key_id, secret, token),
                        settings.s3_region, timeout_s=settings.s3_timeout_s,
                        deadline_s=settings.s3_deadline_s,
                        server_side_encryption=settings.s3_server_side_encryption)
