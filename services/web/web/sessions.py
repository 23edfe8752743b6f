"""Sessions kept in this process: the API's tokens never reach the browser, which holds
only a random session id in an HttpOnly cookie."""

import asyncio
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

COOKIE = "pu_session"
EXPIRY_MARGIN_S = 30  # refresh a little before the access token expires
UNREAD_TTL_S = 15  # how long the header's unread count is shown before it is asked again
OFFERS_KEPT = 10  # side-effect report drafts offered, kept for the author to open


@dataclass
class Tokens:
    access: str
    refresh: str
    expires_at: float  # monotonic seconds

    @classmethod
    def issued(cls, reply: dict[str, object]) -> "Tokens":
        """From the API's token reply (`access_token`, `refresh_token`, `expires_in`)."""
        lifetime = float(str(reply["expires_in"])) - EXPIRY_MARGIN_S
        return cls(str(reply["access_token"]), str(reply["refresh_token"]),
                   time.monotonic() + lifetime)

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.expires_at


@dataclass
class User:
    user_id: str
    display_name: str
    roles: tuple[str, ...]
    verified: bool

    def has_any(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


@dataclass
class Session:
    session_id: str
    csrf_token: str
    tokens: Tokens | None = None
    user: User | None = None
    flash: str | None = None  # a message key shown once on the next page
    refreshing: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_seen: float = field(default_factory=time.monotonic)
    # What the API told the author of their last write (a post held, the helpline), shown
    # once on the next page; the drafts it offered, by a random key, for the report form.
    told: dict[str, Any] | None = None
    offers: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    unread: int | None = None  # notifications, as last asked
    unread_at: float = 0.0

    def keep_offer(self, prefill: dict[str, Any]) -> str:
        """A key for this report draft, opened by `/report?offer=<key>`."""
        key = secrets.token_urlsafe(12)
        self.offers[key] = prefill
        while len(self.offers) > OFFERS_KEPT:
            self.offers.popitem(last=False)
        return key

    @property
    def unread_stale(self) -> bool:
        return time.monotonic() - self.unread_at > UNREAD_TTL_S

    @property
    def signed_in(self) -> bool:
        return self.tokens is not None and self.user is not None


class SessionStore:
    """Sessions by id, the least recently used forgotten first."""

    def __init__(self, idle_s: float, capacity: int) -> None:
        self.idle_s, self.capacity = idle_s, capacity
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def get(self, session_id: str | None) -> Session | None:
        session = self._sessions.get(session_id or "")
        if session is None:
            return None
        if time.monotonic() - session.last_seen > self.idle_s:
            self.forget(session.session_id)
            return None
        session.last_seen = time.monotonic()
        self._sessions.move_to_end(session.session_id)
        return session

    def new(self) -> Session:
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
        self._sessions[session.session_id] = session
        while len(self._sessions) > self.capacity:
            self._sessions.popitem(last=False)
        return session

    def renew(self, session: Session) -> Session:
        """A new id (and CSRF token) for the same visitor, as they sign in or out: an id
        someone planted or saw before cannot follow them into their signed-in session."""
        self.forget(session.session_id)
        return self.new()

    def forget(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._sessions)
