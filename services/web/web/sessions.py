"""A visitor's session: the API's tokens never reach the browser, which holds only a random
session id in an HttpOnly cookie. Kept in a store every replica shares
(`web.session_store`), as JSON sealed there (`Seal`): times are wall-clock seconds, the
same on each."""

import json
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

COOKIE = "pu_session"
EXPIRY_MARGIN_S = 30  # refresh a little before the access token expires
UNREAD_TTL_S = 15  # how long the header's unread count is shown before it is asked again
OFFERS_KEPT = 10  # side-effect report drafts offered, kept for the author to open
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


@dataclass
class Tokens:
    access: str
    refresh: str
    expires_at: float  # wall-clock seconds

    @classmethod
    def issued(cls, reply: dict[str, object]) -> "Tokens":
        """From the API's token reply (`access_token`, `refresh_token`, `expires_in`)."""
        lifetime = float(str(reply["expires_in"])) - EXPIRY_MARGIN_S
        return cls(str(reply["access_token"]), str(reply["refresh_token"]),
                   time.time() + lifetime)

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


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
    # What the API told the author of their last write (a post held, the helpline), shown
    # once on the next page; the drafts it offered, by a random key, for the report form.
    told: dict[str, Any] | None = None
    offers: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    unread: int | None = None  # notifications, as last asked
    unread_at: float = 0.0
    # The request that is refreshing the tokens (any replica's), until when: the others
    # wait for its new tokens rather than spend the refresh token a second time.
    refreshing: str | None = None
    refreshing_until: float = 0.0
    seen_at: float = field(default_factory=time.time)  # written last
    revision: int = 0  # the store's revision this was read at; 0: not stored yet

    @classmethod
    def fresh(cls) -> "Session":
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32))

    def keep_offer(self, prefill: dict[str, Any]) -> str:
        """A key for this report draft, opened by `/report?offer=<key>`."""
        key = secrets.token_urlsafe(12)
        self.offers[key] = prefill
        while len(self.offers) > OFFERS_KEPT:
            self.offers.popitem(last=False)
        return key

    @property
    def unread_stale(self) -> bool:
        return time.time() - self.unread_at > UNREAD_TTL_S

    @property
    def signed_in(self) -> bool:
        return self.tokens is not None and self.user is not None


STORED = ("csrf_token", "tokens", "user", "flash", "told", "offers", "unread", "unread_at",
          "refreshing", "refreshing_until", "seen_at")


def state(session: Session) -> dict[str, Any]:
    """What is stored of a session, as JSON values (the id is the key, the revision the
    store's)."""
    fields = {name: getattr(session, name) for name in STORED}
    tokens, user = session.tokens, session.user
    fields["tokens"] = tokens and {"access": tokens.access, "refresh": tokens.refresh,
                                   "expires_at": tokens.expires_at}
    fields["user"] = user and {"user_id": user.user_id, "display_name": user.display_name,
                               "roles": list(user.roles), "verified": user.verified}
    fields["offers"] = [[key, prefill] for key, prefill in session.offers.items()]
    result: dict[str, Any] = json.loads(json.dumps(fields))  # a copy, of JSON types only
    return result


def with_state(session_id: str, revision: int, fields: dict[str, Any]) -> Session:
    tokens, user = fields.get("tokens"), fields.get("user")
    return Session(
        session_id, str(fields["csrf_token"]),
        tokens=Tokens(**tokens) if tokens else None,
        user=User(user["user_id"], user["display_name"], tuple(user["roles"]),
                  bool(user["verified"])) if user else None,
        flash=fields.get("flash"), told=fields.get("told"),
        offers=OrderedDict((key, prefill) for key, prefill in fields.get("offers") or ()),
        unread=fields.get("unread"), unread_at=float(fields.get("unread_at") or 0),
        refreshing=fields.get("refreshing"),
        refreshing_until=float(fields.get("refreshing_until") or 0),
        seen_at=float(fields.get("seen_at") or 0), revision=revision)


def encode(session: Session) -> bytes:
    return json.dumps(state(session), separators=(",", ":")).encode()


def decode(session_id: str, revision: int, data: bytes) -> Session:
    return with_state(session_id, revision, json.loads(data))
