"""Accounts through identity's HANDLERS: sign-up, the caller's own account, consents, staff
roles, erasure and the audit trail."""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from uuid import uuid4

import orjson
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal, Reply
from identity import handlers
from identity.adapters import sql
from identity.deps import Deps
from identity.domain import SignUpLimit
from identity.hashing import PasswordHashing
from kit import rpc
from kit.usecases import serve
from tests.platform import eventually
from tests.service_tier import Tier, person

PASSWORD = "a-long-password-1"  # the conftest's sign_up gives everyone this one
ADMIN = person("admin")
SignUp = Callable[..., Awaitable[Principal]]
CountEvents = Callable[..., Awaitable[int]]


def account_body(email: str, **overrides: object) -> dict:
    return {"email": email, "password": PASSWORD, "display_name": "Meera", "role": "patient",
            "consents": [{"purpose": "terms", "version": "1"}], **overrides}


async def test_a_new_account_reads_itself_back(identity: Tier) -> None:
    created = await identity.call("register_account", account_body(
        "meera@example.in", role="caregiver", preferred_language="hi"))
    assert created.status == 201
    me = await identity.ok("get_me", by=person("caregiver", user_id=created.body["user_id"]))
    assert me == {"user_id": created.body["user_id"], "display_name": "Meera",
                  "roles": ["caregiver"], "profession": None, "verified": False,
                  "preferred_language": "hi"}
    assert (await identity.call("get_me")).status == 401


async def test_sign_up_refusals_name_their_field_and_write_nothing(
        identity: Tier, sign_up: SignUp, count_events: CountEvents) -> None:
    await sign_up("taken@example.in")
    weak = await identity.call("register_account", account_body("a@example.in",
                                                                password="password123"))
    phone = await identity.call("register_account", account_body(None, phone="12345"))
    taken = await identity.call("register_account", account_body("TAKEN@example.in"))
    assert (weak.status, weak.body["errors"][0]["field"]) == (422, "password")
    assert (phone.status, phone.body["errors"][0]["field"]) == (422, "phone")
    assert taken.status == 409
    assert await count_events("AccountRegistered") == 1


async def test_concurrent_sign_ups_with_one_email_make_one_account(
        identity: Tier, count_events: CountEvents) -> None:
    replies = await asyncio.gather(*(identity.call("register_account",
                                                   account_body("twice@example.in"))
                                     for _ in range(4)))
    assert sorted(r.status for r in replies) == [201, 409, 409, 409]
    assert await count_events("AccountRegistered") == 1


async def test_a_repeated_idempotency_key_makes_one_account(
        identity: Tier, count_events: CountEvents) -> None:
    replies = await asyncio.gather(*(identity.call(
        "register_account", account_body("once@example.in"), idempotency_key="k-1")
        for _ in range(4)))
    assert {r.status for r in replies} == {201}
    assert len({r.body["user_id"] for r in replies}) == 1
    assert await count_events("AccountRegistered") == 1


async def test_consents_are_versioned_and_only_the_terms_stay(
        identity: Tier, sign_up: SignUp, count_events: CountEvents) -> None:
    me = await sign_up("consenting@example.in")
    body = {"purpose": "adr_follow_up_contact", "version": "2026-11"}
    given = await identity.ok("give_consent", body, me)
    assert body in given["items"]
    assert await identity.ok("give_consent", body, me) == given  # the same again: no event
    assert await count_events("ConsentGiven", f"account-{me.user_id}") == 2  # and the terms
    withdrawn = await identity.ok("withdraw_consent", {"purpose": body["purpose"]}, me)
    assert withdrawn == await identity.ok("list_consents", by=me)
    assert withdrawn["items"] == [{"purpose": "terms", "version": "1"}]
    terms = await identity.call("withdraw_consent", {"purpose": "terms"}, me)
    assert (terms.status, terms.body["errors"][0]["field"]) == (422, "purpose")


