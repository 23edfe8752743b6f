"""Request/reply handlers in the fast tier: one request whole (kit.rpc.answer), no broker."""

import base64
import json
import time
from uuid import uuid4

import asyncpg
import orjson
import pytest
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from structlog.testing import capture_logs

from contracts.rpc import PRINCIPAL, PRINCIPAL_SIGNATURE, STATUS, Principal
from kit import rpc
from kit.errors import conflict


class Greeting(BaseModel):
    name: str


async def greet(request: rpc.Request) -> rpc.Reply:
    body = request.parse(Greeting)
    if body.name == "taken":
        raise conflict("that name is taken")
    if body.name == "crash":
        raise RuntimeError("a bug of ours")
    if body.name == "db-away":  # as SQLAlchemy raises it when Postgres is starting up
        try:
            raise asyncpg.exceptions.CannotConnectNowError("the database system is starting up")
        except asyncpg.PostgresError as error:
            raise sa_exc.DBAPIError("SELECT 1", None, error) from error
    if body.name == "db-refused":
        raise ConnectionRefusedError(111, "Connection refused")
    return rpc.ok({"hello": body.name, "caller": request.actor}, status=201)


async def admin_only(request: rpc.Request) -> rpc.Reply:
    request.require("admin")
    return rpc.ok({})


KEY = b"k" * 32


ROUTES = {"rpc.test.greet": greet, "rpc.test.admin": admin_only}


def signed(subject: str, principal: Principal, key: bytes = KEY,
           at: float | None = None) -> dict[str, str]:
    text = principal.model_dump_json()
    return {PRINCIPAL: text, PRINCIPAL_SIGNATURE: rpc.sign_principal(key, subject, text, at)}


async def call(subject: str, body: bytes, principal: Principal | None = None,
               headers: dict[str, str] | None = None) -> tuple[int, dict]:
    if headers is None:
        headers = signed(subject, principal) if principal else {}
    reply = await rpc.answer("test", subject, ROUTES[subject], body, headers, KEY)
    return int(reply.headers[STATUS]), orjson.loads(reply.body)


async def test_a_handler_replies_with_status_and_body() -> None:
    user = Principal(user_id=uuid4(), roles=("patient",))
    assert await call("rpc.test.greet", b'{"name": "Asha"}', user) == (
        201, {"hello": "Asha", "caller": str(user.user_id)})


@pytest.mark.parametrize(("body", "status", "title"), [
    (b'{"name": ', 400, "Malformed JSON"),
    (b'{"nom": "x"}', 422, "Invalid request"),
    (b'{"name": "taken"}', 409, "Conflict"),
    (b'{"name": "crash"}', 500, "Internal error"),
])
async def test_failures_become_problems(body: bytes, status: int,
                                        title: str) -> None:
    got_status, problem = await call("rpc.test.greet", body)
    assert got_status == status == problem["status"] and problem["title"] == title
    if status == 422:
        assert problem["errors"] == [{"field": "name", "message": "Field required"}]
    if status == 500:
        assert "bug" not in problem.get("detail", "")


@pytest.mark.parametrize("name", ["db-away", "db-refused"])
async def test_the_database_away_is_a_503_to_try_again_not_a_500(name: str) -> None:
    with capture_logs() as logs:
        status, problem = await call("rpc.test.greet", orjson.dumps({"name": name}))
    assert status == problem["status"] == 503 and problem["title"] == "Service unavailable"
    assert problem["retry_after"] == rpc.RETRY_AFTER_S and "database" in problem["detail"]
    assert [entry["log_level"] for entry in logs] == ["warning"]  # not an error, no stack
    assert "exc_info" not in logs[0]


async def test_roles_are_checked_from_the_principal() -> None:
    assert (await call("rpc.test.admin", b"{}"))[0] == 401
    patient = Principal(user_id=uuid4(), roles=("patient",))
    assert (await call("rpc.test.admin", b"{}", patient))[0] == 403
    admin = Principal(user_id=uuid4(), roles=("admin",))
    assert (await call("rpc.test.admin", b"{}", admin))[0] == 200


class Note(BaseModel):
    title: str
    lines: list[dict[str, str]] = []


def test_text_holding_a_nul_character_is_refused_naming_its_field() -> None:
    request = rpc.Request("s", orjson.dumps({"title": "ok", "lines": [{}, {"x": "a\x00"}]}),
                          None, None, None)
    with pytest.raises(rpc.ProblemError) as refused:
        request.parse(Note)
    assert refused.value.problem.status == 422
    assert [e.field for e in refused.value.problem.errors or []] == ["lines.1.x"]


