"""Where sessions are kept: a port, a JetStream key-value bucket shared by every replica
(`NatsSessionStore`), and its in-memory fake for the unit tests. `Sessions` is what a
request does with them: read, renew, and write its changes back by compare-and-set, so
that neither its write nor a concurrent one (another tab, another replica) is lost."""

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contracts.subjects import WEB_SESSIONS_BUCKET
from kit.keyvalue import Bucket, KeyValueUnavailableError, RevisionConflictError, open_bucket
from web.sessions import OFFERS_KEPT, SESSION_ID, Session, decode, encode, state, with_state

TOUCH_S = 60.0  # a session only read is written again after this long, to keep it alive
TRIES = 20  # compare-and-set attempts before a write gives up (a 503)


class SessionsUnavailableError(Exception):
    """The session store cannot be reached: a 503 page, never a half-signed-in one."""


class SessionStore(Protocol):
    """Sessions by id, each at a revision; a session unwritten for the idle time is gone."""

    async def load(self, session_id: str) -> Session | None: ...

    async def create(self, session: Session) -> bool:
        """Stored under its new id (its revision set); False if the id is taken."""

    async def replace(self, session: Session) -> bool:
        """Stored if `session.revision` is still the latest (its new revision set); False
        when another write came first."""

    async def forget(self, session_id: str) -> None: ...

    async def open(self) -> None: ...

    async def close(self) -> None: ...


class Seal:
    """What the bucket holds of a session, and under which key: neither gives anything away
    to whoever can read the bucket (NATS's operators, a backup of its disk). The key is a
    MAC of the session id, not the id the cookie carries; the value is the session's JSON,
    tokens and drafts included, encrypted (AES-GCM, bound to that key)."""

    def __init__(self, key: bytes) -> None:
        self._mac_key = hmac.new(key, b"pu-web-session-id", hashlib.sha256).digest()
        self._aead = AESGCM(hmac.new(key, b"pu-web-session-value", hashlib.sha256).digest())

    def name(self, session_id: str) -> str:
        return hmac.new(self._mac_key, session_id.encode(), hashlib.sha256).hexdigest()

    def seal(self, name: str, data: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, name.encode())

    def open(self, name: str, sealed: bytes) -> bytes | None:
        """The JSON, or None when it was sealed with another key (a key rotated) or altered."""
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], name.encode())
        except (InvalidTag, ValueError):
            return None


class NatsSessionStore:
    """The sessions in a JetStream key-value bucket whose TTL is the idle time, opened as
    the app starts; sealed (`Seal`) with the key every replica is given."""

    def __init__(self, nats_url: str, idle_s: float, key: bytes, replicas: int = 1) -> None:
        self.nats_url, self.idle_s, self.replicas = nats_url, idle_s, replicas
        self._seal = Seal(key)
        self._bucket: Bucket | None = None

    async def open(self) -> None:
        self._bucket = await open_bucket(self.nats_url, "web", WEB_SESSIONS_BUCKET,
                                         self.idle_s, self.replicas)

    @property
    def bucket(self) -> Bucket:
        if self._bucket is None:
            raise SessionsUnavailableError("not opened")
        return self._bucket

    async def load(self, session_id: str) -> Session | None:
        name = self._seal.name(session_id)
        try:
            found = await self.bucket.get(name)
        except KeyValueUnavailableError as error:
            raise SessionsUnavailableError from error
        data = None if found is None else self._seal.open(name, found.value)
        return None if found is None or data is None else decode(session_id, found.revision,
                                                                   data)

    async def create(self, session: Session) -> bool:
        return await self._write(session, 0)

    async def replace(self, session: Session) -> bool:
        return await self._write(session, session.revision)

    async def _write(self, session: Session, revision: int) -> bool:
        name = self._seal.name(session.session_id)
        sealed = self._seal.seal(name, encode(session))
        try:
            if revision:
                session.revision = await self.bucket.update(name, sealed, revision)
            else:
                session.revision = await self.bucket.create(name, sealed)
        except RevisionConflictError:
            return False
        except KeyValueUnavailableError as error:
            raise SessionsUnavailableError from error
        return True

    async def forget(self, session_id: str) -> None:
        try:
            await self.bucket.delete(self._seal.name(session_id))
        except KeyValueUnavailableError as error:
            raise SessionsUnavailableError from error

    async def close(self) -> None:
        if self._bucket is not None:
            await self._bucket.close()