async def test_ten_parallel_consent_changes_are_each_one_event_or_a_conflict(
        identity: Tier, sign_up: SignUp, count_events: CountEvents) -> None:
    me = await sign_up("busy@example.in")
    replies = await asyncio.gather(*(identity.call(
        "give_consent", {"purpose": "health_data_processing", "version": f"v{n}"}, me)
        for n in range(10)))
    statuses = [r.status for r in replies]
    assert set(statuses) <= {200, 409} and 200 in statuses
    stream = f"account-{me.user_id}"
    assert await count_events("ConsentGiven", stream) == 1 + statuses.count(200)
    shown = await identity.ok("list_consents", by=me)
    assert {"purpose": "terms", "version": "1"} in shown["items"] and len(shown["items"]) == 2


async def test_admins_give_staff_roles_and_the_base_role_stays(
        identity: Tier, sign_up: SignUp) -> None:
    officer = await sign_up("officer@example.in")
    body = {"user_id": str(officer.user_id), "roles": ["pv_officer"], "reason": "PV team"}
    assert (await identity.call("set_roles", body, officer)).status == 403
    assert (await identity.call("set_roles", body)).status == 401
    granted = await identity.ok("set_roles", body, ADMIN)
    assert granted == {"user_id": str(officer.user_id), "roles": ["patient", "pv_officer"]}
    assert (await identity.ok("get_me", by=officer))["roles"] == ["patient", "pv_officer"]
    for refused in ({**body, "roles": ["professional"]}, {**body, "roles": "admin"}, {}):
        assert (await identity.call("set_roles", refused, ADMIN)).status == 422
    unknown = await identity.call("set_roles", {**body, "user_id": str(uuid4())}, ADMIN)
    assert unknown.status == 404


async def test_an_admin_keeps_their_own_admin_role(identity: Tier, sign_up: SignUp) -> None:
    admin = await sign_up("second.admin@example.in")
    await identity.ok("set_roles", {"user_id": str(admin.user_id), "roles": ["admin"]}, ADMIN)
    as_admin = person("admin", user_id=admin.user_id)
    dropped = await identity.call("set_roles", {"user_id": str(admin.user_id),
                                                "roles": ["moderator"]}, as_admin)
    assert (dropped.status, dropped.body["errors"][0]["field"]) == (422, "roles")


async def test_six_parallel_role_changes_are_each_one_event_or_a_conflict(
        identity: Tier, sign_up: SignUp, engine: AsyncEngine,
        count_events: CountEvents) -> None:
    member = await sign_up("contested@example.in")
    choices = [["moderator"], ["pv_officer"], ["moderator", "pv_officer"], ["voices_curator"],
               ["survey_manager"], ["assistance_officer"]]
    replies = await asyncio.gather(*(identity.call(
        "set_roles", {"user_id": str(member.user_id), "roles": roles}, ADMIN)
        for roles in choices))
    statuses = [r.status for r in replies]
    assert set(statuses) <= {200, 409} and 200 in statuses
    stream = f"account-{member.user_id}"
    assert await count_events("RolesChanged", stream) == statuses.count(200)
    async with engine.connect() as conn:
        last = await conn.scalar(sa.select(sql.store.events.c.data).where(
            sql.store.events.c.stream_id == stream).order_by(
                sql.store.events.c.version.desc()).limit(1))
    assert (await identity.ok("get_me", by=member))["roles"] == last["roles"]


