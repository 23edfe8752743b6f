"""Signature Version 4 against AWS's published vectors: the SigV4 test suite's get-vanilla,
get-vanilla-query-order-key-case, post-vanilla and post-sts-header-before (credentials
AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service `service`), and the S3 API
reference's "Example: GET Object" (the first ten bytes of examplebucket's test.txt)."""

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kit.media_s3 import S3MediaStore, secret_from
from kit.sigv4 import EMPTY_SHA256, Credentials, canonical_request, host_of, sign, string_to_sign

SUITE = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
SUITE_AT = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)
SCOPE = "20150830/us-east-1/service/aws4_request"
TOKEN = ("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMi"
         "cRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZam"
         "pKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7"
         "ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/"
         "oLxBA==")


def suite_authorization(signed_headers: str, signature: str) -> str:
    return (f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{SCOPE}, "
            f"SignedHeaders={signed_headers}, Signature={signature}")


def test_get_vanilla_canonical_request_string_to_sign_and_authorization() -> None:
    headers = {"Host": "example.amazonaws.com", "X-Amz-Date": "20150830T123600Z"}
    canonical, names = canonical_request("GET", "https://example.amazonaws.com/", headers,
                                         EMPTY_SHA256)
    assert canonical == ("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                         "host;x-amz-date\n"
                         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert names == "host;x-amz-date"
    assert string_to_sign("20150830T123600Z", SCOPE, canonical) == (
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")
    signed = sign("GET", "https://example.amazonaws.com/", {}, EMPTY_SHA256, SUITE,
                  "us-east-1", "service", SUITE_AT)
    assert signed == {"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z",
                      "authorization": suite_authorization(
                          "host;x-amz-date",
                          "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")}


@pytest.mark.parametrize(("method", "url", "signature"), [
    ("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1",  # query sorted
     "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
    ("POST", "https://example.amazonaws.com/",
     "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
])
def test_the_suites_other_vanilla_requests(method: str, url: str, signature: str) -> None:
    signed = sign(method, url, {}, EMPTY_SHA256, SUITE, "us-east-1", "service", SUITE_AT)
    assert signed["authorization"] == suite_authorization("host;x-amz-date", signature)


def test_post_sts_header_before_signs_the_session_token() -> None:
    temporary = Credentials(SUITE.access_key_id, SUITE.secret_access_key, TOKEN)
    signed = sign("POST", "https://example.amazonaws.com/", {}, EMPTY_SHA256, temporary,
                  "us-east-1", "service", SUITE_AT)
    assert signed["x-amz-security-token"] == TOKEN
    canonical, _ = canonical_request("POST", "https://example.amazonaws.com/",
                                     {k: v for k, v in signed.items() if k != "authorization"},
                                     EMPTY_SHA256)
    assert string_to_sign("20150830T123600Z", SCOPE, canonical).endswith(
        "\nc237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6")
    assert signed["authorization"] == suite_authorization(
        "host;x-amz-date;x-amz-security-token",
        "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead")


def test_s3s_documented_ranged_get_object() -> None:
    s3 = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    url = "https://examplebucket.s3.amazonaws.com/test.txt"
    headers = {"Range": "bytes=0-9", "x-amz-content-sha256": EMPTY_SHA256}
    signed = sign("GET", url, headers, EMPTY_SHA256, s3, "us-east-1", "s3",
                  datetime(2013, 5, 24, tzinfo=UTC))
    canonical, _ = canonical_request(
        "GET", url, {k: v for k, v in signed.items() if k != "authorization"}, EMPTY_SHA256)
    assert canonical == (
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        f"x-amz-content-sha256:{EMPTY_SHA256}\nx-amz-date:20130524T000000Z\n\n"
        f"host;range;x-amz-content-sha256;x-amz-date\n{EMPTY_SHA256}")
    assert string_to_sign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
                          canonical).endswith(
        "\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
    assert signed["authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")


def test_header_values_are_trimmed_and_their_spaces_collapsed() -> None:
    plain = sign("GET", "https://example.amazonaws.com/", {"My-Header": "a b"}, EMPTY_SHA256,
                 SUITE, "us-east-1", "service", SUITE_AT)
    padded = sign("GET", "https://example.amazonaws.com/", {"My-Header": "  a   b "},
                  EMPTY_SHA256, SUITE, "us-east-1", "service", SUITE_AT)
    assert plain["authorization"] == padded["authorization"]


@pytest.mark.parametrize(("url", "host"), [
    ("http://127.0.0.1:9000/media/x", "127.0.0.1:9000"),
    ("https://S3.ap-south-1.amazonaws.com/media/x", "s3.ap-south-1.amazonaws.com"),
    ("https://minio.internal:443/media", "minio.internal"),
    ("http://minio.internal:80/media", "minio.internal"),
    ("http://[::1]:9000/media", "[::1]:9000"),
])
def test_the_host_signed_is_the_one_sent(url: str, host: str) -> None:
    assert host_of(url) == host


def test_secrets_stay_out_of_reprs() -> None:
    shown = repr(Credentials("AKIDEXAMPLE", "the-secret-key", "the-session-token"))
    assert "AKIDEXAMPLE" in shown
    assert "the-secret-key" not in shown and "the-session-token" not in shown


def test_a_secret_file_is_read_only_when_its_owner_alone_may(tmp_path: Path) -> None:
    path = tmp_path / "s3-secret"
    path.write_text("file-secret\n")
    os.chmod(path, 0o640)
    with pytest.raises(ValueError, match="owner only"):
        secret_from("", str(path), "S3_SECRET_ACCESS_KEY")
    os.chmod(path, 0o600)
    assert secret_from("", str(path), "S3_SECRET_ACCESS_KEY") == "file-secret"
    assert secret_from("from-env", str(path), "S3_SECRET_ACCESS_KEY") == "from-env"
    assert secret_from("", "", "S3_SECRET_ACCESS_KEY") == ""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("key", ["../escape", "a/b", "", ".hidden", "x" * 129, "a.b"])
async def test_keys_are_checked_before_any_request(key: str) -> None:
    store = S3MediaStore("http://127.0.0.1:9", "media", SUITE, attempts=1)
    for call in (store.put(key, b"x", "audio/webm"), store.get(key, 0, 1), store.size(key),
                 store.delete(key)):
        with pytest.raises(ValueError, match="media key"):
            await call
    await store.aclose()