@pytest.mark.parametrize(("text", "named"), [
    ("a\x01b", "U+0001"), ("bell\x07", "U+0007"), ("back\x08space", "U+0008"),
    ("esc\x1b[31m", "U+001B"), ("not a character \ufffe", "U+FFFE"), ("\uffff", "U+FFFF")])
def test_text_no_one_types_is_refused_naming_field_and_character(text: str, named: str) -> None:
    request = rpc.Request("s", orjson.dumps({"title": text}), None, None, None)
    with pytest.raises(rpc.ProblemError) as refused:
        request.parse(Note)
    assert refused.value.problem.status == 422 and named in (refused.value.problem.detail or "")
    assert [e.field for e in refused.value.problem.errors or []] == ["title"]


def test_vertical_tabs_and_form_feeds_pasted_from_a_word_processor_become_newlines() -> None:
    pasted = orjson.dumps({"title": "rash\x0bitching\x0cpage 2", "lines": [{"x": "a\x0b"}]})
    note = rpc.Request("s", pasted, None, None, None).parse(Note)
    assert note.title == "rash\nitching\npage 2" and note.lines == [{"x": "a\n"}]


def test_hindi_and_accents_escaped_by_an_ascii_only_client_are_only_text() -> None:
    escaped = json.dumps({"title": "त्वचा पर दाने, café\tand\r\nmore"}).encode()  # \uXXXX
    assert rpc.Request("s", escaped, None, None, None).parse(Note).title == (
        "त्वचा पर दाने, café\tand\r\nmore")


def test_a_backslash_u0000_typed_as_text_is_only_text() -> None:
    typed = orjson.dumps({"title": "\\u0000 is how JSON writes NUL"})
    assert rpc.Request("s", typed, None, None, None).parse(Note).title.startswith("\\u0000")


def test_a_reply_too_large_for_nats_is_a_logged_problem_not_silence() -> None:
    huge = rpc.Reply(status=200, body={"items": ["x" * (rpc.MAX_REPLY_BYTES + 1)]})
    with capture_logs() as logs:
        sent = rpc.encode(huge, "rpc.test.big", "test")
    assert sent.headers[STATUS] == "500" and len(sent.body) < 1000
    assert [entry["event"] for entry in logs] == ["rpc_reply_too_large"]
    assert rpc.encode(rpc.Reply(status=200, body={"ok": 1})).headers[STATUS] == "200"


@pytest.mark.parametrize(("typed", "kept"), [
    ("cafe\u0301", "café"),  # decomposed: kept in NFC
    ("Asha\u202egnp.exe", "Ashagnp.exe"),  # a right-to-left override: would read backwards
    ("hid\u200bden\u2060 te\ufeffxt", "hidden text"),  # zero-width space, joiner, BOM
    ("\u2066isolated\u2069", "isolated"),
    ("क्\u200dष and क्\u200cष", "क्\u200dष and क्\u200cष"),  # Hindi needs ZWJ and ZWNJ
    ("\u200f\u0627\u0631\u062f\u0648", "\u200f\u0627\u0631\u062f\u0648"),  # Urdu: RLM
])
def test_text_is_kept_in_nfc_without_hidden_or_reversing_characters(typed: str,
                                                                     kept: str) -> None:
    for body in (orjson.dumps({"title": typed}), json.dumps({"title": typed}).encode()):
        assert rpc.Request("s", body, None, None, None).parse(Note).title == kept


async def test_a_principal_the_gateway_did_not_sign_is_refused() -> None:
    """Anyone who can reach NATS could otherwise claim to be an admin."""
    admin = Principal(user_id=uuid4(), roles=("admin",))
    subject = "rpc.test.admin"
    forged = [{PRINCIPAL: admin.model_dump_json()},  # no signature at all
              signed(subject, admin, key=b"x" * 32),  # someone else's key
              signed("rpc.test.greet", admin),  # signed for another operation
              signed(subject, admin, at=time.time() - 3600),  # long ago: replayed
              {**signed(subject, Principal(user_id=admin.user_id)),  # roles added after
               PRINCIPAL: admin.model_dump_json()}]
    for headers in forged:
        assert (await call(subject, b"{}", headers=headers))[0] == 401, headers
    assert (await call(subject, b"{}", admin))[0] == 200


def test_a_service_without_the_key_trusts_no_principal() -> None:
    admin = Principal(user_id=uuid4(), roles=("admin",))
    with pytest.raises(rpc.UntrustedPrincipalError):
        rpc.trusted_principal(None, "rpc.test.admin", signed("rpc.test.admin", admin))
    with pytest.raises(ValueError, match="32 bytes"):
        rpc.signing_key(base64.b64encode(b"short").decode())