async def test_erasure_ends_the_account_and_its_personal_data(
        identity: Tier, sign_up: SignUp, engine: AsyncEngine) -> None:
    me = await sign_up("erase.me@example.in", display_name="Zoya Erasable")
    erased = await identity.call("erase_me", by=me)
    assert (erased.status, erased.body) == (202, {"status": "erased"})
    assert (await identity.call("get_me", by=me)).status == 401
    assert (await identity.call("erase_me", by=me)).status == 404
    assert (await identity.call("give_consent", {"purpose": "terms", "version": "2"},
                                me)).status == 404
    roles = await identity.call("set_roles", {"user_id": str(me.user_id), "roles": []}, ADMIN)
    assert roles.status == 404
    assert (await identity.ok("list_consents", by=me))["items"] == []
    signing_in = await identity.call("issue_token", {"username": "erase.me@example.in",
                                                     "password": PASSWORD})
    assert signing_in.status == 401
    history = await identity.ok("user_history", {"user_id": str(me.user_id)}, ADMIN)
    assert [h["event_type"] for h in history["history"]][-1] == "PersonErased"
    async with engine.connect() as conn:
        row = (await conn.execute(sa.select(sql.accounts).where(
            sql.accounts.c.user_id == me.user_id))).one()
    assert "Zoya" not in str(history) + str(row) and row.password_hash is None


async def test_the_audit_trail_is_for_admins_and_holds_no_personal_data(
        identity: Tier, sign_up: SignUp) -> None:
    member = await sign_up("audited@example.in", display_name="Audited Person")
    await identity.ok("set_roles", {"user_id": str(member.user_id), "roles": ["moderator"],
                                    "reason": "community lead"}, ADMIN)
    trail = await identity.ok("user_history", {"user_id": str(member.user_id)}, ADMIN)
    assert [h["event_type"] for h in trail["history"]] == [
        "AccountRegistered", "CredentialsSet", "ConsentGiven", "SandboxApplied",
        "RolesChanged"]
    assert trail["history"][-1]["details"]["reason"] == "community lead"
    assert trail["history"][-1]["actor"] == str(ADMIN.user_id)
    assert "audited" not in str(trail).lower() and "argon2" not in str(trail)
    assert (await identity.call("user_history", {"user_id": str(member.user_id)},
                                member)).status == 403
    assert (await identity.call("user_history", {"user_id": str(uuid4())}, ADMIN)).status == 404


def new_account(n: int) -> dict:
    return {"email": f"camp{n}@example.in", "password": "a-long-password-1",
            "display_name": "Meera", "role": "patient",
            "consents": [{"purpose": "terms", "version": "1"}]}


async def register_from(identity: Tier, address: str, n: int) -> Reply:
    subject = "rpc.identity.register_account"
    request = rpc.Request(subject, orjson.dumps(new_account(n)), None, "test", None, "en",
                          address)
    return await rpc.dispatch("identity", identity.routes[subject], request, {})


def tier_of(deps: Deps) -> Tier:
    return Tier("identity", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=deps.db,
                                  idempotency=sql.idempotency))


async def test_sign_ups_per_address_are_limited_with_a_retry_after(deps: Deps) -> None:
    identity = tier_of(replace(deps, sign_ups=SignUpLimit(per_address=3, window_s=600)))
    replies = [await register_from(identity, "198.51.100.7", n) for n in range(5)]
    assert [r.status for r in replies] == [201, 201, 201, 429, 429]
    assert 0 < replies[-1].body["retry_after"] <= 601
    assert (await register_from(identity, "198.51.100.8", 9)).status == 201  # another address


class BlockedHasher(PasswordHasher):
    """Hashes only once let go: the pool stays full meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.go.wait(timeout=30)
        return super().hash(password, salt=salt)


async def test_a_full_hashing_pool_answers_503_at_once_instead_of_queueing(
        deps: Deps) -> None:
    blocked = BlockedHasher()
    pool = PasswordHashing(blocked, threads=2, bound=4)
    identity = tier_of(replace(deps, hashing=pool))
    waiting = [asyncio.create_task(register_from(identity, f"203.0.113.{n}", n))
               for n in range(2)]  # sign-ups may take half the bound

    async def full() -> bool:
        return pool.in_flight >= 2

    await eventually(full, timeout=10)
    busy = await register_from(identity, "203.0.113.99", 99)
    assert busy.status == 503 and busy.body["retry_after"] > 0
    blocked.go.set()
    assert [r.status for r in await asyncio.gather(*waiting)] == [201, 201]
    assert (await register_from(identity, "203.0.113.99", 99)).status == 201