class InMemorySessionStore:
    """The fake: the same JSON, revisions and idle expiry, in this process only; the least
    recently written forgotten past `capacity`. `available = False` stands for NATS gone."""

    def __init__(self, idle_s: float, capacity: int = 100_000) -> None:
        self.idle_s, self.capacity = idle_s, capacity
        self.available = True
        self._kept: OrderedDict[str, tuple[bytes, int, float]] = OrderedDict()
        self._revision = 0

    async def load(self, session_id: str) -> Session | None:
        self._check()
        kept = self._kept.get(session_id)
        if kept is None or time.monotonic() - kept[2] > self.idle_s:
            self._kept.pop(session_id, None)
            return None
        return decode(session_id, kept[1], kept[0])

    async def create(self, session: Session) -> bool:
        self._check()
        if session.session_id in self._kept:
            return False
        self._put(session)
        return True

    async def replace(self, session: Session) -> bool:
        self._check()
        kept = self._kept.get(session.session_id)
        if kept is None or kept[1] != session.revision:
            return False
        self._put(session)
        return True

    def _put(self, session: Session) -> None:
        self._revision += 1
        session.revision = self._revision
        self._kept[session.session_id] = (encode(session), self._revision, time.monotonic())
        self._kept.move_to_end(session.session_id)
        while len(self._kept) > self.capacity:
            self._kept.popitem(last=False)

    async def forget(self, session_id: str) -> None:
        self._check()
        self._kept.pop(session_id, None)

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def _check(self) -> None:
        if not self.available:
            raise SessionsUnavailableError

    def __len__(self) -> int:
        return len(self._kept)


class Sessions:
    """What requests do with the store.

    A visitor's session is stored only once it holds something (a sign-in, a message for
    the next page, a draft): reading pages signed out writes nothing, so a crawler or a
    flood of cookieless requests does not fill the bucket. Such a session lives in its
    cookie's id alone, its CSRF token a MAC of that id under `key` (the replicas' shared
    one), the same on every page and replica until the id changes at sign-in."""

    def __init__(self, store: SessionStore, key: bytes | None = None) -> None:
        self.store = store
        self._csrf_key = hmac.new(key or os.urandom(32), b"pu-web-csrf", hashlib.sha256).digest()

    def anonymous(self, session_id: str | None = None) -> Session:
        """A session not stored (yet): the cookie's id when it is well formed (one whose
        stored session is gone, say), else a new one."""
        if not session_id or not SESSION_ID.fullmatch(session_id):
            session_id = secrets.token_urlsafe(32)
        mac = hmac.new(self._csrf_key, session_id.encode(), hashlib.sha256).digest()
        return Session(session_id, base64.urlsafe_b64encode(mac).decode().rstrip("="))

    async def get(self, session_id: str | None) -> Session | None:
        """The session the cookie names, if it is one and still kept."""
        if not session_id or not SESSION_ID.fullmatch(session_id):
            return None
        return await self.store.load(session_id)

    async def renew(self, session: Session) -> Session:
        """A new id (and CSRF token) for the same visitor, as they sign in or out: an id
        someone planted or saw before cannot follow them into their signed-in session."""
        if session.revision:
            await self.store.forget(session.session_id)
        return self.anonymous()

    async def save(self, session: Session, before: dict[str, Any] | None) -> None:
        """A request's changes to the session it read (`before`: its state then), merged
        into the latest; a new session stored whole."""
        if not session.revision:
            if not worth_keeping(session):
                return
            session.seen_at = time.time()
            if not await self.store.create(session):
                raise SessionsUnavailableError("session id taken")
            return
        ours = changes(before or {}, state(session))
        if ours or time.time() - session.seen_at > TOUCH_S:
            await self.update(session.session_id, lambda latest: merged(latest, before, ours))

    async def update(self, session_id: str, change: Callable[[Session], Session],
                     ) -> Session | None:
        """`change` applied to the latest session and written if no other write came
        first, else again on the newer one; None when the session is gone."""
        for _ in range(TRIES):
            latest = await self.store.load(session_id)
            if latest is None:
                return None
            changed = change(latest)
            changed.seen_at = time.time()
            if await self.store.replace(changed):
                return changed
        raise SessionsUnavailableError("too many concurrent writes")

    async def open(self) -> None:
        await self.store.open()

    async def close(self) -> None:
        await self.store.close()


def worth_keeping(session: Session) -> bool:
    """Whether a session not stored yet holds anything its id and CSRF token do not."""
    return bool(session.tokens or session.user or session.flash or session.told
                or session.offers or session.refreshing)


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in after.items()
            if name != "seen_at" and before.get(name) != value}


def merged(latest: Session, before: dict[str, Any] | None, ours: dict[str, Any]) -> Session:
    """Our changes over the latest: a value we set wins; a one-shot value we consumed (a
    flash shown) is cleared only if it is still the one we read, not a newer one; offers
    we added or dropped, beside the ones another request added."""
    read = before or {}
    theirs = state(latest)
    for name, value in ours.items():
        if name == "offers":
            theirs["offers"] = merged_offers(read.get("offers") or [], value, theirs["offers"])
        elif value is None and theirs.get(name) != read.get(name):
            continue  # another request set a newer one since we read it
        else:
            theirs[name] = value
    return with_state(latest.session_id, latest.revision, theirs)


def merged_offers(read: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    dropped = {key for key, _ in read} - {key for key, _ in ours}
    added = [[key, prefill] for key, prefill in ours if key not in {k for k, _ in read}]
    kept = [[key, prefill] for key, prefill in theirs if key not in dropped]
    return [*kept, *added][-OFFERS_KEPT:]
