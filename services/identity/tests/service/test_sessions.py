"""Signing in through identity's HANDLERS: tokens, throttling and lockout, refresh-token
rotation and reuse, signing out, and the key tokens are verified with."""

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import replace

import jwt
import orjson
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal, Reply
from identity import handlers
from identity.adapters import sql
from identity.deps import Deps
from identity.hashing import PasswordHashing
from kit import rpc
from kit.usecases import serve
from tests.service_tier import Tier, person

PASSWORD = "a-long-password-1"  # the conftest's sign_up gives everyone this one
SignUp = Callable[..., Awaitable[Principal]]


class CountingHasher(PasswordHasher):
    """The real hasher, counting the passwords it checks."""

    checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.checks += 1
        return super().verify(hash, password)
CountEvents = Callable[..., Awaitable[int]]


async def tokens(identity: Tier, username: str, password: str = PASSWORD) -> dict:
    return await identity.ok("issue_token", {"username": username, "password": password})


async def test_tokens_are_signed_with_the_key_identity_publishes(
        identity: Tier, sign_up: SignUp) -> None:
    me = await sign_up("signed@example.in")
    issued = await tokens(identity, " Signed@Example.in ")
    key = await identity.ok("signing_key")
    claims = jwt.decode(issued["access_token"], key["public_key_pem"],
                        algorithms=[key["algorithm"]], audience=key["audience"],
                        issuer=key["issuer"])
    assert claims["sub"] == str(me.user_id) and claims["roles"] == ["patient"]
    assert jwt.get_unverified_header(issued["access_token"])["kid"] == key["kid"]
    assert issued["token_type"] == "bearer" and issued["expires_in"] == 900


async def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(
        identity: Tier, sign_up: SignUp) -> None:
    await sign_up("known@example.in")
    wrong = await identity.call("issue_token", {"username": "known@example.in",
                                                "password": "wrong-password-0"})
    unknown = await identity.call("issue_token", {"username": "ghost@example.in",
                                                  "password": "wrong-password-0"})
    garbled = await identity.call("issue_token", {"username": "not a name",
                                                  "password": "wrong-password-0"})
    assert wrong.status == unknown.status == garbled.status == 401
    assert wrong.body == unknown.body == garbled.body
    assert wrong.body["title"] == "Invalid credentials"


async def test_repeated_failures_lock_the_name_however_it_is_typed(
        identity: Tier, sign_up: SignUp, engine: AsyncEngine) -> None:
    await sign_up("target@example.in")
    for n in range(3):  # the tier's login_failures_per_account
        failed = await identity.call("issue_token", {"username": "target@example.in",
                                                     "password": f"wrong-password-{n}"})
        assert failed.status == 401  # and yet the failure was counted, committed
    for written in ("target@example.in", "TARGET@example.IN"):
        locked = await identity.call("issue_token", {"username": written,
                                                     "password": PASSWORD})
        assert locked.status == 429 and locked.body["title"] == "Too many attempts"
        assert "try again in" in locked.body["detail"]
    async with engine.connect() as conn:
        lockouts = (await conn.execute(sa.select(sql.login_failures.c.lockouts))).scalars()
    assert sorted(lockouts) == [0, 0, 1]  # the name locked once; address and pair counted


async def test_a_right_password_clears_the_failures_of_the_address(
        identity: Tier, sign_up: SignUp) -> None:
    await sign_up("forgetful@example.in")
    for _round in range(2):
        for n in range(2):
            await identity.call("issue_token", {"username": "forgetful@example.in",
                                                "password": f"wrong-password-{n}"})
        await tokens(identity, "forgetful@example.in")


async def past_the_grace(engine: AsyncEngine, refresh_token: str) -> None:
    """The token's first use 31 s ago (the grace is 30 s): a second use is a reuse."""
    async with engine.begin() as conn:
        await conn.execute(sql.refresh_tokens.update().where(
            sql.refresh_tokens.c.token_hash == hashlib.sha256(refresh_token.encode()).hexdigest()
        ).values(used_at=sa.func.now() - sa.text("interval '31 seconds'")))


async def test_refresh_tokens_rotate_and_a_reused_one_ends_the_family(
        identity: Tier, sign_up: SignUp, engine: AsyncEngine) -> None:
    await sign_up("rotating@example.in")
    first = await tokens(identity, "rotating@example.in")
    second = await identity.ok("refresh_token", {"refresh_token": first["refresh_token"]})
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"]
    await past_the_grace(engine, first["refresh_token"])
    reused = await identity.call("refresh_token", {"refresh_token": first["refresh_token"]})
    assert reused.status == 401 and "already used" in reused.body["detail"]
    after = await identity.call("refresh_token", {"refresh_token": second["refresh_token"]})
    assert after.status == 401  # the revocation committed, though the reply was a refusal
    bad = await identity.call("refresh_token", {"refresh_token": "x" * 43})
    assert bad.status == 401 and "not valid" in bad.body["detail"]


async def test_two_simultaneous_refreshes_with_one_token_both_succeed_in_one_session(
        identity: Tier, sign_up: SignUp, count_events: CountEvents) -> None:
    """A phone retrying a refresh on a flaky network does not lose its session."""
    await sign_up("two.tabs@example.in")
    first = await tokens(identity, "two.tabs@example.in")
    body = {"refresh_token": first["refresh_token"]}
    replies = await asyncio.gather(identity.call("refresh_token", body),
                                   identity.call("refresh_token", body))
    assert [r.status for r in replies] == [200, 200]
    sessions = {jwt.decode(r.body["access_token"], options={"verify_signature": False})["sid"]
                for r in replies}
    assert len(sessions) == 1 and await count_events("SessionEnded") == 0
    kept, dropped = (r.body["refresh_token"] for r in replies)
    assert (await identity.call("refresh_token", {"refresh_token": kept})).status == 200
    # The other pair of the retry is revoked by the first refresh of its sibling.
    assert (await identity.call("refresh_token", {"refresh_token": dropped})).status == 401


