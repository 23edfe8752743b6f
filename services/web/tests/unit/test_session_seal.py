"""What the sessions' bucket is given: a MAC of the id for a key, the JSON sealed; and the
key every replica must share, required in production."""

import base64
import os

import pytest
from pydantic import ValidationError

from web.session_store import Seal
from web.settings import WebSettings, session_key


def test_a_sealed_session_opens_with_its_key_under_its_name_only() -> None:
    key = os.urandom(32)
    seal = Seal(key)
    name = seal.name("the-cookie-value")
    assert "the-cookie-value" not in name and name == Seal(key).name("the-cookie-value")
    assert name != seal.name("another-cookie-value")
    sealed = seal.seal(name, b'{"tokens":{"access":"secret-token"}}')
    assert b"secret-token" not in sealed
    assert Seal(key).open(name, sealed) == b'{"tokens":{"access":"secret-token"}}'
    assert seal.open(seal.name("another-cookie-value"), sealed) is None  # moved to another id
    assert Seal(os.urandom(32)).open(name, sealed) is None  # another key (rotated)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert seal.open(name, tampered) is None
    assert seal.open(name, b"short") is None


def test_production_needs_the_replicas_shared_key_of_32_bytes() -> None:
    with pytest.raises(ValidationError, match="WEB_SESSION_KEY must be set"):
        WebSettings(production=True)
    with pytest.raises(ValidationError, match="32 bytes"):
        WebSettings(web_session_key=base64.b64encode(b"too short").decode())
    with pytest.raises(ValidationError, match="32 bytes"):
        WebSettings(web_session_key="not base64!")
    key = os.urandom(32)
    given = WebSettings(production=True, web_session_key=base64.b64encode(key).decode())
    assert session_key(given) == key


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    key = os.urandom(32)
    monkeypatch.setenv("WEB_SESSION_KEY", base64.b64encode(key).decode())
    monkeypatch.setenv("PRODUCTION", "true")
    assert session_key(WebSettings()) == key
    monkeypatch.delenv("WEB_SESSION_KEY")
    with pytest.raises(ValidationError):
        WebSettings()
    monkeypatch.delenv("PRODUCTION")
    assert len(session_key(WebSettings())) == 32  # a process's own, outside production
    assert session_key(WebSettings()) != session_key(WebSettings())


def test_a_signed_out_visitor_s_csrf_token_is_the_same_on_every_replica_sharing_the_key(
        ) -> None:
    from web.session_store import InMemorySessionStore, Sessions
    key = os.urandom(32)
    one, other = (Sessions(InMemorySessionStore(60), key) for _ in range(2))
    visitor = one.anonymous()
    assert other.anonymous(visitor.session_id).csrf_token == visitor.csrf_token
    assert Sessions(InMemorySessionStore(60), os.urandom(32)).anonymous(
        visitor.session_id).csrf_token != visitor.csrf_token
    assert one.anonymous().session_id != visitor.session_id  # none given: a new id
    assert one.anonymous("../not-an-id").session_id != "../not-an-id"
