"""AWS Signature Version 4 for requests with the signature in the Authorization header.

What every S3-compatible store (AWS S3, MinIO, Ceph's RGW, DigitalOcean Spaces, …) checks.
A small function of our own rather than botocore: the feed needs four S3 calls, not an SDK,
and the published test vectors pin it down (tests/unit/test_sigv4.py)."""

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Credentials:
    """An access key; the secret and the session token never appear in a repr or a log."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(default="", repr=False)


def canonical_request(method: str, url: str, headers: Mapping[str, str],
                      payload_sha256: str) -> tuple[str, str]:
    """The canonical request and its signed headers' names (`host;x-amz-date`)."""
    parts = urlsplit(url)
    names = sorted(headers, key=str.lower)
    canonical_headers = "".join(
        f"{name.lower()}:{_SPACES.sub(' ', headers[name].strip())}\n" for name in names)
    signed = ";".join(name.lower() for name in names)
    query = "&".join(f"{k}={v}" for k, v in sorted(
        (quote(k, safe="~"), quote(v, safe="~"))
        for k, v in parse_qsl(parts.query, keep_blank_values=True)))
    # S3 signs the path as sent, encoded once: no normalising, no double encoding.
    path = quote(parts.path or "/", safe="/~%")
    return "\n".join([method.upper(), path, query, canonical_headers, signed,
                      payload_sha256]), signed


def string_to_sign(amz_date: str, scope: str, canonical: str) -> str:
    return "\n".join([ALGORITHM, amz_date, scope,
                      hashlib.sha256(canonical.encode()).hexdigest()])


def signing_key(secret_access_key: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret_access_key}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(method: str, url: str, headers: Mapping[str, str], payload_sha256: str,
         credentials: Credentials, region: str, service: str, now: datetime) -> dict[str, str]:
    """The headers to send: `headers`, `host`, `x-amz-date`, the session token if any and
    `Authorization`, all of them signed."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    signed_headers = {"host": host_of(url), **headers, "x-amz-date": amz_date}
    if credentials.session_token:
        signed_headers["x-amz-security-token"] = credentials.session_token
    canonical, names = canonical_request(method, url, signed_headers, payload_sha256)
    scope = f"{date}/{region}/{service}/aws4_request"
    signature = hmac.new(signing_key(credentials.secret_access_key, date, region, service),
                         string_to_sign(amz_date, scope, canonical).encode(),
                         hashlib.sha256).hexdigest()
    return {**signed_headers, "authorization": (
        f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
        f"SignedHeaders={names}, Signature={signature}")}


def host_of(url: str) -> str:
    """The Host header a client sends: the port only when it is not the scheme's own."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host if parts.port in (None, default) else f"{host}:{parts.port}"