async def test_a_retried_refresh_by_someone_else_is_a_reuse(
        identity: Tier, sign_up: SignUp) -> None:
    await sign_up("mine@example.in")
    first = await tokens(identity, "mine@example.in")
    body = {"refresh_token": first["refresh_token"]}
    await identity.ok("refresh_token", body)
    assert (await identity.call("refresh_token", body, person("patient"))).status == 401


async def test_signing_out_and_a_reuse_publish_that_the_session_ended(
        identity: Tier, sign_up: SignUp, count_events: CountEvents,
        engine: AsyncEngine) -> None:
    me = await sign_up("ended@example.in")
    out = await tokens(identity, "ended@example.in")
    await identity.ok("logout", {"refresh_token": out["refresh_token"]}, me)
    assert await count_events("SessionEnded") == 1
    reused = await tokens(identity, "ended@example.in")
    await identity.ok("refresh_token", {"refresh_token": reused["refresh_token"]})
    await past_the_grace(engine, reused["refresh_token"])
    await identity.call("refresh_token", {"refresh_token": reused["refresh_token"]})
    assert await count_events("SessionEnded") == 2
    sid = jwt.decode(reused["access_token"], options={"verify_signature": False})["sid"]
    assert sid != jwt.decode(out["access_token"], options={"verify_signature": False})["sid"]


async def test_signing_out_revokes_only_the_callers_own_session(
        identity: Tier, sign_up: SignUp) -> None:
    me = await sign_up("leaving@example.in")
    await sign_up("staying@example.in")
    mine = await tokens(identity, "leaving@example.in")
    theirs = await tokens(identity, "staying@example.in")
    assert (await identity.call("logout",
                                {"refresh_token": mine["refresh_token"]})).status == 401
    assert await identity.ok("logout", {"refresh_token": theirs["refresh_token"]}, me) == {
        "status": "signed_out"}
    assert await identity.ok("logout", {"refresh_token": mine["refresh_token"]}, me) == {
        "status": "signed_out"}
    assert (await identity.call("refresh_token", {
        "refresh_token": mine["refresh_token"]})).status == 401
    assert (await identity.call("refresh_token", {
        "refresh_token": theirs["refresh_token"]})).status == 200


async def test_an_erased_account_can_neither_sign_in_nor_refresh(
        identity: Tier, sign_up: SignUp) -> None:
    me = await sign_up("gone@example.in")
    issued = await tokens(identity, "gone@example.in")
    await identity.ok("erase_me", by=me)
    assert (await identity.call("issue_token", {"username": "gone@example.in",
                                                "password": PASSWORD})).status == 401
    assert (await identity.call("refresh_token", {
        "refresh_token": issued["refresh_token"]})).status == 401
    assert (await identity.call("get_me", by=person("patient", user_id=me.user_id))
            ).status == 401


async def call_from(identity: Tier, address: str, operation: str, body: dict) -> Reply:
    """A call from another client address than the tier's own."""
    subject = f"rpc.identity.{operation}"
    request = rpc.Request(subject, orjson.dumps(body), None, "test", None, "en", address)
    return await rpc.dispatch("identity", identity.routes[subject], request, {})


def wrong(n: int) -> dict:
    return {"username": "guessed@example.in", "password": f"wrong-password-{n}"}


async def test_parallel_guesses_check_no_more_passwords_than_the_limit(
        deps: Deps, sign_up: SignUp) -> None:
    await sign_up("guessed@example.in")
    counting = CountingHasher()
    deps = replace(deps, hashing=PasswordHashing(counting, bound=64),
                   throttle=replace(deps.throttle, failures_per_name=10))
    identity = Tier("identity", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS,
                                      db=deps.db, idempotency=sql.idempotency))
    replies = await asyncio.gather(*(call_from(identity, f"10.0.0.{n}", "issue_token", wrong(n))
                                     for n in range(40)))
    assert counting.checks <= 10
    assert sorted({r.status for r in replies}) == [401, 429]
    assert all("retry_after" in r.body for r in replies if r.status == 429)


async def test_the_owners_known_address_signs_in_while_the_account_is_locked(
        identity: Tier, sign_up: SignUp) -> None:
    await sign_up("guessed@example.in")
    right = {"username": "guessed@example.in", "password": PASSWORD}
    assert (await call_from(identity, "10.1.1.1", "issue_token", right)).status == 200
    for n in range(3):  # the tier's limit per account, from elsewhere
        await call_from(identity, f"10.9.9.{n}", "issue_token", wrong(n))
    assert (await call_from(identity, "10.9.9.200", "issue_token", right)).status == 429
    assert (await call_from(identity, "10.1.1.1", "issue_token", right)).status == 200


async def test_one_guesser_behind_a_nat_locks_only_itself_out_of_an_account(
        identity: Tier, sign_up: SignUp) -> None:
    await sign_up("guessed@example.in")
    await sign_up("neighbour@example.in")
    for n in range(5):  # the pair's limit, then back-off
        await call_from(identity, "100.64.0.1", "issue_token", wrong(n))
    locked = await call_from(identity, "100.64.0.1", "issue_token",
                             {"username": "guessed@example.in", "password": PASSWORD})
    assert locked.status == 429 and locked.body["retry_after"] > 0
    assert (await call_from(identity, "100.64.0.1", "issue_token", {
        "username": "neighbour@example.in", "password": PASSWORD})).status == 200
